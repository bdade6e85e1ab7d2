"""Counters for rate limits: how many times a key was hit in the current fixed window.

Counted in Redis when REFLEX_REDIS_URL is set, so every worker counts the same requests; else in
this process (the embedded default runs one worker). Callers pass keys that hold no personal
data (services/order_limits.py hashes them). The rules (which keys, how many, the messages)
live in services/order_limits.py.
"""

from __future__ import annotations

import math
import threading
import time

from cliqmenu.infra.redis_keys import redis_namespace
from cliqmenu.settings import get_settings


class MemoryCounter:
    """Hits per key and window, in this process; windows that ended are forgotten."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], int] = {}
        self._ends: dict[tuple[str, int], float] = {}

    async def hit(self, key: str, window: int, ttl: int = 120) -> int:
        now = time.monotonic()
        with self._lock:
            for gone in [k for k, end in self._ends.items() if end < now]:
                del self._ends[gone], self._counts[gone]
            name = (key, window)
            self._counts[name] = self._counts.get(name, 0) + 1
            self._ends.setdefault(name, now + ttl)
            return self._counts[name]


class RedisCounter:
    """Hits per key and window in Redis, shared by every worker."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._namespace = redis_namespace()

    async def hit(self, key: str, window: int, ttl: int = 120) -> int:
        name = f"cliqmenu:{self._namespace}:limit:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, ttl)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()


_counter: MemoryCounter | RedisCounter | None = None


def _get_counter() -> MemoryCounter | RedisCounter:
    global _counter
    if _counter is None:
        url = get_settings().redis_url
        _counter = RedisCounter(url) if url else MemoryCounter()
    return _counter


async def seconds_to_wait(key: str, *, allowed: int, window_seconds: int) -> int:
    """Count one hit of ``key``; 0 if it is within ``allowed`` for this window of
    ``window_seconds``, else the seconds until the window ends."""
    now = time.time()
    window = int(now // window_seconds)
    if await _get_counter().hit(key, window, 2 * window_seconds) <= allowed:
        return 0
    return max(1, math.ceil((window + 1) * window_seconds - now))
