"""The Reflex internals realtime/fanout.py relies on are still what it was written against.

If one of these fails after a Reflex upgrade, the one-payload-per-audience push would send
something the browser no longer applies (or to the wrong sockets): read the new Reflex's
``EventNamespace.emit_update``, ``StateUpdate`` and ``BaseState.dict`` and fix fanout.py first.
"""

from __future__ import annotations

import json
import secrets
from types import SimpleNamespace

import pytest
import reflex as rx
import socketio
from reflex.app import EventNamespace, _sio_dumps, _sio_loads
from reflex.state import StateUpdate

from cliqmenu.realtime import fanout
from cliqmenu.state.manager import ManagerState
from cliqmenu.views.boards import OrderRow

NAMESPACE = "/_event"
ROW = OrderRow(7, 12, "received", "Ana", "Takeaway", "Cash at Counter", 1_700_000_000_000, "$6.50")


def test_the_installed_reflex_is_the_pinned_one():
    fanout.check_pinned()


def test_another_reflex_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(fanout, "version", lambda _name: "0.11.0")
    with pytest.raises(fanout.ReflexChanged, match="0.10.1"):
        fanout.check_pinned()


async def test_the_delta_is_the_one_reflex_sends_for_the_same_change(root: rx.State):
    """Set a var through the state as a handler does; Reflex's delta for it is ours, byte for byte."""
    board = await root.get_state(ManagerState)
    root._clean()
    board.received = [ROW]
    board.counts = {"received": 1}
    theirs = StateUpdate(delta=await root._get_resolved_delta())
    ours = fanout.state_delta(ManagerState, {"received": [ROW], "counts": {"received": 1}})
    mine = json.loads(_sio_dumps(ours))["delta"]
    sent = json.loads(_sio_dumps(theirs))["delta"]
    manager = ManagerState.get_full_name()
    assert mine[manager] == {k: v for k, v in sent[manager].items() if k in mine[manager]}
    assert mine[manager]["received_rx_state_"][0]["number"] == 12


def _server() -> tuple[socketio.AsyncServer, EventNamespace, list]:
    """Reflex's socket.io server and event namespace as App sets them up, its sends recorded."""
    server = socketio.AsyncServer(
        async_mode="asgi",
        json=SimpleNamespace(dumps=staticmethod(_sio_dumps), loads=staticmethod(_sio_loads)),
        async_handlers=False,
    )
    namespace = EventNamespace(NAMESPACE, app=SimpleNamespace())  # type: ignore[arg-type]
    server.register_namespace(namespace)
    sent: list = []

    async def record(eio_sid, packet):
        sent.append((eio_sid, packet))

    server.eio.send_packet = record  # type: ignore[method-assign]
    return server, namespace, sent


async def test_one_emit_reaches_only_the_sockets_this_worker_holds_with_one_encoding():
    server, namespace, sent = _server()
    app = SimpleNamespace(event_namespace=namespace)
    # Tokens of this run only: with Redis, a token another run left linked counts as taken.
    run = secrets.token_hex(4)
    tokens = [f"token-{n}-{run}" for n in (1, 2, 3)]
    sids = {}
    for n, token in enumerate(tokens, start=1):
        sid = await server.manager.pre_connect(f"eio-{n}", NAMESPACE)
        await server.manager.connect(sid, NAMESPACE)
        await namespace._token_manager.link_token_to_sid(token, sid)
        sids[token] = sid
    await namespace._token_manager.disconnect_token(tokens[2], sids[tokens[2]])

    held = fanout.sockets_here(app, [*tokens, "nobody"])
    assert held == {tokens[0]: sids[tokens[0]], tokens[1]: sids[tokens[1]]}

    first = fanout.state_delta(ManagerState, {"received": [ROW]})
    second = fanout.state_delta(ManagerState, {"received": []})
    await fanout.send(app, first, held.values())
    await fanout.send(app, second, held.values())

    assert sorted(eio for eio, _ in sent) == ["eio-1", "eio-1", "eio-2", "eio-2"]
    # One packet object per emit, shared by every socket: serialised once.
    assert sent[0][1] is next(
        p for eio, p in sent if eio != sent[0][0] and p.data == sent[0][1].data
    )
    # Per socket, in the order sent; what the browser gets is the "event" with the delta.
    for eio in ("eio-1", "eio-2"):
        mine = [packet.data for e, packet in sent if e == eio]
        events = [json.loads(text[text.index("[") :]) for text in mine]
        assert [e[0] for e in events] == ["event", "event"]
        lists = [e[1]["delta"][ManagerState.get_full_name()]["received_rx_state_"] for e in events]
        assert [len(rows) for rows in lists] == [1, 0]


async def test_nothing_is_sent_to_no_socket():
    server, namespace, sent = _server()
    await fanout.send(SimpleNamespace(event_namespace=namespace), StateUpdate(), [])
    assert sent == []
