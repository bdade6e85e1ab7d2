"""Which client tokens watch which audience: in memory on one worker, a Redis sorted set scaled out."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Protocol

from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.realtime")

# A screen re-registers with every heartbeat; three missed heartbeats and it is dropped.
MISSED_HEARTBEATS = 3


def max_age_seconds(heartbeat_seconds: float | None = None) -> float:
    return (heartbeat_seconds or get_settings().heartbeat_seconds) * MISSED_HEARTBEATS + 2


class Registry(Protocol):
    async def add(self, audience: str, token: str) -> None: ...
    async def remove(self, audience: str, token: str) -> None: ...
    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]: ...
    def reading(self, audience: str) -> contextlib.AbstractAsyncContextManager[None]: ...


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

    def reading(self, audience: str) -> contextlib.AbstractAsyncContextManager[None]:
        # One process: its push rounds of an audience already run one after another (hub).
        return contextlib.nullcontext()


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

    @contextlib.asynccontextmanager
    async def reading(self, audience: str) -> AsyncIterator[None]:
        """While held, no other worker reads a view of ``audience``: views are read in the order
        of their versions, so a screen's newest version is always its newest data. Without it,
        a worker slowed down between taking its version and reading could push older data
        under a newer version, and an order would vanish from a screen (seen at 80 orders/s)."""
        lock = self._redis.lock(
            f"cliqmenu:{self._namespace}:reading:{audience}",
            timeout=10,
            sleep=0.002,
            blocking_timeout=10,
        )
        try:
            acquired = await lock.acquire()
        except Exception:  # Redis away: pushes go on; the screens' reloads catch up
            log.warning("no read lock for %s; pushing without it", audience)
            acquired = False
        try:
            yield
        finally:
            if acquired:
                with contextlib.suppress(Exception):  # expired meanwhile: nothing to release
                    await lock.release()


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
