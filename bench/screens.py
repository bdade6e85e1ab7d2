"""Simulated screens: python-socketio clients speaking Reflex 0.10.1's websocket protocol.

A screen connects to ``/_event/?token=<uuid>`` (namespace ``/_event``, websocket transport) with
the browser's boot event in the socket.io CONNECT auth packet: ``hydrate_and_load`` carrying the
page's route and the browser storage a real page sends (the chosen truck), exactly as
``.web/utils/state.js`` (``bootAuth``) does; the HttpOnly ``cliq_session`` cookie goes, as the
browser sends it, in the Cookie header of the websocket upgrade. The server hydrates, runs the
page's ``on_load`` (which authorizes and subscribes the screen) and then pushes deltas
``{"delta": {<state>: {<var>_rx_state_: value}}}``; a screen keeps the last value of every var
and notes when an order number (or a menu item's stock) first showed.

A screen beats like the page's heartbeat (live.js presses its hidden button), or the registry
drops it after three missed beats.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

ROOT = "reflex___state____state"
SESSION = f"{ROOT}.cliqmenu___state___auth____session_state"
MANAGER = f"{ROOT}.cliqmenu___state___manager____manager_state"
KITCHEN = f"{ROOT}.cliqmenu___state___kitchen____kitchen_state"
EXPO = f"{ROOT}.cliqmenu___state___expo____expo_state"
ACCEPT_FORM = f"{ROOT}.cliqmenu___state___accept_form____accept_form_state"
MENU = f"{ROOT}.cliqmenu___state___customer____customer_menu_state"
STOCK = f"{ROOT}.cliqmenu___state___stock____stock_state"
TRACKER = f"{ROOT}.cliqmenu___state___customer____tracker_state"
BOARD = f"{ROOT}.cliqmenu___state___pickup_board____pickup_board_state"
SUFFIX = "_rx_state_"
MANAGER_LISTS = ("received", "in_progress", "cooking_done", "ready_for_pickup", "delivered")


@dataclass(frozen=True)
class Page:
    """A route a screen opens: which state shows its view and which handler beats."""

    path: str
    view_state: str
    heartbeat_seconds: float
    ready: str = "loaded"  # the view's var that is set once on_load has built the view

    @staticmethod
    def manage() -> Page:
        return Page("/manage", MANAGER, 5)

    @staticmethod
    def kds() -> Page:
        return Page("/kds", KITCHEN, 5)

    @staticmethod
    def expo() -> Page:
        return Page("/kds/expo", EXPO, 5)

    @staticmethod
    def stock() -> Page:
        return Page("/manage/stock", STOCK, 0, ready="truck_name")

    @staticmethod
    def menu(slug: str) -> Page:
        return Page(f"/t/{slug}", MENU, 20, ready="categories")

    @staticmethod
    def tracker(public_id: str) -> Page:
        return Page(f"/o/{public_id}", TRACKER, 20, ready="view")

    @staticmethod
    def board(slug: str) -> Page:
        return Page(f"/t/{slug}/board", BOARD, 20, ready="truck_name")


def orders_shown(vars_: dict[str, Any]) -> set[int]:
    """Order numbers a manager board, kitchen display or pickup board shows now; on a tracking
    page, its order once it is accepted."""
    shown: set[int] = set()
    for name in (*MANAGER_LISTS, "cards", "preparing", "ready"):
        for card in vars_.get(name) or []:
            shown.add(card.get("card", card)["number"])  # an expo card holds the kitchen's
    tracked = vars_.get("view") or {}
    if tracked.get("stage") not in (None, "", "received", "awaiting_payment"):
        shown.add(tracked["number"])
    return shown


def items_in_stock(vars_: dict[str, Any]) -> dict[int, bool]:
    return {
        item["id"]: item["in_stock"]
        for category in vars_.get("categories") or []
        for item in category["items"]
    }


@dataclass
class Screen:
    """One open page. ``seen[number]`` is the perf_counter time the order first showed."""

    base_url: str
    page: Page
    session_token: str = ""
    truck_id: int | None = None
    station: str = ""  # a kitchen display's station choice ("all", a station's id, "expo")
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: dict[int, float] = field(default_factory=dict)
    gone: dict[int, float] = field(default_factory=dict)
    stock_at: dict[tuple[int, bool], float] = field(default_factory=dict)
    loaded_at: float = 0.0
    messages: int = 0
    drops: int = 0
    bytes: int = 0
    on_change: Callable[[Screen], None] | None = None

    def __post_init__(self) -> None:
        # Reconnects itself like state.js (reconnection off in socket.io, a retry 200 ms x
        # attempts after a drop, up to 2 s) and waits for the connect like socket.io-client
        # (20 s): python-socketio's own reconnect gives up on a slow CONNECT after 1 s and
        # retries, which under a reconnect storm only adds work.
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("event", self._on_event, namespace="/_event")
        self.client.on("disconnect", self._on_disconnect, namespace="/_event")
        self.loaded = asyncio.Event()
        self._beat: asyncio.Task | None = None
        self._retry: asyncio.Task | None = None
        self._closing = False

    def view(self, state: str | None = None) -> dict[str, Any]:
        return self.vars.get(state or self.page.view_state, {})

    def _router_data(self) -> dict[str, Any]:
        return {"pathname": self.page.path, "asPath": self.page.path, "query": {}}

    def _boot(self) -> dict[str, Any]:
        storage = {}
        if self.truck_id is not None:
            storage[f"{SESSION}.truck_choice{SUFFIX}"] = str(self.truck_id)
        if self.station:
            storage[f"{SESSION}.station_choice{SUFFIX}"] = self.station
        event = {
            "name": f"{ROOT}.hydrate_and_load",
            "payload": {"vars": storage},
            "router_data": self._router_data(),
        }
        return {"event": event}

    async def _connect(self, timeout: float) -> None:
        await self.client.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="_event",
            namespaces=["/_event"],
            transports=["websocket"],
            auth=self._boot(),
            # The browser sends the HttpOnly session cookie with the websocket upgrade.
            headers={"Cookie": f"cliq_session={self.session_token}"} if self.session_token else {},
            wait_timeout=timeout,
        )

    async def open(self, timeout: float = 60) -> None:
        await self._connect(timeout)
        await asyncio.wait_for(self.loaded.wait(), timeout)
        if self.page.heartbeat_seconds and self._beat is None:
            self._beat = asyncio.create_task(self._beat_forever())

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.page.heartbeat_seconds)
            with contextlib.suppress(Exception):
                await self.emit(self.page.view_state, "heartbeat", {"_value": ""})

    async def emit(self, state: str, handler: str, payload: dict[str, Any]) -> None:
        event = {
            "name": f"{state}.{handler}",
            "payload": payload,
            "router_data": self._router_data(),
        }
        await self.client.emit("event", event, namespace="/_event")

    async def _reconnect(self) -> None:
        attempts = 0
        while not self._closing and not self.client.connected:
            attempts = min(attempts + 1, 10)
            await asyncio.sleep(0.2 * attempts)
            with contextlib.suppress(Exception):
                await self._connect(20)

    async def close(self) -> None:
        self._closing = True
        for task in (self._beat, self._retry):
            if task is not None:
                task.cancel()
        with contextlib.suppress(Exception):
            await self.client.disconnect()

    def _on_disconnect(self, *_reason: Any) -> None:
        """Not live until the reconnect's hydrate and on_load have rebuilt the view."""
        self.loaded.clear()
        self.vars.pop(self.page.view_state, None)
        self.drops += 1
        if not self._closing and (self._retry is None or self._retry.done()):
            self._retry = asyncio.get_running_loop().create_task(self._reconnect())

    def _on_event(self, data: Any) -> None:
        now = time.perf_counter()
        text = data if isinstance(data, str) else json.dumps(data)
        self.messages += 1
        self.bytes += len(text)
        update = json.loads(text) if isinstance(data, str) else data
        for state, changed in (update.get("delta") or {}).items():
            held = self.vars.setdefault(state, {})
            for key, value in changed.items():
                held[key.removesuffix(SUFFIX)] = value
        view = self.view()
        if self.page.view_state == MENU:
            for item, in_stock in items_in_stock(view).items():
                self.stock_at.setdefault((item, in_stock), now)
        else:
            shown = orders_shown(view)
            for number in shown:
                self.seen.setdefault(number, now)
            for number in self.seen:
                if number not in shown:
                    self.gone.setdefault(number, now)
        if view.get(self.page.ready):
            if not self.loaded.is_set():
                self.loaded_at = now
            self.loaded.set()
        if self.on_change is not None:
            self.on_change(self)


async def open_all(screens: list[Screen], at_once: int = 20, timeout: float = 120) -> float:
    """Open every screen, ``at_once`` connecting at a time; seconds until all are live."""
    started = time.perf_counter()
    gate = asyncio.Semaphore(at_once)

    async def one(screen: Screen) -> None:
        async with gate:
            await screen.open(timeout)

    await asyncio.gather(*(one(s) for s in screens))
    return time.perf_counter() - started


async def close_all(screens: list[Screen]) -> None:
    await asyncio.gather(*(s.close() for s in screens))


async def wait_for(check: Callable[[], bool], timeout: float, step: float = 0.005) -> bool:
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)
    return True
