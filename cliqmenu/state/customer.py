"""Customer pages (no account): the truck's live menu and cart at /t/<slug>, tracking at /o/<id>."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import reflex as rx
from sqlalchemy.exc import DBAPIError

from cliqmenu.db import database_unavailable, read_scope, session_scope
from cliqmenu.models import OrderSource, Stage
from cliqmenu.payment_check import confirm_checkout
from cliqmenu.realtime import Audience, subscribe
from cliqmenu.realtime.hub import current_change, register_view
from cliqmenu.realtime.registry import CUSTOMER_HEARTBEAT_MS
from cliqmenu.services import order_limits, orders, ready_time, records, slots, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.state.board_actions import customers_see_portions, publish_stock, publish_truck
from cliqmenu.state.cart import DINING_CHOICES, NAME_NEEDED, CartMixin
from cliqmenu.state.live import Watching
from cliqmenu.state.pickup import NOW, PickupMixin
from cliqmenu.views.menu import ItemView, TruckMenu, truck_menu
from cliqmenu.views.tracker import TrackerView, tracker_view

SAVED_CART_S = 12 * 3600  # a cart kept longer is an old visit's, not this one's
ORDER_NOT_SENT = (
    "Your order was not sent: we could not reach the truck's system. Tap Place order again."
)
log = logging.getLogger(__name__)


def _path_tail(path: str, prefix: str) -> str:
    path = path.split("?")[0].rstrip("/")
    return path[len(prefix) :] if path.startswith(prefix) else ""


class CustomerMenuState(Watching, PickupMixin, CartMixin, rx.State):
    """One phone's view of a truck's menu; the menu part is pushed live to every open phone."""

    found: bool = True
    business_name: str = ""
    logo_url: str = ""
    paused: bool = False
    closed: bool = False
    diet: str = ""
    diets: list[str] = []
    checkout_open: bool = False
    placing: bool = False
    # "Ready around 12:40 pm": the truck's queue and pace now (services/ready_time.py).
    ready_quote: str = ""
    _paying_public_id: str = ""
    # The cart as this phone's browser keeps it (localStorage), so a reload mid-checkout or a
    # phone that dropped the page gets it back: what was chosen, never a price (re-priced and
    # re-checked against the live menu when it comes back).
    saved_cart: str = rx.LocalStorage("", name="cliqmenu_cart", sync=True)

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
        self.categories, self.paused, self.closed = menu.categories, menu.paused, menu.closed
        self.diets = sorted({t for c in menu.categories for i in c.items for t in i.dietary_tags})
        if self.category_id not in {c.id for c in self.categories}:
            self.category_id = self.categories[0].id if self.categories else 0

    @rx.event
    async def load(self):
        slug = _path_tail(self.router.url.path, "/t/")
        with session_scope() as session:
            try:
                truck = trucks.truck_at(session, slug)
            except DomainError:
                self.found = False
                return None
            business = records.business(session, truck.business_id)
            self.payment_choices = [
                [m.value, m.label] for m in orders.accepted_methods(truck, business)
            ]
        self.found = True
        self._open_truck(truck, business)
        self.business_name, self.logo_url = business.name, business.logo_url or ""
        await self._rebuild(await current_change(Audience("menu", truck.id)))
        if self.payment not in {c[0] for c in self.payment_choices} and self.payment_choices:
            self.payment = self.payment_choices[0][0]
        self._retotal()
        if not self.cart:
            self._restore_cart()
        if self.router.url.query_parameters.get("payment") == "cancelled":
            self.error = "Payment was not completed, so your order was not sent. You can try again."
            self.checkout_open = bool(self.cart)
        await subscribe(Audience("menu", truck.id), self.router.session.client_token)
        return None

    @rx.event
    async def heartbeat(self, _value: str = ""):
        if self._truck_id:
            await self._check_in()

    def _cart_changed(self) -> None:
        if not self._truck_id:
            return
        if not self.cart:
            self.saved_cart = ""
            return
        self.saved_cart = json.dumps(
            {
                "truck": self._truck_id,
                "saved": int(time.time()),
                "name": self.customer_name,
                "dining": self.dining,
                "payment": self.payment,
                "lines": [
                    [line.item_id, line.option_ids, line.quantity, line.note] for line in self.cart
                ],
            },
            separators=(",", ":"),
        )

    def _restore_cart(self) -> None:
        """The cart this browser kept for this truck, priced and checked against the menu now
        (an item gone from the menu is dropped, one out of stock flagged); an old one, dropped."""
        try:
            kept = json.loads(self.saved_cart or "{}")
            if kept.get("truck") != self._truck_id or time.time() - kept["saved"] > SAVED_CART_S:
                return
            lines = [
                (
                    int(item),
                    [int(o) for o in options],
                    max(1, min(orders.MAX_QUANTITY, int(quantity))),
                    str(note)[: orders.MAX_NOTE],
                )
                for item, options, quantity, note in kept["lines"][: orders.MAX_LINES]
            ]
        except (ValueError, TypeError, KeyError, AttributeError):
            return  # not ours, or spoilt: start empty
        self._price_cart(lines)
        self.customer_name = str(kept.get("name", ""))[: orders.MAX_CUSTOMER_NAME]
        if kept.get("dining") in {c[0] for c in DINING_CHOICES}:
            self.dining = kept["dining"]
        if kept.get("payment") in {c[0] for c in self.payment_choices}:
            self.payment = kept["payment"]
            self._retotal()

    def _watched(self) -> Audience:
        return Audience("menu", self._truck_id)

    async def _rebuild(self, mark: int) -> None:
        version = time.time_ns()
        with session_scope() as session:
            menu = truck_menu(session, self._truck_id)
        self._take_menu(menu, version, mark)

    async def _receive_view(
        self, audience: Audience, view: TruckMenu, version: int, mark: int = 0
    ) -> None:
        if self._is_newer(audience, version):
            self._take_menu(view, version, mark)

    def _take_menu(self, view: TruckMenu, version: int, mark: int) -> None:
        self._stamp(version, mark)
        self._show_menu(view)
        self._recheck_cart()
        if self.picking:
            fresh = self._item(self.picking[0].id)
            self.picking = [fresh] if fresh else []

    @rx.event
    def set_diet(self, value: str):
        self.diet = "" if value == self.diet else str(value)[:40]

    @rx.event
    def open_checkout(self):
        self.checkout_open = bool(self.cart)
        self._requote()
        if self.checkout_open:
            self._load_pickup_times(self._truck_id, self.cart_count or 1)

    def _retotal(self) -> None:
        super()._retotal()
        if self.checkout_open:
            self._requote()

    def _requote(self) -> None:
        """The ready time an order of this cart would be quoted if placed now."""
        items = sum(line.quantity for line in self.cart)
        try:
            with read_scope() as session:
                truck = self._truck(session)
                self.ready_quote = ready_time.quote_label(session, truck=truck, items=items)
        except DomainError:
            self.ready_quote = ""

    @rx.event
    def close_checkout(self):
        self.checkout_open = False

    @rx.event
    async def place(self):
        if not self.cart:
            self.error = "Your order is empty."
            return None
        if not self.customer_name.strip():
            self.error = NAME_NEEDED
            return None
        request = self._order_request(pickup_at=self._pickup_at())
        try:
            await order_limits.check_customer_order(
                tab=self.router.session.client_token,
                address=self.router.session.client_ip,
                truck_id=self._truck_id,
                truck_name=self.truck_name,
            )
            with session_scope() as session:
                truck = trucks.require_trading(self._truck(session))
                order, _created = orders.place_order(
                    session, truck=truck, request=request, source=OrderSource.CUSTOMER
                )
                public_id, stage = order.public_id, order.stage
                menu = customers_see_portions(session, truck.id)
        except DomainError as error:
            self.error = str(error)
            if isinstance(error, slots.SlotFull):
                self._load_pickup_times(self._truck_id, self.cart_count or 1)  # offer the next
            return None
        except DBAPIError as error:
            if not database_unavailable(error):
                raise
            log.warning("customer order at truck %s not saved: %s", self._truck_id, error.orig)
            self.error = ORDER_NOT_SENT
            return None
        if stage == Stage.AWAITING_PAYMENT:
            # The cart stays until Stripe confirms: a customer who comes back can pay again.
            # Its portions are held already: the stock screens (and menus) show the new count.
            publish_stock(self._truck_id, menu=menu)
            self._paying_public_id, self.placing, self.error = public_id, True, ""
            return CustomerMenuState.pay_online
        publish_truck(self._truck_id, public_id, menu=menu)
        self.checkout_open = False
        self._clear_cart()
        self.pickup = NOW
        return rx.redirect(f"/o/{public_id}")

    @rx.event(background=True)
    async def pay_online(self):
        """Send the customer to Stripe's hosted page for the order just placed."""
        async with self:
            public_id = self._paying_public_id
            origin = self.router.url.origin
            slug = _path_tail(self.router.url.path, "/t/")
        if not public_id:
            return None
        try:
            url = await asyncio.to_thread(_checkout_url, public_id, origin, slug)
        except DomainError as error:
            async with self:
                self.error, self.placing = str(error), False
            return None
        async with self:
            self.placing = False
        return rx.redirect(url)  # another host: the same tab goes there (no pop-up to block)


def _checkout_url(public_id: str, origin: str, slug: str) -> str:
    """Stripe's hosted page for an Online order (made by the payments module)."""
    from cliqmenu.services import payments

    with session_scope() as session:
        order = records.order_at(session, public_id)
        return payments.start_checkout(
            session,
            order=order,
            success_url=f"{origin}/o/{public_id}?paid=1",
            cancel_url=f"{origin}/t/{slug}?payment=cancelled",
        )


class TrackerState(Watching, rx.State):
    """The customer's live view of one order; it survives a reload (the link is the key)."""

    view: TrackerView = TrackerView(found=True)
    _public_id: str = ""
    saved_cart: str = rx.LocalStorage("", name="cliqmenu_cart", sync=True)  # the menu's

    @rx.event
    async def load(self):
        self._public_id = _path_tail(self.router.url.path, "/o/")[:64]
        await self._rebuild(await current_change(self._watched()))
        view, public_id = self.view, self._public_id
        if view.found:
            await subscribe(Audience("tracker", public_id), self.router.session.client_token)
        if self.router.url.query_parameters.get("paid"):
            self.saved_cart = ""  # back from paying: that cart became this order
        if view.awaiting_payment and self.router.url.query_parameters.get("paid"):
            return TrackerState.confirm_payment
        return None

    @rx.event(background=True)
    async def confirm_payment(self):
        """Back from Stripe before its webhook: ask Stripe (the redirect alone proves nothing)."""
        async with self:
            public_id = self._public_id
        if public_id:
            await confirm_checkout(public_id)  # publishes the tracker when it marks it paid

    @rx.event
    async def heartbeat(self, _value: str = ""):
        if self._public_id and self.view.found:
            await self._check_in()

    def _watched(self) -> Audience:
        return Audience("tracker", self._public_id)

    async def _rebuild(self, mark: int) -> None:
        version = time.time_ns()
        with session_scope() as session:
            view = tracker_view(session, self._public_id)
        self._stamp(version, mark)
        self.view = view

    async def _receive_view(
        self, audience: Audience, view: TrackerView, version: int, mark: int = 0
    ) -> None:
        if self._is_newer(audience, version):
            self._stamp(version, mark)
            self.view = view


register_view("menu", CustomerMenuState, truck_menu, heartbeat_seconds=CUSTOMER_HEARTBEAT_MS / 1000)
register_view("tracker", TrackerState, tracker_view, heartbeat_seconds=CUSTOMER_HEARTBEAT_MS / 1000)
