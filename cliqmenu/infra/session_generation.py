"""A mark that moves whenever any staff session ends or changes, on every worker at once.

Open staff screens re-check their session on every heartbeat (every 5 s). Asking the database each
time was the largest part of what an idle screen costs the server (bench/README.md), so a screen
remembers its answer and asks again only when this mark moved (a sign-out, a disabled member, a
changed role) or a minute went by. The mark is a random value, in Redis when scaled out so every
worker sees a change made on another; a Redis that lost its data reads as a new mark, which only
makes screens ask the database once more.
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import event
from sqlmodel import Session

from cliqmenu.infra.redis_keys import redis_namespace
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.sessions")


class _LocalMark:
    def __init__(self) -> None:
        self._value = secrets.token_hex(8)

    async def read(self) -> str:
        return self._value

    def move(self) -> None:
        self._value = secrets.token_hex(8)


class _RedisMark:
    def __init__(self, url: str) -> None:
        from redis import Redis
        from redis.asyncio import Redis as AsyncRedis

        self._key = f"cliqmenu:{redis_namespace()}:sessions-mark"
        self._reader = AsyncRedis.from_url(url)
        self._writer = Redis.from_url(url)

    async def read(self) -> str:
        try:
            value = await self._reader.get(self._key)
        except Exception:  # Redis unreachable: never trust a remembered answer meanwhile
            log.warning("sessions mark unreadable; screens re-check their sessions")
            return secrets.token_hex(8)
        return value.decode() if value else ""

    def move(self) -> None:
        self._writer.set(self._key, secrets.token_hex(8))


_mark: _LocalMark | _RedisMark | None = None


def _get_mark() -> _LocalMark | _RedisMark:
    global _mark
    if _mark is None:
        url = get_settings().redis_url
        _mark = _RedisMark(url) if url else _LocalMark()
    return _mark


async def current() -> str:
    """The mark now; a remembered session answer holds only while it is unchanged."""
    return await _get_mark().read()


def move_after_commit(session: Session) -> None:
    """Sessions change in this unit of work: move the mark once it commits (not before, or a
    screen could re-read the old rows and remember them under the new mark)."""
    event.listen(session, "after_commit", lambda _session: _get_mark().move(), once=True)
