"""The expo: every order of the truck's kitchen with each station's state; its bump is
Cooking Done once every station has bumped the order."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cliqmenu.models import Role
from cliqmenu.realtime.hub import register_view
from cliqmenu.services import station_bumps
from cliqmenu.state.auth import KITCHEN
from cliqmenu.state.board_actions import run_order_action
from cliqmenu.state.changes import assign_changed
from cliqmenu.state.kitchen import recall_cooking_done
from cliqmenu.state.live import LiveScreen
from cliqmenu.views.boards import ExpoBoard, ExpoCard, expo_board


class ExpoState(LiveScreen, rx.State):
    """What the pass hands out."""

    audience_kind: ClassVar[str] = "expo"
    roles: ClassVar[tuple[Role, ...]] = KITCHEN

    cards: list[ExpoCard] = []
    ready_count: int = 0
    recallable: list[int] = []
    recallable_numbers: list[int] = []
    station_choices: list[list[str]] = []
    kds_theme: str = rx.LocalStorage("dark", name="cliqmenu_kds_theme", sync=True)

    def _build_view(self, session, truck_id: int) -> ExpoBoard:
        return expo_board(session, truck_id)

    def _show(self, view: ExpoBoard) -> None:
        assign_changed(self, "cards", view.cards)
        assign_changed(self, "ready_count", view.ready_count)
        assign_changed(self, "recallable", view.recallable)
        assign_changed(self, "recallable_numbers", view.recallable_numbers)
        assign_changed(self, "station_choices", view.station_choices)

    @rx.var
    def open_count(self) -> int:
        return sum(1 for card in self.cards if not card.card.cancelled)

    @rx.var
    def recall_label(self) -> str:
        return f"#{self.recallable_numbers[0]}" if self.recallable_numbers else ""

    @rx.event
    async def load(self):
        return await self._load()

    @rx.event
    async def heartbeat(self, _value: str = ""):
        return await self._heartbeat()

    @rx.event
    def toggle_theme(self):
        self.kds_theme = "dark" if self.kds_theme == "light" else "light"

    @rx.event
    async def bump(self, order_id: int):
        """Hand the order out: Cooking Done, once every station has bumped it."""
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: station_bumps.expo_bump(s, actor=m, order_id=int(order_id)),
        )

    @rx.event
    async def recall(self):
        """Bring back the order handed out last (Cooking Done back to In Progress)."""
        if not self.recallable:
            return rx.toast.info("Nothing to recall.")
        return await run_order_action(self, KITCHEN, recall_cooking_done(self.recallable[0]))


register_view("expo", ExpoState, expo_board)
