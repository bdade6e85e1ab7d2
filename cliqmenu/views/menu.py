"""The effective menu of a truck as screens render it (walk-in counter, customer ordering)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cliqmenu.models import utcnow
from cliqmenu.services import money, records
from cliqmenu.services.choices import choice_rule
from cliqmenu.services.menu import EffectiveMenu, effective_menu


@dataclass
class OptionView:
    id: int
    name: str
    delta: str
    in_stock: bool
    delta_cents: int = 0


@dataclass
class GroupView:
    id: int
    name: str
    min_choices: int
    max_choices: int
    required: bool
    rule: str
    single: bool
    options: list[OptionView] = field(default_factory=list)


@dataclass
class ItemView:
    id: int
    name: str
    description: str
    price: str
    price_cents: int
    photo_url: str
    dietary_tags: list[str]
    allergens: list[str]
    in_stock: bool
    groups: list[GroupView] = field(default_factory=list)
    left_note: str = ""  # "Only 3 left" once counted portions are low


@dataclass
class CategoryView:
    id: int
    name: str
    items: list[ItemView] = field(default_factory=list)


def left_note(portions_left: int | None, low_portions_at: int) -> str:
    """ "Only 3 left" for an orderable item with few counted portions; else nothing."""
    if portions_left is None or not 0 < portions_left <= low_portions_at:
        return ""
    return f"Only {portions_left} left"


def menu_view(
    menu: EffectiveMenu, show: money.MoneyStyle, low_portions_at: int = 0
) -> list[CategoryView]:
    categories = {cid: CategoryView(id=cid, name=name) for cid, name in menu.categories}
    for item in menu.items.values():
        categories[item.category_id].items.append(
            ItemView(
                id=item.id,
                name=item.name,
                description=item.description,
                price=show(item.price_cents),
                price_cents=item.price_cents,
                photo_url=item.photo_url or "",
                dietary_tags=item.dietary_tags,
                allergens=item.allergens,
                in_stock=item.in_stock,
                left_note=left_note(item.portions_left, low_portions_at) if item.in_stock else "",
                groups=[
                    GroupView(
                        id=group.id,
                        name=group.name,
                        min_choices=group.min_choices,
                        max_choices=group.max_choices,
                        required=choice_rule(group).required,
                        rule=choice_rule(group).text,
                        single=group.max_choices == 1,
                        options=[
                            OptionView(
                                id=o.id,
                                name=o.name,
                                delta=show.delta(o.price_delta_cents),
                                in_stock=o.in_stock,
                                delta_cents=o.price_delta_cents,
                            )
                            for o in group.options
                        ],
                    )
                    for group in item.groups
                ],
            )
        )
    return [c for c in categories.values() if c.items]


@dataclass
class TruckMenu:
    """The public menu of a truck: categories with items, and whether it takes orders now."""

    truck_id: int
    categories: list[CategoryView]
    paused: bool
    closed: bool = False  # archived: no orders at all


def truck_menu(session, truck_id: int) -> TruckMenu:
    truck = records.truck(session, truck_id)
    business = records.business(session, truck.business_id)
    return TruckMenu(
        truck_id=truck.id,
        categories=menu_view(
            effective_menu(session, truck), money.formatter(business), truck.low_portions_at
        ),
        paused=bool(truck.busy_until and truck.busy_until > utcnow()),
        closed=truck.archived,
    )


@dataclass
class CartLine:
    item_id: int
    name: str
    option_ids: list[int]
    options: str
    quantity: int
    note: str
    total: str
    total_cents: int
    problem: str = ""  # "Out of stock" once the item or an option chosen is out


def cart_line(
    categories: list[CategoryView],
    show: money.MoneyStyle,
    *,
    item_id: int,
    option_ids: list[int],
    quantity: int,
    note: str,
) -> CartLine | None:
    """A cart line priced and checked against ``categories`` (the menu as screens show it); None
    when the item (or an option chosen) is no longer on it at all. An item or option out of
    stock gives a line with its ``problem`` said: adding it to the cart refuses it, a cart
    checked again after a menu change keeps it, flagged."""
    item = next((i for c in categories for i in c.items if i.id == item_id), None)
    if item is None:
        return None
    options = {o.id: o for g in item.groups for o in g.options}
    if any(option_id not in options for option_id in option_ids):
        return None
    chosen = [options[option_id] for option_id in option_ids]
    unit = item.price_cents + sum(o.delta_cents for o in chosen)
    out = [o.name for o in chosen if not o.in_stock]
    problem = "" if item.in_stock and not out else "Out of stock"
    if item.in_stock and out:
        problem = ", ".join(out) + " out of stock"
    return CartLine(
        item_id=item.id,
        name=item.name,
        option_ids=list(option_ids),
        options=", ".join(o.name for o in chosen),
        quantity=quantity,
        note=note,
        total=show(unit * quantity),
        total_cents=unit * quantity,
        problem=problem,
    )
