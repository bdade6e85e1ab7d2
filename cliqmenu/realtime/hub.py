"""subscribe / publish: one view built per audience, pushed to every registered screen.

A screen's state class declares which audience kind it shows and how to take a view
(``_receive_view(audience, view, version, change)``); ``publish`` builds the view once from the
database and pushes it with ``app.modify_state``. At most one push round per audience runs at a
time in a process: changes made meanwhile go out together in the next round, which carries the
latest view.

A screen joins its audience on load and re-registers with every heartbeat (``check_in``). It is
pushed to only while registered; ``check_in`` tells it to rebuild its view when it comes back
after a lapse, or when its view lacks a change the audience has had (see ``CheckIn``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cliqmenu.db import read_scope
from cliqmenu.realtime.registry import get_registry, max_age_seconds

log = logging.getLogger("cliqmenu.realtime")


@dataclass(frozen=True)
class Audience:
    kind: str  # "manager", "kitchen", "staff", ...
    key: int | str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


def kitchen_audiences(truck_id: int, station_ids: Iterable[int]) -> list[Audience]:
    """The displays of these kitchen stations and the truck's expo (none without stations)."""
    shown = [Audience("station", s) for s in sorted(station_ids)]
    return [Audience("expo", truck_id), *shown] if shown else []


# kind -> (state class, builder(session, key) -> view); filled by the states that show them.
_VIEWS: dict[str, tuple[type, Callable[[Any, Any], Any]]] = {}
# kind -> how often its screens send a heartbeat (seconds); staff screens use the default.
_HEARTBEATS: dict[str, float] = {}
# Screens of one round pushed at the same time: with Redis each push is several round trips
# (lock, read, write), which a screen no longer waits out for those before it.
PUSHES_AT_ONCE = 16
_running: dict[str, asyncio.Task] = {}
_again: set[str] = set()
_pending: set[asyncio.Task] = set()


def register_view(
    kind: str,
    state_cls: type,
    builder: Callable[[Any, Any], Any],
    heartbeat_seconds: float | None = None,
) -> None:
    _VIEWS[kind] = (state_cls, builder)
    if heartbeat_seconds:
        _HEARTBEATS[kind] = heartbeat_seconds


def _max_age(kind: str) -> float:
    return max_age_seconds(_HEARTBEATS.get(kind))


async def subscribe(audience: Audience, token: str, member: int | None = None) -> None:
    """Register a screen; ``member``: the member of staff whose screen it is (see end_access)."""
    await get_registry().add(str(audience), token, _max_age(audience.kind), member)


async def current_change(audience: Audience) -> int:
    """The audience's change mark: read it *before* building a view, and keep it with the view."""
    return await get_registry().change(str(audience))


@dataclass(frozen=True)
class CheckIn:
    """What a heartbeat tells a screen to do.

    ``current``: the screen holds the latest view; the beat confirms it live.
    ``wait``: the audience had a change this screen has not taken yet, while the screen stayed
    registered: its push is most likely on the way. The beat confirms nothing. A screen that
    takes no push before its next beat was missed by one: that beat rebuilds it.
    ``rebuild``: the screen was out of its audience (beats lapsed, registry lost) or missed a
    push: rebuild the view from the database now and record ``change`` with it.
    """

    action: str  # "current" | "wait" | "rebuild"
    change: int


async def check_in(
    audience: Audience, token: str, *, shown: int, waited: bool, member: int | None = None
) -> CheckIn:
    """Re-register a screen whose view holds change ``shown``; ``waited``: an earlier beat said
    wait, and no push came since."""
    joined = await get_registry().add(str(audience), token, _max_age(audience.kind), member)
    if joined.was_member and joined.change == shown:
        return CheckIn("current", joined.change)
    if joined.was_member and not waited:
        return CheckIn("wait", joined.change)
    return CheckIn("rebuild", joined.change)


async def unsubscribe(audience: Audience, token: str) -> None:
    await get_registry().remove(str(audience), token)


def _app():
    from reflex.utils.prerequisites import get_and_validate_app

    return get_and_validate_app().app


async def _push_round(audience: Audience) -> None:
    if audience.kind not in _VIEWS:  # no screen shows this kind (yet): nothing to push
        return
    state_cls, builder = _VIEWS[audience.kind]
    # The change mark and the version are taken before reading, so a view read later always
    # wins on the screen, and a screen never records a change its view might lack.
    members = await get_registry().members(str(audience), _max_age(audience.kind))
    tokens, change = members.tokens, members.change
    if not tokens:
        return
    version = time.time_ns()
    # Built on the event loop, not in a thread: the database driver lets go of the GIL for every
    # row it fetches, so a build in a thread traded the GIL with the loop row by row (measured:
    # 15-20 % more CPU per order in bench/ingest.py, and no faster answers).
    view = _build(builder, audience.key)
    await _push_to(tokens, state_cls, audience, view, (version, change))


async def _push_to(
    tokens: list[str], state_cls: type, audience: Audience, view: Any, stamp: tuple[int, int]
) -> None:
    import reflex as rx

    app = _app()
    gate = asyncio.Semaphore(PUSHES_AT_ONCE)

    async def push(token: str) -> None:
        async with gate:
            try:
                token_key = rx.BaseStateToken(ident=token, cls=state_cls)
                async with app.modify_state(token_key) as root:
                    state = await root.get_state(state_cls)
                    await state._receive_view(audience, view, *stamp)
            except Exception:  # one broken screen never stops the others
                log.exception("push of %s to a screen failed", audience)

    await asyncio.gather(*(push(token) for token in tokens))


async def end_access(member: int) -> int:
    """A member's access changed (disabled, another role, other trucks): every screen of theirs
    leaves its audience, shows nothing more and goes to sign-in, whichever worker holds it.

    Returns once every screen's state says so: a push after that (an order accepted next) is
    refused by the screen itself, even one from a round that read its audience before. The
    sign-in page sends a member still signed in on to their view, on a truck they work at.
    """
    screens = await get_registry().drop_member(member)
    app = _app()
    for audience, token in screens:
        kind = audience.split(":", 1)[0]
        if kind not in _VIEWS:
            continue
        state_cls = _VIEWS[kind][0]
        try:
            await _end_screen(app, state_cls, token)
        except Exception:  # one broken screen never stops the others
            log.exception("ending a screen of %s failed", audience)
    return len(screens)


async def _end_screen(app: Any, state_cls: type, token: str) -> None:
    import reflex as rx
    from reflex.state import StateUpdate
    from reflex_base.event import Event

    from cliqmenu.routes import SIGN_IN

    async with app.modify_state(rx.BaseStateToken(ident=token, cls=state_cls)) as root:
        state = await root.get_state(state_cls)
        state._end_access()
    # Sent after the state: the page goes to sign-in as soon as its socket hears of it. With
    # several workers Reflex relays this to the worker holding the socket.
    update = StateUpdate(events=Event.from_event_type(rx.redirect(SIGN_IN)))
    await app.event_namespace.emit_update(update=update, token=token)


def _build(builder: Callable[[Any, Any], Any], key: Any) -> Any:
    # A view only reads: on SQLite it must not hold the write lock an order is waiting for.
    with read_scope() as session:
        return builder(session, key)


async def publish(audience: Audience) -> None:
    """Push the fresh view of ``audience`` to its screens, on every worker."""
    try:
        await get_registry().announce(audience.kind, audience.key)
    except Exception:  # Redis away: this worker's screens still get it; the others reload
        log.exception("announcing a change of %s to the other workers failed", audience)
    await _publish_here(audience)


async def _publish_here(audience: Audience) -> None:
    """Push to this worker's screens; coalesces with a round in flight here.

    Rounds of one audience run one after another in a worker, and a screen only ever gets
    pushes from the worker holding its socket, so its updates arrive in version order.
    """
    name = str(audience)
    if name in _running:
        _again.add(name)
        await asyncio.shield(_running[name])
        return
    task = asyncio.current_task()
    if task is None:  # not in a task: nothing can wait on this round
        raise RuntimeError("push rounds run in an asyncio task")
    _running[name] = task
    try:
        while True:
            _again.discard(name)
            await _push_round(audience)
            if name not in _again:
                break
    finally:
        _running.pop(name, None)


def publish_soon(*audiences: Audience) -> None:
    """Publish in the background: callers inside an event handler must not wait on their own lock."""
    for audience in audiences:
        _start(publish(audience))


def _start(work) -> None:
    task = asyncio.get_running_loop().create_task(work)
    _pending.add(task)
    task.add_done_callback(_pending.discard)


def _changed_elsewhere(kind: str, key: int | str) -> None:
    _start(_publish_here(Audience(kind, key)))


async def listen_to_other_workers() -> None:
    """The app's background task: push to this worker's screens what other workers changed,
    and tell the others this worker is alive (scaled out)."""
    registry = get_registry()
    await asyncio.gather(registry.listen(_changed_elsewhere), registry.keep_alive())


async def drain() -> None:
    """Wait until every publish started so far has finished (tests, shutdown)."""
    while _pending:
        await asyncio.gather(*list(_pending), return_exceptions=True)
