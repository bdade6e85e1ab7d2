"""Helpers for payment tests: online orders, paid without or with Stripe, and what they left."""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, func, select

from cliqmenu.models import AuditEvent, Order, OutboxEmail, Payment, PaymentMethod, Refund
from cliqmenu.payments import CheckoutSessionInfo
from cliqmenu.services import payments, refunds
from tests import factories


def online_order(session: Session, world: factories.World, **request: object) -> Order:
    """Two beef burgers and fries, paid online: subtotal $29.00, 3% surcharge, total $29.87."""
    world.truck.accepts_online = True
    session.add(world.truck)
    lines = request.pop(
        "lines",
        [
            factories.line(world.menu.burger, world.menu.beef, quantity=2),
            factories.line(world.menu.fries),
        ],
    )
    order = factories.place(
        session, world=world, lines=lines, payment_method=PaymentMethod.ONLINE, **request
    )
    session.commit()
    return order


def paid_checkout(order: Order, *, intent: str | None = None) -> CheckoutSessionInfo:
    """A Checkout Session as Stripe reports it once the customer paid ``order``."""
    return CheckoutSessionInfo(
        id=f"cs_test_{secrets.token_hex(6)}",
        url=None,
        status="complete",
        payment_status="paid",
        amount_total=order.total_cents,
        currency="aud",
        payment_intent_id=intent or f"pi_{secrets.token_hex(6)}",
        client_reference_id=order.public_id,
        metadata={"order_public_id": order.public_id},
    )


def pay_without_stripe(session: Session, order: Order) -> Order:
    """Mark ``order`` paid as a verified webhook would (no Stripe needed)."""
    paid, changed = payments.mark_paid(
        session, checkout=paid_checkout(order), business_id=order.business_id, via="test"
    )
    assert changed
    session.commit()
    return paid


def count(session: Session, model, *where) -> int:
    found = session.exec(select(func.count()).select_from(model).where(*where)).one()
    session.commit()  # end the read: on SQLite it holds the write lock the app needs
    return found


def payments_of(session: Session, order_id: int) -> int:
    return count(session, Payment, Payment.order_id == order_id)


def refund_rows(session: Session, order_id: int) -> list[Refund]:
    query = select(Refund).where(Refund.order_id == order_id).order_by(col(Refund.id))
    found = list(session.exec(query.execution_options(populate_existing=True)))
    session.commit()
    return found


def refundable(session: Session, order_id: int) -> int:
    found = refunds.balance(session, order_id).refundable_cents
    session.commit()
    return found


def intent_of(session: Session, order_id: int) -> str | None:
    found = refunds.stripe_payment_intent(session, order_id)
    session.commit()
    return found


def actions(session: Session, order_id: int) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.order_id == order_id)
    found = list(session.exec(query.order_by(col(AuditEvent.id))))
    session.commit()
    return found


def emails(session: Session, kind: str) -> int:
    return count(session, OutboxEmail, OutboxEmail.kind == kind)


def fresh(session: Session, order: Order) -> Order:
    """The order as stored now; the read is ended so the app can write meanwhile."""
    found = session.get(Order, order.id, populate_existing=True)
    session.commit()
    return found
