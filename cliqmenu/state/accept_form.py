"""The Order Manager's last changes before Accept, with the totals recomputed as they type."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business, DiningMethod, DiscountKind, PaymentMethod, Truck
from cliqmenu.services import access, lifecycle
from cliqmenu.services.errors import DomainError
from cliqmenu.services.pricing import PricingTerms, format_cents
from cliqmenu.state.auth import MANAGERS, authorize, refuse
from cliqmenu.state.board_actions import run_order_action
from cliqmenu.state.order_detail import close_order_detail

DINING_CHOICES = [(m.value, m.label) for m in DiningMethod]
COUNTER_METHODS = [
    (m.value, m.label) for m in (PaymentMethod.CASH_AT_COUNTER, PaymentMethod.CARD_AT_COUNTER)
]
ONLINE_CHOICE = (PaymentMethod.ONLINE.value, PaymentMethod.ONLINE.label)
PREP_PICKS = ["5", "10", "15", "20", "30"]


def parse_discount(kind: str, text: str) -> tuple[DiscountKind | None, int]:
    """ "2.50" dollars → 250 cents; "12.5" percent → 1250 basis points."""
    text = (text or "").strip().lstrip("$").rstrip("%")
    if kind == "none" or not text:
        return None, 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError("Enter the discount as a number, like 2.50 or 10.") from None
    if value < 0:
        raise DomainError("A discount cannot be negative.")
    return DiscountKind(kind), int((value * 100).quantize(Decimal(1)))


class AcceptFormState(rx.State):
    order_id: int = 0
    prep_minutes: str = "10"
    dining: str = ""
    payment: str = ""
    payment_choices: list[list[str]] = []
    discount_kind: str = "none"
    discount_text: str = ""
    kitchen_note: str = ""
    internal_note: str = ""
    before_total: str = ""
    preview: dict[str, str] = {}
    preview_error: str = ""
    _subtotal_cents: int = 0
    _terms: PricingTerms | None = None

    @rx.event
    async def start(self, order_id: int):
        """Fill the form from the order as it is now."""
        try:
            member = await authorize(self, MANAGERS)
            with session_scope() as session:
                order = access.order_for(session, actor=member, order_id=int(order_id))
                business = session.get(Business, order.business_id)
                default_prep = session.get(Truck, order.truck_id).default_prep_minutes
        except DomainError as error:
            return refuse(error)
        self.order_id = order.id
        self.prep_minutes = str(order.prep_minutes or default_prep)
        self.dining = order.dining_method.value
        self.payment = order.payment_method.value
        online = order.payment_method == PaymentMethod.ONLINE
        self.payment_choices = [
            list(c) for c in COUNTER_METHODS + ([ONLINE_CHOICE] if online else [])
        ]
        self.discount_kind, self.discount_text = "none", ""
        self.kitchen_note, self.internal_note = order.kitchen_note, order.internal_note
        self._subtotal_cents = order.subtotal_cents
        self.before_total = format_cents(order.total_cents, business.currency)
        self._terms = PricingTerms.of(business)
        self._recompute()
        return None

    def _recompute(self) -> None:
        """The preview, from the pricing terms kept at start: no query per keystroke."""
        terms = self._terms
        if terms is None:
            return
        try:
            kind, value = parse_discount(self.discount_kind, self.discount_text)
            totals = lifecycle.checked_totals(
                business=terms,
                subtotal_cents=self._subtotal_cents,
                payment_method=PaymentMethod(self.payment),
                discount_kind=kind,
                discount_value=value,
            )
        except (DomainError, ValueError) as error:
            self.preview_error = str(error)
            return
        money = lambda cents: format_cents(cents, terms.currency)  # noqa: E731
        self.preview_error = ""
        self.preview = {
            "subtotal": money(totals.subtotal_cents),
            "discount": money(totals.discount_cents) if totals.discount_cents else "",
            "surcharge": money(totals.surcharge_cents) if totals.surcharge_cents else "",
            "surcharge_rate": f"{totals.surcharge_bp / 100:g}%",
            "total": money(totals.total_cents),
            "gst": money(totals.gst_cents) if totals.gst_cents else "",
        }

    @rx.event
    def set_prep_minutes(self, value: str):
        self.prep_minutes = "".join(ch for ch in str(value) if ch.isdigit())[:3]

    @rx.event
    def set_dining(self, value: str):
        if value in {m.value for m in DiningMethod}:
            self.dining = value

    @rx.event
    def set_payment(self, value: str):
        if value in {choice[0] for choice in self.payment_choices}:
            self.payment = value
            self._recompute()

    @rx.event
    def set_discount_kind(self, value: str | list[str]):
        if isinstance(value, str) and value in ("none", "amount", "percent"):
            self.discount_kind = value
            self._recompute()

    @rx.event
    def set_discount_text(self, value: str):
        self.discount_text = str(value)[:12]
        self._recompute()

    @rx.event
    def set_kitchen_note(self, value: str):
        self.kitchen_note = str(value)[: lifecycle.MAX_NOTE]

    @rx.event
    def set_internal_note(self, value: str):
        self.internal_note = str(value)[: lifecycle.MAX_NOTE]

    @rx.event
    async def accept(self):
        try:
            await authorize(self, MANAGERS)
            kind, value = parse_discount(self.discount_kind, self.discount_text)
            changes = lifecycle.AcceptChanges(
                prep_minutes=int(self.prep_minutes or 0),
                dining_method=DiningMethod(self.dining),
                payment_method=PaymentMethod(self.payment),
                discount_kind=kind,
                discount_value=value,
                kitchen_note=self.kitchen_note,
                internal_note=self.internal_note,
            )
        except DomainError as error:
            return refuse(error)
        except ValueError:
            return refuse(DomainError("Open the order again: the form is incomplete."))
        order_id = self.order_id
        result = await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.accept(s, actor=m, order_id=order_id, changes=changes),
        )
        if result is None:
            await close_order_detail(self)
        return result
