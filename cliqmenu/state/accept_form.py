"""The Order Manager's last changes before Accept, with the totals recomputed as they type."""

from __future__ import annotations

import asyncio
import secrets

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import (
    DiningMethod,
    DiscountKind,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
)
from cliqmenu.services import (
    access,
    lifecycle,
    money,
    orders,
    ready_time,
    records,
    refunds,
    stations,
)
from cliqmenu.services.errors import DomainError
from cliqmenu.services.money import PricingTerms
from cliqmenu.services.text import length_problem
from cliqmenu.state.auth import MANAGERS, authorize, refuse
from cliqmenu.state.board_actions import publish_truck, run_order_action
from cliqmenu.state.order_detail import close_order_detail
from cliqmenu.views.receipt import money_lines

DINING_CHOICES = [(m.value, m.label) for m in DiningMethod]
COUNTER_METHODS = [
    (m.value, m.label) for m in (PaymentMethod.CASH_AT_COUNTER, PaymentMethod.CARD_AT_COUNTER)
]
ONLINE_CHOICE = (PaymentMethod.ONLINE.value, PaymentMethod.ONLINE.label)
PREP_PICKS = ["5", "10", "15", "20", "30"]


def parse_discount(
    kind: str, text: str, style: money.MoneyStyle | None = None
) -> tuple[DiscountKind | None, int]:
    """ "2.50" → 250 cents off; "12.5" percent → 1250 basis points; by the one money rule."""
    if (
        kind not in (DiscountKind.AMOUNT.value, DiscountKind.PERCENT.value)
        or not (text or "").strip()
    ):
        return None, 0
    if kind == DiscountKind.PERCENT.value:
        return DiscountKind.PERCENT, money.parse_percent(text, what="The discount")
    return DiscountKind.AMOUNT, (style or money.MoneyStyle()).parse(text, what="The discount")


class AcceptFormState(rx.State):
    order_id: int = 0
    prep_minutes: str = "10"
    # "Quoted to the customer: ready around 12:40 pm" (the prep time starts on it).
    quoted: str = ""
    dining: str = ""
    payment: str = ""
    payment_choices: list[list[str]] = []
    # Once an order is paid its payment method is shown, not offered for change.
    paid: bool = False
    paid_text: str = ""
    discount_kind: str = "none"
    discount_text: str = ""
    kitchen_note: str = ""
    internal_note: str = ""
    before_total: str = ""
    preview: dict[str, str] = {}
    preview_error: str = ""
    note_error: str = ""
    # A paid order whose total goes down: the difference goes back in the same step.
    refund_due: str = ""
    refund_way: str = "cash"
    refund_ways: list[list[str]] = []
    busy: bool = False
    _refund_due_cents: int = 0
    _net_paid_cents: int = 0
    _refund_request_id: str = ""
    _order: lifecycle.PricedOrder | None = None
    _terms: PricingTerms | None = None

    @rx.event
    async def start(self, order_id: int):
        """Fill the form from the order as it is now."""
        try:
            member = await authorize(self, MANAGERS)
            with session_scope() as session:
                order = access.order_for(session, actor=member, order_id=int(order_id))
                business = records.business(session, order.business_id)
                prep = order.prep_minutes or ready_time.prep_for_accept(session, order)
                quoted = ready_time.quoted_text(session, order)
                net_paid = refunds.balance(session, order.id).refundable_cents
        except DomainError as error:
            return refuse(error)
        self.order_id = order.id
        self.prep_minutes, self.quoted = str(prep), quoted
        self.dining = order.dining_method.value
        self.payment = order.payment_method.value
        online = order.payment_method == PaymentMethod.ONLINE
        self.paid = order.payment_status != PaymentStatus.UNPAID
        self.payment_choices = (
            [[order.payment_method.value, order.payment_method.label]]
            if self.paid
            else [list(c) for c in COUNTER_METHODS + ([ONLINE_CHOICE] if online else [])]
        )
        self.discount_kind, self.discount_text = "none", ""
        self.kitchen_note, self.internal_note = order.kitchen_note, order.internal_note
        self.note_error = ""
        self._order = lifecycle.PricedOrder.of(order)
        self._terms = PricingTerms.of(business)
        self._net_paid_cents = net_paid
        show = money.formatter(business)
        self.before_total = show(order.total_cents)
        self.paid_text = f"Paid {show(net_paid)}" if self.paid else ""
        self.refund_ways = [] if online else [list(w) for w in refunds.COUNTER_METHODS.items()]
        self.refund_way = (
            "cash" if order.payment_method == PaymentMethod.CASH_AT_COUNTER else "card_terminal"
        )
        self._refund_request_id = ""
        self.busy = False
        self._recompute()
        return None

    def _recompute(self) -> None:
        """The preview, from the terms kept at start: no query per keystroke."""
        terms, order = self._terms, self._order
        if terms is None or order is None:
            return
        show = money.formatter(terms)
        self.refund_due, self._refund_due_cents = "", 0
        try:
            kind, value = parse_discount(self.discount_kind, self.discount_text, show)
            totals = lifecycle.totals_for_change(
                order,
                terms,
                payment_method=PaymentMethod(self.payment),
                discount_kind=kind,
                discount_value=value,
            )
            settled = lifecycle.paid_check(
                number=order.number,
                total_before=order.total_cents,
                total_after=totals.total_cents,
                net_paid_cents=self._net_paid_cents,
                show=show,
            )
        except (DomainError, ValueError) as error:
            self.preview_error = str(error)
            return
        self.preview_error = ""
        self.preview = money_lines(totals, show)
        self._refund_due_cents = settled.refund_due_cents
        if settled.refund_due_cents:
            self.refund_due = show(settled.refund_due_cents)

    @rx.event
    def set_prep_minutes(self, value: str):
        # Kept as typed: "-3" or "ten" are refused with a message at Accept, never turned into 3.
        self.prep_minutes = str(value).strip()[:6]

    @rx.event
    def set_dining(self, value: str):
        if value in {m.value for m in DiningMethod}:
            self.dining = value

    @rx.event
    def set_payment(self, value: str):
        if not self.paid and value in {choice[0] for choice in self.payment_choices}:
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
    def set_refund_way(self, value: str):
        if value in refunds.COUNTER_METHODS:
            self.refund_way = value

    @rx.event
    def set_kitchen_note(self, value: str):
        # One character past the limit is kept, so the form says it is too long (never cut).
        self.kitchen_note = str(value)[: lifecycle.MAX_NOTE + 1]
        self._say_note_length()

    @rx.event
    def set_internal_note(self, value: str):
        self.internal_note = str(value)[: lifecycle.MAX_NOTE + 1]
        self._say_note_length()

    def _say_note_length(self) -> None:
        self.note_error = length_problem(
            self.kitchen_note, what="kitchen note", max_length=lifecycle.MAX_NOTE
        ) or length_problem(self.internal_note, what="internal note", max_length=lifecycle.MAX_NOTE)

    def _changes(self) -> lifecycle.AcceptChanges:
        """The form as the service takes it; a DomainError names what is wrong."""
        show = money.formatter(self._terms) if self._terms else money.MoneyStyle()
        kind, value = parse_discount(self.discount_kind, self.discount_text, show)
        try:
            dining, method = DiningMethod(self.dining), PaymentMethod(self.payment)
        except ValueError:
            raise DomainError("Open the order again: the form is incomplete.") from None
        return lifecycle.AcceptChanges(
            prep_minutes=orders.parse_prep_minutes(self.prep_minutes),
            dining_method=dining,
            payment_method=method,
            discount_kind=kind,
            discount_value=value,
            kitchen_note=self.kitchen_note,
            internal_note=self.internal_note,
        )

    @rx.event
    async def accept(self):
        """Accept as shown. A paid order whose total went down needs ``accept_with_refund``."""
        try:
            await authorize(self, MANAGERS)
            changes = self._changes()
        except DomainError as error:
            return refuse(error)
        order_id = self.order_id
        result = await run_order_action(
            self,
            MANAGERS,
            lambda s, m: lifecycle.accept(s, actor=m, order_id=order_id, changes=changes),
        )
        if result is None:
            await close_order_detail(self)
        return result

    @rx.event(background=True)
    async def accept_with_refund(self):
        """Accept a paid order at its lower total and refund the difference in the same step:
        Online through Stripe (idempotency key = the request id), counter orders recorded."""
        async with self:
            try:
                member = await authorize(self, MANAGERS)
                changes = self._changes()
            except DomainError as error:
                return refuse(error)
            if self.busy or not self._refund_due_cents:
                return None
            self.busy = True
            if not self._refund_request_id:
                self._refund_request_id = secrets.token_urlsafe(18)
            order_id = self.order_id
            show = money.formatter(self._terms) if self._terms else money.MoneyStyle()
            request = refunds.RefundRequest(
                request_id=self._refund_request_id,
                kind=refunds.AMOUNT,
                amount_cents=self._refund_due_cents,
                reason="Total lowered at Accept",
                method=self.refund_way if self.refund_ways else None,
            )

        def run():
            return refunds.run_refund(
                sessions=session_scope,
                actor=member,
                order_id=order_id,
                request=request,
                before=lambda s, m: lifecycle.accept(
                    s, actor=m, order_id=order_id, changes=changes, refund=request
                ),
            )

        try:
            refund = await asyncio.to_thread(run)
        except DomainError as error:
            async with self:
                # Refused before anything was written: a fresh confirm makes a new request.
                self.busy, self._refund_request_id = False, ""
            return refuse(error)
        except Exception:
            async with self:
                self.busy = False
            raise
        truck_id, public_id, station_ids = await asyncio.to_thread(_where, order_id)
        publish_truck(truck_id, public_id, station_ids=station_ids)
        async with self:
            self.busy, self._refund_request_id = False, ""
            await close_order_detail(self)
        if refund.status == RefundStatus.FAILED:
            return rx.toast.error(
                f"Accepted, but the refund failed: {refund.error or 'Stripe refused it.'}",
                duration=10000,
            )
        if refund.status == RefundStatus.PENDING:
            return rx.toast.info(f"Accepted; the {show(refund.amount_cents)} refund is pending.")
        return rx.toast.success(f"Accepted and {show(refund.amount_cents)} refunded.")


def _where(order_id: int) -> tuple[int, str, set[int]]:
    """The order's truck, public id and the kitchen stations making something of it."""
    with session_scope() as session:
        order = records.order(session, order_id)
        return order.truck_id, order.public_id, stations.stations_of_orders(session, [order_id])
