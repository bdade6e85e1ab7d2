"""The pickup board (/t/<slug>/board): public, read-only, live like a tracking page."""

from __future__ import annotations

import time

import reflex as rx

from cliqmenu.db import read_scope
from cliqmenu.realtime import Audience, subscribe
from cliqmenu.realtime.hub import current_change, register_view
from cliqmenu.realtime.registry import CUSTOMER_HEARTBEAT_MS
from cliqmenu.services import trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.state.changes import assign_changed
from cliqmenu.state.live import Watching
from cliqmenu.views.pickup_board import BoardTicket, PickupBoard, pickup_board, still_shown


def _slug(path: str) -> str:
    parts = [p for p in path.split("?")[0].split("/") if p]
    return parts[1][:64] if len(parts) >= 3 and parts[0] == "t" and parts[2] == "board" else ""


def now_ms() -> int:
    return int(time.time() * 1000)


class PickupBoardState(Watching, rx.State):
    """One board screen (a TV at the serving window). It holds nothing a customer may not see."""

    found: bool = True
    truck_name: str = ""
    business_name: str = ""
    preparing: list[BoardTicket] = []
    ready: list[BoardTicket] = []
    _truck_id: int = 0
    _board: PickupBoard | None = None

    @rx.event
    async def load(self):
        with read_scope() as session:
            try:
                truck = trucks.truck_at(session, _slug(self.router.url.path))
            except DomainError:
                self.found = False
                return
            self._truck_id = truck.id
        await self._rebuild(await current_change(self._watched()))
        if self.found:
            await subscribe(self._watched(), self.router.session.client_token)

    @rx.event
    async def heartbeat(self, _value: str = ""):
        if not self._truck_id or not self.found:
            return None
        await self._check_in()
        if self._board is not None:
            self._show(self._board)  # collected orders leave once their time on it is over
        return None

    def _watched(self) -> Audience:
        return Audience("board", self._truck_id)

    async def _rebuild(self, mark: int) -> None:
        version = time.time_ns()
        with read_scope() as session:
            board = pickup_board(session, self._truck_id)
        self._stamp(version, mark)
        self._show(board)

    async def _receive_view(
        self, audience: Audience, view: PickupBoard, version: int, mark: int = 0
    ) -> None:
        if self._is_newer(audience, version):
            self._stamp(version, mark)
            self._show(view)

    def _show(self, board: PickupBoard) -> None:
        self._board = board
        shown = still_shown(board, now_ms())
        assign_changed(self, "found", shown.found)
        assign_changed(self, "truck_name", shown.truck_name)
        assign_changed(self, "business_name", shown.business_name)
        assign_changed(self, "preparing", shown.preparing)
        assign_changed(self, "ready", shown.ready)


register_view(
    "board", PickupBoardState, pickup_board, heartbeat_seconds=CUSTOMER_HEARTBEAT_MS / 1000
)
