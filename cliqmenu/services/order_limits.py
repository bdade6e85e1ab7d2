"""How many orders (and order confirmation emails) the public may ask for, and what they are
told past it. The counters are in infra/rate_limits.py (Redis when scaled out); confirmation
emails are counted in the outbox, so every worker sees the same count.

- Order API: ``order_api_per_minute`` per client address per truck, each clock minute.
- Customer page: ``customer_orders_per_tab`` per browser tab and ``customer_orders_per_address``
  per client address every ten minutes, ``customer_orders_per_truck`` per truck each minute.
  A request refused by a narrower limit is not counted by the wider ones, so one flooding tab
  cannot use up its network's or the truck's allowance.
- Order confirmations: ``confirmations_per_email`` per recipient address per hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from sqlalchemy import func
from sqlmodel import Session, col, select

from cliqmenu.infra import rate_limits
from cliqmenu.models import OutboxEmail, utcnow
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings

CUSTOMER_WINDOW_SECONDS = 600
TRUCK_WINDOW_SECONDS = 60
API_WINDOW_SECONDS = 60
CONFIRMATION_KIND = "order_confirmation"
CONFIRMATION_WINDOW = dt.timedelta(hours=1)

log = logging.getLogger(__name__)


class TooManyOrders(DomainError):
    status_code = 429


def _key(kind: str, *parts: object) -> str:
    return f"{kind}:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def _in_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{-(-seconds // 60)} minutes"


def too_many_from_address(seconds: int) -> str:
    return f"Too many orders from this address, try again in {seconds} seconds."


async def api_order_wait(*, truck_slug: str, address: str) -> int:
    """Count one order API request; 0 within the limit, else seconds until the minute ends."""
    return await rate_limits.seconds_to_wait(
        _key("order-api", truck_slug, address),
        allowed=get_settings().order_api_per_minute,
        window_seconds=API_WINDOW_SECONDS,
    )


async def check_customer_order(*, tab: str, address: str, truck_id: int, truck_name: str) -> None:
    """Count one order from the customer page; TooManyOrders (with the wait) past a limit."""
    settings = get_settings()
    limits = [
        ("tab", tab, settings.customer_orders_per_tab, CUSTOMER_WINDOW_SECONDS),
        ("address", address, settings.customer_orders_per_address, CUSTOMER_WINDOW_SECONDS),
        ("truck", truck_id, settings.customer_orders_per_truck, TRUCK_WINDOW_SECONDS),
    ]
    for kind, value, allowed, window in limits:
        if kind == "address" and not value:
            continue
        key = _key(f"customer-{kind}", truck_id, value)
        wait = await rate_limits.seconds_to_wait(key, allowed=allowed, window_seconds=window)
        if not wait:
            continue
        log.warning(
            "refused a customer order at truck %s: over %s orders per %s in %s s",
            truck_id,
            allowed,
            kind,
            window,
        )
        if kind == "truck":
            raise TooManyOrders(
                f"{truck_name} is getting too many orders right now, "
                f"try again in {_in_words(wait)}."
            )
        where = "phone" if kind == "tab" else "network"
        raise TooManyOrders(f"Too many orders from this {where}, try again in {_in_words(wait)}.")


def confirmations_sent(session: Session, *, to: str, now: dt.datetime | None = None) -> int:
    """Order confirmations queued for ``to`` in the last hour."""
    since = (now or utcnow()) - CONFIRMATION_WINDOW
    return session.exec(
        select(func.count())
        .select_from(OutboxEmail)
        .where(
            OutboxEmail.to == to,
            OutboxEmail.kind == CONFIRMATION_KIND,
            col(OutboxEmail.created_at) > since,
        )
    ).one()


def confirmation_allowed(session: Session, *, to: str, truck_id: int) -> bool:
    """Whether one more order confirmation may go to ``to`` this hour (logged when not)."""
    allowed = get_settings().confirmations_per_email
    if confirmations_sent(session, to=to) < allowed:
        return True
    log.warning(
        "order confirmation at truck %s not sent: an address had %s in the last hour",
        truck_id,
        allowed,
    )
    return False


def check_confirmation(session: Session, *, to: str, truck_id: int) -> None:
    """Refuse an order whose confirmation could not be sent: its sender is told to leave the
    email out (or wait) instead of getting no email without knowing why."""
    if not confirmation_allowed(session, to=to, truck_id=truck_id):
        raise TooManyOrders(
            "This email address was sent too many order confirmations in the last hour. "
            "Leave the email empty, or try again later."
        )
