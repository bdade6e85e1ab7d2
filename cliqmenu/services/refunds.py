"""Refunds: full, by amount or by lines; never more than was paid, never twice.

A refund request carries its own id (made once per dialog on the manager's screen). It runs in
three steps so no database transaction waits on the network:

1. ``request_refund``: under a row lock on the order, the refundable balance (paid − succeeded
   − pending) is checked and a Refund row is inserted with the request id (unique). The same id
   again finds that row and does nothing more: a double tap, a retry or a second device yield
   one refund. Counter refunds (cash handed back, card terminal) are recorded as succeeded here.
2. The Stripe refund, with the request id as its idempotency key, made only by the caller whose
   step 1 inserted the row.
3. ``apply_stripe_result`` (or a webhook through ``settle_from_stripe``) settles the row:
   succeeded, failed (which frees the balance again), or still pending.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cliqmenu.models import (
    Business,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    Role,
    StaffMember,
    utcnow,
)
from cliqmenu.payments import GatewayError, RefundInfo, gateway_for
from cliqmenu.services import access, audit, notifications, records
from cliqmenu.services.errors import Conflict, DomainError, NotFound
from cliqmenu.services.money import formatter, round_half_up
from cliqmenu.services.staff import require_role

log = logging.getLogger("cliqmenu.refunds")

STRIPE = "stripe"
COUNTER_METHODS = {"cash": "Cash handed back", "card_terminal": "Refunded on the card terminal"}
METHOD_LABELS = {STRIPE: "Stripe", **COUNTER_METHODS}
FULL, AMOUNT, LINES = "full", "amount", "lines"
MAX_REASON = 200
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# A pending refund that never reached Stripe (the server stopped mid-way) is checked after this.
STALE_PENDING = dt.timedelta(minutes=5)


@dataclass
class RefundRequest:
    """What the manager asked for. ``lines``: [{"line_id": int, "quantity": int}]."""

    request_id: str
    kind: str = FULL
    amount_cents: int = 0
    lines: list[dict] = field(default_factory=list)
    reason: str = ""
    # Counter orders only: "cash" or "card_terminal" (default: how the order was paid).
    method: str | None = None
    # The refunded total (succeeded + pending) the person saw when they confirmed. If another
    # refund landed since (from any device), the request is stopped: see RefundRaced.
    seen_refunded_cents: int | None = None


class RefundRaced(Conflict):
    """Another refund landed (or failed) since the person looked: they must look and confirm again."""


@dataclass(frozen=True)
class Balance:
    paid_cents: int
    succeeded_cents: int
    pending_cents: int

    @property
    def refundable_cents(self) -> int:
        return max(0, self.paid_cents - self.succeeded_cents - self.pending_cents)

    @property
    def refunded_cents(self) -> int:
        """Refunded or being refunded: what a refund request says it saw."""
        return self.succeeded_cents + self.pending_cents


def balance(session: Session, order_id: int) -> Balance:
    """What was paid, refunded and is being refunded for an order."""
    paid = sum(
        p.amount_cents for p in session.exec(select(Payment).where(Payment.order_id == order_id))
    )
    refunds = list(session.exec(select(Refund).where(Refund.order_id == order_id)))
    return Balance(
        paid_cents=paid,
        succeeded_cents=sum(r.amount_cents for r in refunds if r.status == RefundStatus.SUCCEEDED),
        pending_cents=sum(r.amount_cents for r in refunds if r.status == RefundStatus.PENDING),
    )


def refunds_of(session: Session, order_id: int) -> list[Refund]:
    query = select(Refund).where(Refund.order_id == order_id).order_by(col(Refund.id))
    return list(session.exec(query))


def refunded_quantities(session: Session, order_id: int) -> dict[int, int]:
    """Per order line, how many were refunded by line (failed refunds give theirs back)."""
    taken: dict[int, int] = {}
    for refund in refunds_of(session, order_id):
        if refund.status == RefundStatus.FAILED:
            continue
        for entry in refund.lines:
            taken[entry["line_id"]] = taken.get(entry["line_id"], 0) + entry["quantity"]
    return taken


def _settle_status(session: Session, order: Order) -> None:
    """Payment status from the money: unpaid, paid, partially refunded, refunded."""
    money = balance(session, order.id)
    if money.paid_cents == 0:
        status = PaymentStatus.UNPAID
    elif money.succeeded_cents == 0:
        status = PaymentStatus.PAID
    elif money.succeeded_cents >= money.paid_cents:
        status = PaymentStatus.REFUNDED
    else:
        status = PaymentStatus.PARTIALLY_REFUNDED
    order.payment_status = status
    if money.paid_cents and money.succeeded_cents >= money.paid_cents:
        order.refund_needed = False
    order.updated_at = utcnow()


def _amount_for_lines(
    session: Session, order: Order, wanted: list[dict], refundable: int
) -> tuple[int, list[dict]]:
    """Prorated value of some lines: their share of the subtotal, of the total (so the discount
    and the surcharge are prorated alike); the last lines take whatever is left."""
    lines = {
        line.id: line
        for line in session.exec(select(OrderLine).where(OrderLine.order_id == order.id))
    }
    taken = refunded_quantities(session, order.id)
    chosen: dict[int, int] = {}
    for entry in wanted:
        try:
            line_id, quantity = int(entry["line_id"]), int(entry["quantity"])
        except (KeyError, TypeError, ValueError) as error:
            raise DomainError("Choose the items to refund.") from error
        if quantity <= 0:
            continue
        line = lines.get(line_id)
        if line is None:
            raise DomainError("That item is not on this order.")
        chosen[line_id] = chosen.get(line_id, 0) + quantity
        left = line.quantity - taken.get(line_id, 0)
        if chosen[line_id] > left:
            raise DomainError(f"Only {left} × {line.name} can still be refunded.")
    if not chosen:
        raise DomainError("Choose the items to refund.")
    value = sum(lines[i].unit_price_cents * q for i, q in chosen.items())
    everything_left = all(
        taken.get(i, 0) + chosen.get(i, 0) >= line.quantity for i, line in lines.items()
    )
    if everything_left:
        amount = refundable
    elif order.subtotal_cents:
        amount = round_half_up(value * order.total_cents, order.subtotal_cents)
    else:
        amount = 0
    described = [
        {"line_id": i, "name": lines[i].name, "quantity": q} for i, q in sorted(chosen.items())
    ]
    return amount, described


def _load_for_refund(session: Session, actor: StaffMember, order_id: int) -> Order:
    require_role(actor, Role.ORDER_MANAGER)
    # A truck archived since still owes its customers their refunds.
    return access.order_for(
        session, actor=actor, order_id=order_id, lock=True, including_archived=True
    )


def _what_happened_since(
    session: Session, order: Order, business: Business, seen: int, money: Balance
) -> str:
    """ "$2.00 refunded by Sam at 12:41 pm, $5.50 left. ..." for a person who saw ``seen``."""
    show = formatter(business)
    zone = ZoneInfo(business.timezone)
    since = money.refunded_cents - seen
    happened: list[str] = []
    if since > 0:
        counted = 0
        for refund in reversed(refunds_of(session, order.id)):
            if refund.status == RefundStatus.FAILED or counted >= since:
                continue
            member = (
                session.get(StaffMember, refund.created_by_id) if refund.created_by_id else None
            )
            who = member.name.split()[0] if member and member.name else "someone"
            at = refund.created_at.astimezone(zone).strftime("%-I:%M %p").lower()
            happened.append(f"{show(refund.amount_cents)} refunded by {who} at {at}")
            counted += refund.amount_cents
        happened.reverse()
    else:
        happened.append(f"a refund of {show(-since)} failed")
    return (
        f"Order #{order.number}: {'; '.join(happened)}, {show(money.refundable_cents)} left. "
        "Nothing was refunded now: check the amount and confirm again."
    )


def request_refund(
    session: Session, *, actor: StaffMember, order_id: int, request: RefundRequest
) -> tuple[Refund, bool]:
    """Step 1: check the balance under a row lock and record the refund; returns it and whether
    it was created now (False: this request id was seen before, nothing changed)."""
    if not _REQUEST_ID.match(request.request_id or ""):
        raise DomainError("A refund needs a request id of 8 to 64 letters, digits, - or _.")
    order = _load_for_refund(session, actor, order_id)
    existing = session.exec(select(Refund).where(Refund.request_id == request.request_id)).first()
    if existing is not None:
        if existing.order_id != order.id:
            raise Conflict("That refund request belongs to another order.")
        return existing, False
    reason = (request.reason or "").strip()
    if len(reason) > MAX_REASON:
        raise DomainError(f"The reason can be at most {MAX_REASON} characters.")
    business = records.business(session, order.business_id)
    money = balance(session, order.id)
    left = money.refundable_cents
    seen = request.seen_refunded_cents
    if seen is not None and int(seen) != money.refunded_cents:
        raise RefundRaced(_what_happened_since(session, order, business, int(seen), money))
    if money.paid_cents == 0:
        raise DomainError(
            f"Order #{order.number} has not been paid, so there is nothing to refund."
        )
    if left == 0:
        raise DomainError(f"Order #{order.number} has nothing left to refund.")
    described: list[dict] = []
    if request.kind == FULL:
        amount = left
    elif request.kind == AMOUNT:
        amount = int(request.amount_cents)
    elif request.kind == LINES:
        amount, described = _amount_for_lines(session, order, request.lines, left)
    else:
        raise DomainError("Choose a full refund, an amount or items.")
    if amount <= 0:
        raise DomainError("A refund must be more than $0.00.")
    if amount > left:
        raise DomainError(
            f"Only {formatter(business)(left)} can still be refunded on order #{order.number}."
        )
    online = order.payment_method == PaymentMethod.ONLINE
    if online:
        method = STRIPE
    else:
        default = (
            "cash" if order.payment_method == PaymentMethod.CASH_AT_COUNTER else "card_terminal"
        )
        method = request.method or default
        if method not in COUNTER_METHODS:
            raise DomainError("Say how the money went back: cash or the card terminal.")
    refund = Refund(
        order_id=order.id,
        request_id=request.request_id,
        amount_cents=amount,
        status=RefundStatus.PENDING if online else RefundStatus.SUCCEEDED,
        method=method,
        reason=reason,
        lines=described,
        created_by_id=actor.id,
    )
    session.add(refund)
    session.flush()
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action="refund.requested" if online else "refund.recorded",
        before={"refundable_cents": left, "payment_status": order.payment_status.value},
        after={
            "refund_id": refund.id,
            "request_id": refund.request_id,
            "amount_cents": amount,
            "method": method,
            "status": refund.status.value,
            "lines": described,
        },
        reason=reason,
    )
    _settle_status(session, order)
    return refund, True


def _stripe_status(info: RefundInfo) -> RefundStatus:
    if info.status == "succeeded":
        return RefundStatus.SUCCEEDED
    if info.status in ("failed", "canceled"):
        return RefundStatus.FAILED
    return RefundStatus.PENDING


def _transition(
    session: Session,
    refund: Refund,
    to: RefundStatus,
    *,
    stripe_refund_id: str | None = None,
    error: str = "",
    actor_label: str = "Stripe",
    facts: dict | None = None,
) -> bool:
    """Move a refund's status; a final state never goes back to pending, and failed is final."""
    if stripe_refund_id and not refund.stripe_refund_id:
        refund.stripe_refund_id = stripe_refund_id
    before = refund.status
    allowed = {
        RefundStatus.PENDING: {RefundStatus.SUCCEEDED, RefundStatus.FAILED},
        # Stripe may report a refund that had succeeded as failed later (the bank sent it back).
        RefundStatus.SUCCEEDED: {RefundStatus.FAILED},
        RefundStatus.FAILED: set(),
    }
    if to == before or to not in allowed[before]:
        return False
    refund.status = to
    if error:
        refund.error = error[:500]
    order = session.exec(select(Order).where(Order.id == refund.order_id).with_for_update()).one()
    _settle_status(session, order)
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=None,
        actor_label=actor_label,
        action=f"refund.{to.value}",
        before={"status": before.value},
        after={
            "status": to.value,
            "refund_id": refund.id,
            "request_id": refund.request_id,
            "amount_cents": refund.amount_cents,
            "stripe_refund_id": refund.stripe_refund_id,
            "payment_status": order.payment_status.value,
            **(facts or {}),
        },
        reason=error,
    )
    if to == RefundStatus.FAILED:
        notifications.refund_failed(session, refund=refund)
    return True


def stripe_payment_intent(session: Session, order_id: int) -> str | None:
    payment = session.exec(
        select(Payment)
        .where(Payment.order_id == order_id, col(Payment.stripe_payment_intent_id).is_not(None))
        .order_by(col(Payment.id))
    ).first()
    return payment.stripe_payment_intent_id if payment else None


def apply_stripe_result(
    session: Session, *, refund_id: int, result: RefundInfo | None, error: GatewayError | None
) -> Refund:
    """Step 3: what Stripe answered. A definite refusal fails the refund (the balance is free
    again); an unknown outcome (timeout) leaves it pending until Stripe tells us."""
    refund = session.exec(select(Refund).where(Refund.id == refund_id).with_for_update()).one()
    if result is not None:
        _transition(
            session,
            refund,
            _stripe_status(result),
            stripe_refund_id=result.id,
            error=result.failure_reason or "",
        )
    elif error is not None and error.definite:
        _transition(session, refund, RefundStatus.FAILED, error=str(error))
    elif error is not None:
        refund.error = str(error)[:500]
    return refund


def settle_from_stripe(
    session: Session, *, info: RefundInfo, business_id: int | None, event_id: str = ""
) -> Refund | None:
    """A refund update from a verified webhook: found by Stripe id, else by our request id."""
    refund = None
    if info.id:
        refund = session.exec(
            select(Refund).where(Refund.stripe_refund_id == info.id).with_for_update()
        ).first()
    request_id = info.metadata.get("request_id")
    if refund is None and request_id:
        refund = session.exec(
            select(Refund).where(Refund.request_id == request_id).with_for_update()
        ).first()
    if refund is None:
        return None
    order = records.order(session, refund.order_id)
    if business_id is not None and order.business_id != business_id:
        return None
    if business_id is None and records.business(session, order.business_id).stripe_secret_key:
        return None
    _transition(
        session,
        refund,
        _stripe_status(info),
        stripe_refund_id=info.id,
        error=info.failure_reason or "",
        facts={"stripe_event_id": event_id} if event_id else None,
    )
    return refund


Sessions = Callable[[], AbstractContextManager[Session]]


def run_refund(
    *,
    sessions: Sessions,
    actor: StaffMember,
    order_id: int,
    request: RefundRequest,
    before: Callable[[Session, StaffMember], None] | None = None,
) -> Refund:
    """All three steps, each in its own unit of work from ``sessions`` (db.session_scope).

    ``before`` runs in step 1's transaction first (cancel, reject or accept in the same step;
    it may record ``request`` itself, as Accept does with the refund due). Blocks
    on Stripe: call it from a background handler or a thread. Returns the refund as it stands.
    """
    try:
        with sessions() as session:
            # Under the order's row lock: concurrent submissions of one request queue here, and
            # only the first finds it unknown (and so goes on to Stripe).
            session.exec(select(Order.id).where(Order.id == order_id).with_for_update()).first()
            known = session.exec(
                select(Refund.id).where(Refund.request_id == request.request_id)
            ).first()
            if before is not None:
                before(session, actor)
            refund, created = request_refund(
                session, actor=actor, order_id=order_id, request=request
            )
            # ``before`` may record this very request itself (Accept with its refund due).
            created = created or known is None
            refund_id, pending = refund.id, refund.status == RefundStatus.PENDING
            order = records.order(session, order_id)
            business = records.business(session, order.business_id)
            intent = stripe_payment_intent(session, order_id) if pending else None
            metadata = {"request_id": refund.request_id, "order_public_id": order.public_id}
            amount = refund.amount_cents
    except IntegrityError:
        # The same request id was inserted by a concurrent call that won: answer with its row.
        with sessions() as session:
            found = session.exec(
                select(Refund).where(Refund.request_id == request.request_id)
            ).first()
            if found is None or found.order_id != order_id:
                raise
            return found
    if not created or not pending:
        with sessions() as session:
            return records.require(session, Refund, refund_id)
    result, error = None, None
    gateway = gateway_for(business)
    if gateway is None or intent is None:
        error = GatewayError("Stripe is not configured, so it cannot refund.", definite=True)
    else:
        try:
            result = gateway.create_refund(
                payment_intent_id=intent,
                amount_cents=amount,
                idempotency_key=f"cliqmenu-refund-{request.request_id}",
                metadata=metadata,
            )
        except GatewayError as failed:
            log.warning("refund %s: %s", request.request_id, failed)
            error = failed
    with sessions() as session:
        return apply_stripe_result(session, refund_id=refund_id, result=result, error=error)


def reconcile_pending(*, sessions: Sessions, order_id: int, now: dt.datetime | None = None) -> int:
    """Settle an order's Stripe refunds left pending with no answer (the server stopped, or Stripe
    timed out): look them up at Stripe by request id. One never sent is failed, which frees the
    balance without any risk of refunding twice. Returns how many changed."""
    cutoff = (now or utcnow()) - STALE_PENDING
    with sessions() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound("No such order.")
        stale = [
            (r.id, r.request_id, r.stripe_refund_id)
            for r in refunds_of(session, order_id)
            if r.status == RefundStatus.PENDING and r.method == STRIPE and r.created_at < cutoff
        ]
        business = records.business(session, order.business_id)
        intent = stripe_payment_intent(session, order_id)
    if not stale or intent is None:
        return 0
    gateway = gateway_for(business)
    if gateway is None:
        return 0
    try:
        listed = gateway.list_refunds(payment_intent_id=intent)
    except GatewayError:
        return 0
    by_request = {r.metadata.get("request_id"): r for r in listed}
    by_id = {r.id: r for r in listed}
    changed = 0
    with sessions() as session:
        for refund_id, request_id, stripe_id in stale:
            found = by_request.get(request_id) or by_id.get(stripe_id or "")
            if found is not None:
                result, error = found, None
            elif stripe_id:
                continue  # Stripe has it under an id we know: its webhook will settle it.
            else:
                result = None
                error = GatewayError("The refund never reached Stripe.", definite=True)
            refund = apply_stripe_result(session, refund_id=refund_id, result=result, error=error)
            changed += refund.status != RefundStatus.PENDING
    return changed
