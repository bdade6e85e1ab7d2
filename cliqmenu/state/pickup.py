"""The pickup time of an order being built: as soon as possible, or a slot later today (a
pre-order). Shared by the customer's checkout and the walk-in counter (phone orders)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import reflex as rx

from cliqmenu.db import read_scope
from cliqmenu.models import Truck
from cliqmenu.services import slots

NOW, ASAP = "now", "As soon as possible"


class PickupMixin(rx.State, mixin=True):
    """``pickup`` is "now" or a slot's start (ISO); customers choose among the open slots, the
    crew among every later slot with its load shown (they may fill a slot past its limit)."""

    pickup: str = NOW
    pickup_choices: list[list[str]] = [[NOW, ASAP]]
    # The current slot has no room for this order: the next free slot is offered.
    full_now: bool = False
    offer_slot: str = ""
    offer_label: str = ""
    crew_chooses: ClassVar[bool] = False

    @rx.var
    def pickup_label(self) -> str:
        """The chosen pickup slot ("12:30"), or "" for as soon as possible."""
        if self.pickup == NOW:
            return ""
        return next((c[1] for c in self.pickup_choices if c[0] == self.pickup), "")

    def _load_pickup_times(self, truck_id: int, items: int) -> None:
        """The pickup slots later today, and the next free one when the current slot is full."""
        with read_scope() as session:
            truck = session.get(Truck, truck_id)
            if truck is None:
                return
            full = not slots.taking_now(session, truck, items=items)
            choices = slots.pickup_choices(session, truck, items=items)
        if self.crew_chooses:
            shown = [
                [
                    c.start.isoformat(),
                    c.label + (f" · {c.load.orders} booked" if slots.is_paced(truck) else ""),
                ]
                for c in choices
            ]
        else:
            shown = [[c.start.isoformat(), c.label] for c in choices if c.open]
        self.pickup_choices = [[NOW, ASAP], *shown]
        if self.pickup not in {choice[0] for choice in self.pickup_choices}:
            self.pickup = NOW
        free = next((c for c in choices if c.open), None) if full else None
        self.full_now = full
        self.offer_slot = free.start.isoformat() if free else ""
        self.offer_label = free.label if free else ""

    def _pickup_at(self) -> dt.datetime | None:
        return None if self.pickup == NOW else dt.datetime.fromisoformat(self.pickup)

    @rx.event
    def set_pickup(self, value: str):
        if value in {choice[0] for choice in self.pickup_choices}:
            self.pickup = value

    @rx.event
    def take_offer(self):
        """Order for the next free slot instead of now."""
        if self.offer_slot:
            self.pickup = self.offer_slot
