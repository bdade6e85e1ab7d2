"""Ready times: each truck's pace learned from its own history, and the time quoted from it.

How a quote is made (docs/order-lifecycle.md, "Quoted ready time"):

* **Pace.** From the truck's orders of its last ``HISTORY_DAYS`` service days (at most
  ``MAX_SAMPLES``, newest first), the minutes from Accept to Cooking Done and the order's size
  (its number of items). Per size (1 to ``SIZE_CAP`` items, larger orders share the last
  bucket), the median of its orders once it has ``MIN_SAMPLES``; otherwise the minutes of a
  one-item order plus the minutes each further item adds (each a median, so one order forgotten
  on the display for an hour does not move the quote). Samples over ``MAX_PREP_MINUTES`` are
  left out. A new truck cooks one item in its default prep time and each further item in
  ``DEFAULT_EXTRA_ITEM_MINUTES``.
* **Queue.** Every item still to cook ahead of the order (Received orders, and the items of
  orders In Progress not yet ticked done) adds the truck's per-item minutes.
* **Quote** = now + queue + the order's own cooking time, rounded up to the minute, at most
  ``MAX_PREP_MINUTES`` ahead.

Every function takes ``now`` so the tests run on a fake clock.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import func
from sqlmodel import Session, col, select

from cliqmenu.models import Business, Order, OrderLine, Stage, Truck, utcnow
from cliqmenu.services import money, records
from cliqmenu.services.menu import service_date, truck_zone

HISTORY_DAYS = 14
MAX_SAMPLES = 400
MIN_SAMPLES = 3
SIZE_CAP = 6
DEFAULT_EXTRA_ITEM_MINUTES = 1.0
MAX_PREP_MINUTES = 180
# Orders whose cooking is over (or that were served): their Accept -> Cooking Done is known.
COOKED_STAGES = (Stage.COOKING_DONE, Stage.READY_FOR_PICKUP, Stage.DELIVERED)


@dataclass(frozen=True)
class Pace:
    """How fast a truck cooks: minutes from Accept to Cooking Done by order size."""

    first_item_minutes: float
    extra_item_minutes: float
    by_size: dict[int, float] = field(default_factory=dict)
    samples: int = 0

    def cook_minutes(self, items: int) -> float:
        """Minutes to cook an order of ``items`` items once it is started."""
        items = max(1, items)
        bucket = min(items, SIZE_CAP)
        minutes = self.by_size.get(
            bucket, self.first_item_minutes + self.extra_item_minutes * (bucket - 1)
        )
        return minutes + self.extra_item_minutes * (items - bucket)


@dataclass(frozen=True)
class Quote:
    ready_at: dt.datetime
    minutes: int  # from now, rounded up


def learn_pace(session: Session, truck: Truck, *, now: dt.datetime | None = None) -> Pace:
    """The truck's pace from its recent services (a new truck: its default prep time)."""
    now = now or utcnow()
    since = service_date(session, truck, now) - dt.timedelta(days=HISTORY_DAYS)
    items = func.sum(OrderLine.quantity)
    rows = session.exec(
        select(Order.accepted_at, Order.cooking_done_at, items)
        .join(OrderLine, col(OrderLine.order_id) == Order.id)
        .where(
            Order.truck_id == truck.id,
            col(Order.stage).in_(COOKED_STAGES),
            Order.service_date >= since,
            col(Order.accepted_at).is_not(None),
            col(Order.cooking_done_at).is_not(None),
            col(Order.cooking_done_at) <= now,
        )
        .group_by(col(Order.id), col(Order.accepted_at), col(Order.cooking_done_at))
        .order_by(col(Order.accepted_at).desc())
        .limit(MAX_SAMPLES)
    ).all()
    samples: list[tuple[int, float]] = []
    for accepted_at, done_at, count in rows:
        if accepted_at is None or done_at is None:  # the query asked for both: for the types
            continue
        minutes = (done_at - accepted_at).total_seconds() / 60
        if 0 < minutes <= MAX_PREP_MINUTES and count:
            samples.append((int(count), minutes))
    return pace_of(samples, default_minutes=truck.default_prep_minutes)


def pace_of(samples: list[tuple[int, float]], *, default_minutes: float) -> Pace:
    """A pace from (items, minutes) samples; robust: medians, never means."""
    buckets: dict[int, list[float]] = {}
    for count, minutes in samples:
        buckets.setdefault(min(count, SIZE_CAP), []).append(minutes)
    by_size = {
        size: statistics.median(values)
        for size, values in buckets.items()
        if len(values) >= MIN_SAMPLES
    }
    first = by_size.get(1)
    if first is None:
        first = float(default_minutes)
    extras = [(minutes - first) / (count - 1) for count, minutes in samples if count > 1]
    extra = max(0.0, statistics.median(extras)) if len(extras) >= MIN_SAMPLES else None
    if extra is None:
        extra = DEFAULT_EXTRA_ITEM_MINUTES
    return Pace(
        first_item_minutes=first,
        extra_item_minutes=extra,
        by_size=by_size,
        samples=len(samples),
    )


def items_ahead(
    session: Session, truck: Truck, *, accepted_only: bool = False, leave_out: int | None = None
) -> int:
    """Items the kitchen still has to cook: Received orders (unless ``accepted_only``) and the
    items not yet ticked done of orders In Progress."""
    stages = [Stage.IN_PROGRESS] if accepted_only else [Stage.RECEIVED, Stage.IN_PROGRESS]
    query = (
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .join(Order, col(Order.id) == OrderLine.order_id)
        .where(
            Order.truck_id == truck.id,
            col(Order.stage).in_(stages),
            col(OrderLine.done).is_(False),
        )
    )
    if leave_out is not None:
        query = query.where(Order.id != leave_out)
    return int(session.exec(query).one())


def quote(
    session: Session,
    *,
    truck: Truck,
    items: int,
    now: dt.datetime | None = None,
    pace: Pace | None = None,
) -> Quote:
    """When an order of ``items`` items placed now will be ready, from the queue and the pace."""
    now = now or utcnow()
    pace = pace or learn_pace(session, truck, now=now)
    minutes = pace.extra_item_minutes * items_ahead(session, truck) + pace.cook_minutes(items)
    return _quote_in(now, minutes)


def _quote_in(now: dt.datetime, minutes: float) -> Quote:
    whole = max(1, min(MAX_PREP_MINUTES, math.ceil(minutes - 1e-9)))
    return Quote(ready_at=now + dt.timedelta(minutes=whole), minutes=whole)


def order_items(session: Session, order_id: int) -> int:
    query = select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(
        OrderLine.order_id == order_id
    )
    return int(session.exec(query).one())


def prep_for_accept(session: Session, order: Order, *, now: dt.datetime | None = None) -> int:
    """The prep time the Accept panel starts on: the minutes left to the time the customer was
    quoted, or (no quote, or it has passed) a quote made now for the orders already accepted."""
    now = now or utcnow()
    if order.quoted_ready_at is not None and order.quoted_ready_at > now:
        return _quote_in(now, (order.quoted_ready_at - now).total_seconds() / 60).minutes
    truck = records.truck(session, order.truck_id)
    pace = learn_pace(session, truck, now=now)
    ahead = items_ahead(session, truck, accepted_only=True, leave_out=order.id)
    minutes = pace.extra_item_minutes * ahead + pace.cook_minutes(order_items(session, order.id))
    return _quote_in(now, minutes).minutes


def clock_label(when: dt.datetime, zone: ZoneInfo, country_code: str | None) -> str:
    """A time of day as the business's country writes it ("12:40 pm" in Australia), in the
    truck's time zone."""
    return format_time(
        when.astimezone(zone), format="short", locale=money.country(country_code).locale
    )


def truck_clock(session: Session, truck: Truck) -> Callable[[dt.datetime], str]:
    """A function writing times of day for this truck: its time zone, its business's locale."""
    zone = truck_zone(session, truck)
    business = session.get(Business, truck.business_id)
    country = business.country if business else None
    return lambda when: clock_label(when, zone, country)


def quote_label(session: Session, *, truck: Truck, items: int) -> str:
    """What the customer reads before placing an order: "Ready around 12:40 pm"."""
    if items <= 0:
        return ""
    return "Ready around " + truck_clock(session, truck)(
        quote(session, truck=truck, items=items).ready_at
    )


def quoted_text(session: Session, order: Order) -> str:
    """What the Accept panel says of the order's quote ("" for an order quoted nothing)."""
    if order.quoted_ready_at is None:
        return ""
    clock = truck_clock(session, records.truck(session, order.truck_id))
    return f"Quoted to the customer: ready around {clock(order.quoted_ready_at)}"
