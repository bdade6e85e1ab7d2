"""One payload per audience: a Reflex state delta built and serialised once, sent to many sockets.

Reflex pushes to a client by loading that client's state, diffing it and serialising the delta,
once per screen (``app.modify_state``). What the browser receives is only a socket.io ``event``
message carrying a ``StateUpdate``: ``{"delta": {<state's full name>: {<var>_rx_state_: value}}}``,
which ``.web/utils/state.js`` applies to its store. So the same change can be built once, as that
message, and sent to every screen of an audience in one emit: python-socketio encodes a packet
once for all its recipients (``AsyncManager.emit`` without a callback).

Everything here reaches into Reflex's internals, and nothing else in the project does: the event
namespace's token manager (which socket of this worker a client token has), ``StateUpdate``, the
field marker of var names in a delta and the socket.io server's emit. They are those of
``PINNED`` (reflex/app.py ``EventNamespace.emit_update``, reflex/state.py ``StateUpdate`` and
``BaseState.dict``); ``check_pinned`` refuses any other version, and tests/state/test_fanout.py
fails loudly when one of them changes. A worker sends only to sockets it holds itself, as
``emit_update`` does; another worker's screens are that worker's to push (realtime/hub.py).

The bench's bare Reflex floor (bench/floor_reflex, ``FLOOR_PUSH=room``) pushes through this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from typing import Any

PINNED = "0.10.1"


class ReflexChanged(RuntimeError):
    """The installed Reflex is not the one this module was written against."""


def check_pinned() -> None:
    installed = version("reflex")
    if installed != PINNED:
        raise ReflexChanged(
            f"cliqmenu/realtime/fanout.py speaks Reflex {PINNED}'s wire format, Reflex "
            f"{installed} is installed: check its internals again (tests/state/test_fanout.py)"
        )


def state_delta(state_cls: type, values: Mapping[str, Any]) -> Any:
    """The update a browser applies to set ``values`` (var name -> value) of ``state_cls``."""
    from reflex.state import StateUpdate
    from reflex_base.constants.state import FIELD_MARKER

    full_name = state_cls.get_full_name()  # type: ignore[attr-defined]
    return StateUpdate(delta={full_name: {name + FIELD_MARKER: v for name, v in values.items()}})


def _namespace(app: Any) -> Any:
    namespace = app.event_namespace
    if namespace is None:
        raise RuntimeError("Reflex's event namespace is not set up (the app is not serving)")
    return namespace


def sockets_here(app: Any, tokens: Iterable[str]) -> dict[str, str]:
    """Client token -> socket.io sid, for the tokens whose socket this worker holds."""
    manager = _namespace(app)._token_manager
    held = {}
    for token in tokens:
        record = manager.token_to_socket.get(token)
        if record is not None and record.instance_id == manager.instance_id:
            held[token] = record.sid
    return held


async def send(app: Any, update: Any, sids: Iterable[str]) -> None:
    """One emit of ``update`` to every socket of ``sids``: serialised and encoded once.

    The packets are queued on the sockets in the order of the calls, before this returns to
    the event loop the first time.
    """
    from reflex_base import constants

    to = list(sids)
    if not to:
        return
    await _namespace(app).emit(str(constants.SocketEvent.EVENT), update, to=to)
    await asyncio.sleep(0)  # let the websocket writers flush, as emit_update does
