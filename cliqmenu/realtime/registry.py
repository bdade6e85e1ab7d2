"""Which client tokens watch which audience: in memory on one worker, a Redis sorted set scaled out."""

from __future__ import annotations

import hashlib
import time
from typing import Protocol

from cliqmenu.settings import get_settings

# A screen re-registers with every heartbeat; three missed heartbeats and it is dropped.
MISSED_HEARTBEATS = 3


def max_age_seconds(heartbeat_seconds: float | None = None) -> float:
    return (heartbeat_seconds or get_settings().heartbeat_seconds) * MISSED_HEARTBEATS + 2


class Registry(Protocol):
    async def add(self, audience: str, token: str) -> None: ...
    async def remove(self, audience: str, token: str) -> None: ...
    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]: ...


class MemoryRegistry:
    def __init__(self) -> None:
        self._seen: dict[str, dict[str, float]] = {}

    async def add(self, audience: str, token: str) -> None:
        self._seen.setdefault(audience, {})[token] = time.monotonic()

    async def remove(self, audience: str, token: str) -> None:
        self._seen.get(audience, {}).pop(token, None)

    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]:
        seen = self._seen.get(audience, {})
        oldest = time.monotonic() - (max_age or max_age_seconds())
        for token in [t for t, at in seen.items() if at < oldest]:
            del seen[token]
        return list(seen)


class RedisRegistry:
    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._namespace = namespace

    def _key(self, audience: str) -> str:
        return f"cliqmenu:{self._namespace}:audience:{audience}"

    async def add(self, audience: str, token: str) -> None:
        key = self._key(audience)
        await self._redis.zadd(key, {token: time.time()})
        await self._redis.expire(key, 3600)

    async def remove(self, audience: str, token: str) -> None:
        await self._redis.zrem(self._key(audience), token)

    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]:
        key = self._key(audience)
        await self._redis.zremrangebyscore(key, 0, time.time() - (max_age or max_age_seconds()))
        return [t.decode() for t in await self._redis.zrange(key, 0, -1)]


_registry: Registry | None = None


def redis_namespace() -> str:
    """Deployments sharing one Redis (or CI runs side by side) each have their own truck 1:
    keys are namespaced by the database the deployment uses."""
    return hashlib.sha256(get_settings().database_url.encode()).hexdigest()[:12]


def get_registry() -> Registry:
    global _registry
    if _registry is None:
        settings = get_settings()
        url = settings.redis_url
        _registry = RedisRegistry(url, redis_namespace()) if url else MemoryRegistry()
    return _registry
