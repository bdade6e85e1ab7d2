"""Truck menu overrides, set by the truck's Order Managers: price, option price, offered or not.

An override row holds only what differs at that truck; a null field means "as on the master
menu". Clearing a field returns it to the master value, and a row with nothing left is removed.
The master menu and every other truck are never touched.
"""

from __future__ import annotations

import enum

from sqlmodel import Session, col, select

from cliqmenu.models import (
    CustomizationOption,
    StaffMember,
    Truck,
    TruckItemOverride,
    TruckOptionOverride,
)
from cliqmenu.services import audit
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import effective_menu, own_row
from cliqmenu.services.menu_admin import MAX_DELTA_CENTS, MAX_PRICE_CENTS
from cliqmenu.services.money import business_style
from cliqmenu.services.stock import check_truck_access, menu_item, menu_option


class Keep(enum.Enum):
    """The type of KEEP: "leave this field as it is"."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _item_override(session: Session, truck: Truck, item_id: int) -> TruckItemOverride:
    found = own_row(session, TruckItemOverride, truck, item_id=item_id)
    return found or TruckItemOverride(truck_id=truck.id, item_id=item_id)


def _option_override(session: Session, truck: Truck, option_id: int) -> TruckOptionOverride:
    found = own_row(session, TruckOptionOverride, truck, option_id=option_id)
    return found or TruckOptionOverride(truck_id=truck.id, option_id=option_id)


def _save(session: Session, row: TruckItemOverride | TruckOptionOverride, price_field: str) -> None:
    if getattr(row, price_field) is None and row.offered is None:
        if row.id is not None:
            session.delete(row)
    else:
        session.add(row)
    session.flush()


def _lowest_option_delta(session: Session, truck: Truck, item_id: int) -> int:
    """The cheapest option price change of an item as this truck charges it."""
    item = effective_menu(session, truck).items.get(item_id)
    deltas = [o.price_delta_cents for g in item.groups for o in g.options] if item else []
    return min(deltas, default=0)


def _effective_price(session: Session, truck: Truck, item_id: int) -> int:
    item = menu_item(session, truck=truck, item_id=item_id)
    over = _item_override(session, truck, item.id)
    return over.price_cents if over.price_cents is not None else item.price_cents


def set_item_override(
    session: Session,
    *,
    actor: StaffMember,
    truck: Truck,
    item_id: int,
    price_cents: int | None | Keep = KEEP,
    offered: bool | Keep = KEEP,
) -> TruckItemOverride | None:
    """Set this truck's price of an item (None: the master price) and/or whether it is offered.

    Returns the override row, or None when nothing differs from the master menu any more.
    """
    actor = check_truck_access(session, actor=actor, truck=truck)
    item = menu_item(session, truck=truck, item_id=item_id)
    row = _item_override(session, truck, item.id)
    before = {"price_cents": row.price_cents, "offered": row.offered}
    if price_cents is not KEEP:
        if price_cents is not None:
            price_cents = int(price_cents)
            if not 0 <= price_cents <= MAX_PRICE_CENTS:
                raise DomainError("Price must be between $0.00 and $10,000.00.")
            lowest = _lowest_option_delta(session, truck, item.id)
            if price_cents + lowest < 0:
                show = business_style(session, truck.business_id)
                raise DomainError(
                    f"An option of {item.name} takes {show(-lowest)} off, so the price "
                    f"must be at least {show(-lowest)}."
                )
        row.price_cents = price_cents
    if offered is not KEEP:
        # Offered is the master's default, so "offered" is stored as "no override".
        row.offered = None if offered else False
    _save(session, row, "price_cents")
    audit.record(
        session,
        business_id=truck.business_id,
        actor=actor,
        action="override.item",
        before=before,
        after={
            "truck_id": truck.id,
            "item": item.name,
            "price_cents": row.price_cents,
            "offered": row.offered,
        },
    )
    return None if row.price_cents is None and row.offered is None else row


def set_option_override(
    session: Session,
    *,
    actor: StaffMember,
    truck: Truck,
    option_id: int,
    price_delta_cents: int | None | Keep = KEEP,
    offered: bool | Keep = KEEP,
) -> TruckOptionOverride | None:
    """Set this truck's price change of an option (None: the master's) and/or whether it is
    offered. A group must keep enough offered options for its minimum choices."""
    actor = check_truck_access(session, actor=actor, truck=truck)
    item, group, option = menu_option(session, truck=truck, option_id=option_id)
    row = _option_override(session, truck, option.id)
    before = {"price_delta_cents": row.price_delta_cents, "offered": row.offered}
    if price_delta_cents is not KEEP:
        if price_delta_cents is not None:
            price_delta_cents = int(price_delta_cents)
            if abs(price_delta_cents) > MAX_DELTA_CENTS:
                raise DomainError("Price change is too large (at most $1,000.00 either way).")
            price = _effective_price(session, truck, item.id)
            if price + price_delta_cents < 0:
                show = business_style(session, truck.business_id)
                raise DomainError(
                    f"{item.name} costs {show(price)} here, so {option.name} can take "
                    f"at most {show(price)} off."
                )
        row.price_delta_cents = price_delta_cents
    if offered is not KEEP:
        if not offered and group.min_choices > 0:
            siblings = session.exec(
                select(CustomizationOption.id).where(
                    CustomizationOption.group_id == group.id,
                    col(CustomizationOption.archived).is_(False),
                    CustomizationOption.id != option.id,
                )
            ).all()
            hidden = set(
                session.exec(
                    select(TruckOptionOverride.option_id).where(
                        TruckOptionOverride.truck_id == truck.id,
                        col(TruckOptionOverride.offered).is_(False),
                    )
                )
            )
            if len([s for s in siblings if s not in hidden]) < group.min_choices:
                raise DomainError(
                    f"Customers must choose {group.min_choices} in {group.name} ({item.name}), "
                    f"so {option.name} has to stay offered at {truck.name}."
                )
        row.offered = None if offered else False
    _save(session, row, "price_delta_cents")
    audit.record(
        session,
        business_id=truck.business_id,
        actor=actor,
        action="override.option",
        before=before,
        after={
            "truck_id": truck.id,
            "item": item.name,
            "option": option.name,
            "price_delta_cents": row.price_delta_cents,
            "offered": row.offered,
        },
    )
    return None if row.price_delta_cents is None and row.offered is None else row


def clear_item_override(
    session: Session, *, actor: StaffMember, truck: Truck, item_id: int
) -> None:
    """Back to the master menu for this item at this truck: master price, offered."""
    set_item_override(
        session, actor=actor, truck=truck, item_id=item_id, price_cents=None, offered=True
    )


def clear_option_override(
    session: Session, *, actor: StaffMember, truck: Truck, option_id: int
) -> None:
    """Back to the master menu for this option at this truck: master price change, offered."""
    set_option_override(
        session, actor=actor, truck=truck, option_id=option_id, price_delta_cents=None, offered=True
    )
