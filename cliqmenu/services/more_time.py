""" "Need more time": the crew pushes back the ready time of an order, or of every order the
kitchen is cooking at once (the grill went down).

Rules (docs/order-lifecycle.md, "Need more time"):

* Order Managers, the Owner and Kitchen Staff may add 5 or 10 minutes to an order In Progress
  (after Accept, before Cooking Done), up to a prep time of 180 minutes.
* The prep time and the promised time move together: the kitchen card's timer runs against the
  new prep time, the tracking page says the new time.
* Each order's change is audited (``order.more_time``: prep time and promised time before and
  after, the reason), and the customer hears of it: a push notification if they turned them on
  for the order, an email if they gave one. The quote the customer was given when ordering is
  kept: the on-time report still holds the order to it.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from cliqmenu.models import Order, Role, StaffMember, Stage, utcnow
from cliqmenu.services import access, audit, notifications, outbox, records
from cliqmenu.services.errors import Conflict, DomainError
from cliqmenu.services.orders import MAX_PREP_MINUTES, tracking_url
from cliqmenu.services.ready_time import truck_clock
from cliqmenu.services.staff import require_role

MORE_TIME_MINUTES = (5, 10)
ROLES = (Role.ORDER_MANAGER, Role.KITCHEN_STAFF)


def _check(actor: StaffMember | None, minutes: int) -> int:
    require_role(actor, *ROLES)
    if minutes not in MORE_TIME_MINUTES:
        raise DomainError("Add 5 or 10 minutes.")
    return int(minutes)


def add_time(session: Session, *, actor: StaffMember, order_id: int, minutes: int) -> Order:
    """Add ``minutes`` to one order In Progress."""
    minutes = _check(actor, minutes)
    order = access.order_for(session, actor=actor, order_id=order_id, lock=True)
    if order.stage != Stage.IN_PROGRESS:
        raise Conflict(
            f"Order #{order.number} is {order.stage.label}: its time can no longer move."
        )
    _push_back(session, actor=actor, order=order, minutes=minutes, reason=f"+{minutes} min")
    return order


def add_time_to_all(
    session: Session, *, actor: StaffMember, truck_id: int, minutes: int
) -> list[Order]:
    """Add ``minutes`` to every order In Progress at the truck; the orders it moved."""
    minutes = _check(actor, minutes)
    truck = access.truck_of(session, actor=actor, truck_id=truck_id)
    moved = list(
        session.exec(
            select(Order)
            .where(Order.truck_id == truck.id, Order.stage == Stage.IN_PROGRESS)
            .order_by(col(Order.id))
            .with_for_update()
        )
    )
    if not moved:
        raise DomainError(f"No order is In Progress at {truck.name}.")
    too_long = [o for o in moved if (o.prep_minutes or 0) + minutes > MAX_PREP_MINUTES]
    if too_long:
        numbers = ", ".join(f"#{o.number}" for o in too_long)
        raise DomainError(
            f"Orders {numbers} would wait past {MAX_PREP_MINUTES} minutes; nothing was changed."
        )
    reason = f"+{minutes} min for every order In Progress"
    for order in moved:
        _push_back(session, actor=actor, order=order, minutes=minutes, reason=reason)
    return moved


def _push_back(
    session: Session, *, actor: StaffMember, order: Order, minutes: int, reason: str
) -> None:
    prep = order.prep_minutes or 0
    if prep + minutes > MAX_PREP_MINUTES:
        raise DomainError(
            f"Order #{order.number} would wait past {MAX_PREP_MINUTES} minutes of prep time."
        )
    now = utcnow()
    promised = order.promised_at or (order.accepted_at or now) + dt.timedelta(minutes=prep)
    before = {"prep_minutes": prep, "promised_at": promised.isoformat()}
    order.prep_minutes = prep + minutes
    order.promised_at = promised + dt.timedelta(minutes=minutes)
    order.updated_at = now
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action="order.more_time",
        before=before,
        after={"prep_minutes": order.prep_minutes, "promised_at": order.promised_at.isoformat()},
        reason=reason,
    )
    _tell_customer(session, order)


def _tell_customer(session: Session, order: Order) -> None:
    if order.promised_at is None:  # not accepted: there is no time to tell
        return
    truck = records.truck(session, order.truck_id)
    when = truck_clock(session, truck)(order.promised_at)
    notifications.order_delayed(session, order=order, ready_around=when)
    if not order.customer_email:
        return
    business = records.business(session, order.business_id)
    outbox.queue_email(
        session,
        business_id=order.business_id,
        kind="order_delayed",
        to=order.customer_email,
        subject=f"{business.name}: order #{order.number} is now ready around {when}",
        body_text=(
            f"Hi {order.customer_name},\n\nThe kitchen at {truck.name} needs a few more minutes: "
            f"your order #{order.number} will be ready around {when}. Sorry for the wait.\n\n"
            f"{tracking_url(order)}"
        ),
    )
