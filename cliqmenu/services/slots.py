"""Pacing and pre-orders: 15-minute slots, a truck's limits per slot, the next free slot, and the
release of pre-orders to the kitchen.

A slot is a quarter of an hour (12:00, 12:15, ...) in the truck's time zone. An order counts in
the slot of its pickup time when it is a pre-order, else in the slot it was placed in; every
order the kitchen may still cook counts, whatever its source and payment (Rejected, Cancelled
and Expired orders do not). The Owner's limits (orders and/or items per slot, off by default)
refuse only:

* an Online order placed now by a customer when the current slot is full, and
* a pre-order a customer or the order API asks for a full slot.

Orders paid at the counter (Cash at Counter, Card at Counter) for now, walk-ins and the crew's
phone orders are never refused: the crew sees the load and decides. The check runs under the
truck's row lock (the one order numbers are handed out under), so concurrent checkouts never
overfill a slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cliqmenu.models import (
    Order,
    OrderLine,
    OrderSource,
    PaymentMethod,
    Stage,
    Truck,
    utcnow,
)
from cliqmenu.services import audit, queue_order, stations
from cliqmenu.services.errors import Conflict, DomainError
from cliqmenu.services.menu import truck_zone

SLOT = dt.timedelta(minutes=15)
LIMIT_RANGE = (1, 999)
# Orders that no longer take a place in their slot.
NOT_COUNTED = (Stage.REJECTED, Stage.CANCELLED, Stage.EXPIRED)
RELEASED_BY = "Scheduled release"


class SlotFull(Conflict):
    """The slot asked for is full; ``next_free`` is the next slot with room today, if any."""

    def __init__(self, message: str, *, next_free: dt.datetime | None, label: str = "") -> None:
        super().__init__(message)
        self.next_free = next_free
        self.next_free_label = label


@dataclass(frozen=True)
class SlotLoad:
    start: dt.datetime  # UTC
    label: str  # "12:30", the truck's local time
    orders: int
    items: int
    order_limit: int | None
    item_limit: int | None

    def fits(self, items: int) -> bool:
        """Whether one more order of ``items`` items stays within the limits."""
        if self.order_limit is not None and self.orders + 1 > self.order_limit:
            return False
        return self.item_limit is None or self.items + items <= self.item_limit

    @property
    def full(self) -> bool:
        return not self.fits(1)

    @property
    def words(self) -> str:
        """What the manager reads: "Slot 12:30: 7 of 8 orders" (and the items when limited)."""
        parts = []
        if self.order_limit is not None:
            parts.append(f"{self.orders} of {self.order_limit} orders")
        if self.item_limit is not None:
            parts.append(f"{self.items} of {self.item_limit} items")
        return f"Slot {self.label}: " + ", ".join(parts)


@dataclass(frozen=True)
class SlotChoice:
    """A pickup time a pre-order may choose (later today)."""

    start: dt.datetime
    label: str
    load: SlotLoad
    open: bool


def is_paced(truck: Truck) -> bool:
    return truck.slot_order_limit is not None or truck.slot_item_limit is not None


def slot_start(when: dt.datetime) -> dt.datetime:
    """The start of the slot holding ``when`` (UTC). Every time zone's offset is a whole number
    of quarter hours, so a UTC quarter hour is a local one too."""
    seconds = int(when.timestamp()) // int(SLOT.total_seconds()) * int(SLOT.total_seconds())
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def label(when: dt.datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def parse_limit(value: object, what: str) -> int | None:
    """A limit as the Owner types it: empty or 0 is off, else a whole number in range."""
    text = str(value if value is not None else "").strip()
    if text in ("", "0"):
        return None
    if not text.isdigit() or not text.isascii():
        raise DomainError(f"{what} must be a whole number (empty: no limit).")
    number = int(text)
    if not LIMIT_RANGE[0] <= number <= LIMIT_RANGE[1]:
        raise DomainError(f"{what} must be {LIMIT_RANGE[0]} to {LIMIT_RANGE[1]} (empty: no limit).")
    return number


def _slot_time():
    return sa.func.coalesce(col(Order.pickup_at), col(Order.placed_at))


def _day_end(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    local = now.astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return midnight.astimezone(dt.UTC)


def loads(
    session: Session, truck: Truck, *, start: dt.datetime, end: dt.datetime
) -> dict[dt.datetime, tuple[int, int]]:
    """Orders and items counted in each slot from ``start`` to ``end``: {slot start: (orders,
    items)}; slots with nothing are left out."""
    slot_time = _slot_time()
    items = (
        select(sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0))
        .where(OrderLine.order_id == Order.id)
        .scalar_subquery()
    )
    rows = session.exec(
        select(slot_time, items).where(
            Order.truck_id == truck.id,
            col(Order.stage).not_in(NOT_COUNTED),
            slot_time >= start,
            slot_time < end,
        )
    ).all()
    counted: dict[dt.datetime, tuple[int, int]] = {}
    for when, quantity in rows:
        moment = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        key = slot_start(moment)
        orders, total = counted.get(key, (0, 0))
        counted[key] = (orders + 1, total + int(quantity or 0))
    return counted


def slot_load(session: Session, truck: Truck, start: dt.datetime) -> SlotLoad:
    start = slot_start(start)
    orders, items = loads(session, truck, start=start, end=start + SLOT).get(start, (0, 0))
    return SlotLoad(
        start=start,
        label=label(start, truck_zone(session, truck)),
        orders=orders,
        items=items,
        order_limit=truck.slot_order_limit,
        item_limit=truck.slot_item_limit,
    )


def current_load(session: Session, truck: Truck, *, now: dt.datetime | None = None) -> SlotLoad:
    return slot_load(session, truck, now or utcnow())


def pickup_choices(
    session: Session, truck: Truck, *, items: int = 1, now: dt.datetime | None = None
) -> list[SlotChoice]:
    """Every slot that starts later today (the truck's day), and whether one more order of
    ``items`` items fits in it."""
    now = now or utcnow()
    zone = truck_zone(session, truck)
    first, end = slot_start(now) + SLOT, _day_end(now, zone)
    counted = loads(session, truck, start=first, end=end)
    choices = []
    start = first
    while start < end:
        orders, total = counted.get(start, (0, 0))
        load = SlotLoad(
            start, label(start, zone), orders, total, truck.slot_order_limit, truck.slot_item_limit
        )
        choices.append(SlotChoice(start, load.label, load, open=load.fits(items)))
        start += SLOT
    return choices


def next_free_slot(
    session: Session, truck: Truck, *, items: int = 1, now: dt.datetime | None = None
) -> SlotChoice | None:
    """The first slot after the current one with room for an order of ``items`` items today."""
    return next((c for c in pickup_choices(session, truck, items=items, now=now) if c.open), None)


def taking_now(
    session: Session, truck: Truck, *, items: int = 1, now: dt.datetime | None = None
) -> bool:
    """Whether the current slot has room for an order of ``items`` items (always, unpaced)."""
    return not is_paced(truck) or current_load(session, truck, now=now).fits(items)


def check_pickup(
    session: Session, truck: Truck, pickup_at: dt.datetime, *, now: dt.datetime
) -> dt.datetime:
    """A pickup time a pre-order may ask for: the start of a slot later today."""
    if pickup_at.tzinfo is None:
        raise DomainError("The pickup time needs its time zone (an ISO 8601 time with an offset).")
    pickup_at = pickup_at.astimezone(dt.UTC)
    zone = truck_zone(session, truck)
    if slot_start(pickup_at) != pickup_at or pickup_at <= now or pickup_at >= _day_end(now, zone):
        raise DomainError(
            "Choose a pickup time later today on the quarter hour (12:00, 12:15, 12:30, 12:45)."
        )
    return pickup_at


def refuses(source: OrderSource, method: PaymentMethod, *, preorder: bool) -> bool:
    """Whether a full slot refuses this order (the rule in the module's docstring)."""
    if source == OrderSource.WALK_IN:
        return False
    return preorder or method == PaymentMethod.ONLINE


def admit(
    session: Session,
    *,
    truck: Truck,
    source: OrderSource,
    method: PaymentMethod,
    items: int,
    pickup_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """Refuse the order with ``SlotFull`` when its slot has no room for it. The caller holds the
    truck's row lock, so the load read here stays true until the order is stored."""
    if not is_paced(truck) or not refuses(source, method, preorder=pickup_at is not None):
        return
    load = slot_load(session, truck, pickup_at or now)
    if load.fits(items):
        return
    free = next_free_slot(session, truck, items=items, now=now)
    if pickup_at is not None:
        message = f"The {load.label} pickup at {truck.name} is fully booked."
    else:
        message = f"{truck.name} is not taking online orders right now: the kitchen is full."
    if free is not None:
        message += f" The next free time is {free.label}: you can order for then."
    elif pickup_at is None:
        message += " There is no free time left today."
    raise SlotFull(
        message,
        next_free=free.start if free else None,
        label=free.label if free else "",
    )


def release_plan(
    pickup_at: dt.datetime | None, prep_minutes: int, *, now: dt.datetime
) -> dt.datetime | None:
    """When a pre-order goes to the kitchen: its pickup time minus its prep time (now, if that
    is past already)."""
    if pickup_at is None:
        return None
    return max(now, pickup_at - dt.timedelta(minutes=prep_minutes))


# -- The release of pre-orders to the kitchen -------------------------------------------------


@dataclass(frozen=True)
class Released:
    order_id: int
    truck_id: int
    public_id: str


def _due(now: dt.datetime):
    return (
        (col(Order.stage) == Stage.RECEIVED)
        & col(Order.released_at).is_(None)
        & col(Order.release_at).is_not(None)
        & (col(Order.release_at) <= now)
    )


def has_due_releases(session: Session, *, now: dt.datetime | None = None) -> bool:
    return session.exec(select(Order.id).where(_due(now or utcnow())).limit(1)).first() is not None


def release_due(
    session: Session, *, now: dt.datetime | None = None, limit: int = 100
) -> list[Released]:
    """Send every pre-order whose time has come to the kitchen (In Progress), exactly once.

    The rows are locked as they are read, skipping rows another releaser holds (PostgreSQL;
    SQLite's BEGIN IMMEDIATE serialises writers): of two releasers racing, each order goes with
    one of them, and the other finds it released already.
    """
    now = now or utcnow()
    due = session.exec(
        select(Order)
        .where(_due(now))
        .order_by(col(Order.release_at), col(Order.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    released = []
    trucks: dict[int, Truck] = {}
    for order in due:
        if order.stage != Stage.RECEIVED or order.released_at is not None:
            continue
        truck = trucks.get(order.truck_id) or session.get(Truck, order.truck_id)
        if truck is None:
            continue
        trucks[truck.id] = truck
        prep = order.prep_minutes or truck.default_prep_minutes
        order.stage = Stage.IN_PROGRESS
        order.prep_minutes = prep
        order.accepted_at = order.released_at = order.updated_at = now
        queue_order.to_kitchen(session, order)
        pickup = order.pickup_at or now
        order.promised_at = max(pickup, now + dt.timedelta(minutes=prep))
        audit.record(
            session,
            business_id=order.business_id,
            order_id=order.id,
            actor=None,
            actor_label=RELEASED_BY,
            action="order.released",
            before={"stage": Stage.RECEIVED.value},
            after={
                "stage": Stage.IN_PROGRESS.value,
                "prep_minutes": prep,
                "pickup_at": pickup.isoformat(),
            },
        )
        stations.route_order(session, order=order)
        released.append(Released(order.id, order.truck_id, order.public_id))
    session.flush()
    return released


def scheduled_words(order: Order | object, zone: ZoneInfo) -> str:
    """ "Scheduled 12:30" for a pre-order waiting for its time (Received, not yet sent to the
    kitchen, nor accepted early), else ""."""
    pickup = getattr(order, "pickup_at", None)
    waiting = getattr(order, "stage", None) in (Stage.RECEIVED, Stage.AWAITING_PAYMENT)
    if pickup is None or not waiting or getattr(order, "released_at", None) is not None:
        return ""
    return "Scheduled " + label(pickup, zone)
