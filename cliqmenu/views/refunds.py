"""The refund panel's view of an order: what was paid and refunded, and what is left to refund."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.db import session_scope
from cliqmenu.models import (
    Order,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
    StaffMember,
)
from cliqmenu.services import access, money, refunds
from cliqmenu.services.orders import order_lines

STATUS_LABELS = {"pending": "Pending", "succeeded": "Refunded", "failed": "Failed"}
PAYMENT_STATUS_LABELS = {
    PaymentStatus.UNPAID.value: "Unpaid",
    PaymentStatus.PAID.value: "Paid",
    PaymentStatus.PARTIALLY_REFUNDED.value: "Partially refunded",
    PaymentStatus.REFUNDED.value: "Refunded",
}


@dataclass
class RefundView:
    id: int
    amount: str
    status: str
    status_label: str
    method_label: str
    reason: str
    error: str
    item_names: str
    created_at_ms: int


@dataclass
class RefundLineChoice:
    id: int
    name: str
    left: int
    unit: str


@dataclass
class RefundDetail:
    order_id: int
    number: int
    online: bool
    payment_status: str
    paid: str
    refunded: str
    pending: str
    refundable: str
    refundable_cents: int
    # Refunded or being refunded when this was read: the refund request carries it back.
    refunded_cents: int
    default_way: str
    currency: str
    country: str
    refunds: list[RefundView]
    lines: list[RefundLineChoice]


def _check_access(session, member: StaffMember, order_id: int) -> Order:
    return access.order_for(session, actor=member, order_id=order_id, including_archived=True)


def refund_detail(member: StaffMember, order_id: int) -> RefundDetail:
    """What the refund panel shows, read from the database (after settling stale refunds)."""
    with session_scope() as session:
        _check_access(session, member, order_id)
    refunds.reconcile_pending(sessions=session_scope, order_id=order_id)
    with session_scope() as session:
        order = _check_access(session, member, order_id)
        show = money.business_style(session, order.business_id)
        funds = refunds.balance(session, order.id)
        taken = refunds.refunded_quantities(session, order.id)
        rows = refunds.refunds_of(session, order.id)
        lines = order_lines(session, order.id)
        return RefundDetail(
            order_id=order.id,
            number=order.number,
            online=order.payment_method == PaymentMethod.ONLINE,
            payment_status=PAYMENT_STATUS_LABELS[order.payment_status.value],
            paid=show(funds.paid_cents),
            refunded=show(funds.succeeded_cents),
            pending=show(funds.pending_cents),
            refundable=show(funds.refundable_cents),
            refundable_cents=funds.refundable_cents,
            refunded_cents=funds.refunded_cents,
            currency=show.currency,
            country=show.country,
            default_way="cash"
            if order.payment_method == PaymentMethod.CASH_AT_COUNTER
            else ("card_terminal"),
            refunds=[
                RefundView(
                    id=row.id,
                    amount=show(row.amount_cents),
                    status=row.status.value,
                    status_label=STATUS_LABELS[row.status.value],
                    method_label=refunds.METHOD_LABELS.get(row.method, row.method),
                    reason=row.reason,
                    error=row.error if row.status == RefundStatus.FAILED else "",
                    item_names=", ".join(f"{e['quantity']} × {e['name']}" for e in row.lines),
                    created_at_ms=int(row.created_at.timestamp() * 1000),
                )
                for row in reversed(rows)
            ],
            lines=[
                RefundLineChoice(
                    id=line.id,
                    name=line.name,
                    left=line.quantity - taken.get(line.id, 0),
                    unit=show(line.unit_price_cents),
                )
                for line in lines
                if line.quantity - taken.get(line.id, 0) > 0
            ],
        )
