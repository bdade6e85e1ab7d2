"""The order lifecycle: every stage move is a compare-and-set on the current stage, audited once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from cliqmenu.models import (
    AuditEvent,
    Business,
    DiningMethod,
    DiscountKind,
    Order,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    Role,
    StaffMember,
    Stage,
    utcnow,
)
from cliqmenu.services import (
    access,
    audit,
    money,
    notifications,
    outbox,
    portions,
    printers,
    queue_order,
    records,
    refunds,
    stations,
)
from cliqmenu.services.errors import Conflict, DomainError
from cliqmenu.services.orders import (
    tracking_url,
    validate_prep_minutes,
)
from cliqmenu.services.staff import require_role
from cliqmenu.services.text import clean_text

FORWARD = {
    Stage.RECEIVED: Stage.IN_PROGRESS,
    Stage.IN_PROGRESS: Stage.COOKING_DONE,
    Stage.COOKING_DONE: Stage.READY_FOR_PICKUP,
    Stage.READY_FOR_PICKUP: Stage.DELIVERED,
}
BACKWARD = {after: before for before, after in FORWARD.items()}
OPEN_STAGES = (Stage.RECEIVED, Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP)
# When each stage was reached; stepping back clears it.
STAGE_TIME_FIELD = {
    Stage.IN_PROGRESS: "accepted_at",
    Stage.COOKING_DONE: "cooking_done_at",
    Stage.READY_FOR_PICKUP: "ready_at",
    Stage.DELIVERED: "delivered_at",
}
KITCHEN_ROLES = (Role.ORDER_MANAGER, Role.KITCHEN_STAFF)
MAX_NOTE = 500
MAX_REASON = 200


@dataclass
class AcceptChanges:
    prep_minutes: int
    dining_method: DiningMethod | None = None
    payment_method: PaymentMethod | None = None
    discount_kind: DiscountKind | None = None
    discount_value: int = 0
    kitchen_note: str = ""
    internal_note: str = ""


@dataclass(frozen=True)
class PricedOrder:
    """What pricing a change needs of an order (the accept form keeps it between keystrokes)."""

    number: int
    subtotal_cents: int
    surcharge_bp: int
    tax_bp: int
    total_cents: int
    payment_status: PaymentStatus

    @classmethod
    def of(cls, order: Order) -> PricedOrder:
        return cls(
            number=order.number,
            subtotal_cents=order.subtotal_cents,
            surcharge_bp=order.surcharge_bp,
            tax_bp=order.tax_bp,
            total_cents=order.total_cents,
            payment_status=order.payment_status,
        )


@dataclass(frozen=True)
class PaidCheck:
    """What a change at Accept does to the money a customer has already paid."""

    net_paid_cents: int  # paid and not refunded (nor being refunded)
    refund_due_cents: int  # what the customer overpays at the new total


def paid_check(
    *, number: int, total_before: int, total_after: int, net_paid_cents: int, show
) -> PaidCheck:
    """A paid order stays settled: a change may lower its total (the difference is due back to
    the customer), never raise it (the customer is not there to pay more)."""
    if net_paid_cents <= 0:
        return PaidCheck(0, 0)
    if total_after > total_before:
        raise DomainError(
            f"Order #{number} is paid, so its total cannot go up "
            f"({show(total_before)} → {show(total_after)})."
        )
    return PaidCheck(net_paid_cents, max(0, net_paid_cents - total_after))


def _load(session: Session, *, actor: StaffMember, order_id: int, expected: Stage | None) -> Order:
    """The order, row-locked, checked against the actor's business, trucks and expected stage."""
    order = access.order_for(session, actor=actor, order_id=order_id, lock=True)
    if expected is not None and order.stage != expected:
        raise Conflict(already_moved(session, order))
    return order


def already_moved(session: Session, order: Order) -> str:
    # Who moved it, if a member of staff did: a customer's name is not every caller's to see.
    last = session.exec(
        select(AuditEvent)
        .where(AuditEvent.order_id == order.id)
        .order_by(col(AuditEvent.id).desc())
    ).first()
    who = f" by {last.actor_label.split(' (')[0]}" if last and last.actor_id else ""
    return f"Order #{order.number} is already {order.stage.label}{who}."


def _snapshot(order: Order, *fields: str) -> dict:
    return {name: _plain(getattr(order, name)) for name in fields}


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _move(
    session: Session, *, actor: StaffMember, order: Order, to: Stage, action: str, reason: str = ""
) -> Order:
    before = order.stage
    now = utcnow()
    order.stage = to
    order.updated_at = now
    if to in STAGE_TIME_FIELD and FORWARD.get(before) == to:
        setattr(order, STAGE_TIME_FIELD[to], now)
    if before == Stage.RECEIVED and to == Stage.IN_PROGRESS:  # Accept
        queue_order.to_kitchen(session, order)
    else:
        queue_order.moved(session, order)
    if to == Stage.RECEIVED:  # Accept undone
        queue_order.left_kitchen(order)
    if to in (Stage.REJECTED, Stage.CANCELLED):
        order.closed_at = now
        order.close_reason = reason
    notifications.stage_changed(session, order=order, before=before)
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action=action,
        before={"stage": before.value},
        after={"stage": to.value},
        reason=reason,
    )
    return order


def accept(
    session: Session,
    *,
    actor: StaffMember,
    order_id: int,
    changes: AcceptChanges,
    refund: refunds.RefundRequest | None = None,
) -> Order:
    """Accept a Received order with a prep time and any last changes; it goes to the kitchen.

    A paid order whose change lowers its total is accepted only with ``refund``: the refund due
    (an amount request for exactly what the manager was shown), recorded in this transaction;
    otherwise it is refused. The caller sends an Online refund to Stripe (``refunds.run_refund``
    with this call as ``before``).
    """
    require_role(actor, Role.ORDER_MANAGER)
    prep = validate_prep_minutes(changes.prep_minutes)
    order = _load(session, actor=actor, order_id=order_id, expected=Stage.RECEIVED)
    business = records.business(session, order.business_id)
    fields = (
        "dining_method",
        "payment_method",
        "discount_cents",
        "surcharge_cents",
        "total_cents",
        "kitchen_note",
        "internal_note",
    )
    before = _snapshot(order, *fields)
    total_before = order.total_cents
    apply_changes(session, order=order, business=business, changes=changes)
    show = money.formatter(business)
    settled = paid_check(
        number=order.number,
        total_before=total_before,
        total_after=order.total_cents,
        net_paid_cents=refunds.balance(session, order.id).refundable_cents,
        show=show,
    )
    due = settled.refund_due_cents
    if due and (refund is None or refund.amount_cents != due):
        raise Conflict(
            f"Order #{order.number} is paid {show(settled.net_paid_cents)} and now costs "
            f"{show(order.total_cents)}: refund due {show(due)}. Confirm the refund to accept."
        )
    if refund is not None and not due:
        raise Conflict(f"Order #{order.number} has no refund due now. Check it and accept again.")
    now = utcnow()
    order.prep_minutes = prep
    order.promised_at = now + dt.timedelta(minutes=prep)
    _move(session, actor=actor, order=order, to=Stage.IN_PROGRESS, action="order.accepted")
    portions.hold(session, order=order, actor=actor)  # only an order placed before they counted
    stations.route_order(session, order=order)
    printers.queue_kitchen_tickets(session, order=order)  # printed by the print worker
    after = _snapshot(order, *fields, "prep_minutes")
    if {k: v for k, v in after.items() if k in before} != before:
        audit.record(
            session,
            business_id=order.business_id,
            order_id=order.id,
            actor=actor,
            action="order.changed",
            before=before,
            after=after,
        )
    if due and refund is not None:
        refunds.request_refund(
            session,
            actor=actor,
            order_id=order.id,
            request=replace(refund, kind=refunds.AMOUNT, amount_cents=due),
        )
    return order


def apply_changes(
    session: Session, *, order: Order, business: Business, changes: AcceptChanges
) -> None:
    """Dining method, payment method, discount and notes; totals recomputed from scratch."""
    kitchen_note = clean_text(changes.kitchen_note, what="kitchen note", max_length=MAX_NOTE)
    internal_note = clean_text(changes.internal_note, what="internal note", max_length=MAX_NOTE)
    method = changes.payment_method or order.payment_method
    if method != order.payment_method and order.payment_status != PaymentStatus.UNPAID:
        raise DomainError("This order is already paid; its payment method cannot change.")
    if method == PaymentMethod.ONLINE and order.payment_method != PaymentMethod.ONLINE:
        raise DomainError("Online payment is made by the customer; choose Cash or Card at Counter.")
    totals = totals_for_change(
        order,
        business,
        payment_method=method,
        discount_kind=changes.discount_kind,
        discount_value=changes.discount_value,
    )
    order.dining_method = changes.dining_method or order.dining_method
    order.payment_method = method
    order.discount_kind = changes.discount_kind if totals.discount_cents else None
    order.discount_value = changes.discount_value if totals.discount_cents else 0
    order.discount_cents = totals.discount_cents
    order.surcharge_bp = totals.surcharge_bp
    order.surcharge_cents = totals.surcharge_cents
    order.total_cents = totals.total_cents
    order.gst_cents = totals.gst_cents
    order.tax_bp = totals.tax_bp
    order.kitchen_note = kitchen_note
    order.internal_note = internal_note


def totals_for_change(
    order: Order | PricedOrder,
    business: Business | money.PricingTerms,
    *,
    payment_method: PaymentMethod,
    discount_kind: DiscountKind | None,
    discount_value: int,
) -> money.Totals:
    """An order's totals after a change at Accept, from scratch. A paid order keeps the
    surcharge and GST rates it was paid at (the owner may have changed them since); an unpaid
    one is priced on the business's terms now."""
    if order.payment_status == PaymentStatus.UNPAID:
        return checked_totals(
            business=business,
            subtotal_cents=order.subtotal_cents,
            payment_method=payment_method,
            discount_kind=discount_kind,
            discount_value=discount_value,
        )
    _check_discount(order.subtotal_cents, discount_kind, discount_value)
    return money.price(
        subtotal_cents=order.subtotal_cents,
        discount_kind=discount_kind,
        discount_value=discount_value,
        surcharge_bp=order.surcharge_bp,
        tax_bp=order.tax_bp,
    )


def _check_discount(subtotal_cents: int, kind: DiscountKind | None, value: int) -> None:
    """A discount is never negative, nor above the subtotal or 100%."""
    if value < 0:
        raise DomainError("A discount cannot be negative.")
    if kind == DiscountKind.PERCENT and value > money.BASIS_POINTS:
        raise DomainError("A percent discount can be at most 100%.")
    if kind == DiscountKind.AMOUNT and value > subtotal_cents:
        raise DomainError("A discount cannot be more than the subtotal.")


def checked_totals(
    *,
    business: Business | money.PricingTerms,
    subtotal_cents: int,
    payment_method: PaymentMethod,
    discount_kind: DiscountKind | None,
    discount_value: int,
) -> money.Totals:
    """Totals for a proposed change on the business's terms; the discount checked."""
    _check_discount(subtotal_cents, discount_kind, discount_value)
    return money.price_for(
        business,
        subtotal_cents=subtotal_cents,
        method=payment_method,
        discount_kind=discount_kind,
        discount_value=discount_value,
    )


class UnpaidDelivery(Conflict):
    """Delivered was asked for an order nobody has marked paid: the person must confirm it."""


def advance(
    session: Session,
    *,
    actor: StaffMember,
    order_id: int,
    expected: Stage,
    deliver_unpaid: bool = False,
) -> Order:
    """Move an order one stage forward from ``expected`` (Cooking Done, Ready for Pickup, Delivered).

    Delivered on an unpaid order is refused with UnpaidDelivery unless ``deliver_unpaid`` says
    the person confirmed it; it is then recorded as ``order.delivered_unpaid`` too.
    """
    if expected == Stage.RECEIVED:
        raise DomainError("Use Accept for a Received order.")
    if expected not in FORWARD:
        raise DomainError(f"An order that is {expected.label} cannot move forward.")
    to = FORWARD[expected]
    if to == Stage.COOKING_DONE:
        require_role(actor, *KITCHEN_ROLES)
    else:
        require_role(actor, Role.ORDER_MANAGER)
    order = _load(session, actor=actor, order_id=order_id, expected=expected)
    unpaid = to == Stage.DELIVERED and order.payment_status == PaymentStatus.UNPAID
    if unpaid and not deliver_unpaid:
        due = money.business_style(session, order.business_id)(order.total_cents)
        raise UnpaidDelivery(
            f"Order #{order.number} is not marked paid ({due} due). Deliver it unpaid?"
        )
    _move(session, actor=actor, order=order, to=to, action=f"order.{to.value}")
    if unpaid:
        audit.record(
            session,
            business_id=order.business_id,
            order_id=order.id,
            actor=actor,
            action="order.delivered_unpaid",
            before={"payment_status": order.payment_status.value},
            after={"stage": to.value, "due_cents": order.total_cents},
            reason="Delivered without payment, confirmed by the Order Manager",
        )
    if to == Stage.READY_FOR_PICKUP and order.customer_email:
        _send_ready_email(session, order)
    notifications.order_moved(session, order=order)
    return order


def step_back(session: Session, *, actor: StaffMember, order_id: int, expected: Stage) -> Order:
    """Undo the last forward move (the manager's undo; the kitchen's recall of Cooking Done)."""
    if expected not in BACKWARD or expected == Stage.DELIVERED:
        raise DomainError(f"An order that is {expected.label} cannot be stepped back.")
    if expected == Stage.COOKING_DONE:
        require_role(actor, *KITCHEN_ROLES)
    else:
        require_role(actor, Role.ORDER_MANAGER)
    order = _load(session, actor=actor, order_id=order_id, expected=expected)
    to = BACKWARD[expected]
    setattr(order, STAGE_TIME_FIELD[expected], None)
    if to == Stage.RECEIVED:
        order.promised_at = None
    action = "order.recalled" if expected == Stage.COOKING_DONE else "order.undone"
    return _move(session, actor=actor, order=order, to=to, action=action)


def reject(session: Session, *, actor: StaffMember, order_id: int, reason: str) -> Order:
    require_role(actor, Role.ORDER_MANAGER)
    reason = _reason(reason)
    order = _load(session, actor=actor, order_id=order_id, expected=Stage.RECEIVED)
    _mark_refund_needed(order)
    _move(
        session, actor=actor, order=order, to=Stage.REJECTED, action="order.rejected", reason=reason
    )
    portions.give_back(session, order=order, actor=actor)
    notifications.order_moved(session, order=order)
    return order


def cancel(
    session: Session, *, actor: StaffMember, order_id: int, expected: Stage, reason: str
) -> Order:
    """Cancel from any stage before Delivered; a paid order is marked as needing a refund."""
    require_role(actor, Role.ORDER_MANAGER)
    reason = _reason(reason)
    if expected not in OPEN_STAGES:
        raise DomainError(f"An order that is {expected.label} cannot be cancelled.")
    order = _load(session, actor=actor, order_id=order_id, expected=expected)
    _mark_refund_needed(order)
    # The kitchen must see the cancellation of an order it may be cooking until it is acknowledged.
    order.cancel_acknowledged = expected == Stage.RECEIVED
    _move(
        session,
        actor=actor,
        order=order,
        to=Stage.CANCELLED,
        action="order.cancelled",
        reason=reason,
    )
    portions.give_back(session, order=order, actor=actor)
    notifications.order_cancelled(session, order=order, was=expected)
    return order


def acknowledge_cancel(session: Session, *, actor: StaffMember, order_id: int) -> Order:
    require_role(actor, *KITCHEN_ROLES)
    order = _load(session, actor=actor, order_id=order_id, expected=Stage.CANCELLED)
    if not order.cancel_acknowledged:
        order.cancel_acknowledged = True
        audit.record(
            session,
            business_id=order.business_id,
            order_id=order.id,
            actor=actor,
            action="order.cancel_acknowledged",
            before={"cancel_acknowledged": False},
            after={"cancel_acknowledged": True},
        )
    return order


def tick_line(
    session: Session, *, actor: StaffMember, order_id: int, line_id: int, done: bool
) -> Order:
    """The kitchen ticks an item done (or un-ticks it) on an order In Progress."""
    require_role(actor, *KITCHEN_ROLES)
    order = _load(session, actor=actor, order_id=order_id, expected=None)
    if order.stage != Stage.IN_PROGRESS:
        raise Conflict(already_moved(session, order))
    line = session.get(OrderLine, line_id)
    if line is None or line.order_id != order.id:
        raise DomainError("That item is not on this order.")
    if line.done != bool(done):
        audit.record(
            session,
            business_id=order.business_id,
            order_id=order.id,
            actor=actor,
            action="order.item_ticked" if done else "order.item_unticked",
            before={"line_id": line.id, "item": line.name, "done": line.done},
            after={"line_id": line.id, "item": line.name, "done": bool(done)},
        )
    line.done = bool(done)
    order.updated_at = utcnow()
    return order


def _reason(reason: str) -> str:
    reason = clean_text(reason, what="reason", max_length=MAX_REASON)
    if not reason:
        raise DomainError("Give a reason.")
    return reason


def _mark_refund_needed(order: Order) -> None:
    if order.payment_status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
        order.refund_needed = True


def _send_ready_email(session: Session, order: Order) -> None:
    if not order.customer_email:
        return  # nobody to tell
    truck = records.truck(session, order.truck_id)
    business = records.business(session, order.business_id)
    outbox.queue_email(
        session,
        business_id=order.business_id,
        kind="ready_for_pickup",
        to=order.customer_email,
        subject=f"{business.name}: order #{order.number} is ready for pickup",
        body_text=(
            f"Hi {order.customer_name},\n\nYour order #{order.number} is ready for pickup at "
            f"{truck.name}.\n\n{tracking_url(order)}"
        ),
    )
