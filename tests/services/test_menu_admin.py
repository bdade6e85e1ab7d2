"""The master menu editor: categories, items, groups, options, reorder, archive, photos."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cliqmenu.models import AuditEvent, MenuItem, OrderLine
from cliqmenu.services import menu_admin, money
from cliqmenu.services.errors import DomainError, Forbidden, NotFound
from cliqmenu.services.menu import effective_menu
from cliqmenu.services.menu_admin import ItemFields
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def fields(world, **changes) -> ItemFields:
    values = {"category_id": world.menu.category.id, "name": "Taco", "price_cents": 650}
    values.update(changes)
    return ItemFields(**values)


def test_menu_prices_are_read_by_the_one_money_parser():
    style = money.MoneyStyle()
    assert style.parse("12.5", what="Price") == 1250
    assert style.parse("$1,012.05", what="Price") == 101205
    assert style.parse("-1.50", what="Price change", allow_negative=True) == -150
    with pytest.raises(DomainError, match="Price cannot be negative"):
        style.parse("-1", what="Price")
    with pytest.raises(DomainError, match="at most 2 decimals, like 12.50"):
        style.parse("12.505", what="Price")
    with pytest.raises(DomainError, match="Enter a price"):
        style.parse(" ", what="Price")


def test_new_category_and_item_appear_on_every_truck(session, world):
    other = factories.make_truck(session, business=world.business, name="Beach")
    drinks = menu_admin.create_category(session, actor=world.owner, name="  Drinks ")
    cola = menu_admin.create_item(
        session,
        actor=world.owner,
        fields=fields(
            world,
            category_id=drinks.id,
            name="Cola",
            price_cents=400,
            dietary_tags="Vegan, vegan, gluten-free",
            allergens=[" Caffeine "],
        ),
    )
    session.commit()
    assert drinks.name == "Drinks" and drinks.position == 1
    for truck in (world.truck, other):
        menu = effective_menu(session, truck)
        assert (drinks.id, "Drinks") in menu.categories
        assert menu.items[cola.id].price_cents == 400
        assert menu.items[cola.id].dietary_tags == ["vegan", "gluten-free"]
        assert menu.items[cola.id].allergens == ["caffeine"]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "menu.item.created")).one()


def test_only_the_owner_edits_the_master_menu(session, world):
    with pytest.raises(Forbidden):
        menu_admin.create_category(session, actor=world.manager, name="Sides")
    with pytest.raises(Forbidden):
        menu_admin.update_item(
            session, actor=world.kitchen, item_id=world.menu.fries.id, fields=fields(world)
        )
    with pytest.raises(Forbidden, match="Sign in"):
        menu_admin.create_category(session, actor=None, name="Sides")


def test_another_business_cannot_touch_this_menu(session, world):
    stranger = factories.make_world(session, business_name="Other Co").owner
    with pytest.raises(NotFound):
        menu_admin.update_item(
            session, actor=stranger, item_id=world.menu.fries.id, fields=fields(world)
        )
    with pytest.raises(NotFound):
        menu_admin.create_option(session, actor=stranger, group_id=world.menu.patty.id, name="X")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Give the item a name"),
        ({"name": "x" * 121}, "too long"),
        ({"price_cents": -1}, "cannot be negative"),
        ({"price_cents": 1_000_001}, "too high"),
        ({"description": "x" * 501}, "description is too long"),
        ({"dietary_tags": [f"t{i}" for i in range(13)]}, "At most 12 dietary tags"),
        ({"allergens": ["x" * 31]}, "too long"),
    ],
)
def test_item_validation_messages(session, world, changes, message):
    with pytest.raises(DomainError, match=message):
        menu_admin.create_item(session, actor=world.owner, fields=fields(world, **changes))


def test_update_item_changes_every_truck_and_moves_category(session, world):
    sides = menu_admin.create_category(session, actor=world.owner, name="Sides")
    menu_admin.update_item(
        session,
        actor=world.owner,
        item_id=world.menu.fries.id,
        fields=fields(world, category_id=sides.id, name="Chips", price_cents=550),
    )
    session.commit()
    item = effective_menu(session, world.truck).items[world.menu.fries.id]
    assert (item.name, item.price_cents, item.category) == ("Chips", 550, "Sides")


def test_item_in_archived_category_cannot_be_created(session, world):
    menu_admin.set_category_archived(
        session, actor=world.owner, category_id=world.menu.category.id, archived=True
    )
    with pytest.raises(DomainError, match="archived"):
        menu_admin.create_item(session, actor=world.owner, fields=fields(world))


def test_reorder_moves_one_place_and_renumbers(session, world):
    menu = world.menu
    taco = menu_admin.create_item(session, actor=world.owner, fields=fields(world))
    menu_admin.move_item(session, actor=world.owner, item_id=taco.id, direction=-1)
    session.commit()
    assert list(effective_menu(session, world.truck).items) == [
        menu.burger.id,
        taco.id,
        menu.fries.id,
    ]
    menu_admin.move_item(session, actor=world.owner, item_id=menu.burger.id, direction=-1)
    menu_admin.move_option(session, actor=world.owner, option_id=menu.tofu.id, direction=-1)
    menu_admin.move_group(session, actor=world.owner, group_id=menu.extras.id, direction=-1)
    session.commit()
    burger = effective_menu(session, world.truck).items[menu.burger.id]
    assert [g.name for g in burger.groups] == ["Extras", "Patty"]
    assert [o.name for o in burger.groups[1].options] == ["Beef", "Tofu", "Chicken"]
    with pytest.raises(DomainError, match="one place"):
        menu_admin.move_item(session, actor=world.owner, item_id=taco.id, direction=5)


def test_archive_hides_everywhere_and_keeps_past_order_lines(session, world):
    order = factories.place(session, world=world)
    session.commit()
    menu_admin.set_item_archived(
        session, actor=world.owner, item_id=world.menu.burger.id, archived=True
    )
    session.commit()
    assert world.menu.burger.id not in effective_menu(session, world.truck).items
    assert session.get(MenuItem, world.menu.burger.id) is not None
    line = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
    assert (line.item_id, line.name, line.unit_price_cents) == (
        world.menu.burger.id,
        "Burger",
        1200,
    )
    assert line.options[0]["name"] == "Beef"
    with pytest.raises(DomainError, match="not on this truck's menu"):
        factories.place(session, world=world)

    menu_admin.set_item_archived(
        session, actor=world.owner, item_id=world.menu.burger.id, archived=False
    )
    session.commit()
    assert world.menu.burger.id in effective_menu(session, world.truck).items


def test_archived_option_and_category_leave_the_menu(session, world):
    menu = world.menu
    menu_admin.set_option_archived(
        session, actor=world.owner, option_id=menu.bacon.id, archived=True
    )
    session.commit()
    burger = effective_menu(session, world.truck).items[menu.burger.id]
    assert [o.name for o in burger.groups[1].options] == ["Cheese", "Egg"]
    menu_admin.set_category_archived(
        session, actor=world.owner, category_id=menu.category.id, archived=True
    )
    session.commit()
    assert effective_menu(session, world.truck).items == {}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"min_choices": -1, "max_choices": 1}, "cannot be negative"),
        ({"min_choices": 0, "max_choices": 0}, "at least 1"),
        ({"min_choices": 3, "max_choices": 2}, r"Min choices \(3\) cannot be more than max"),
        ({"min_choices": 0, "max_choices": 21}, "at most 20"),
    ],
)
def test_group_rule_validation(session, world, rule, message):
    with pytest.raises(DomainError, match=message):
        menu_admin.create_group(
            session, actor=world.owner, item_id=world.menu.fries.id, name="Salt", **rule
        )


def test_required_means_at_least_one_and_min_needs_required(session, world):
    salt = menu_admin.create_group(
        session, actor=world.owner, item_id=world.menu.fries.id, name="Salt", required=True
    )
    assert (salt.min_choices, salt.required) == (1, True)
    with pytest.raises(DomainError, match="tick Required, or set Min to 0"):
        menu_admin.create_group(
            session,
            actor=world.owner,
            item_id=world.menu.fries.id,
            name="Sauce",
            min_choices=1,
            max_choices=2,
        )


def test_group_min_cannot_exceed_its_options(session, world):
    with pytest.raises(DomainError, match="only 3 options"):
        menu_admin.update_group(
            session,
            actor=world.owner,
            group_id=world.menu.patty.id,
            name="Patty",
            min_choices=4,
            max_choices=4,
            required=True,
        )


def test_option_archive_keeps_enough_for_min(session, world):
    menu = world.menu
    menu_admin.update_group(
        session,
        actor=world.owner,
        group_id=menu.patty.id,
        name="Patty",
        min_choices=2,
        max_choices=3,
        required=True,
    )
    menu_admin.set_option_archived(
        session, actor=world.owner, option_id=menu.tofu.id, archived=True
    )
    with pytest.raises(DomainError, match="keep at least 2 options"):
        menu_admin.set_option_archived(
            session, actor=world.owner, option_id=menu.chicken.id, archived=True
        )


def test_options_with_price_deltas(session, world):
    sauce = menu_admin.create_group(
        session, actor=world.owner, item_id=world.menu.fries.id, name="Sauce", max_choices=2
    )
    aioli = menu_admin.create_option(
        session, actor=world.owner, group_id=sauce.id, name="Aioli", price_delta_cents=80
    )
    small = menu_admin.create_option(
        session, actor=world.owner, group_id=sauce.id, name="Small", price_delta_cents=-100
    )
    menu_admin.update_option(
        session, actor=world.owner, option_id=aioli.id, name="Garlic aioli", price_delta_cents=90
    )
    session.commit()
    group = effective_menu(session, world.truck).items[world.menu.fries.id].groups[0]
    assert [(o.name, o.price_delta_cents) for o in group.options] == [
        ("Garlic aioli", 90),
        ("Small", -100),
    ]
    with pytest.raises(DomainError, match="take at most \\$5.00 off"):
        menu_admin.update_option(
            session, actor=world.owner, option_id=small.id, name="Small", price_delta_cents=-600
        )
    with pytest.raises(DomainError, match="at least \\$1.00"):
        menu_admin.update_item(
            session,
            actor=world.owner,
            item_id=world.menu.fries.id,
            fields=fields(world, name="Fries", price_cents=50),
        )
    with pytest.raises(DomainError, match="too large"):
        menu_admin.create_option(
            session, actor=world.owner, group_id=sauce.id, name="Gold", price_delta_cents=100_001
        )


def test_photo_is_stored_under_a_random_name_and_checked(session, world, tmp_path):
    url = menu_admin.store_photo(data=PNG, upload_dir=tmp_path)
    assert url.startswith("/_upload/menu/") and url.endswith(".png")
    assert (tmp_path / "menu" / url.rsplit("/", 1)[1]).read_bytes() == PNG
    menu_admin.set_item_photo(
        session, actor=world.owner, item_id=world.menu.fries.id, photo_url=url
    )
    session.commit()
    assert effective_menu(session, world.truck).items[world.menu.fries.id].photo_url == url

    with pytest.raises(DomainError, match="JPEG, PNG"):
        menu_admin.store_photo(data=b"<svg onload=alert(1)>", upload_dir=tmp_path)
    with pytest.raises(DomainError, match="too large"):
        menu_admin.store_photo(data=PNG + b"0" * menu_admin.MAX_PHOTO_BYTES, upload_dir=tmp_path)
    with pytest.raises(DomainError, match="not uploaded here"):
        menu_admin.set_item_photo(
            session, actor=world.owner, item_id=world.menu.fries.id, photo_url="javascript:x"
        )
    menu_admin.set_item_photo(
        session, actor=world.owner, item_id=world.menu.fries.id, photo_url=None
    )
    session.commit()
    assert effective_menu(session, world.truck).items[world.menu.fries.id].photo_url is None


def test_master_menu_lists_archived_rows_last(session, world):
    menu_admin.set_item_archived(
        session, actor=world.owner, item_id=world.menu.burger.id, archived=True
    )
    session.commit()
    (category,) = menu_admin.master_menu(session, business_id=world.business.id)
    assert [(i.name, i.archived) for i in category.items] == [("Fries", False), ("Burger", True)]
    assert [g.name for g in category.items[1].groups] == ["Patty", "Extras"]
