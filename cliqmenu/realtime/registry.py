"""Which client tokens watch which audience: in memory on one worker, in Redis scaled out,
where each worker pushes to the screens it holds and hears of changes made on the others.

Each audience also has a *change mark*: a number set anew by every announced change. A screen
records the mark of the view it shows; a heartbeat that finds another mark, or finds the screen
gone from its audience (its beats lapsed, the registry was lost), brings the screen up to date.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cliqmenu.infra.redis_keys import redis_namespace
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.realtime")

# A screen re-registers with every heartbeat; three missed heartbeats and it is dropped.
# How often screens beat: staff screens every 5 s; customers' phones less often, since hundreds
# may watch one truck's menu at a festival.
HEARTBEAT_MS = 5000
CUSTOMER_HEARTBEAT_MS = 20000
MISSED_HEARTBEATS = 3


def max_age_seconds(heartbeat_seconds: float | None = None) -> float:
    return (heartbeat_seconds or get_settings().heartbeat_seconds) * MISSED_HEARTBEATS + 2


# How often the registry forgets whole audiences nobody watches any more (seconds).
SWEEP_SECONDS = 60.0
# Scaled out, each worker says it is alive this often (seconds); a worker silent for
# WORKER_LAPSE_SECONDS is dead (killed, crashed) and its screens' entries are pruned.
WORKER_BEAT_SECONDS = 2.0
WORKER_LAPSE_SECONDS = 10.0
# A dead worker is remembered this long, then forgotten (its entries have expired by then).
WORKER_FORGET_SECONDS = 3600.0


@dataclass(frozen=True)
class Membership:
    """What registering a screen found."""

    was_member: bool  # registered, and its last beat within the age limit
    change: int  # the audience's change mark now (0: no change announced lately)


@dataclass(frozen=True)
class Members:
    """An audience's screens (this worker's, scaled out) and its change mark, read together."""

    tokens: list[str]
    change: int


class Registry(Protocol):
    async def add(
        self, audience: str, token: str, max_age: float | None = None, member: int | None = None
    ) -> Membership: ...
    async def remove(self, audience: str, token: str) -> None: ...
    async def drop_member(self, member: int) -> list[tuple[str, str]]: ...
    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]: ...
    async def members(self, audience: str, max_age: float | None = None) -> Members: ...
    async def change(self, audience: str) -> int: ...
    async def announce(self, kind: str, key: int | str) -> None: ...
    async def listen(self, on_change: Callable[[str, int | str], None]) -> None: ...
    async def keep_alive(self) -> None: ...


def audience_name(kind: str, key: int | str) -> str:
    return f"{kind}:{key}"


class MemoryRegistry:
    """One process: it holds every screen's socket, so nothing is announced to anyone."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[str, float]] = {}
        self._changes: dict[str, int] = {}
        # Member id -> the (audience, token) of each screen a member of staff registered.
        self._screens_of: dict[int, set[tuple[str, str]]] = {}
        # Marks are never reused, so a mark forgotten and set again never looks unchanged.
        self._marks = itertools.count(1)
        self._swept_at = time.monotonic()

    async def add(
        self, audience: str, token: str, max_age: float | None = None, member: int | None = None
    ) -> Membership:
        now = time.monotonic()
        seen = self._seen.setdefault(audience, {})
        last = seen.get(token)
        seen[token] = now
        if member is not None:
            self._screens_of.setdefault(member, set()).add((audience, token))
        self._sweep(now)
        fresh = last is not None and last >= now - (max_age or max_age_seconds())
        return Membership(fresh, self._changes.get(audience, 0))

    async def remove(self, audience: str, token: str) -> None:
        self._seen.get(audience, {}).pop(token, None)

    async def drop_member(self, member: int) -> list[tuple[str, str]]:
        screens = sorted(self._screens_of.pop(member, set()))
        for audience, token in screens:
            self._seen.get(audience, {}).pop(token, None)
        return screens

    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]:
        seen = self._seen.get(audience, {})
        oldest = time.monotonic() - (max_age or max_age_seconds())
        for token in [t for t, at in seen.items() if at < oldest]:
            del seen[token]
        return list(seen)

    async def members(self, audience: str, max_age: float | None = None) -> Members:
        change = self._changes.get(audience, 0)
        return Members(await self.tokens(audience, max_age), change)

    async def change(self, audience: str) -> int:
        return self._changes.get(audience, 0)

    async def announce(self, kind: str, key: int | str) -> None:
        self._changes[audience_name(kind, key)] = next(self._marks)

    def _sweep(self, now: float) -> None:
        """Forget audiences whose screens all left long ago (closed tracking pages, old trucks):
        nothing here grows with the orders a worker has seen."""
        if now - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at = now
        # Longer than any screen's age limit (customers beat every 20 s: 62 s).
        oldest = now - 2 * SWEEP_SECONDS
        for audience in list(self._seen):
            seen = self._seen[audience]
            for token in [t for t, at in seen.items() if at < oldest]:
                del seen[token]
            if not seen:
                del self._seen[audience]
        for audience in [a for a in self._changes if a not in self._seen]:
            del self._changes[audience]
        for member, screens in list(self._screens_of.items()):
            screens &= {(a, t) for a, t in screens if t in self._seen.get(a, {})}
            if not screens:
                del self._screens_of[member]

    async def listen(self, on_change: Callable[[str, int | str], None]) -> None:
        return None

    async def keep_alive(self) -> None:
        return None

    def size(self) -> int:
        """Screens and marks held (the soak benchmark watches this stay bounded)."""
        return sum(map(len, self._seen.values())) + len(self._changes) + len(self._screens_of)


class RedisRegistry:
    """Scaled out: a sorted set per audience (token -> last seen) and, per token, the worker
    that holds its socket (the one that ran its on_load or heartbeat).

    Each worker pushes only to the screens whose sockets it holds, and a change is announced to
    the other workers, which push to theirs. A worker pushing to another worker's screen would
    have its update relayed through Redis to that worker, where it could reach the browser
    after a newer update sent directly (seen at 80 orders/s: orders vanished from screens).

    Each worker also beats in a shared hash (``keep_alive``). A worker that stops beating died
    (kill -9, out of memory): the entries of the screens it held are pruned, and each of its
    screens, reconnected through the proxy to a live worker, rebuilds its view from the
    database at its first beat there (a screen that changed workers is never taken as up to
    date: pushes may have gone to the dead one).
    """

    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        self._url = url
        self._redis = Redis.from_url(url)
        self._namespace = namespace
        # Its process id first: an operator (or a test) can tell which process holds a screen.
        self.worker = f"{os.getpid()}-{uuid.uuid4().hex}"
        self._dead: set[bytes] = set()  # workers whose beats lapsed, as keep_alive last read

    @property
    def _workers_key(self) -> str:
        return f"cliqmenu:{self._namespace}:workers"

    def _key(self, audience: str) -> str:
        return f"cliqmenu:{self._namespace}:audience:{audience}"

    def _owner_key(self, token: str) -> str:
        return f"cliqmenu:{self._namespace}:socket-of:{token}"

    def _member_key(self, member: int) -> str:
        return f"cliqmenu:{self._namespace}:screens-of:{member}"

    def _change_key(self, audience: str) -> str:
        return f"cliqmenu:{self._namespace}:change-of:{audience}"

    @property
    def _channel(self) -> str:
        return f"cliqmenu:{self._namespace}:changed"

    async def add(
        self, audience: str, token: str, max_age: float | None = None, member: int | None = None
    ) -> Membership:
        key = self._key(audience)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zscore(key, token)  # read before the write below, in the same round trip
            pipe.zadd(key, {token: time.time()})
            pipe.expire(key, 3600)
            pipe.set(self._owner_key(token), self.worker, ex=3600, get=True)
            if member is not None:
                pipe.sadd(self._member_key(member), f"{audience}\n{token}")
                pipe.expire(self._member_key(member), 3600)
            pipe.get(self._change_key(audience))
            last, _added, _expires, holder, *_written, change = await pipe.execute()
        fresh = last is not None and last >= time.time() - (max_age or max_age_seconds())
        # Its socket was on another worker until now: pushes may have gone there (a dead one).
        moved = holder is not None and holder != self.worker.encode()
        return Membership(fresh and not moved, int(change or 0))

    async def remove(self, audience: str, token: str) -> None:
        await self._redis.zrem(self._key(audience), token)

    async def drop_member(self, member: int) -> list[tuple[str, str]]:
        """Take every screen of ``member`` out of its audience, on every worker at once (the
        sorted sets are shared); returns the (audience, token) of each."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.smembers(self._member_key(member))
            pipe.delete(self._member_key(member))
            found, _deleted = await pipe.execute()
        screens = sorted(tuple(entry.decode().split("\n", 1)) for entry in found)
        if screens:
            async with self._redis.pipeline(transaction=False) as pipe:
                for audience, token in screens:
                    pipe.zrem(self._key(audience), token)
                await pipe.execute()
        return screens

    async def tokens(self, audience: str, max_age: float | None = None) -> list[str]:
        """The screens of ``audience`` whose sockets this worker holds."""
        return (await self.members(audience, max_age)).tokens

    async def members(self, audience: str, max_age: float | None = None) -> Members:
        """This worker's screens of ``audience`` and its change mark: the mark is read first."""
        key = self._key(audience)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(self._change_key(audience))
            pipe.zremrangebyscore(key, 0, time.time() - (max_age or max_age_seconds()))
            pipe.zrange(key, 0, -1)
            change, _dropped, found = await pipe.execute()
        if not found:
            return Members([], int(change or 0))
        owners = await self._redis.mget([self._owner_key(t.decode()) for t in found])
        mine = self.worker.encode()
        tokens = [t.decode() for t, owner in zip(found, owners, strict=True) if owner == mine]
        orphans = [t for t, owner in zip(found, owners, strict=True) if owner in self._dead]
        if orphans:  # screens of a dead worker: nobody can push to them until they beat again
            await self._redis.zrem(key, *orphans)
        return Members(tokens, int(change or 0))

    async def change(self, audience: str) -> int:
        return int(await self._redis.get(self._change_key(audience)) or 0)

    async def announce(self, kind: str, key: int | str) -> None:
        """Set the audience's change mark (a nanosecond time: unique across workers and a Redis
        flush) and tell the other workers, in one round trip."""
        message = json.dumps({"from": self.worker, "kind": kind, "key": key})
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(self._change_key(audience_name(kind, key)), time.time_ns(), ex=3600)
            pipe.publish(self._channel, message)
            await pipe.execute()

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

    async def keep_alive(self) -> None:
        """Forever: say this worker is alive, and learn which workers died."""
        while True:
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away: beat again when it is back
                log.warning("could not tell the other workers this one is alive")
            await asyncio.sleep(WORKER_BEAT_SECONDS)

    async def beat(self) -> None:
        """One beat of ``keep_alive``: record this worker's time, read everyone's."""
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(self._workers_key, self.worker, str(now))
            pipe.hgetall(self._workers_key)
            _set, beats = await pipe.execute()
        self._dead = {w for w, at in beats.items() if float(at) < now - WORKER_LAPSE_SECONDS}
        forgotten = [w for w, at in beats.items() if float(at) < now - WORKER_FORGET_SECONDS]
        if forgotten:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hdel(self._workers_key, *forgotten)
                await pipe.execute()

    def _take(self, message: dict, on_change: Callable[[str, int | str], None]) -> None:
        if message.get("type") != "message":
            return
        change = json.loads(message["data"])
        if change["from"] != self.worker:
            on_change(change["kind"], change["key"])


_registry: Registry | None = None


def get_registry() -> Registry:
    global _registry
    if _registry is None:
        settings = get_settings()
        url = settings.redis_url
        _registry = RedisRegistry(url, redis_namespace()) if url else MemoryRegistry()
    return _registry
