"""A cart built from a truck's effective menu: shared by the walk-in counter and customers."""

from __future__ import annotations

import datetime as dt
import uuid

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business, DiningMethod, PaymentMethod, Truck
from cliqmenu.services import money, orders, records
from cliqmenu.services.choices import choice_rule
from cliqmenu.services.menu import effective_menu
from cliqmenu.services.staff import MAX_EMAIL
from cliqmenu.services.text import length_problem, strip_invisible
from cliqmenu.views.menu import CartLine, CategoryView, ItemView, cart_line, menu_view
from cliqmenu.views.receipt import money_lines

DINING_CHOICES = [[m.value, m.label] for m in DiningMethod]
NAME_NEEDED = "Enter your name so the crew can call you."


class CartMixin(rx.State, mixin=True):
    """Menu browsing, the customization picker, the cart and its totals."""

    truck_name: str = ""
    categories: list[CategoryView] = []
    category_id: int = 0
    picking: list[ItemView] = []
    picked: dict[str, list[int]] = {}
    pick_qty: int = 1
    pick_note: str = ""
    pick_error: str = ""
    cart: list[CartLine] = []
    customer_name: str = ""
    customer_email: str = ""
    dining: str = DiningMethod.TAKEAWAY.value
    payment: str = PaymentMethod.CASH_AT_COUNTER.value
    payment_choices: list[list[str]] = []
    totals: dict[str, str] = {}
    error: str = ""
    _truck_id: int = 0
    _cart_key: str = ""
    _cart_fingerprint: str = ""
    _terms: money.PricingTerms | None = None

    @rx.var
    def cart_warning(self) -> str:
        """Said over Place order as soon as a line in the cart went out of stock."""
        out = [line.name for line in self.cart if line.problem]
        if not out:
            return ""
        return f"{', '.join(out)}: out of stock now. Remove it to place your order."

    @rx.var
    def shown_items(self) -> list[ItemView]:
        for category in self.categories:
            if category.id == self.category_id:
                return category.items
        return []

    @rx.event
    def choose_category(self, category_id: int):
        self.category_id = int(category_id)

    @rx.event
    def open_item(self, item_id: int):
        item = self._item(int(item_id))
        if item is None or not item.in_stock:
            return rx.toast.error("That item is out of stock.")
        self.picking = [item]
        # Every group has an entry (the page reads each); single-choice required groups start on
        # their first option in stock.
        self.picked = {
            str(g.id): [o.id for o in g.options if o.in_stock][:1]
            if g.single and g.required
            else []
            for g in item.groups
        }
        self.pick_qty, self.pick_note, self.pick_error = 1, "", ""
        return None

    @rx.event
    def close_item(self):
        item_id = self.picking[0].id if self.picking else 0
        self.picking = []
        if item_id:
            # Focus goes back to the item that opened the picker, not to the top of the page.
            return rx.call_script(
                "setTimeout(() => document.querySelector("
                f"'[data-item-id=\"{int(item_id)}\"]')?.focus(), 80)"
            )
        return None

    @rx.event
    def toggle_option(self, group_id: int, option_id: int):
        if not self.picking:
            return
        group = next((g for g in self.picking[0].groups if g.id == int(group_id)), None)
        if group is None:
            return
        chosen = list(self.picked.get(str(group.id), []))
        option_id = int(option_id)
        if group.single:
            chosen = [] if chosen == [option_id] and not group.required else [option_id]
        elif option_id in chosen:
            chosen.remove(option_id)
        elif not choice_rule(group).too_many(len(chosen) + 1):
            chosen.append(option_id)
        else:
            self.pick_error = f"Choose at most {choice_rule(group).most} for {group.name}."
            return
        self.pick_error = ""
        self.picked = {**self.picked, str(group.id): chosen}

    @rx.event
    def set_pick_qty(self, delta: int):
        self.pick_qty = min(orders.MAX_QUANTITY, max(1, self.pick_qty + int(delta)))

    @rx.event
    def set_pick_note(self, value: str):
        # One character past the limit is kept, so the form says it is too long (never cut).
        self.pick_note = str(value)[: orders.MAX_NOTE + 1]
        self.pick_error = length_problem(self.pick_note, what="note", max_length=orders.MAX_NOTE)

    @rx.event
    def add_to_cart(self):
        if not self.picking or not self._truck_id:
            return
        item = self.picking[0]
        if problem := length_problem(self.pick_note, what="note", max_length=orders.MAX_NOTE):
            self.pick_error = problem
            return
        chosen_ids: list[int] = []
        for group in item.groups:
            chosen = self.picked.get(str(group.id), [])
            if choice_rule(group).too_few(len(chosen)):
                self.pick_error = f"Choose {group.name}."
                return
            chosen_ids += chosen
        show = money.formatter(self._terms)
        with session_scope() as session:  # the menu as it is now (the one shown may be older)
            now = menu_view(effective_menu(session, self._truck(session)), show)
        line = cart_line(
            now,
            show,
            item_id=item.id,
            option_ids=chosen_ids,
            quantity=self.pick_qty,
            note=strip_invisible(self.pick_note).strip(),
        )
        if line is None or line.problem == "Out of stock":
            self.pick_error = f"Sorry, {item.name} is out of stock."
            return
        if line.problem:
            self.pick_error = f"Sorry, {item.name} cannot be made that way now: {line.problem}."
            return
        self.cart = [*self.cart, line]
        self.picking = []
        self._retotal()
        self._cart_changed()

    @rx.event
    def remove_line(self, index: int):
        self.cart = [line for i, line in enumerate(self.cart) if i != int(index)]
        self._retotal()
        self._cart_changed()

    def _cart_changed(self) -> None:
        """Called after each change of the cart; a page that keeps it somewhere says where."""

    def _recheck_cart(self) -> None:
        """Price and check every line against the menu shown now (after each menu change): a
        line whose item went out of stock is flagged at once, a new price shows in the cart."""
        if self.cart:
            self._price_cart(
                [(line.item_id, line.option_ids, line.quantity, line.note) for line in self.cart]
            )

    def _price_cart(self, lines: list[tuple[int, list[int], int, str]]) -> None:
        """The cart made of ``lines`` (item id, option ids, quantity, note), each priced and
        checked against the menu shown now; a line whose item left the menu is dropped."""
        if self._terms is None:
            return
        show = money.formatter(self._terms)
        fresh = [
            cart_line(
                self.categories,
                show,
                item_id=item_id,
                option_ids=option_ids,
                quantity=quantity,
                note=note,
            )
            for item_id, option_ids, quantity, note in lines
        ]
        self.cart = [line for line in fresh if line is not None]
        self._retotal()

    @rx.event
    def set_customer_name(self, value: str):
        # One character past the limit is kept, so the form says it is too long (never cut).
        self.customer_name = str(value)[: orders.MAX_CUSTOMER_NAME + 1]
        self._say_length(
            length_problem(
                self.customer_name, what="customer name", max_length=orders.MAX_CUSTOMER_NAME
            )
        )
        if self.error == NAME_NEEDED and self.customer_name.strip():
            self.error = ""  # the hint goes once it is answered
        self._cart_changed()

    @rx.event
    def set_customer_email(self, value: str):
        self.customer_email = str(value)[: MAX_EMAIL + 1]
        self._say_length(
            length_problem(self.customer_email, what="email address", max_length=MAX_EMAIL)
        )

    def _say_length(self, problem: str) -> None:
        """Show a field's length problem; clear the one shown once the field is fixed."""
        if problem or self.error.endswith(" characters)."):
            self.error = problem

    @rx.event
    def set_dining(self, value: str | list[str]):
        if isinstance(value, str) and value in {m.value for m in DiningMethod}:
            self.dining = value
            self._cart_changed()

    @rx.event
    def set_payment(self, value: str):
        if value in {choice[0] for choice in self.payment_choices}:
            self.payment = value
            self._retotal()
            self._cart_changed()

    def _item(self, item_id: int) -> ItemView | None:
        for category in self.categories:
            for item in category.items:
                if item.id == item_id:
                    return item
        return None

    def _open_truck(self, truck: Truck, business: Business) -> None:
        """Remember the truck and its business's pricing terms; the totals need no query."""
        self._truck_id, self.truck_name = truck.id, truck.name
        self._terms = money.PricingTerms.of(business)

    def _retotal(self) -> None:
        terms = self._terms
        if terms is None:
            return
        totals = money.price_for(
            terms,
            subtotal_cents=sum(line.total_cents for line in self.cart),
            method=PaymentMethod(self.payment),
        )
        self.totals = money_lines(totals, money.formatter(terms))

    def _truck(self, session) -> Truck:
        """The truck this page was opened for; a page that was never loaded has none."""
        return records.require(session, Truck, self._truck_id or None, "Open this page again.")

    def _order_request(
        self, default_name: str = "", pickup_at: dt.datetime | None = None
    ) -> orders.OrderRequest:
        """The cart as an order; one idempotency key per cart as it is, so a double tap sends one
        order, and a cart changed after a placed order (back from a cancelled payment) is a
        new order with a new key."""
        request = orders.OrderRequest(
            customer_name=self.customer_name.strip() or default_name,
            customer_email=self.customer_email.strip() or None,
            dining_method=DiningMethod(self.dining),
            payment_method=PaymentMethod(self.payment),
            idempotency_key="",
            lines=[
                orders.LineRequest(
                    item_id=line.item_id,
                    quantity=line.quantity,
                    option_ids=line.option_ids,
                    note=line.note,
                )
                for line in self.cart
            ],
            pickup_at=pickup_at,
        )
        fingerprint = orders.request_fingerprint(request)
        if not self._cart_key or fingerprint != self._cart_fingerprint:
            self._cart_key, self._cart_fingerprint = uuid.uuid4().hex, fingerprint
        request.idempotency_key = self._cart_key
        return request

    def _clear_cart(self) -> None:
        self.cart, self._cart_key, self.error = [], "", ""
        self._retotal()
        self._cart_changed()
