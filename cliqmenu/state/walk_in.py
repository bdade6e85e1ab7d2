"""The counter screen: a manager builds a walk-in order from the truck's effective menu."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import OrderSource, PaymentMethod
from cliqmenu.routes import MANAGE
from cliqmenu.services import money, orders, records
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import effective_menu
from cliqmenu.state.auth import MANAGERS, SessionState, authorize, refuse
from cliqmenu.state.board_actions import customers_see_portions, publish_truck
from cliqmenu.state.cart import CartMixin
from cliqmenu.state.pickup import NOW, PickupMixin
from cliqmenu.views.menu import menu_view

COUNTER_METHODS = [
    [m.value, m.label] for m in (PaymentMethod.CASH_AT_COUNTER, PaymentMethod.CARD_AT_COUNTER)
]


class WalkInState(PickupMixin, CartMixin, rx.State):
    prep_minutes: str = ""
    crew_chooses: ClassVar[bool] = True

    @rx.event
    async def load(self):
        try:
            member = await authorize(self, MANAGERS)
        except DomainError as error:
            return refuse(error)
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            truck = session_state._truck(session, member)
            business = records.business(session, truck.business_id)
            self.categories = menu_view(
                effective_menu(session, truck), money.formatter(business), truck.low_portions_at
            )
            self._open_truck(truck, business)
            if not self.prep_minutes:
                self.prep_minutes = str(truck.default_prep_minutes)
        self.payment_choices = COUNTER_METHODS
        self._load_pickup_times(self._truck_id, 1)
        if self.category_id not in {c.id for c in self.categories}:
            self.category_id = self.categories[0].id if self.categories else 0
        self._retotal()
        return None

    @rx.event
    def set_prep_minutes(self, value: str):
        # Kept as typed: "-3" or "ten" are refused with a message, never turned into 3.
        self.prep_minutes = str(value).strip()[:6]

    @rx.event
    async def place(self):
        """Send to kitchen: straight to In Progress. A double tap sends one order."""
        try:
            member = await authorize(self, MANAGERS)
        except DomainError as error:
            return refuse(error)
        if not self.cart:
            self.error = "Add at least one item."
            return None
        request = self._order_request(default_name="Walk-in", pickup_at=self._pickup_at())
        try:
            prep_minutes = orders.parse_prep_minutes(self.prep_minutes)
            with session_scope() as session:
                truck = self._truck(session)
                order, _created = orders.place_order(
                    session,
                    truck=truck,
                    request=request,
                    source=OrderSource.WALK_IN,
                    actor=member,
                    prep_minutes=prep_minutes,
                )
                number = order.number
                menu = customers_see_portions(session, truck.id)
        except DomainError as error:
            self.error = str(error)
            return None
        publish_truck(self._truck_id, menu=menu)
        self.customer_name = self.customer_email = ""
        self._clear_cart()
        done = f"scheduled for {self.pickup_label}" if self.pickup_label else "sent to the kitchen"
        self.pickup = NOW
        return [rx.toast.success(f"Order #{number} {done}."), rx.redirect(MANAGE)]
