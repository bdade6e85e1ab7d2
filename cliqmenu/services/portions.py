"""Counted portions: an order takes them when it is placed, and gives them back if it closes unserved.

Placing an order (customer page, order API, walk-in) takes its portions in the same transaction
as the order: the counted ``ItemStock`` rows are read under a row lock (``SELECT ... FOR UPDATE``
on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so two orders for the
last portion cannot both see it, and an order for more than is left is refused with "Only 2
Smash Burger left." Rejecting, cancelling and expiring an order give its portions back, once
(``Order.portions_held``). The last portion marks the item out of stock (until restocked);
giving portions back to an item that ran out puts it back in stock.

Each change is audited (``stock.portions_taken`` / ``stock.portions_returned``, per order), and
the unit of work notes which trucks' counts changed (``changed``), so the caller publishes their
stock screens, and their customer menus when customers can see the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from cliqmenu.models import ItemStock, Order, OrderLine, StaffMember, Truck
from cliqmenu.services import audit, records
from cliqmenu.services.errors import DomainError

_CHANGES = "cliqmenu.portion_changes"


@dataclass
class PortionChanges:
    """Trucks whose counts changed in a unit of work: every one for its stock screens; the
    ones in ``menu_truck_ids`` also for customers (a count they see, or running out)."""

    stock_truck_ids: set[int] = field(default_factory=set)
    menu_truck_ids: set[int] = field(default_factory=set)


def changed(session: Session) -> PortionChanges:
    """What this unit of work changed so far (read it before the session closes)."""
    return session.info.setdefault(_CHANGES, PortionChanges())


def visible_to_customers(truck: Truck, before: int, after: int) -> bool:
    """Customers see a count at or below the truck's threshold, and an item running out."""
    return min(before, after) <= max(truck.low_portions_at, 0)


def _wanted(lines: Iterable[OrderLine]) -> dict[int, tuple[str, int]]:
    """Portions per item of an order: an item on several lines counts once, summed."""
    wanted: dict[int, tuple[str, int]] = {}
    for line in lines:
        if line.item_id is None:
            continue
        name, quantity = wanted.get(line.item_id, (line.name, 0))
        wanted[line.item_id] = (name, quantity + line.quantity)
    return wanted


def _counted_rows(session: Session, truck: Truck, item_ids: list[int]) -> list[ItemStock]:
    """The counted stock rows of these items, locked, in item order (one lock order for all)."""
    if not item_ids:
        return []
    return list(
        session.exec(
            select(ItemStock)
            .where(
                ItemStock.truck_id == truck.id,
                col(ItemStock.item_id).in_(item_ids),
                col(ItemStock.portions_left).is_not(None),
            )
            .order_by(col(ItemStock.item_id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    )


def _truck_and_lines(session: Session, order: Order) -> tuple[Truck, list[OrderLine]]:
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    return records.truck(session, order.truck_id), list(lines)


def _record(
    session: Session,
    action: str,
    truck: Truck,
    order: Order,
    counts: dict[str, tuple[int, int]],
    actor: StaffMember | None,
    actor_label: str | None,
) -> None:
    if not counts:
        return
    notes = changed(session)
    notes.stock_truck_ids.add(truck.id)
    if any(visible_to_customers(truck, before, after) for before, after in counts.values()):
        notes.menu_truck_ids.add(truck.id)
    audit.record(
        session,
        business_id=truck.business_id,
        order_id=order.id,
        actor=actor,
        actor_label=actor_label,
        action=action,
        before={"truck_id": truck.id, **{name: b for name, (b, _a) in counts.items()}},
        after={"truck_id": truck.id, **{name: a for name, (_b, a) in counts.items()}},
    )


def take(
    session: Session, *, truck: Truck, lines: Iterable[OrderLine], force: bool = False
) -> dict[str, tuple[int, int]]:
    """Take the counted portions of an order's lines (before and after, per item name).

    Every count is checked before any is changed, so a refusal ("Only 2 Smash Burger left.")
    writes nothing. ``force`` takes what is there without refusing (stopping at zero): for an
    order that stands anyway, e.g. one the customer paid for after it had expired.
    """
    wanted = _wanted(lines)
    rows = _counted_rows(session, truck, sorted(wanted))
    for row in rows:
        name, quantity = wanted[row.item_id]
        left = row.portions_left or 0  # counted rows only: never None here
        if left < quantity and not force:
            if left == 0:
                raise DomainError(f"Sorry, {name} is sold out.")
            raise DomainError(f"Only {left} {name} left.")
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        name, quantity = wanted[row.item_id]
        left = row.portions_left or 0
        row.portions_left = max(0, left - quantity)
        if row.portions_left == 0:
            row.out_of_stock, row.back_on = True, None
        session.add(row)
        counts[name] = (left, row.portions_left)
    return counts


def held_by(
    session: Session,
    *,
    truck: Truck,
    order: Order,
    counts: dict[str, tuple[int, int]],
    actor: StaffMember | None = None,
    actor_label: str | None = None,
) -> None:
    """The order (now stored) holds the portions ``take`` took for it: audited, noted."""
    order.portions_held = True
    _record(session, "stock.portions_taken", truck, order, counts, actor, actor_label)


def hold(
    session: Session,
    *,
    order: Order,
    actor: StaffMember | None = None,
    actor_label: str | None = None,
) -> None:
    """An order back from closed (or placed before portions were taken at placing) takes its
    portions again, whatever is left: it stands either way."""
    if order.portions_held:
        return
    truck, lines = _truck_and_lines(session, order)
    counts = take(session, truck=truck, lines=lines, force=True)
    held_by(session, truck=truck, order=order, counts=counts, actor=actor, actor_label=actor_label)


def give_back(
    session: Session,
    *,
    order: Order,
    actor: StaffMember | None = None,
    actor_label: str | None = None,
) -> None:
    """Return the portions an order holds (it closed unserved); nothing when it holds none."""
    if not order.portions_held:
        return
    order.portions_held = False
    truck, lines = _truck_and_lines(session, order)
    wanted = _wanted(lines)
    counts: dict[str, tuple[int, int]] = {}
    for row in _counted_rows(session, truck, sorted(wanted)):
        name, quantity = wanted[row.item_id]
        left = row.portions_left or 0
        # Sold out because the count ran out (not marked out by hand "today only"): back in stock.
        if left == 0 and row.out_of_stock and row.back_on is None:
            row.out_of_stock = False
        row.portions_left = left + quantity
        session.add(row)
        counts[name] = (left, row.portions_left)
    _record(session, "stock.portions_returned", truck, order, counts, actor, actor_label)
