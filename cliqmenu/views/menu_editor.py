"""The Owner's menu editor (/admin/menu): rows of the master menu's categories, items and groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from cliqmenu.services import money
from cliqmenu.services.choices import choice_rule
from cliqmenu.services.menu_admin import MasterGroup, MasterItem


@dataclass
class CategoryRow:
    id: int
    name: str
    count: int
    archived: bool


@dataclass
class ItemRow:
    id: int
    name: str
    price: str
    photo_url: str
    tags: list[str]
    allergens: str
    groups: int
    archived: bool


@dataclass
class OptionRow:
    id: int
    group_id: int
    name: str
    delta_text: str  # what the input starts with: "1.50"
    delta: str  # "+$1.50"
    archived: bool


@dataclass
class GroupRow:
    id: int
    name: str
    min_choices: int
    max_choices: int
    required: bool
    rule: str
    warning: str
    archived: bool
    options: list[OptionRow] = field(default_factory=list)


def _delta_label(cents: int, show: money.MoneyStyle) -> str:
    return show.delta(cents) or "no change"


def group_row(group: MasterGroup, show: money.MoneyStyle) -> GroupRow:
    live = [o for o in group.options if not o.archived]
    rule = choice_rule(group)
    warning = ""
    if rule.least > len(live):
        warning = (
            f"Customers must choose {rule.least}: add "
            f"{rule.least - len(live)} more option(s) or this item cannot be ordered."
        )
    return GroupRow(
        id=group.id,
        name=group.name,
        min_choices=group.min_choices,
        max_choices=group.max_choices,
        required=group.required,
        rule=rule.text,
        warning=warning,
        archived=group.archived,
        options=[
            OptionRow(
                o.id,
                group.id,
                o.name,
                money.input_text(o.price_delta_cents),
                _delta_label(o.price_delta_cents, show),
                o.archived,
            )
            for o in group.options
        ],
    )


def item_row(item: MasterItem, show: money.MoneyStyle) -> ItemRow:
    return ItemRow(
        id=item.id,
        name=item.name,
        price=show(item.price_cents),
        photo_url=item.photo_url or "",
        tags=item.dietary_tags,
        allergens=", ".join(item.allergens),
        groups=len([g for g in item.groups if not g.archived]),
        archived=item.archived,
    )
