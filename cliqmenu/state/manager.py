"""The Order Manager's board: one tab per stage, an order detail, Accept and the moves on."""

from __future__ import annotations

import time
from typing import ClassVar

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Role, Stage
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.realtime.hub import register_view
from cliqmenu.services import lifecycle, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.state.accept_form import AcceptFormState
from cliqmenu.state.auth import MANAGERS, authorize, refuse
from cliqmenu.state.board_actions import run_order_action
from cliqmenu.state.changes import assign_changed
from cliqmenu.state.live import LiveScreen
from cliqmenu.state.order_detail import register_board
from cliqmenu.views.boards import ManagerBoard, OrderCard, OrderRow, manager_board

TABS = [
    stage.value
    for stage in (
        Stage.RECEIVED,
        Stage.IN_PROGRESS,
        Stage.COOKING_DONE,
        Stage.READY_FOR_PICKUP,
        Stage.DELIVERED,
    )
]


class ManagerState(LiveScreen, rx.State):
    """Live orders of the manager's truck, by stage."""

    audience_kind: ClassVar[str] = "manager"
    roles: ClassVar[tuple[Role, ...]] = MANAGERS

    received: list[OrderRow] = []
    in_progress: list[OrderRow] = []
    cooking_done: list[OrderRow] = []
    ready_for_pickup: list[OrderRow] = []
    delivered: list[OrderRow] = []
    # Pre-orders waiting for their time, and the pacing line: the current slot and the pause.
    scheduled: list[OrderRow] = []
    slot_words: str = ""
    slot_full: bool = False
    paused_until: str = ""
    _slot_ends_ms: int = 0
    counts: dict[str, int] = dict.fromkeys(TABS, 0)
    tab: str = Stage.RECEIVED.value
    selected_id: int = 0
    # The open order in full, as a list of zero or one so the page can render it safely.
    selected: list[OrderCard] = []
    reason: str = ""
    # Delivered was asked for an unpaid order: the question shown, until confirmed or not.
    unpaid_order_id: int = 0
    unpaid_question: str = ""
    printer_alerts: list[str] = []  # printers that are not answering (the banner)
    # Received orders this screen has not opened yet: they chime until opened.
    unseen: list[int] = []
    _seen: list[int] = []
    # Every order on the board in full, as last pushed: where an opened order's detail comes from.
    _cards: dict[int, OrderCard] = {}

    def _build_view(self, session, truck_id: int) -> ManagerBoard:
        return manager_board(session, truck_id)

    def _show(self, view: ManagerBoard) -> None:
        """Take a pushed board; only the lists that changed go to the browser."""
        for tab in TABS:
            assign_changed(self, tab, getattr(view, tab))
        assign_changed(self, "counts", {tab: len(getattr(view, tab)) for tab in TABS})
        for name in ("scheduled", "slot_words", "slot_full", "paused_until"):
            assign_changed(self, name, getattr(view, name))
        self._slot_ends_ms = view.slot_ends_ms
        assign_changed(self, "printer_alerts", view.printer_alerts)
        self._cards = view.cards
        self._show_detail()
        waiting = {row.id for row in view.received}
        self._seen = [order_id for order_id in self._seen if order_id in waiting]
        assign_changed(
            self, "unseen", [row.id for row in view.received if row.id not in self._seen]
        )

    def _show_detail(self) -> None:
        # The plain dict, not Reflex's change-tracking proxy of it: the card is stored as is.
        card = self.get_value("_cards").get(self.selected_id)
        assign_changed(self, "selected", [card] if card else [])

    def _open_detail(self, order_id: int) -> None:
        self.selected_id = order_id
        self._show_detail()

    def _close_detail(self) -> None:
        self._open_detail(0)

    @rx.event
    async def load(self):
        refused = await self._load()
        # A notification opens /manage?order=<id>: that order, if it is on this truck's board.
        wanted = self.router.url.query_parameters.get("order", "")
        card = self.get_value("_cards").get(int(wanted)) if wanted.isdigit() else None
        if refused is None and card is not None:
            self.tab = card.stage if card.stage in TABS else self.tab
            return ManagerState.open_order(card.id)
        return refused

    @rx.event
    async def heartbeat(self, _value: str = ""):
        if self._slot_ends_ms and time.time() * 1000 >= self._slot_ends_ms:
            # A new slot began (or the pause ended): every board of the truck shows it.
            self._slot_ends_ms = 0
            publish_soon(self._audience())
        return await self._heartbeat()

    @rx.event
    async def pause(self, minutes: int):
        """Stop new customer orders for 15, 30 or 60 minutes (walk-ins still go in)."""
        try:
            member = await authorize(self, MANAGERS)
            with session_scope() as session:
                trucks.pause_orders(
                    session, actor=member, truck_id=self._truck_id, minutes=int(minutes)
                )
        except DomainError as error:
            return refuse(error)
        self._publish_pause()
        return rx.toast.success(f"Paused for {int(minutes)} minutes.")

    @rx.event
    async def resume(self):
        try:
            member = await authorize(self, MANAGERS)
            with session_scope() as session:
                trucks.resume_orders(session, actor=member, truck_id=self._truck_id)
        except DomainError as error:
            return refuse(error)
        self._publish_pause()
        return rx.toast.success("Taking orders again.")

    def _publish_pause(self) -> None:
        publish_soon(self._audience(), Audience("menu", self._truck_id))

    @rx.event
    def select_tab(self, tab: str):
        if tab in TABS:
            self.tab = tab
            self._close_detail()

    @rx.event
    def open_order(self, order_id: int):
        self._open_detail(int(order_id))
        self.reason = ""
        if self.selected_id not in self._seen:
            self._seen = [*self._seen, self.selected_id]
        self.unseen = [order_id for order_id in self.unseen if order_id != self.selected_id]
        return AcceptFormState.start(int(order_id))

    @rx.event
    def close_order(self):
        self._close_detail()

    @rx.event
    def set_reason(self, value: str):
        self.reason = str(value)[:200]

    @rx.event
    async def advance(self, order_id: int, expected: str):
        """The next stage; Delivered on an unpaid order asks first (``deliver_unpaid``)."""
        stage = Stage(expected)
        self.unpaid_order_id, self.unpaid_question = 0, ""

        def ask(error: DomainError):
            self.unpaid_order_id, self.unpaid_question = int(order_id), str(error)

        return await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.advance(s, actor=m, order_id=int(order_id), expected=stage),
            asks=(lifecycle.UnpaidDelivery,),
            ask=ask,
        )

    @rx.event
    async def deliver_unpaid(self):
        """The person confirmed: Delivered although nobody marked the order paid (audited)."""
        order_id = self.unpaid_order_id
        self.unpaid_order_id, self.unpaid_question = 0, ""
        return await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.advance(
                s,
                actor=m,
                order_id=order_id,
                expected=Stage.READY_FOR_PICKUP,
                deliver_unpaid=True,
            ),
        )

    @rx.event
    def keep_undelivered(self):
        self.unpaid_order_id, self.unpaid_question = 0, ""

    @rx.event
    async def step_back(self, order_id: int, expected: str):
        stage = Stage(expected)
        return await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.step_back(s, actor=m, order_id=int(order_id), expected=stage),
        )

    @rx.event
    async def reject(self, order_id: int):
        reason = self.reason
        result = await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.reject(s, actor=m, order_id=int(order_id), reason=reason),
        )
        if result is None:
            self._close_detail()
        return result

    @rx.event
    async def cancel(self, order_id: int, expected: str):
        reason, stage = self.reason, Stage(expected)
        result = await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.cancel(
                s, actor=m, order_id=int(order_id), expected=stage, reason=reason
            ),
        )
        if result is None:
            self._close_detail()
        return result


register_view("manager", ManagerState, manager_board)
register_board(ManagerState)
