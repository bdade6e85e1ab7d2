"""Truck menu overrides: price, option price, offered; clearing returns to the master menu."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cliqmenu.models import (
    CustomizationOption,
    MenuItem,
    OrderLine,
    Role,
    TruckItemOverride,
    TruckOptionOverride,
)
from cliqmenu.services import menu_admin, overrides, stock
from cliqmenu.services.errors import DomainError, Forbidden, NotFound
from cliqmenu.services.menu import effective_menu
from tests import factories


@pytest.fixture
def beach(session, world):
    truck = factories.make_truck(session, business=world.business, name="Beach")
    session.commit()
    return truck


def test_item_price_override_touches_neither_master_nor_other_trucks(session, world, beach):
    burger = world.menu.burger
    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=burger.id, price_cents=1350
    )
    session.commit()
    assert effective_menu(session, world.truck).items[burger.id].price_cents == 1350
    assert effective_menu(session, beach).items[burger.id].price_cents == 1200
    session.expire_all()
    assert session.get(MenuItem, burger.id).price_cents == 1200

    order = factories.place(session, world=world)
    session.commit()
    assert order.subtotal_cents == 1350

    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=burger.id, price_cents=None
    )
    session.commit()
    assert effective_menu(session, world.truck).items[burger.id].price_cents == 1200
    assert session.exec(select(TruckItemOverride)).all() == []
    # The order placed under the override keeps its price.
    line = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
    assert line.unit_price_cents == 1350


def test_override_survives_master_price_change_until_cleared(session, world):
    fries = world.menu.fries
    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, price_cents=600
    )
    menu_admin.update_item(
        session,
        actor=world.owner,
        item_id=fries.id,
        fields=menu_admin.ItemFields(
            category_id=world.menu.category.id, name="Fries", price_cents=550
        ),
    )
    session.commit()
    assert effective_menu(session, world.truck).items[fries.id].price_cents == 600
    board = stock.stock_board(session, truck=world.truck, query="fries")
    assert (board[0].master_price_cents, board[0].override_price_cents) == (550, 600)
    overrides.clear_item_override(session, actor=world.manager, truck=world.truck, item_id=fries.id)
    session.commit()
    assert effective_menu(session, world.truck).items[fries.id].price_cents == 550


def test_item_not_offered_at_one_truck(session, world, beach):
    fries = world.menu.fries
    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, offered=False
    )
    session.commit()
    assert fries.id not in effective_menu(session, world.truck).items
    assert fries.id in effective_menu(session, beach).items
    with pytest.raises(DomainError, match="not on this truck's menu"):
        factories.place(session, world=world, lines=[factories.line(fries)])
    (row,) = stock.stock_board(session, truck=world.truck, query="fries")
    assert row.offered is False

    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, offered=True
    )
    session.commit()
    assert fries.id in effective_menu(session, world.truck).items
    assert session.exec(select(TruckItemOverride)).all() == []


def test_price_and_offered_are_independent(session, world):
    fries = world.menu.fries
    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, price_cents=700
    )
    overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, offered=False
    )
    row = overrides.set_item_override(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, offered=True
    )
    assert (row.price_cents, row.offered) == (700, None)


def test_option_delta_and_offered_override(session, world, beach):
    menu = world.menu
    overrides.set_option_override(
        session,
        actor=world.manager,
        truck=world.truck,
        option_id=menu.bacon.id,
        price_delta_cents=300,
    )
    overrides.set_option_override(
        session, actor=world.manager, truck=world.truck, option_id=menu.egg.id, offered=False
    )
    session.commit()
    here, there = effective_menu(session, world.truck), effective_menu(session, beach)
    assert here.option(menu.burger.id, menu.bacon.id)[1].price_delta_cents == 300
    assert there.option(menu.burger.id, menu.bacon.id)[1].price_delta_cents == 250
    assert here.option(menu.burger.id, menu.egg.id) is None
    assert there.option(menu.burger.id, menu.egg.id) is not None
    session.expire_all()
    assert session.get(CustomizationOption, menu.bacon.id).price_delta_cents == 250

    order = factories.place(
        session, world=world, lines=[factories.line(menu.burger, menu.beef, menu.bacon)]
    )
    assert order.subtotal_cents == 1500
    with pytest.raises(DomainError, match="not available"):
        factories.place(
            session, world=world, lines=[factories.line(menu.burger, menu.beef, menu.egg)]
        )

    overrides.clear_option_override(
        session, actor=world.manager, truck=world.truck, option_id=menu.bacon.id
    )
    overrides.clear_option_override(
        session, actor=world.manager, truck=world.truck, option_id=menu.egg.id
    )
    session.commit()
    here = effective_menu(session, world.truck)
    assert here.option(menu.burger.id, menu.bacon.id)[1].price_delta_cents == 250
    assert here.option(menu.burger.id, menu.egg.id) is not None
    assert session.exec(select(TruckOptionOverride)).all() == []


def test_a_required_group_keeps_enough_offered_options(session, world):
    menu = world.menu
    for option in (menu.chicken, menu.tofu):
        overrides.set_option_override(
            session, actor=world.manager, truck=world.truck, option_id=option.id, offered=False
        )
    with pytest.raises(DomainError, match="Beef has to stay offered at Taco Truck"):
        overrides.set_option_override(
            session, actor=world.manager, truck=world.truck, option_id=menu.beef.id, offered=False
        )
    # Extras has no minimum: every extra may go.
    for option in (menu.cheese, menu.bacon, menu.egg):
        overrides.set_option_override(
            session, actor=world.manager, truck=world.truck, option_id=option.id, offered=False
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"price_cents": -5}, "between \\$0.00 and \\$10,000.00"),
        ({"price_cents": 1_000_001}, "between"),
    ],
)
def test_item_override_validation(session, world, kwargs, message):
    with pytest.raises(DomainError, match=message):
        overrides.set_item_override(
            session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, **kwargs
        )


def test_option_override_validation(session, world):
    menu = world.menu
    with pytest.raises(DomainError, match="too large"):
        overrides.set_option_override(
            session,
            actor=world.manager,
            truck=world.truck,
            option_id=menu.bacon.id,
            price_delta_cents=100_001,
        )
    with pytest.raises(DomainError, match="Burger costs \\$12.00 here, so Bacon can take at most"):
        overrides.set_option_override(
            session,
            actor=world.manager,
            truck=world.truck,
            option_id=menu.bacon.id,
            price_delta_cents=-1300,
        )
    overrides.set_option_override(
        session,
        actor=world.manager,
        truck=world.truck,
        option_id=menu.bacon.id,
        price_delta_cents=-200,
    )
    with pytest.raises(DomainError, match="takes \\$2.00 off, so the price must be at least"):
        overrides.set_item_override(
            session, actor=world.manager, truck=world.truck, item_id=menu.burger.id, price_cents=100
        )


def test_who_may_override(session, world, beach):
    with pytest.raises(Forbidden):
        overrides.set_item_override(
            session,
            actor=world.kitchen,
            truck=world.truck,
            item_id=world.menu.fries.id,
            price_cents=1,
        )
    limited = factories.make_member(
        session, business=world.business, role=Role.ORDER_MANAGER, trucks=(beach,)
    )
    with pytest.raises(NotFound, match="No such truck."):
        overrides.set_option_override(
            session,
            actor=limited,
            truck=world.truck,
            option_id=world.menu.bacon.id,
            offered=False,
        )
    # The owner may set overrides at any truck of the business.
    overrides.set_item_override(
        session, actor=world.owner, truck=beach, item_id=world.menu.fries.id, price_cents=450
    )


def test_archived_items_cannot_be_overridden(session, world):
    menu_admin.set_item_archived(
        session, actor=world.owner, item_id=world.menu.fries.id, archived=True
    )
    with pytest.raises(DomainError, match="not on the menu"):
        overrides.set_item_override(
            session,
            actor=world.manager,
            truck=world.truck,
            item_id=world.menu.fries.id,
            price_cents=1,
        )


def test_a_refusal_names_amounts_in_the_business_currency(session, world):
    world.business.currency = "GBP"
    session.add(world.business)
    session.flush()
    with pytest.raises(DomainError, match="Burger costs GBP12.00 here, so Bacon can take at most"):
        overrides.set_option_override(
            session,
            actor=world.manager,
            truck=world.truck,
            option_id=world.menu.bacon.id,
            price_delta_cents=-1300,
        )
