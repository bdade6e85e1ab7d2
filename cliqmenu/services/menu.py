"""The effective menu of a truck: the master menu + the truck's overrides + its stock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from cliqmenu.models import (
    CustomizationGroup,
    CustomizationOption,
    ItemStock,
    MenuCategory,
    MenuItem,
    OptionStock,
    Truck,
    TruckItemOverride,
    TruckOptionOverride,
    utcnow,
)
from cliqmenu.services import records

# A row a truck keeps of its own over the master menu.
Own = TypeVar("Own", TruckItemOverride, TruckOptionOverride, ItemStock, OptionStock)


@dataclass
class EffectiveOption:
    id: int
    name: str
    price_delta_cents: int
    in_stock: bool


@dataclass
class EffectiveGroup:
    id: int
    name: str
    min_choices: int
    max_choices: int
    required: bool
    options: list[EffectiveOption] = field(default_factory=list)


@dataclass
class EffectiveItem:
    id: int
    category_id: int
    category: str
    name: str
    description: str
    price_cents: int
    photo_url: str | None
    dietary_tags: list[str]
    allergens: list[str]
    in_stock: bool
    portions_left: int | None
    groups: list[EffectiveGroup] = field(default_factory=list)


@dataclass
class EffectiveMenu:
    truck_id: int
    categories: list[tuple[int, str]]
    items: dict[int, EffectiveItem]

    def option(self, item_id: int, option_id: int) -> tuple[EffectiveGroup, EffectiveOption] | None:
        item = self.items.get(item_id)
        for group in item.groups if item else []:
            for option in group.options:
                if option.id == option_id:
                    return group, option
        return None


def truck_zone(session: Session, truck: Truck) -> ZoneInfo:
    if truck.timezone:
        return ZoneInfo(truck.timezone)
    return ZoneInfo(records.business(session, truck.business_id).timezone)


def service_date(session: Session, truck: Truck, at: dt.datetime | None = None) -> dt.date:
    """The truck's local calendar date: order numbers and "today only" stock follow it."""
    return (at or utcnow()).astimezone(truck_zone(session, truck)).date()


def _in_stock(row: ItemStock | OptionStock | None, today: dt.date) -> bool:
    if row is None or not row.out_of_stock:
        return True
    return row.back_on is not None and row.back_on <= today


def _effective_option(
    option: CustomizationOption,
    over: TruckOptionOverride | None,
    stock: OptionStock | None,
    today: dt.date,
) -> EffectiveOption | None:
    """An option as one truck offers it, or None where the truck does not offer it."""
    if over and over.offered is False:
        return None
    return EffectiveOption(
        id=option.id,
        name=option.name,
        price_delta_cents=(
            over.price_delta_cents
            if over and over.price_delta_cents is not None
            else option.price_delta_cents
        ),
        in_stock=_in_stock(stock, today),
    )


def _groups_by_item(
    groups: Sequence[CustomizationGroup], options_by_group: dict[int, list[EffectiveOption]]
) -> dict[int, list[EffectiveGroup]]:
    grouped: dict[int, list[EffectiveGroup]] = {}
    for group in groups:
        grouped.setdefault(group.item_id, []).append(
            EffectiveGroup(
                id=group.id,
                name=group.name,
                min_choices=group.min_choices,
                max_choices=group.max_choices,
                required=group.required,
                options=options_by_group.get(group.id, []),
            )
        )
    return grouped


def _effective_item(
    item: MenuItem,
    category: str,
    over: TruckItemOverride | None,
    stock: ItemStock | None,
    today: dt.date,
    groups: list[EffectiveGroup],
) -> EffectiveItem | None:
    """An item as one truck offers it (price, stock, portions), or None where it does not."""
    if over and over.offered is False:
        return None
    portions = stock.portions_left if stock else None
    return EffectiveItem(
        id=item.id,
        category_id=item.category_id,
        category=category,
        name=item.name,
        description=item.description,
        price_cents=over.price_cents if over and over.price_cents is not None else item.price_cents,
        photo_url=item.photo_url,
        dietary_tags=list(item.dietary_tags),
        allergens=list(item.allergens),
        in_stock=_in_stock(stock, today) and (portions is None or portions > 0),
        portions_left=portions,
        groups=groups,
    )


def effective_menu(session: Session, truck: Truck) -> EffectiveMenu:
    """What this truck offers now, at its prices, with stock; archived and not-offered left out."""
    today = service_date(session, truck)
    categories = list(
        session.exec(
            select(MenuCategory)
            .where(
                MenuCategory.business_id == truck.business_id, col(MenuCategory.archived).is_(False)
            )
            .order_by(col(MenuCategory.position), col(MenuCategory.id))
        )
    )
    category_names = {c.id: c.name for c in categories}
    items = session.exec(
        select(MenuItem)
        .where(MenuItem.business_id == truck.business_id, col(MenuItem.archived).is_(False))
        .order_by(col(MenuItem.position), col(MenuItem.id))
    ).all()
    groups = active_groups(session, [i.id for i in items])
    options = active_options(session, [g.id for g in groups])
    own = truck_rows(session, truck.id)
    options_by_group: dict[int, list[EffectiveOption]] = {}
    for option in options:
        shown = _effective_option(
            option, own.option_over.get(option.id), own.option_stock.get(option.id), today
        )
        if shown is not None:
            options_by_group.setdefault(option.group_id, []).append(shown)
    groups_by_item = _groups_by_item(groups, options_by_group)

    effective: dict[int, EffectiveItem] = {}
    for item in items:
        if item.category_id not in category_names:
            continue
        shown = _effective_item(
            item,
            category_names[item.category_id],
            own.item_over.get(item.id),
            own.item_stock.get(item.id),
            today,
            groups_by_item.get(item.id, []),
        )
        if shown is not None:
            effective[item.id] = shown
    return EffectiveMenu(
        truck_id=truck.id,
        categories=[(c.id, c.name) for c in categories],
        items=effective,
    )


# The largest id a database integer column holds: a larger id in a request is on no menu.
_MAX_ID = 2**63 - 1


def _ids(values: list[int]) -> list[int]:
    return sorted({v for v in values if isinstance(v, int) and 0 < v <= _MAX_ID})


# The queries of ``order_menu`` are built once, with bound parameters: building a statement
# costs about as much as running it, and they run for every order placed.
@cache
def _ordered_items_query():
    here = bindparam("truck_id")
    return (
        select(MenuItem, MenuCategory.name, TruckItemOverride, ItemStock)
        .join(MenuCategory, col(MenuCategory.id) == MenuItem.category_id)
        .outerjoin(
            TruckItemOverride,
            (col(TruckItemOverride.item_id) == MenuItem.id) & (TruckItemOverride.truck_id == here),
        )
        .outerjoin(
            ItemStock, (col(ItemStock.item_id) == MenuItem.id) & (ItemStock.truck_id == here)
        )
        .where(
            col(MenuItem.id).in_(bindparam("item_ids", expanding=True)),
            MenuItem.business_id == bindparam("business_id"),
            col(MenuItem.archived).is_(False),
            MenuCategory.business_id == bindparam("business_id"),
            col(MenuCategory.archived).is_(False),
        )
    )


@cache
def _groups_query():
    return (
        select(CustomizationGroup)
        .where(
            col(CustomizationGroup.item_id).in_(bindparam("item_ids", expanding=True)),
            col(CustomizationGroup.archived).is_(False),
        )
        .order_by(col(CustomizationGroup.position), col(CustomizationGroup.id))
    )


@cache
def _options_query():
    return (
        select(CustomizationOption)
        .where(
            col(CustomizationOption.group_id).in_(bindparam("group_ids", expanding=True)),
            col(CustomizationOption.archived).is_(False),
        )
        .order_by(col(CustomizationOption.position), col(CustomizationOption.id))
    )


def active_groups(session: Session, item_ids: list[int]) -> Sequence[CustomizationGroup]:
    """The live customization groups of these items, in their order."""
    return session.exec(_groups_query(), params={"item_ids": item_ids}).all()


def active_options(session: Session, group_ids: list[int]) -> Sequence[CustomizationOption]:
    """The live options of these groups, in their order."""
    return session.exec(_options_query(), params={"group_ids": group_ids}).all()


@dataclass
class TruckRows:
    """What a truck keeps of its own over the master menu, by item or option id: its prices and
    offers (overrides) and its stock."""

    item_over: dict[int, TruckItemOverride]
    option_over: dict[int, TruckOptionOverride]
    item_stock: dict[int, ItemStock]
    option_stock: dict[int, OptionStock]


def own_row(session: Session, model: type[Own], truck: Truck, **key: int) -> Own | None:
    """The truck's own row of ``model`` (an override or stock row) for ``key`` (item_id= or
    option_id=); None when the truck keeps nothing of its own there."""
    query = select(model).where(col(model.truck_id) == truck.id)
    for name, value in key.items():
        query = query.where(col(getattr(model, name)) == value)
    return session.exec(query).first()


def _own_rows(session: Session, model: type[Own], truck_id: int) -> Sequence[Own]:
    return session.exec(select(model).where(col(model.truck_id) == truck_id)).all()


def truck_rows(session: Session, truck_id: int) -> TruckRows:
    return TruckRows(
        item_over={o.item_id: o for o in _own_rows(session, TruckItemOverride, truck_id)},
        option_over={o.option_id: o for o in _own_rows(session, TruckOptionOverride, truck_id)},
        item_stock={s.item_id: s for s in _own_rows(session, ItemStock, truck_id)},
        option_stock={s.option_id: s for s in _own_rows(session, OptionStock, truck_id)},
    )


@cache
def _chosen_options_query():
    here = bindparam("truck_id")
    return (
        select(CustomizationOption, TruckOptionOverride, OptionStock)
        .outerjoin(
            TruckOptionOverride,
            (col(TruckOptionOverride.option_id) == CustomizationOption.id)
            & (TruckOptionOverride.truck_id == here),
        )
        .outerjoin(
            OptionStock,
            (col(OptionStock.option_id) == CustomizationOption.id) & (OptionStock.truck_id == here),
        )
        .where(
            col(CustomizationOption.id).in_(bindparam("option_ids", expanding=True)),
            col(CustomizationOption.group_id).in_(bindparam("group_ids", expanding=True)),
            col(CustomizationOption.archived).is_(False),
        )
        .order_by(col(CustomizationOption.position), col(CustomizationOption.id))
    )


def order_menu(
    session: Session, truck: Truck, item_ids: list[int], option_ids: list[int]
) -> EffectiveMenu:
    """The part of ``effective_menu`` that checking one order needs, in three queries.

    The given items (each with all its groups) and, of their options, only the given ones,
    with the same overrides, stock and portion rules. Items or options the truck does not
    offer, archived ones and unknown ids are simply absent, as they are from the full menu.
    ``categories`` is left empty: an order needs none.
    """
    today = service_date(session, truck)
    item_rows = session.exec(
        _ordered_items_query(),
        params={
            "truck_id": truck.id,
            "business_id": truck.business_id,
            "item_ids": _ids(item_ids),
        },
    ).all()
    offered = [row for row in item_rows if not (row[2] and row[2].offered is False)]
    groups = active_groups(session, [item.id for item, *_ in offered])
    options_by_group: dict[int, list[EffectiveOption]] = {}
    if (chosen := _ids(option_ids)) and groups:
        option_rows = session.exec(
            _chosen_options_query(),
            params={
                "truck_id": truck.id,
                "option_ids": chosen,
                "group_ids": [g.id for g in groups],
            },
        ).all()
        for option, over, stock in option_rows:
            shown = _effective_option(option, over, stock, today)
            if shown is not None:
                options_by_group.setdefault(option.group_id, []).append(shown)
    groups_by_item = _groups_by_item(groups, options_by_group)
    items = {
        item.id: shown
        for item, category, over, stock in offered
        if (
            shown := _effective_item(
                item, category, over, stock, today, groups_by_item.get(item.id, [])
            )
        )
        is not None
    }
    return EffectiveMenu(truck_id=truck.id, categories=[], items=items)
