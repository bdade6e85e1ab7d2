"""The bare Reflex floor: the product's push design with nothing else (no database, no rules).

A screen opens ``/t/<truck>``; its ``on_load`` shows the truck's board from memory and
registers the screen. ``POST /api/trucks/<truck>/orders`` adds a row and, in the background,
sets the board on every registered screen's own state with ``app.modify_state`` (the
per-screen load, delta and serialisation Reflex does for each client), answering at once; with
``FLOOR_PUSH=room`` it sends one delta to all of them instead (cliqmenu/realtime/fanout.py).
The rows are the raw floor's (bench/floor_raw.py): the Order Manager's rows.
Run from bench/floor_reflex with the checkout root on PYTHONPATH.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict

import reflex as rx
from starlette.applications import Starlette

from bench.floor_raw import BOARDS, order_api
from cliqmenu.realtime import fanout

SCREENS: dict[str, set[str]] = defaultdict(set)


class BoardState(rx.State):
    received: list[dict] = []
    counts: dict[str, int] = {}
    unseen: list[int] = []
    loaded: bool = False

    def _show(self, rows: list[dict]) -> None:
        self.received = rows
        self.counts = {"received": len(rows)}
        self.unseen = [row["id"] for row in rows]

    @rx.event
    def load(self):
        truck = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self._show(list(BOARDS[truck]))
        self.loaded = True
        SCREENS[truck].add(self.router.session.client_token)


def index() -> rx.Component:
    return rx.text(BoardState.counts.to_string())


async def push_each(truck: str) -> None:
    """Each screen's own state set: Reflex loads, diffs and serialises it per screen."""
    rows = list(BOARDS[truck])

    async def one(token: str) -> None:
        token_key = rx.BaseStateToken(ident=token, cls=BoardState)
        async with app.modify_state(token_key) as root:
            state = await root.get_state(BoardState)
            state._show(rows)

    await asyncio.gather(*(one(token) for token in list(SCREENS[truck])))


async def push_once(truck: str) -> None:
    """One delta for the truck, serialised once, to every screen's socket (the screens' states
    keep the board of their load: nothing here reads it)."""
    rows = list(BOARDS[truck])
    update = fanout.state_delta(
        BoardState,
        {"received": rows, "counts": {"received": len(rows)}, "unseen": [r["id"] for r in rows]},
    )
    await fanout.send(app, update, fanout.sockets_here(app, SCREENS[truck]).values())


fanout.check_pinned()
api = Starlette(
    routes=[order_api(push_once if os.environ.get("FLOOR_PUSH") == "room" else push_each)]
)
app = rx.App(api_transformer=api)
app.add_page(index, route="/t/[truck]", on_load=BoardState.load)
