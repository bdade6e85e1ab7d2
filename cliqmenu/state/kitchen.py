"""The kitchen display: accepted orders of the truck, kitchen fields only."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cliqmenu.db import read_scope
from cliqmenu.models import Role, Stage
from cliqmenu.realtime import Audience
from cliqmenu.realtime.hub import register_view
from cliqmenu.routes import KDS_EXPO
from cliqmenu.services import lifecycle, station_bumps, stations
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import KITCHEN, SessionState, authorize, refuse
from cliqmenu.state.board_actions import run_order_action
from cliqmenu.state.changes import assign_changed
from cliqmenu.state.live import LiveScreen
from cliqmenu.views.boards import (
    EXPO,
    AllDayCount,
    KitchenBoard,
    KitchenCard,
    kitchen_board,
    station_board,
)

# How many "order:stage" keys a screen remembers as acknowledged (a busy day is far fewer).
SEEN_KEPT = 500


def _seen_key(card: KitchenCard) -> str:
    # The stage is part of the key, so an order cancelled while on screen alerts again.
    return f"{card.id}:{card.stage}"


class KitchenState(LiveScreen, rx.State):
    """What the kitchen cooks now."""

    audience_kind: ClassVar[str] = "kitchen"
    roles: ClassVar[tuple[Role, ...]] = KITCHEN

    cards: list[KitchenCard] = []
    all_day: list[AllDayCount] = []
    recallable: list[int] = []
    recallable_numbers: list[int] = []
    # Cards (new orders, new cancellations) nobody has acknowledged on this screen: they chime.
    unseen: list[int] = []
    show_all_day: bool = True
    # Dark (the default, for a dim kitchen) or light (a sunny window); this screen's browser
    # remembers it.
    kds_theme: str = rx.LocalStorage("dark", name="cliqmenu_kds_theme", sync=True)
    # The station shown ("" for the whole kitchen), the picker's [value, label] choices (none
    # unless the truck works by stations) and the picker's value.
    station_name: str = ""
    station_choices: list[list[str]] = []
    station_value: str = "all"
    # Keys acknowledged on this screen. Not pruned to the cards shown, so a recalled order
    # does not chime again; bounded instead.
    _seen: list[str] = []
    # The station this display shows (0: the whole kitchen): its audience is that station's.
    _station_id: int = 0

    def _audience(self) -> Audience:
        if self._station_id:
            return Audience("station", self._station_id)
        return super()._audience()

    def _within_truck(self, session_state: SessionState) -> None:
        """The station this device chose, if it is one of this truck's and the truck works
        by stations; else the whole kitchen."""
        choice = session_state.station_choice
        self._station_id = 0
        if choice.isdigit():
            with read_scope() as session:
                truck_stations = stations.list_stations(session, self._truck_id)
            if len(truck_stations) >= 2 and int(choice) in {s.id for s in truck_stations}:
                self._station_id = int(choice)
        self.station_value = str(self._station_id) if self._station_id else "all"

    def _build_view(self, session, truck_id: int) -> KitchenBoard:
        if self._station_id:
            return station_board(session, self._station_id)
        return kitchen_board(session, truck_id)

    def _show(self, view: KitchenBoard) -> None:
        """Take a pushed view; only the parts that changed go to the browser."""
        assign_changed(self, "cards", view.cards)
        assign_changed(self, "all_day", view.all_day)
        assign_changed(self, "recallable", view.recallable)
        assign_changed(self, "recallable_numbers", view.recallable_numbers)
        assign_changed(self, "station_name", view.station_name)
        assign_changed(self, "station_choices", view.station_choices)
        self._compare_with_seen()

    def _compare_with_seen(self) -> None:
        """The chime state: every card whose key this screen has not acknowledged."""
        seen = set(self._seen)
        cards = self.get_value("cards")
        assign_changed(self, "unseen", [card.id for card in cards if _seen_key(card) not in seen])

    @rx.var
    def open_count(self) -> int:
        return sum(1 for card in self.cards if not card.cancelled)

    @rx.var
    def recall_label(self) -> str:
        return f"#{self.recallable_numbers[0]}" if self.recallable_numbers else ""

    @rx.event
    async def load(self):
        session_state = await self.get_state(SessionState)
        if session_state.station_choice == EXPO:  # this device is the expo
            return rx.redirect(KDS_EXPO)
        return await self._load()

    @rx.event
    async def heartbeat(self, _value: str = ""):
        return await self._heartbeat()

    @rx.event
    async def silence(self):
        """Someone touched the screen or pressed a key: every card shown is acknowledged."""
        try:
            await authorize(self, KITCHEN)
        except DomainError as error:
            return refuse(error)
        keys = [_seen_key(card) for card in self.cards]
        shown = set(keys)
        kept = [key for key in self._seen if key not in shown]
        self._seen = (kept + keys)[-SEEN_KEPT:]
        self._compare_with_seen()
        return None

    @rx.event
    def toggle_all_day(self):
        self.show_all_day = not self.show_all_day

    @rx.event
    def toggle_theme(self):
        self.kds_theme = "dark" if self.kds_theme == "light" else "light"

    @rx.event
    async def bump(self, order_id: int):
        """Cooking Done: the order leaves the queue and moves on everywhere. At a station:
        the station made its items (the expo moves the order on)."""
        station_id = self._station_id
        if station_id:
            return await run_order_action(
                self,
                KITCHEN,
                lambda s, m: station_bumps.bump(
                    s, actor=m, order_id=int(order_id), station_id=station_id
                ),
            )
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.advance(
                s, actor=m, order_id=int(order_id), expected=Stage.IN_PROGRESS
            ),
        )

    @rx.event
    async def recall(self):
        """Bring back the most recently bumped order (again: the one bumped before it); at a
        station, the order it bumped last."""
        if not self.recallable:
            return rx.toast.info("Nothing to recall.")
        order_id, station_id = self.recallable[0], self._station_id
        if station_id:
            return await run_order_action(
                self,
                KITCHEN,
                lambda s, m: station_bumps.recall(
                    s, actor=m, order_id=order_id, station_id=station_id
                ),
            )
        return await run_order_action(self, KITCHEN, recall_cooking_done(order_id))

    @rx.event
    async def tick(self, order_id: int, line_id: int, done: bool):
        """Tick one item done (or not done) on an order In Progress."""
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.tick_line(
                s, actor=m, order_id=int(order_id), line_id=int(line_id), done=bool(done)
            ),
        )

    @rx.event
    async def acknowledge(self, order_id: int):
        """The kitchen saw a cancelled order: it leaves the screen."""
        return await run_order_action(
            self,
            KITCHEN,
            lambda s, m: lifecycle.acknowledge_cancel(s, actor=m, order_id=int(order_id)),
        )


def recall_cooking_done(order_id: int):
    """The kitchen's (and the expo's) recall: a Cooking Done order back In Progress."""
    return lambda s, m: lifecycle.step_back(
        s, actor=m, order_id=order_id, expected=Stage.COOKING_DONE
    )


register_view("kitchen", KitchenState, kitchen_board)
register_view("station", KitchenState, station_board)
