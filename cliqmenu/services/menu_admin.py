"""The master menu, edited by the Owner: categories, items, customization groups and options.

Nothing is ever deleted: archiving hides a row from every truck's menu while past order lines
(which snapshot names and prices) keep pointing at it. Every change is audited.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from cliqmenu.models import (
    CustomizationGroup,
    CustomizationOption,
    MenuCategory,
    MenuItem,
    Role,
    StaffMember,
    Truck,
)
from cliqmenu.services import audit, records
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.money import business_style
from cliqmenu.services.staff import require_role

MAX_PRICE_CENTS = 1_000_000  # $10,000: anything above is a typo
MAX_DELTA_CENTS = 100_000
MAX_NAME = 80
MAX_ITEM_NAME = 120
MAX_DESCRIPTION = 500
MAX_TAGS = 12
MAX_TAG = 30
MAX_CHOICES = 20
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_DIR = "menu"  # under Reflex's upload dir, served at /_upload/menu/<file>
PHOTO_URL_PREFIX = "/_upload/menu/"

Parent = MenuCategory | MenuItem | CustomizationGroup | CustomizationOption


def _owner(actor: StaffMember | None) -> StaffMember:
    return require_role(actor, Role.OWNER)


def _name(value: str, *, what: str, limit: int = MAX_NAME) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise DomainError(f"Give the {what} a name.")
    if len(name) > limit:
        raise DomainError(f"The {what} name is too long (at most {limit} characters).")
    return name


def _price(cents: int) -> int:
    cents = int(cents)
    if cents < 0:
        raise DomainError("Price cannot be negative.")
    if cents > MAX_PRICE_CENTS:
        raise DomainError("Price is too high (at most $10,000.00).")
    return cents


def _delta(cents: int) -> int:
    cents = int(cents)
    if abs(cents) > MAX_DELTA_CENTS:
        raise DomainError("Price change is too large (at most $1,000.00 either way).")
    return cents


def clean_tags(values: list[str] | str, *, what: str) -> list[str]:
    """Lower-case, trimmed, de-duplicated tags; a comma-separated string is accepted too."""
    raw = values.split(",") if isinstance(values, str) else list(values)
    tags: list[str] = []
    for value in raw:
        tag = " ".join(str(value).split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG:
            raise DomainError(
                f"The {what} '{tag[:20]}…' is too long (at most {MAX_TAG} characters)."
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(f"At most {MAX_TAGS} {what}s per item.")
    return tags


def _audit(session: Session, actor: StaffMember, action: str, **after: object) -> None:
    audit.record(session, business_id=actor.business_id, actor=actor, action=action, after=after)


def _category(session: Session, actor: StaffMember, category_id: int) -> MenuCategory:
    category = session.get(MenuCategory, int(category_id))
    if category is None or category.business_id != actor.business_id:
        raise NotFound("No such category.")
    return category


def _item(session: Session, actor: StaffMember, item_id: int) -> MenuItem:
    item = session.get(MenuItem, int(item_id))
    if item is None or item.business_id != actor.business_id:
        raise NotFound("No such item.")
    return item


def _group(session: Session, actor: StaffMember, group_id: int) -> CustomizationGroup:
    group = session.get(CustomizationGroup, int(group_id))
    if group is None:
        raise NotFound("No such customization group.")
    _item(session, actor, group.item_id)
    return group


def _option(session: Session, actor: StaffMember, option_id: int) -> CustomizationOption:
    option = session.get(CustomizationOption, int(option_id))
    if option is None:
        raise NotFound("No such option.")
    _group(session, actor, option.group_id)
    return option


def _active_options(session: Session, group_id: int) -> list[CustomizationOption]:
    return list(
        session.exec(
            select(CustomizationOption)
            .where(
                CustomizationOption.group_id == group_id,
                col(CustomizationOption.archived).is_(False),
            )
            .order_by(col(CustomizationOption.position), col(CustomizationOption.id))
        )
    )


def _lowest_delta(session: Session, item_id: int) -> int:
    groups = session.exec(
        select(CustomizationGroup.id).where(
            CustomizationGroup.item_id == item_id, col(CustomizationGroup.archived).is_(False)
        )
    ).all()
    deltas = [o.price_delta_cents for g in groups for o in _active_options(session, g)]
    return min(deltas, default=0)


def _siblings(session: Session, row: Parent) -> list:
    """Active rows sharing ``row``'s parent, in display order."""
    if isinstance(row, MenuCategory):
        query = select(MenuCategory).where(MenuCategory.business_id == row.business_id)
        model = MenuCategory
    elif isinstance(row, MenuItem):
        query = select(MenuItem).where(MenuItem.category_id == row.category_id)
        model = MenuItem
    elif isinstance(row, CustomizationGroup):
        query = select(CustomizationGroup).where(CustomizationGroup.item_id == row.item_id)
        model = CustomizationGroup
    else:
        query = select(CustomizationOption).where(CustomizationOption.group_id == row.group_id)
        model = CustomizationOption
    query = query.where(col(model.archived).is_(False)).order_by(col(model.position), col(model.id))
    return list(session.exec(query))


def _next_position(session: Session, row: Parent) -> int:
    return max((s.position for s in _siblings(session, row) if s.id != row.id), default=-1) + 1


def _move(session: Session, actor: StaffMember, row: Parent, direction: int) -> None:
    """Swap ``row`` with its neighbour (direction -1 up, +1 down) and renumber the siblings."""
    if direction not in (-1, 1):
        raise DomainError("Move up or down one place at a time.")
    siblings = _siblings(session, row)
    index = next((i for i, s in enumerate(siblings) if s.id == row.id), None)
    if index is None:
        raise DomainError("Restore it before moving it.")
    target = index + direction
    moved = 0 <= target < len(siblings)
    if moved:
        siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
        session.add(sibling)
    session.flush()
    if not moved:
        return
    kind = type(row).__name__.removeprefix("Menu").removeprefix("Customization").lower()
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action=f"menu.{kind}.moved",
        before={"id": row.id, "name": row.name, "place": index + 1},
        after={"id": row.id, "name": row.name, "place": target + 1},
    )


def create_category(session: Session, *, actor: StaffMember, name: str) -> MenuCategory:
    actor = _owner(actor)
    category = MenuCategory(business_id=actor.business_id, name=_name(name, what="category"))
    category.position = _next_position(session, category)
    session.add(category)
    session.flush()
    _audit(session, actor, "menu.category.created", id=category.id, name=category.name)
    return category


def rename_category(
    session: Session, *, actor: StaffMember, category_id: int, name: str
) -> MenuCategory:
    actor = _owner(actor)
    category = _category(session, actor, category_id)
    before = category.name
    category.name = _name(name, what="category")
    session.add(category)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="menu.category.renamed",
        before={"name": before},
        after={"id": category.id, "name": category.name},
    )
    return category


def move_category(
    session: Session, *, actor: StaffMember, category_id: int, direction: int
) -> MenuCategory:
    actor = _owner(actor)
    category = _category(session, actor, category_id)
    _move(session, actor, category, int(direction))
    return category


def set_category_archived(
    session: Session, *, actor: StaffMember, category_id: int, archived: bool
) -> MenuCategory:
    """Archive (hide with all its items) or restore a category."""
    actor = _owner(actor)
    category = _category(session, actor, category_id)
    if category.archived == bool(archived):
        return category
    category.archived = bool(archived)
    if not category.archived:
        category.position = _next_position(session, category)
    session.add(category)
    action = "archived" if category.archived else "restored"
    _audit(session, actor, f"menu.category.{action}", id=category.id, name=category.name)
    return category


@dataclass
class ItemFields:
    """What the Owner types for an item; prices in cents, tags as lists."""

    category_id: int
    name: str
    price_cents: int
    description: str = ""
    dietary_tags: list[str] = field(default_factory=list)
    allergens: list[str] = field(default_factory=list)


def _checked_item_fields(session: Session, actor: StaffMember, fields: ItemFields) -> dict:
    category = _category(session, actor, fields.category_id)
    if category.archived:
        raise DomainError(f"{category.name} is archived: restore it or pick another category.")
    description = str(fields.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(f"The description is too long (at most {MAX_DESCRIPTION} characters).")
    return {
        "category_id": category.id,
        "name": _name(fields.name, what="item", limit=MAX_ITEM_NAME),
        "description": description,
        "price_cents": _price(fields.price_cents),
        "dietary_tags": clean_tags(fields.dietary_tags, what="dietary tag"),
        "allergens": clean_tags(fields.allergens, what="allergen"),
    }


def create_item(session: Session, *, actor: StaffMember, fields: ItemFields) -> MenuItem:
    actor = _owner(actor)
    values = _checked_item_fields(session, actor, fields)
    item = MenuItem(business_id=actor.business_id, **values)
    item.position = _next_position(session, item)
    session.add(item)
    session.flush()
    _audit(session, actor, "menu.item.created", id=item.id, name=item.name, price=item.price_cents)
    return item


def update_item(
    session: Session, *, actor: StaffMember, item_id: int, fields: ItemFields
) -> MenuItem:
    actor = _owner(actor)
    item = _item(session, actor, item_id)
    values = _checked_item_fields(session, actor, fields)
    lowest = _lowest_delta(session, item.id)
    if values["price_cents"] + lowest < 0:
        show = business_style(session, item.business_id)
        raise DomainError(
            f"An option takes {show(-lowest)} off this item, so its price must be at "
            f"least {show(-lowest)}."
        )
    before = {k: getattr(item, k) for k in values}
    moved = values["category_id"] != item.category_id
    for key, value in values.items():
        setattr(item, key, value)
    if moved:
        item.position = _next_position(session, item)
    session.add(item)
    changed = {k: v for k, v in values.items() if before[k] != v}
    if changed:
        audit.record(
            session,
            business_id=actor.business_id,
            actor=actor,
            action="menu.item.updated",
            before={k: before[k] for k in changed},
            after={"id": item.id, **changed},
        )
    return item


def move_item(session: Session, *, actor: StaffMember, item_id: int, direction: int) -> MenuItem:
    actor = _owner(actor)
    item = _item(session, actor, item_id)
    _move(session, actor, item, int(direction))
    return item


def set_item_archived(
    session: Session, *, actor: StaffMember, item_id: int, archived: bool
) -> MenuItem:
    """Archive (off every truck's menu; past orders keep their lines) or restore an item."""
    actor = _owner(actor)
    item = _item(session, actor, item_id)
    if item.archived == bool(archived):
        return item
    item.archived = bool(archived)
    if not item.archived:
        item.position = _next_position(session, item)
    session.add(item)
    action = "archived" if item.archived else "restored"
    _audit(session, actor, f"menu.item.{action}", id=item.id, name=item.name)
    return item


def _sniff_image(data: bytes) -> str | None:
    """The file extension for JPEG, PNG, WebP or GIF bytes; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def store_photo(*, data: bytes, upload_dir: Path) -> str:
    """Write an item photo under ``upload_dir``/menu with a random name; returns its URL path.

    The file type is read from the bytes (never from the client's name or content type).
    """
    if not data:
        raise DomainError("That file is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise DomainError("That photo is too large (at most 5 MB).")
    extension = _sniff_image(data)
    if extension is None:
        raise DomainError("Use a JPEG, PNG, WebP or GIF photo.")
    folder = Path(upload_dir) / PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(12)}.{extension}"
    (folder / name).write_bytes(data)
    return PHOTO_URL_PREFIX + name


def set_item_photo(
    session: Session, *, actor: StaffMember, item_id: int, photo_url: str | None
) -> MenuItem:
    """Point an item at a stored photo (from ``store_photo``), or remove it (None)."""
    actor = _owner(actor)
    item = _item(session, actor, item_id)
    if photo_url is not None and not re.fullmatch(
        re.escape(PHOTO_URL_PREFIX) + r"[A-Za-z0-9_-]+\.(jpg|png|webp|gif)", photo_url
    ):
        raise DomainError("That photo was not uploaded here.")
    before = item.photo_url
    item.photo_url = photo_url
    session.add(item)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="menu.item.photo",
        before={"photo_url": before},
        after={"id": item.id, "photo_url": photo_url},
    )
    return item


def _checked_rule(
    session: Session, *, group_id: int | None, min_choices: int, max_choices: int, required: bool
) -> tuple[int, int, bool]:
    """min/max/required that a customer can satisfy; required means at least one choice."""
    least, most = int(min_choices), int(max_choices)
    if least < 0:
        raise DomainError("Min choices cannot be negative.")
    if most < 1:
        raise DomainError("Max choices must be at least 1.")
    if most > MAX_CHOICES:
        raise DomainError(f"Max choices can be at most {MAX_CHOICES}.")
    if least > most:
        raise DomainError(f"Min choices ({least}) cannot be more than max choices ({most}).")
    if required and least == 0:
        least = 1  # required means at least one choice
    if least > 0 and not required:
        raise DomainError(
            f"With Min {least} customers must choose, so the group is required: tick Required, "
            "or set Min to 0 to make it optional."
        )
    if group_id is not None:
        options = len(_active_options(session, group_id))
        if options and least > options:
            raise DomainError(
                f"Customers must choose {least} but the group has only {options} option"
                f"{'s' if options != 1 else ''}: add options or lower Min."
            )
    return least, most, bool(required)


def create_group(
    session: Session,
    *,
    actor: StaffMember,
    item_id: int,
    name: str,
    min_choices: int = 0,
    max_choices: int = 1,
    required: bool = False,
) -> CustomizationGroup:
    actor = _owner(actor)
    item = _item(session, actor, item_id)
    least, most, required = _checked_rule(
        session, group_id=None, min_choices=min_choices, max_choices=max_choices, required=required
    )
    group = CustomizationGroup(
        item_id=item.id,
        name=_name(name, what="group"),
        min_choices=least,
        max_choices=most,
        required=required,
    )
    group.position = _next_position(session, group)
    session.add(group)
    session.flush()
    _audit(session, actor, "menu.group.created", id=group.id, item_id=item.id, name=group.name)
    return group


def update_group(
    session: Session,
    *,
    actor: StaffMember,
    group_id: int,
    name: str,
    min_choices: int,
    max_choices: int,
    required: bool,
) -> CustomizationGroup:
    actor = _owner(actor)
    group = _group(session, actor, group_id)
    least, most, required = _checked_rule(
        session,
        group_id=group.id,
        min_choices=min_choices,
        max_choices=max_choices,
        required=required,
    )
    before = {"name": group.name, "min": group.min_choices, "max": group.max_choices}
    group.name = _name(name, what="group")
    group.min_choices, group.max_choices, group.required = least, most, required
    session.add(group)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="menu.group.updated",
        before=before,
        after={"id": group.id, "name": group.name, "min": least, "max": most},
    )
    return group


def move_group(
    session: Session, *, actor: StaffMember, group_id: int, direction: int
) -> CustomizationGroup:
    actor = _owner(actor)
    group = _group(session, actor, group_id)
    _move(session, actor, group, int(direction))
    return group


def set_group_archived(
    session: Session, *, actor: StaffMember, group_id: int, archived: bool
) -> CustomizationGroup:
    actor = _owner(actor)
    group = _group(session, actor, group_id)
    if group.archived == bool(archived):
        return group
    group.archived = bool(archived)
    if not group.archived:
        group.position = _next_position(session, group)
    session.add(group)
    action = "archived" if group.archived else "restored"
    _audit(session, actor, f"menu.group.{action}", id=group.id, name=group.name)
    return group


def _checked_delta(session: Session, group: CustomizationGroup, delta_cents: int) -> int:
    delta = _delta(delta_cents)
    item = records.require(session, MenuItem, group.item_id)
    if item.price_cents + delta < 0:
        show = business_style(session, item.business_id)
        raise DomainError(
            f"{item.name} costs {show(item.price_cents)}, so an option can take at "
            f"most {show(item.price_cents)} off."
        )
    return delta


def create_option(
    session: Session, *, actor: StaffMember, group_id: int, name: str, price_delta_cents: int = 0
) -> CustomizationOption:
    actor = _owner(actor)
    group = _group(session, actor, group_id)
    option = CustomizationOption(
        group_id=group.id,
        name=_name(name, what="option"),
        price_delta_cents=_checked_delta(session, group, price_delta_cents),
    )
    option.position = _next_position(session, option)
    session.add(option)
    session.flush()
    _audit(
        session,
        actor,
        "menu.option.created",
        id=option.id,
        group_id=group.id,
        name=option.name,
        delta=option.price_delta_cents,
    )
    return option


def update_option(
    session: Session, *, actor: StaffMember, option_id: int, name: str, price_delta_cents: int
) -> CustomizationOption:
    actor = _owner(actor)
    option = _option(session, actor, option_id)
    group = records.require(session, CustomizationGroup, option.group_id)
    before = {"name": option.name, "delta": option.price_delta_cents}
    option.name = _name(name, what="option")
    option.price_delta_cents = _checked_delta(session, group, price_delta_cents)
    session.add(option)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="menu.option.updated",
        before=before,
        after={"id": option.id, "name": option.name, "delta": option.price_delta_cents},
    )
    return option


def move_option(
    session: Session, *, actor: StaffMember, option_id: int, direction: int
) -> CustomizationOption:
    actor = _owner(actor)
    option = _option(session, actor, option_id)
    _move(session, actor, option, int(direction))
    return option


def set_option_archived(
    session: Session, *, actor: StaffMember, option_id: int, archived: bool
) -> CustomizationOption:
    actor = _owner(actor)
    option = _option(session, actor, option_id)
    if option.archived == bool(archived):
        return option
    group = records.require(session, CustomizationGroup, option.group_id)
    if archived and not group.archived:
        left = len(_active_options(session, group.id)) - 1
        if left < group.min_choices:
            raise DomainError(
                f"Customers must choose {group.min_choices} in {group.name}: keep at least "
                f"{group.min_choices} option{'s' if group.min_choices != 1 else ''}, or lower Min "
                "first."
            )
    option.archived = bool(archived)
    if not option.archived:
        option.position = _next_position(session, option)
    session.add(option)
    action = "archived" if option.archived else "restored"
    _audit(session, actor, f"menu.option.{action}", id=option.id, name=option.name)
    return option


def business_truck_ids(session: Session, *, business_id: int) -> list[int]:
    """Every truck of a business: a master-menu change reaches all their menus."""
    return list(session.exec(select(Truck.id).where(Truck.business_id == business_id)))


@dataclass
class MasterOption:
    id: int
    name: str
    price_delta_cents: int
    archived: bool


@dataclass
class MasterGroup:
    id: int
    name: str
    min_choices: int
    max_choices: int
    required: bool
    archived: bool
    options: list[MasterOption] = field(default_factory=list)


@dataclass
class MasterItem:
    id: int
    category_id: int
    name: str
    description: str
    price_cents: int
    photo_url: str | None
    dietary_tags: list[str]
    allergens: list[str]
    archived: bool
    groups: list[MasterGroup] = field(default_factory=list)


@dataclass
class MasterCategory:
    id: int
    name: str
    archived: bool
    items: list[MasterItem] = field(default_factory=list)


def master_menu(session: Session, *, business_id: int) -> list[MasterCategory]:
    """The whole master menu in display order, archived rows included (flagged)."""
    categories = session.exec(
        select(MenuCategory)
        .where(MenuCategory.business_id == business_id)
        .order_by(col(MenuCategory.archived), col(MenuCategory.position), col(MenuCategory.id))
    ).all()
    items = session.exec(
        select(MenuItem)
        .where(MenuItem.business_id == business_id)
        .order_by(col(MenuItem.archived), col(MenuItem.position), col(MenuItem.id))
    ).all()
    groups = session.exec(
        select(CustomizationGroup)
        .where(col(CustomizationGroup.item_id).in_([i.id for i in items]))
        .order_by(
            col(CustomizationGroup.archived),
            col(CustomizationGroup.position),
            col(CustomizationGroup.id),
        )
    ).all()
    options = session.exec(
        select(CustomizationOption)
        .where(col(CustomizationOption.group_id).in_([g.id for g in groups]))
        .order_by(
            col(CustomizationOption.archived),
            col(CustomizationOption.position),
            col(CustomizationOption.id),
        )
    ).all()
    options_by_group: dict[int, list[MasterOption]] = {}
    for o in options:
        options_by_group.setdefault(o.group_id, []).append(
            MasterOption(o.id, o.name, o.price_delta_cents, o.archived)
        )
    groups_by_item: dict[int, list[MasterGroup]] = {}
    for g in groups:
        groups_by_item.setdefault(g.item_id, []).append(
            MasterGroup(
                g.id,
                g.name,
                g.min_choices,
                g.max_choices,
                g.required,
                g.archived,
                options_by_group.get(g.id, []),
            )
        )
    result = {c.id: MasterCategory(c.id, c.name, c.archived) for c in categories}
    for i in items:
        result[i.category_id].items.append(
            MasterItem(
                id=i.id,
                category_id=i.category_id,
                name=i.name,
                description=i.description,
                price_cents=i.price_cents,
                photo_url=i.photo_url,
                dietary_tags=list(i.dietary_tags),
                allergens=list(i.allergens),
                archived=i.archived,
                groups=groups_by_item.get(i.id, []),
            )
        )
    return list(result.values())
