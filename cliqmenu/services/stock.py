"""Stock at one truck, set by its Order Managers: items and single options in or out of stock.

Out of stock is either "until restocked" (until someone marks it back) or "today only": the row
carries ``back_on`` = the next service date in the truck's time zone, and from that date on the
effective menu treats it as in stock again without anyone touching it (``menu._in_stock``).
An item may also carry a portion count that accepting orders counts down (``orders``); zero
portions is out of stock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlmodel import Session, col, select

from cliqmenu.models import (
    CustomizationGroup,
    CustomizationOption,
    ItemStock,
    MenuCategory,
    MenuItem,
    OptionStock,
    Role,
    StaffMember,
    Truck,
    utcnow,
)
from cliqmenu.services import access, audit, records
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.menu import (
    _in_stock,
    active_groups,
    active_options,
    own_row,
    service_date,
    truck_rows,
)
from cliqmenu.services.staff import require_role

MAX_PORTIONS = 9999


class Until(StrEnum):
    """How long an item or option stays out of stock."""

    RESTOCKED = "restocked"
    TODAY = "today"


def check_truck_access(session: Session, *, actor: StaffMember | None, truck: Truck) -> StaffMember:
    """An Order Manager (or the Owner) who works at ``truck``; else Forbidden."""
    member = require_role(actor, Role.ORDER_MANAGER)
    access.truck_of(session, actor=member, truck_id=truck.id)
    return member


def menu_item(session: Session, *, truck: Truck, item_id: int) -> MenuItem:
    """A live master item of ``truck``'s business."""
    item = session.get(MenuItem, int(item_id))
    if item is None or item.business_id != truck.business_id or item.archived:
        raise NotFound("That item is not on the menu.")
    return item


def menu_option(
    session: Session, *, truck: Truck, option_id: int
) -> tuple[MenuItem, CustomizationGroup, CustomizationOption]:
    """A live master option of ``truck``'s business, with its group and item."""
    option = session.get(CustomizationOption, int(option_id))
    group = session.get(CustomizationGroup, option.group_id) if option else None
    if option is None or group is None or option.archived or group.archived:
        raise NotFound("That option is not on the menu.")
    return menu_item(session, truck=truck, item_id=group.item_id), group, option


def back_on_date(session: Session, truck: Truck, at: dt.datetime | None = None) -> dt.date:
    """When "today only" ends: the start of the truck's next service day."""
    return service_date(session, truck, at) + dt.timedelta(days=1)


def _until(value: Until | str) -> Until:
    try:
        return Until(value)
    except ValueError as error:
        raise DomainError('Choose "until restocked" or "today only".') from error


def _item_row(session: Session, truck: Truck, item_id: int) -> ItemStock:
    found = own_row(session, ItemStock, truck, item_id=item_id)
    return found or ItemStock(truck_id=truck.id, item_id=item_id)


def _option_row(session: Session, truck: Truck, option_id: int) -> OptionStock:
    found = own_row(session, OptionStock, truck, option_id=option_id)
    return found or OptionStock(truck_id=truck.id, option_id=option_id)


def _describe(row: ItemStock | OptionStock) -> dict:
    described = {"out_of_stock": row.out_of_stock, "back_on": str(row.back_on or "")}
    if isinstance(row, ItemStock):
        described["portions_left"] = row.portions_left
    return described


def _record(
    session: Session, actor: StaffMember, truck: Truck, action: str, before: dict, after: dict
) -> None:
    audit.record(
        session,
        business_id=truck.business_id,
        actor=actor,
        action=action,
        before=before,
        after={"truck_id": truck.id, **after},
    )


def set_item_stock(
    session: Session,
    *,
    actor: StaffMember,
    truck: Truck,
    item_id: int,
    in_stock: bool,
    until: Until | str = Until.RESTOCKED,
    at: dt.datetime | None = None,
) -> ItemStock:
    """Mark an item in stock, or out "until restocked" / "today only" (``at``: now)."""
    actor = check_truck_access(session, actor=actor, truck=truck)
    item = menu_item(session, truck=truck, item_id=item_id)
    row = _item_row(session, truck, item.id)
    before = _describe(row)
    if in_stock:
        row.out_of_stock, row.back_on = False, None
        # Back in stock after running out: the old count of zero would keep it out.
        if row.portions_left == 0:
            row.portions_left = None
    else:
        row.out_of_stock = True
        row.back_on = back_on_date(session, truck, at) if _until(until) == Until.TODAY else None
    session.add(row)
    session.flush()
    _record(session, actor, truck, "stock.item", before, {"item": item.name, **_describe(row)})
    return row


def set_option_stock(
    session: Session,
    *,
    actor: StaffMember,
    truck: Truck,
    option_id: int,
    in_stock: bool,
    until: Until | str = Until.RESTOCKED,
    at: dt.datetime | None = None,
) -> OptionStock:
    """Mark one option in stock, or out "until restocked" / "today only"."""
    actor = check_truck_access(session, actor=actor, truck=truck)
    item, _group, option = menu_option(session, truck=truck, option_id=option_id)
    row = _option_row(session, truck, option.id)
    before = _describe(row)
    if in_stock:
        row.out_of_stock, row.back_on = False, None
    else:
        row.out_of_stock = True
        row.back_on = back_on_date(session, truck, at) if _until(until) == Until.TODAY else None
    session.add(row)
    session.flush()
    _record(
        session,
        actor,
        truck,
        "stock.option",
        before,
        {"item": item.name, "option": option.name, **_describe(row)},
    )
    return row


def set_portions(
    session: Session, *, actor: StaffMember, truck: Truck, item_id: int, portions: int | None
) -> ItemStock:
    """Start counting portions (None stops counting).

    A positive count means "we have this many": the item is in stock. Zero marks it out of stock
    until restocked, exactly as when accepted orders use the last portion.
    """
    actor = check_truck_access(session, actor=actor, truck=truck)
    item = menu_item(session, truck=truck, item_id=item_id)
    if portions is not None:
        portions = int(portions)
        if not 0 <= portions <= MAX_PORTIONS:
            raise DomainError(f"Portions must be a whole number from 0 to {MAX_PORTIONS}.")
    row = _item_row(session, truck, item.id)
    before = _describe(row)
    row.portions_left = portions
    if portions:
        row.out_of_stock, row.back_on = False, None
    elif portions == 0:
        row.out_of_stock, row.back_on = True, None
    session.add(row)
    session.flush()
    _record(session, actor, truck, "stock.portions", before, {"item": item.name, **_describe(row)})
    return row


def parse_portions(text: str) -> int | None:
    """The portion box: empty means no count; otherwise a whole number."""
    cleaned = str(text or "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise DomainError(f"Portions must be a whole number from 0 to {MAX_PORTIONS}.")
    return int(cleaned)


@dataclass
class OptionStatus:
    """One option as the stock screen shows it: stock, and master vs this truck's values."""

    id: int
    group: str
    name: str
    in_stock: bool
    back_on: dt.date | None
    master_delta_cents: int
    override_delta_cents: int | None
    offered: bool


@dataclass
class ItemStatus:
    id: int
    category: str
    name: str
    in_stock: bool
    back_on: dt.date | None  # set while out "today only"
    portions_left: int | None
    master_price_cents: int
    override_price_cents: int | None
    offered: bool
    options: list[OptionStatus] = field(default_factory=list)


def _matches(query: str, *texts: str) -> bool:
    return any(query in text.lower() for text in texts)


def stock_board(
    session: Session, *, truck: Truck, query: str = "", at: dt.datetime | None = None
) -> list[ItemStatus]:
    """Every live master item with this truck's stock and overrides, filtered by ``query``.

    Items and options the truck does not offer are listed too (so they can be offered again).
    The query matches item, category and option names; an option match keeps just that item.
    """
    today = service_date(session, truck, at)
    categories = {
        c.id: c
        for c in session.exec(
            select(MenuCategory).where(
                MenuCategory.business_id == truck.business_id,
                col(MenuCategory.archived).is_(False),
            )
        )
    }
    items = [
        i
        for i in session.exec(
            select(MenuItem).where(
                MenuItem.business_id == truck.business_id, col(MenuItem.archived).is_(False)
            )
        )
        if i.category_id in categories
    ]
    items.sort(key=lambda i: (categories[i.category_id].position, i.category_id, i.position, i.id))
    groups = active_groups(session, [i.id for i in items])
    group_by_id = {g.id: g for g in groups}
    options = active_options(session, list(group_by_id))
    own = truck_rows(session, truck.id)
    options_by_item: dict[int, list[OptionStatus]] = {}
    for option in options:
        group = group_by_id[option.group_id]
        stock, over = own.option_stock.get(option.id), own.option_over.get(option.id)
        in_stock = _in_stock(stock, today)
        options_by_item.setdefault(group.item_id, []).append(
            OptionStatus(
                id=option.id,
                group=group.name,
                name=option.name,
                in_stock=in_stock,
                back_on=stock.back_on if stock and not in_stock else None,
                master_delta_cents=option.price_delta_cents,
                override_delta_cents=over.price_delta_cents if over else None,
                offered=not (over and over.offered is False),
            )
        )
    board = []
    for item in items:
        stock, over = own.item_stock.get(item.id), own.item_over.get(item.id)
        portions = stock.portions_left if stock else None
        flagged_in = _in_stock(stock, today)
        board.append(
            ItemStatus(
                id=item.id,
                category=categories[item.category_id].name,
                name=item.name,
                in_stock=flagged_in and (portions is None or portions > 0),
                back_on=stock.back_on if stock and not flagged_in else None,
                portions_left=portions,
                master_price_cents=item.price_cents,
                override_price_cents=over.price_cents if over else None,
                offered=not (over and over.offered is False),
                options=options_by_item.get(item.id, []),
            )
        )
    return matching(board, query)


def matching(board: list[ItemStatus], query: str) -> list[ItemStatus]:
    """The items ``query`` finds: by item or category name, else by option or group name,
    keeping just the options that match. Every stock screen of a truck shares one board and
    searches it on its own."""
    needle = " ".join(str(query or "").split()).lower()[:80]
    if not needle:
        return board
    found = []
    for item in board:
        if _matches(needle, item.name, item.category):
            found.append(item)
            continue
        options = [o for o in item.options if _matches(needle, o.name, o.group)]
        if options:
            found.append(replace(item, options=options))
    return found


def _due_rows(model: type[ItemStock] | type[OptionStock], now: dt.datetime):
    # No truck's local date is later than tomorrow in UTC: a cheap bound, refined per truck.
    latest = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return (
        select(model)
        .where(
            col(model.out_of_stock).is_(True),
            col(model.back_on).is_not(None),
            col(model.back_on) <= latest,
        )
        .order_by(col(model.id))
    )


def has_due_restocks(session: Session, *, now: dt.datetime | None = None) -> bool:
    """Whether any "today only" item or option may be due back: a read, no write lock."""
    now = now or utcnow()
    return any(
        session.exec(_due_rows(model, now).limit(1)).first() is not None
        for model in (ItemStock, OptionStock)
    )


def restock_day(session: Session, *, now: dt.datetime | None = None) -> set[int]:
    """Put "out today" items and options back in stock once their truck's new day has begun.

    The menu already treats them as in stock from that date (``menu._in_stock``); this clears
    the rows, audits each (by System) and returns the trucks concerned, so their open menus and
    stock screens can be told at midnight rather than at the next change. Several callers may
    run at once (each app process, cron): rows are locked and skipped when another holds them,
    and checked again as locked, so each comes back once.
    """
    now = now or utcnow()
    trucks: dict[int, Truck] = {}
    back: set[int] = set()
    for model in (ItemStock, OptionStock):
        rows = session.exec(
            _due_rows(model, now)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).all()
        for row in rows:
            truck = trucks.get(row.truck_id) or records.truck(session, row.truck_id)
            trucks[truck.id] = truck
            if not row.out_of_stock or row.back_on is None:
                continue
            if row.back_on > service_date(session, truck, now):
                continue
            before = _describe(row)
            row.out_of_stock, row.back_on = False, None
            session.add(row)
            if isinstance(row, ItemStock):
                what = {"item": records.require(session, MenuItem, row.item_id).name}
            else:
                option = records.require(session, CustomizationOption, row.option_id)
                what = {"option": option.name}
            audit.record(
                session,
                business_id=truck.business_id,
                actor=None,
                actor_label="System",
                action="stock.back_today",
                before=before,
                after={"truck_id": truck.id, **what, **_describe(row)},
                reason="A new day began at the truck.",
            )
            back.add(truck.id)
    return back
