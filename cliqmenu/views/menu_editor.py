"""The Owner's menu editor (/admin/menu): rows of the master menu's categories, items and groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from cliqmenu.services import money
from cliqmenu.services.choices import choice_rule
from cliqmenu.services.menu_admin import MasterCategory, MasterGroup, MasterItem


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


@dataclass
class MenuEditorView:
    """What the editor shows: the categories, the chosen category's items, the open item."""

    categories: list[CategoryRow]
    category_id: int
    items: list[ItemRow]
    item_id: int = 0
    item_archived: bool = False
    item_form: dict[str, str] = field(default_factory=dict)
    photo_url: str = ""
    groups: list[GroupRow] = field(default_factory=list)


def category_row(category: MasterCategory) -> CategoryRow:
    live = len([i for i in category.items if not i.archived])
    return CategoryRow(category.id, category.name, live, category.archived)


def item_form(item: MasterItem) -> dict[str, str]:
    """The item's saved values as its form starts with them."""
    return {
        "name": item.name,
        "price": money.input_text(item.price_cents),
        "description": item.description,
        "category_id": str(item.category_id),
        "dietary_tags": ", ".join(item.dietary_tags),
        "allergens": ", ".join(item.allergens),
    }


def menu_editor_view(
    master: list[MasterCategory],
    show: money.MoneyStyle,
    *,
    category_id: int,
    item_id: int,
    show_archived: bool,
) -> MenuEditorView:
    """The editor over ``master``, keeping the chosen category and item while they still exist
    (and are shown); otherwise the first shown one."""
    shown = [c for c in master if show_archived or not c.archived]
    if category_id not in {c.id for c in shown}:
        category_id = shown[0].id if shown else 0
    category = next((c for c in shown if c.id == category_id), None)
    items = [i for i in (category.items if category else []) if show_archived or not i.archived]
    item = next((i for c in master for i in c.items if i.id == item_id), None)
    if item is None or (item.archived and not show_archived):
        item = items[0] if items else None
    view = MenuEditorView(
        categories=[category_row(c) for c in shown],
        category_id=category_id,
        items=[item_row(i, show) for i in items],
    )
    if item is not None:
        view.item_id, view.item_archived = item.id, item.archived
        view.item_form, view.photo_url = item_form(item), item.photo_url or ""
        view.groups = [group_row(g, show) for g in item.groups if show_archived or not g.archived]
    return view
