"""The effective menu of a truck: the master menu + the truck's overrides + its stock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from cliqmenu.models import (
    Business,
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
    business = session.get(Business, truck.business_id)
    return ZoneInfo(business.timezone if business else "UTC")


def service_date(session: Session, truck: Truck, at: dt.datetime | None = None) -> dt.date:
    """The truck's local calendar date: order numbers and "today only" stock follow it."""
    return (at or utcnow()).astimezone(truck_zone(session, truck)).date()


def _in_stock(row: ItemStock | OptionStock | None, today: dt.date) -> bool:
    if row is None or not row.out_of_stock:
        return True
    return row.back_on is not None and row.back_on <= today


def effective_menu(session: Session, truck: Truck) -> EffectiveMenu:
    """What this truck offers now, at its prices, with stock; archived and not-offered left out."""
    today = service_date(session, truck)
    categories = list(
        session.exec(
            select(MenuCategory)
            .where(
                MenuCategory.business_id == truck.business_id, col(MenuCategory.archived).is_(False)
            )
            .order_by(MenuCategory.position, MenuCategory.id)
        )
    )
    category_names = {c.id: c.name for c in categories}
    items = session.exec(
        select(MenuItem)
        .where(MenuItem.business_id == truck.business_id, col(MenuItem.archived).is_(False))
        .order_by(MenuItem.position, MenuItem.id)
    ).all()
    item_ids = [i.id for i in items]
    groups = session.exec(
        select(CustomizationGroup)
        .where(
            col(CustomizationGroup.item_id).in_(item_ids),
            col(CustomizationGroup.archived).is_(False),
        )
        .order_by(CustomizationGroup.position, CustomizationGroup.id)
    ).all()
    options = session.exec(
        select(CustomizationOption)
        .where(
            col(CustomizationOption.group_id).in_([g.id for g in groups]),
            col(CustomizationOption.archived).is_(False),
        )
        .order_by(CustomizationOption.position, CustomizationOption.id)
    ).all()
    item_over = {
        o.item_id: o
        for o in session.exec(
            select(TruckItemOverride).where(TruckItemOverride.truck_id == truck.id)
        )
    }
    option_over = {
        o.option_id: o
        for o in session.exec(
            select(TruckOptionOverride).where(TruckOptionOverride.truck_id == truck.id)
        )
    }
    item_stock = {
        s.item_id: s for s in session.exec(select(ItemStock).where(ItemStock.truck_id == truck.id))
    }
    option_stock = {
        s.option_id: s
        for s in session.exec(select(OptionStock).where(OptionStock.truck_id == truck.id))
    }

    options_by_group: dict[int, list[EffectiveOption]] = {}
    for option in options:
        over = option_over.get(option.id)
        if over and over.offered is False:
            continue
        options_by_group.setdefault(option.group_id, []).append(
            EffectiveOption(
                id=option.id,
                name=option.name,
                price_delta_cents=(
                    over.price_delta_cents
                    if over and over.price_delta_cents is not None
                    else option.price_delta_cents
                ),
                in_stock=_in_stock(option_stock.get(option.id), today),
            )
        )
    groups_by_item: dict[int, list[EffectiveGroup]] = {}
    for group in groups:
        groups_by_item.setdefault(group.item_id, []).append(
            EffectiveGroup(
                id=group.id,
                name=group.name,
                min_choices=group.min_choices,
                max_choices=group.max_choices,
                required=group.required,
                options=options_by_group.get(group.id, []),
            )
        )

    effective: dict[int, EffectiveItem] = {}
    for item in items:
        over = item_over.get(item.id)
        if (over and over.offered is False) or item.category_id not in category_names:
            continue
        stock = item_stock.get(item.id)
        portions = stock.portions_left if stock else None
        effective[item.id] = EffectiveItem(
            id=item.id,
            category_id=item.category_id,
            category=category_names[item.category_id],
            name=item.name,
            description=item.description,
            price_cents=over.price_cents
            if over and over.price_cents is not None
            else item.price_cents,
            photo_url=item.photo_url,
            dietary_tags=list(item.dietary_tags),
            allergens=list(item.allergens),
            in_stock=_in_stock(stock, today) and (portions is None or portions > 0),
            portions_left=portions,
            groups=groups_by_item.get(item.id, []),
        )
    return EffectiveMenu(
        truck_id=truck.id,
        categories=[(c.id, c.name) for c in categories],
        items=effective,
    )
