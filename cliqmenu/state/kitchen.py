"""The kitchen display: accepted orders of the truck, kitchen fields only."""

from __future__ import annotations

import reflex as rx

from cliqmenu.models import Stage
from cliqmenu.realtime.hub import register_view
from cliqmenu.services import lifecycle
from cliqmenu.state.auth import KITCHEN
from cliqmenu.state.board_actions import run_order_action
from cliqmenu.state.live import LiveScreen
from cliqmenu.views import KitchenBoard, KitchenCard, kitchen_board


class KitchenState(LiveScreen, rx.State):
    """What the kitchen cooks now."""

    audience_kind = "kitchen"
    roles = KITCHEN

    cards: list[KitchenCard] = []
    recallable: list[int] = []

    def _build_view(self, session, truck_id: int) -> KitchenBoard:
        return kitchen_board(session, truck_id)

    def _show(self, view: KitchenBoard) -> None:
        self.cards = view.cards
        self.recallable = view.recallable

    @rx.var
    def open_count(self) -> int:
        return sum(1 for card in self.cards if not card.cancelled)

    @rx.event
    async def load(self):
        return await self._load()

    @rx.event
    async def heartbeat(self, _value: str = ""):
        return await self._heartbeat()

    @rx.event
    async def bump(self, order_id: int):
        """Cooking Done: the order leaves the queue and moves on everywhere."""
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.advance(
                s, actor=m, order_id=int(order_id), expected=Stage.IN_PROGRESS
            ),
        )

    @rx.event
    async def recall(self):
        """Bring back the most recently bumped order."""
        if not self.recallable:
            return rx.toast.info("Nothing to recall.")
        order_id = self.recallable[0]
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.step_back(
                s, actor=m, order_id=order_id, expected=Stage.COOKING_DONE
            ),
        )

    @rx.event
    async def tick(self, order_id: int, line_id: int, done: bool):
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.tick_line(
                s, actor=m, order_id=int(order_id), line_id=int(line_id), done=bool(done)
            ),
        )

    @rx.event
    async def acknowledge(self, order_id: int):
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.acknowledge_cancel(s, actor=m, order_id=int(order_id)),
        )


register_view("kitchen", KitchenState, kitchen_board)
