"""The Order Manager's board: one tab per stage, an order detail, Accept and the moves on."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cliqmenu.models import Role, Stage
from cliqmenu.realtime.hub import register_view
from cliqmenu.services import lifecycle
from cliqmenu.state.accept_form import AcceptFormState
from cliqmenu.state.auth import MANAGERS
from cliqmenu.state.board_actions import run_order_action
from cliqmenu.state.live import LiveScreen
from cliqmenu.views import ManagerBoard, OrderCard, manager_board

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

    received: list[OrderCard] = []
    in_progress: list[OrderCard] = []
    cooking_done: list[OrderCard] = []
    ready_for_pickup: list[OrderCard] = []
    delivered: list[OrderCard] = []
    tab: str = Stage.RECEIVED.value
    selected_id: int = 0
    reason: str = ""
    # Received orders this screen has not opened yet: they chime until opened.
    unseen: list[int] = []
    _seen: list[int] = []

    def _build_view(self, session, truck_id: int) -> ManagerBoard:
        return manager_board(session, truck_id)

    def _show(self, view: ManagerBoard) -> None:
        self.received = view.received
        self.in_progress = view.in_progress
        self.cooking_done = view.cooking_done
        self.ready_for_pickup = view.ready_for_pickup
        self.delivered = view.delivered
        waiting = {card.id for card in view.received}
        self._seen = [order_id for order_id in self._seen if order_id in waiting]
        self.unseen = [card.id for card in view.received if card.id not in self._seen]

    @rx.var
    def counts(self) -> dict[str, int]:
        return {
            "received": len(self.received),
            "in_progress": len(self.in_progress),
            "cooking_done": len(self.cooking_done),
            "ready_for_pickup": len(self.ready_for_pickup),
            "delivered": len(self.delivered),
        }

    @rx.var
    def tab_orders(self) -> list[OrderCard]:
        lists = {
            "received": self.received,
            "in_progress": self.in_progress,
            "cooking_done": self.cooking_done,
            "ready_for_pickup": self.ready_for_pickup,
            "delivered": self.delivered,
        }
        return lists.get(self.tab, [])

    @rx.var
    def selected(self) -> list[OrderCard]:
        """The open order, as a list of zero or one so the page can render it safely."""
        everything = (
            self.received
            + self.in_progress
            + self.cooking_done
            + self.ready_for_pickup
            + self.delivered
        )
        return [card for card in everything if card.id == self.selected_id][:1]

    @rx.event
    async def load(self):
        return await self._load()

    @rx.event
    async def heartbeat(self, _value: str = ""):
        return await self._heartbeat()

    @rx.event
    def select_tab(self, tab: str):
        if tab in TABS:
            self.tab = tab
            self.selected_id = 0

    @rx.event
    def open_order(self, order_id: int):
        self.selected_id = int(order_id)
        self.reason = ""
        if self.selected_id not in self._seen:
            self._seen = [*self._seen, self.selected_id]
        self.unseen = [order_id for order_id in self.unseen if order_id != self.selected_id]
        return AcceptFormState.start(int(order_id))

    @rx.event
    def close_order(self):
        self.selected_id = 0

    @rx.event
    def set_reason(self, value: str):
        self.reason = str(value)[:200]

    @rx.event
    async def advance(self, order_id: int, expected: str):
        stage = Stage(expected)
        return await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.advance(s, actor=m, order_id=int(order_id), expected=stage),
        )

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
            self.selected_id = 0
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
            self.selected_id = 0
        return result


register_view("manager", ManagerState, manager_board)
