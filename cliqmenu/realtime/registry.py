"""Which client tokens watch which audience: in memory on one worker, in Redis scaled out,
where each worker pushes to the screens it holds and hears of changes made on the others."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
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
    async def announce(self, kind: str, key: int | str) -> None: ...
    async def listen(self, on_change: Callable[[str, int | str], None]) -> None: ...


class MemoryRegistry:
    """One process: it holds every screen's socket, so nothing is announced to anyone."""

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

    async def announce(self, kind: str, key: int | str) -> None:
        return None

    async def listen(self, on_change: Callable[[str, int | str], None]) -> None:
        return None


class RedisRegistry:
    """Scaled out: a sorted set per audience (token -> last seen) and, per token, the worker
    that holds its socket (the one that ran its on_load or heartbeat).

    Each worker pushes only to the screens whose sockets it holds, and a change is announced to
    the other workers, which push to theirs. A worker pushing to another worker's screen would
    have its update relayed through Redis to that worker, where it could reach the browser
    after a newer update sent directly (seen at 80 orders/s: orders vanished from screens).
    """

    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        self._url = url
        self._redis = Redis.from_url(url)
        self._namespace = namespace
        self.worker = uuid.uuid4().hex

    def _key(self, audience: str) -> str:
        return f"cliqmenu:{self._namespace}:audience:{audience}"

    def _owner_key(self, token: str) -> str:
        return f"cliqmenu:{self._namespace}:socket-of:{token}"

    @property
    def _channel(self) -> str:
        return f"cliqmenu:{self._namespace}:changed"

    async def add(self, audience: str, token: str) -> None:
        key = self._key(audience)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {token: time.time()})
            pipe.expire(key, 3600)
            pipe.set(self._owner_key(token), self.worker, ex=3600)
            await pipe.execute()

    async def remove(self, audience: str, token: str) -> None:
        await self._redis.zrem(self._key(audience), token)

    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]:
        """The screens of ``audience`` whose sockets this worker holds."""
        key = self._key(audience)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(key, 0, time.time() - (max_age or max_age_seconds()))
            pipe.zrange(key, 0, -1)
            _dropped, found = await pipe.execute()
        if not found:
            return []
        owners = await self._redis.mget([self._owner_key(t.decode()) for t in found])
        mine = self.worker.encode()
        return [t.decode() for t, owner in zip(found, owners, strict=True) if owner == mine]

    async def announce(self, kind: str, key: int | str) -> None:
        message = json.dumps({"from": self.worker, "kind": kind, "key": key})
        await self._redis.publish(self._channel, message)

    async def listen(self, on_change: Callable[[str, int | str], None]) -> None:
        """Forever: call ``on_change(kind, key)`` for each change another worker announces.

        Resubscribes after Redis comes back; changes announced meanwhile are lost, like every
        update while a screen is away, and screens rebuild their views when they reconnect.
        """
        from redis.asyncio import Redis

        while True:
            client = Redis.from_url(self._url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    async for message in pubsub.listen():
                        self._take(message, on_change)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the announcements of other workers; subscribing again")
                await asyncio.sleep(1)
            finally:
                await client.aclose()

    def _take(self, message: dict, on_change: Callable[[str, int | str], None]) -> None:
        if message.get("type") != "message":
            return
        change = json.loads(message["data"])
        if change["from"] != self.worker:
            on_change(change["kind"], change["key"])


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
