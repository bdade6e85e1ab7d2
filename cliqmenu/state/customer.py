"""Customer pages (no account): the truck's live menu and cart at /t/<slug>, tracking at /o/<id>."""

from __future__ import annotations

import time
from dataclasses import dataclass

import reflex as rx

from cliqmenu.components.live import CUSTOMER_HEARTBEAT_MS
from cliqmenu.db import session_scope
from cliqmenu.menu_view import CategoryView, ItemView, menu_view
from cliqmenu.models import Business, OrderSource, PaymentMethod, Stage, Truck, utcnow
from cliqmenu.realtime import Audience, subscribe
from cliqmenu.realtime.hub import register_view
from cliqmenu.services import orders
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import effective_menu
from cliqmenu.state.board_actions import publish_truck
from cliqmenu.state.cart import CartMixin
from cliqmenu.tracker_view import TrackerView, tracker_view


@dataclass
class TruckMenu:
    """The public menu of a truck: categories with items, and whether it takes orders now."""

    truck_id: int
    categories: list[CategoryView]
    paused: bool


def truck_menu(session, truck_id: int) -> TruckMenu:
    truck = session.get(Truck, truck_id)
    business = session.get(Business, truck.business_id)
    return TruckMenu(
        truck_id=truck.id,
        categories=menu_view(effective_menu(session, truck), business.currency),
        paused=bool(truck.busy_until and truck.busy_until > utcnow()),
    )


def _path_tail(path: str, prefix: str) -> str:
    path = path.split("?")[0].rstrip("/")
    return path[len(prefix) :] if path.startswith(prefix) else ""


class CustomerMenuState(CartMixin, rx.State):
    """One phone's view of a truck's menu; the menu part is pushed live to every open phone."""

    found: bool = True
    business_name: str = ""
    logo_url: str = ""
    paused: bool = False
    diet: str = ""
    diets: list[str] = []
    checkout_open: bool = False
    placing: bool = False
    _version: int = 0

    @rx.var
    def shown_items_filtered(self) -> list[ItemView]:
        for category in self.categories:
            if category.id == self.category_id:
                return [i for i in category.items if not self.diet or self.diet in i.dietary_tags]
        return []

    @rx.var
    def cart_count(self) -> int:
        return sum(line.quantity for line in self.cart)

    def _show_menu(self, menu: TruckMenu) -> None:
        self.categories, self.paused = menu.categories, menu.paused
        self.diets = sorted({t for c in menu.categories for i in c.items for t in i.dietary_tags})
        if self.category_id not in {c.id for c in self.categories}:
            self.category_id = self.categories[0].id if self.categories else 0

    @rx.event
    async def load(self):
        slug = _path_tail(self.router.url.path, "/t/")
        version = time.time_ns()
        with session_scope() as session:
            try:
                truck = orders.truck_by_slug(session, slug)
            except DomainError:
                self.found = False
                return None
            business = session.get(Business, truck.business_id)
            menu = truck_menu(session, truck.id)
            self.payment_choices = [
                [m.value, m.label] for m in orders.accepted_methods(truck, business)
            ]
        self.found = True
        self._truck_id, self.truck_name = truck.id, truck.name
        self.business_name, self.logo_url = business.name, business.logo_url or ""
        self._version = version
        self._show_menu(menu)
        if self.payment not in {c[0] for c in self.payment_choices} and self.payment_choices:
            self.payment = self.payment_choices[0][0]
        self._retotal()
        await subscribe(Audience("menu", truck.id), self.router.session.client_token)
        return None

    @rx.event
    async def heartbeat(self, _value: str = ""):
        if self._truck_id:
            await subscribe(Audience("menu", self._truck_id), self.router.session.client_token)

    async def _receive_view(self, audience: Audience, view: TruckMenu, version: int) -> None:
        if audience != Audience("menu", self._truck_id) or version <= self._version:
            return
        self._version = version
        self._show_menu(view)
        if self.picking:
            fresh = self._item(self.picking[0].id)
            self.picking = [fresh] if fresh else []

    @rx.event
    def set_diet(self, value: str):
        self.diet = "" if value == self.diet else str(value)[:40]

    @rx.event
    def open_checkout(self):
        self.checkout_open = bool(self.cart)

    @rx.event
    def close_checkout(self):
        self.checkout_open = False

    @rx.event
    async def place(self):
        if not self.cart:
            self.error = "Your order is empty."
            return None
        if not self.customer_name.strip():
            self.error = "Enter your name so the crew can call you."
            return None
        request = self._order_request()
        try:
            with session_scope() as session:
                truck = self._truck(session)
                order, _created = orders.place_order(
                    session, truck=truck, request=request, source=OrderSource.CUSTOMER
                )
                public_id, stage = order.public_id, order.stage
                checkout_url = self._checkout_url(session, order)
        except DomainError as error:
            self.error = str(error)
            return None
        if stage == Stage.AWAITING_PAYMENT:
            return rx.redirect(checkout_url, is_external=True)
        publish_truck(self._truck_id, public_id)
        self.checkout_open = False
        self._clear_cart()
        return rx.redirect(f"/o/{public_id}")

    def _checkout_url(self, session, order) -> str:
        """Stripe's hosted page for an Online order (the payments module makes it)."""
        if order.payment_method != PaymentMethod.ONLINE:
            return ""
        from cliqmenu.services import payments

        base = self.router.url.origin
        return payments.start_checkout(
            session,
            order=order,
            success_url=f"{base}/o/{order.public_id}?paid=1",
            cancel_url=f"{base}/t/{_path_tail(self.router.url.path, '/t/')}?payment=cancelled",
        )


class TrackerState(rx.State):
    """The customer's live view of one order; it survives a reload (the link is the key)."""

    view: TrackerView = TrackerView(found=True)
    _public_id: str = ""
    _version: int = 0

    @rx.event
    async def load(self):
        public_id = _path_tail(self.router.url.path, "/o/")[:64]
        version = time.time_ns()
        with session_scope() as session:
            view = tracker_view(session, public_id)
        self._public_id, self._version, self.view = public_id, version, view
        if view.found:
            await subscribe(Audience("tracker", public_id), self.router.session.client_token)

    @rx.event
    async def heartbeat(self, _value: str = ""):
        if self._public_id:
            await subscribe(Audience("tracker", self._public_id), self.router.session.client_token)

    async def _receive_view(self, audience: Audience, view: TrackerView, version: int) -> None:
        if audience != Audience("tracker", self._public_id) or version <= self._version:
            return
        self._version, self.view = version, view


register_view("menu", CustomerMenuState, truck_menu, heartbeat_seconds=CUSTOMER_HEARTBEAT_MS / 1000)
register_view("tracker", TrackerState, tracker_view, heartbeat_seconds=CUSTOMER_HEARTBEAT_MS / 1000)
