"""Order API limits: one client address may send ``CLIQMENU_ORDER_API_PER_MINUTE`` orders to one
truck in each clock minute (a fixed window); more are refused until the minute ends.

Counted in Redis when REFLEX_REDIS_URL is set, so every worker counts the same requests; else in
this process (the embedded default runs one worker). Keys hold a SHA-256 of the address.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from cliqmenu.infra.redis_keys import redis_namespace
from cliqmenu.settings import get_settings

WINDOW_SECONDS = 60


def client_address(peer: str, forwarded_for: str) -> str:
    """The client's address as Reflex resolves it for the websocket: the peer, or the entry
    the last of REFLEX_TRUSTED_PROXY_HOPS trusted proxies put in X-Forwarded-For."""
    from reflex.config import get_config

    hops = get_config().trusted_proxy_hops
    forwarded = [ip.strip() for ip in forwarded_for.split(",") if ip.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return peer


class MemoryCounter:
    """Requests per key in the current window, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str, window: int) -> int:
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]


class RedisCounter:
    """Requests per key and window in Redis, shared by every worker."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._namespace = redis_namespace()

    async def hit(self, key: str, window: int) -> int:
        name = f"cliqmenu:{self._namespace}:order-api:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(name).expire(name, 2 * WINDOW_SECONDS).execute()
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


async def seconds_to_wait(truck_slug: str, address: str, now: float | None = None) -> int:
    """Count one order request; 0 if it is within the limit, else the seconds until the
    window ends."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = hashlib.sha256(f"{truck_slug}:{address}".encode()).hexdigest()
    if await _get_counter().hit(key, window) <= get_settings().order_api_per_minute:
        return 0
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def too_many_message(seconds: int) -> str:
    return f"Too many orders from this address, try again in {seconds} seconds."
