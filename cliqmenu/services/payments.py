"""Online payment: Stripe Checkout for an order, and marking it paid exactly once.

An Online order waits in Awaiting Payment (no staff screen shows it) until Stripe confirms the
payment, by a verified webhook or by retrieving the Checkout Session; the first confirmation
records the Payment, moves the order to Received and queues the confirmation email, and every
later one (a replayed webhook, the return page) finds it paid and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session, and_, col, select

from cliqmenu.models import (
    Business,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Role,
    StaffMember,
    Stage,
    Truck,
    utcnow,
)
from cliqmenu.payments import (
    CheckoutLine,
    CheckoutSessionInfo,
    GatewayError,
    gateway_for,
    is_configured,
)
from cliqmenu.services import access, audit, notifications, portions, queue_order, records
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.orders import order_lines, send_confirmation
from cliqmenu.services.staff import require_role

log = logging.getLogger("cliqmenu.payments")

# Stripe keeps a Checkout Session open at least 30 minutes; ours close after 35.
CHECKOUT_MINUTES = 35
# An order still unpaid this long after it was placed is Expired (the session closed long ago).
STALE_AFTER = dt.timedelta(minutes=60)
STRIPE_LABEL = "Stripe"

__all__ = [
    "confirm_from_session",
    "expire_checkout",
    "expire_stale_orders",
    "has_stale_orders",
    "is_configured",
    "mark_paid",
    "order_for_checkout",
    "record_counter_payment",
    "start_checkout",
]


def webhook_businesses(session: Session) -> list[Business]:
    """The businesses whose own Stripe webhook secret is set (a webhook may be signed by any)."""
    query = select(Business).where(col(Business.stripe_webhook_secret).is_not(None))
    return list(session.exec(query))


def _order_for_update(session: Session, **where) -> Order | None:
    query = select(Order).with_for_update()
    for name, value in where.items():
        query = query.where(getattr(Order, name) == value)
    return session.exec(query).first()


def _checkout_lines(session: Session, order: Order, truck: Truck) -> list[CheckoutLine]:
    """Itemised when the lines add up to the total, else one line for the whole amount."""
    lines = [
        CheckoutLine(
            name=_line_name(line.name, line.options),
            unit_amount_cents=line.unit_price_cents,
            quantity=line.quantity,
        )
        for line in order_lines(session, order.id)
    ]
    if order.surcharge_cents:
        lines.append(CheckoutLine("Online payment surcharge", order.surcharge_cents, 1))
    if order.discount_cents or sum(x.unit_amount_cents * x.quantity for x in lines) != (
        order.total_cents
    ):
        # Checkout has no negative lines, so a discounted order is charged as one amount.
        return [CheckoutLine(f"Order #{order.number} at {truck.name}", order.total_cents, 1)]
    return lines


def _line_name(name: str, options: list[dict]) -> str:
    chosen = ", ".join(option["name"] for option in options)
    return f"{name} ({chosen})" if chosen else name


def start_checkout(session: Session, *, order: Order, success_url: str, cancel_url: str) -> str:
    """The URL of Stripe's hosted payment page for an unpaid Online order.

    Call it from a background handler (it waits on Stripe) with a session holding no writes of
    its own: it commits that session before calling Stripe, so no lock is held meanwhile.
    Commit afterwards (the Checkout Session id is stored on the order). Calling it again
    while the page is still open returns the same page; after it expired a new one is made.
    ``success_url`` may contain ``{CHECKOUT_SESSION_ID}``. Raises DomainError with a message for
    the customer when the order cannot be paid online (not Online, already paid, expired, or
    Stripe is not configured or refused).
    """
    if order.payment_method != PaymentMethod.ONLINE:
        raise DomainError("This order is paid at the counter.")
    if order.stage == Stage.EXPIRED:
        raise DomainError("This order was not paid in time. Please place it again.")
    if order.payment_status != PaymentStatus.UNPAID or order.stage != Stage.AWAITING_PAYMENT:
        raise DomainError("This order is already paid.")
    business = records.business(session, order.business_id)
    truck = records.truck(session, order.truck_id)
    gateway = gateway_for(business) if is_configured(business) else None
    if gateway is None:
        raise DomainError("Online payment is not available right now. Please pay at the counter.")
    previous = order.stripe_checkout_session_id
    lines = _checkout_lines(session, order, truck)
    order_id, public_id, number = order.id, order.public_id, order.number
    email, business_id, currency = order.customer_email, business.id, business.currency
    # No transaction may wait on Stripe: on SQLite even a reader holds the write lock, so the
    # webhook (and every other writer) would queue behind this call. Nothing read from the
    # session is touched again until Stripe has answered.
    session.commit()
    try:
        if previous:
            existing = gateway.retrieve_checkout_session(previous)
            if existing.paid:
                mark_paid(
                    session, checkout=existing, business_id=business_id, via="checkout restart"
                )
                return success_url.replace("{CHECKOUT_SESSION_ID}", existing.id)
            if existing.status == "open" and existing.url:
                return existing.url
        now = utcnow()
        expires = now + dt.timedelta(minutes=CHECKOUT_MINUTES)
        # Two taps within the same five minutes send the same key and parameters, so Stripe
        # answers both with one session.
        bucket = int(expires.timestamp()) // 300 * 300 + 300
        created = gateway.create_checkout_session(
            currency=currency,
            lines=lines,
            success_url=success_url,
            cancel_url=cancel_url,
            client_reference_id=public_id,
            metadata={"order_public_id": public_id, "order_number": str(number)},
            idempotency_key=f"cliqmenu-checkout-{public_id}-{previous or 'first'}-{bucket}",
            customer_email=email,
            expires_at=dt.datetime.fromtimestamp(bucket, dt.UTC),
        )
    except GatewayError as error:
        log.warning("checkout for order %s failed: %s", public_id, error)
        raise DomainError(
            "The payment page could not be opened. Please try again in a moment."
        ) from error
    if not created.url:
        raise DomainError("The payment page could not be opened. Please try again in a moment.")
    locked = _order_for_update(session, id=order_id)
    if locked is not None and locked.stage == Stage.AWAITING_PAYMENT:
        locked.stripe_checkout_session_id = created.id
        locked.updated_at = utcnow()
        audit.record(
            session,
            business_id=locked.business_id,
            order_id=locked.id,
            actor=None,
            actor_label=f"Customer {locked.customer_name}",
            action="payment.checkout_started",
            after={"stripe_checkout_session_id": created.id, "amount_cents": locked.total_cents},
        )
    return created.url


def _speaks_for(session: Session, business_id: int | None, order: Order) -> bool:
    """An event verified with one business's secret may touch only that business's orders;
    the installation's secret speaks for businesses without keys of their own."""
    if business_id is not None:
        return order.business_id == business_id
    business = records.business(session, order.business_id)
    return not business.stripe_secret_key


def _find_order(session: Session, checkout: CheckoutSessionInfo) -> Order | None:
    public_id = checkout.metadata.get("order_public_id") or checkout.client_reference_id
    order = _order_for_update(session, public_id=public_id) if public_id else None
    if order is None:
        order = _order_for_update(session, stripe_checkout_session_id=checkout.id)
    return order


def mark_paid(
    session: Session,
    *,
    checkout: CheckoutSessionInfo,
    business_id: int | None,
    via: str,
    event_id: str | None = None,
) -> tuple[Order | None, bool]:
    """Record a paid Checkout Session; returns the order and whether this call changed it.

    Exactly once: the order row is locked and its payment status checked, so a replayed
    webhook, the return page and a late webhook all find it paid and change nothing. A paid
    order that had Expired meanwhile comes back to Received (the customer did pay).
    """
    if not checkout.paid:
        return None, False
    order = _find_order(session, checkout)
    if order is None or not _speaks_for(session, business_id, order):
        log.warning("paid checkout %s matches no order here", checkout.id)
        return None, False
    if order.payment_method != PaymentMethod.ONLINE:
        log.warning("paid checkout %s is for a counter order %s", checkout.id, order.public_id)
        return order, False
    business = records.business(session, order.business_id)
    payments = list(session.exec(select(Payment).where(Payment.order_id == order.id)))
    if any(p.stripe_payment_intent_id == checkout.payment_intent_id for p in payments):
        return order, False
    facts = {
        "amount_cents": checkout.amount_total,
        "currency": (checkout.currency or "").upper(),
        "stripe_checkout_session_id": checkout.id,
        "stripe_payment_intent_id": checkout.payment_intent_id,
        "stripe_event_id": event_id,
        "via": via,
    }
    if payments:
        # A second paid session for one order: keep the money visible and ask for a refund.
        order.refund_needed = True
        order.updated_at = utcnow()
        audit.record(
            session,
            business_id=order.business_id,
            order_id=order.id,
            actor=None,
            actor_label=STRIPE_LABEL,
            action="payment.duplicate",
            after=facts,
            reason="The customer paid twice; refund the second payment on Stripe's dashboard.",
        )
        return order, True
    before = {"stage": order.stage.value, "payment_status": order.payment_status.value}
    session.add(
        Payment(
            order_id=order.id,
            method=PaymentMethod.ONLINE,
            amount_cents=checkout.amount_total or 0,
            stripe_payment_intent_id=checkout.payment_intent_id,
        )
    )
    now = utcnow()
    order.payment_status = PaymentStatus.PAID
    order.stripe_checkout_session_id = checkout.id
    order.updated_at = now
    if order.stage in (Stage.AWAITING_PAYMENT, Stage.EXPIRED):
        order.stage = Stage.RECEIVED
        order.closed_at = None
        queue_order.moved(session, order)
        order.close_reason = ""
        # Paid after it expired: its portions went back then; the order stands, so take them.
        portions.hold(session, order=order, actor_label=STRIPE_LABEL)
        notifications.new_order(session, order=order)
    reason = ""
    if checkout.amount_total != order.total_cents:
        reason = (
            f"Stripe took {checkout.amount_total} cents; the order total is {order.total_cents}."
        )
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=None,
        actor_label=STRIPE_LABEL,
        action="payment.confirmed",
        before=before,
        after={"stage": order.stage.value, "payment_status": order.payment_status.value, **facts},
        reason=reason,
    )
    if order.customer_email and before["stage"] != Stage.RECEIVED.value:
        truck = records.truck(session, order.truck_id)
        send_confirmation(session, order=order, truck=truck, business=business)
    return order, True


def order_for_checkout(session: Session, public_id: str) -> tuple[Order, Business]:
    order = session.exec(select(Order).where(Order.public_id == public_id)).first()
    if order is None:
        raise NotFound("No such order.")
    return order, records.business(session, order.business_id)


def confirm_from_session(
    session: Session, *, checkout: CheckoutSessionInfo, business_id: int
) -> tuple[Order | None, bool]:
    """Mark paid from a Checkout Session retrieved with ``business_id``'s keys (the return page)."""
    return mark_paid(session, checkout=checkout, business_id=business_id, via="retrieved session")


def expire_checkout(
    session: Session, *, checkout: CheckoutSessionInfo, business_id: int | None, event_id: str = ""
) -> Order | None:
    """Stripe closed a payment page unpaid: its order Expires, unless a newer page was opened."""
    order = _order_for_update(session, stripe_checkout_session_id=checkout.id)
    if order is None or not _speaks_for(session, business_id, order):
        return None
    if order.stage != Stage.AWAITING_PAYMENT or order.payment_status != PaymentStatus.UNPAID:
        return None
    _expire(session, order, reason="The payment page expired unpaid.", event_id=event_id)
    return order


def _expire(session: Session, order: Order, *, reason: str, event_id: str = "") -> None:
    now = utcnow()
    order.stage = Stage.EXPIRED
    order.closed_at = now
    queue_order.moved(session, order)
    order.close_reason = reason
    order.updated_at = now
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=None,
        actor_label="System",
        action="order.expired",
        before={"stage": Stage.AWAITING_PAYMENT.value},
        after={"stage": Stage.EXPIRED.value, "stripe_event_id": event_id or None},
        reason=reason,
    )
    portions.give_back(session, order=order, actor_label="System")


def _stale(cutoff: dt.datetime):
    return and_(
        col(Order.stage) == Stage.AWAITING_PAYMENT,
        col(Order.payment_status) == PaymentStatus.UNPAID,
        col(Order.placed_at) < cutoff,
    )


def stale_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Orders placed before this and still unpaid are stale."""
    return (now or utcnow()) - STALE_AFTER


def has_stale_orders(session: Session, *, now: dt.datetime | None = None) -> bool:
    """Whether any order is due to expire: a read, so a quiet round takes no write lock."""
    return (
        session.exec(select(Order.id).where(_stale(stale_cutoff(now))).limit(1)).first() is not None
    )


def expire_stale_orders(session: Session, *, now: dt.datetime | None = None) -> list[Order]:
    """Expire Online orders still unpaid long after their payment page closed; returns them.

    Any number of callers may run at once (every app process's job, the webhook, cron): each
    locks the rows it takes and skips rows another caller holds (PostgreSQL ``FOR UPDATE SKIP
    LOCKED``; SQLite's ``BEGIN IMMEDIATE`` runs them one after another), and the stage is
    checked again on the row as locked, so an order expires once, with one audit event.
    """
    locked = session.exec(
        select(Order)
        .where(_stale(stale_cutoff(now)))
        .order_by(col(Order.id))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    expired = [
        order
        for order in locked
        if order.stage == Stage.AWAITING_PAYMENT and order.payment_status == PaymentStatus.UNPAID
    ]
    for order in expired:
        _expire(session, order, reason="Not paid within an hour.")
    return expired


def record_counter_payment(session: Session, *, actor: StaffMember, order_id: int) -> Order:
    """The Order Manager took the money at the counter (cash, or the truck's card terminal)."""
    require_role(actor, Role.ORDER_MANAGER)
    order = access.order_for(session, actor=actor, order_id=order_id, lock=True)
    if order.payment_method == PaymentMethod.ONLINE:
        raise DomainError("Online orders are paid on Stripe's payment page.")
    if order.payment_status != PaymentStatus.UNPAID:
        raise DomainError(f"Order #{order.number} is already paid.")
    if order.stage in (Stage.REJECTED, Stage.CANCELLED, Stage.EXPIRED):
        raise DomainError(f"Order #{order.number} is {order.stage.label}.")
    session.add(
        Payment(order_id=order.id, method=order.payment_method, amount_cents=order.total_cents)
    )
    order.payment_status = PaymentStatus.PAID
    order.updated_at = utcnow()
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action="payment.recorded",
        before={"payment_status": PaymentStatus.UNPAID.value},
        after={
            "payment_status": PaymentStatus.PAID.value,
            "amount_cents": order.total_cents,
            "method": order.payment_method.value,
        },
    )
    return order
