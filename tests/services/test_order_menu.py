"""An order is checked against only the items and options it names (``order_menu``): the same
answers as the truck's whole effective menu, for every override, stock and archive case."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, select

from cliqmenu.models import (
    CustomizationGroup,
    CustomizationOption,
    ItemStock,
    MenuCategory,
    MenuItem,
    OptionStock,
    Order,
    OrderSource,
    TruckItemOverride,
    TruckOptionOverride,
)
from cliqmenu.services import orders
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import EffectiveItem, effective_menu, order_menu, service_date
from tests.factories import World, line, make_business, make_menu, make_truck, order_request


def _place(session: Session, world: World, *lines, truck=None):
    return orders.place_order(
        session,
        truck=truck or world.truck,
        request=order_request(lines=list(lines)),
        source=OrderSource.CUSTOMER,
    )


def _only_chosen(item: EffectiveItem, option_ids: set[int]) -> EffectiveItem:
    """The full menu's item with, in each group, only the chosen options left."""
    groups = [
        dataclasses.replace(group, options=[o for o in group.options if o.id in option_ids])
        for group in item.groups
    ]
    return dataclasses.replace(item, groups=groups)


@pytest.fixture
def varied(session: Session, world: World):
    """At the world's truck: every kind of override, stock and archive the menu can hold."""
    menu, truck = world.menu, world.truck
    today = service_date(session, truck)
    drinks = MenuCategory(business_id=world.business.id, name="Drinks", position=1)
    old = MenuCategory(business_id=world.business.id, name="Old", position=2, archived=True)
    session.add_all([drinks, old])
    session.flush()

    def item(name: str, category: MenuCategory, **fields) -> MenuItem:
        row = MenuItem(business_id=world.business.id, category_id=category.id, name=name, **fields)
        session.add(row)
        session.flush()
        return row

    cola = item("Cola", drinks, price_cents=400)
    lemonade = item("Lemonade", drinks, price_cents=450)
    tea = item("Iced Tea", drinks, price_cents=380)
    juice = item("Juice", drinks, price_cents=500)
    shake = item("Shake", drinks, price_cents=700)
    archived = item("Retired Wrap", menu.category, price_cents=900, archived=True)
    in_old = item("Old Pie", old, price_cents=600)
    size = CustomizationGroup(item_id=shake.id, name="Size", min_choices=1, max_choices=1)
    gone = CustomizationGroup(item_id=shake.id, name="Gone", max_choices=1, archived=True)
    session.add_all([size, gone])
    session.flush()
    small = CustomizationOption(group_id=size.id, name="Small", price_delta_cents=0)
    large = CustomizationOption(group_id=size.id, name="Large", price_delta_cents=150)
    huge = CustomizationOption(group_id=size.id, name="Huge", price_delta_cents=300, archived=True)
    hidden = CustomizationOption(group_id=gone.id, name="Hidden", price_delta_cents=50)
    session.add_all([small, large, huge, hidden])
    session.flush()
    session.add_all(
        [
            TruckItemOverride(truck_id=truck.id, item_id=menu.burger.id, price_cents=1_350),
            TruckItemOverride(truck_id=truck.id, item_id=cola.id, offered=False),
            TruckOptionOverride(truck_id=truck.id, option_id=menu.bacon.id, price_delta_cents=300),
            TruckOptionOverride(truck_id=truck.id, option_id=menu.egg.id, offered=False),
            ItemStock(truck_id=truck.id, item_id=lemonade.id, out_of_stock=True),
            ItemStock(
                truck_id=truck.id,
                item_id=tea.id,
                out_of_stock=True,
                back_on=today + dt.timedelta(days=1),
            ),
            ItemStock(
                truck_id=truck.id, item_id=juice.id, out_of_stock=True, back_on=today
            ),  # "today only" marked yesterday: in stock again
            ItemStock(truck_id=truck.id, item_id=menu.fries.id, portions_left=0),
            ItemStock(truck_id=truck.id, item_id=shake.id, portions_left=3),
            OptionStock(truck_id=truck.id, option_id=large.id, out_of_stock=True),
            OptionStock(truck_id=truck.id, option_id=menu.tofu.id, out_of_stock=True),
        ]
    )
    session.commit()
    items = [menu.burger, menu.fries, cola, lemonade, tea, juice, shake, archived, in_old]
    options = [
        menu.beef,
        menu.chicken,
        menu.tofu,
        menu.cheese,
        menu.bacon,
        menu.egg,
        small,
        large,
        huge,
        hidden,
    ]
    return items, options


def test_order_menu_agrees_with_the_whole_effective_menu(session, world, varied):
    items, options = varied
    other = make_business(session, name="Other Grill")
    foreign = make_menu(session, business=other)
    session.commit()
    whole = effective_menu(session, world.truck)
    ids = [item.id for item in items] + [foreign.burger.id, 987_654]
    option_ids = [option.id for option in options] + [foreign.cheese.id]

    for item_id in ids:
        for chosen in ([], option_ids, option_ids[::3]):
            part = order_menu(session, world.truck, [item_id], chosen)
            if item_id in whole.items:
                assert part.items == {item_id: _only_chosen(whole.items[item_id], set(chosen))}
            else:
                assert part.items == {}
    # All at once, as a real order of several lines asks.
    part = order_menu(session, world.truck, ids, option_ids)
    assert part.items == {
        item_id: _only_chosen(whole.items[item_id], set(option_ids))
        for item_id in ids
        if item_id in whole.items
    }


def test_another_truck_of_the_business_sees_its_own_menu(session, world, varied):
    items, options = varied
    beach = make_truck(session, business=world.business, name="Beach")
    session.commit()
    whole = effective_menu(session, beach)
    part = order_menu(session, beach, [i.id for i in items], [o.id for o in options])

    assert part.items == {
        i: _only_chosen(whole.items[i], {o.id for o in options}) for i in whole.items
    }
    assert part.items[world.menu.burger.id].price_cents == 1_200  # the override is the other's


def test_option_not_offered_at_this_truck_is_refused_there_only(session, world):
    menu = world.menu
    session.add(TruckOptionOverride(truck_id=world.truck.id, option_id=menu.egg.id, offered=False))
    beach = make_truck(session, business=world.business, name="Beach")
    session.commit()

    with pytest.raises(DomainError, match=r"^Option \d+ is not available for Burger\.$"):
        _place(session, world, line(menu.burger, menu.beef, menu.egg))
    order, _ = _place(session, world, line(menu.burger, menu.beef, menu.egg), truck=beach)
    assert order.subtotal_cents == 1_200 + 120


def test_item_of_an_archived_category_or_another_business_is_refused(session, world):
    old = MenuCategory(business_id=world.business.id, name="Old", archived=True)
    session.add(old)
    session.flush()
    pie = MenuItem(business_id=world.business.id, category_id=old.id, name="Pie", price_cents=600)
    session.add(pie)
    foreign = make_menu(session, business=make_business(session, name="Other Grill"))
    session.commit()

    for item in (pie, foreign.fries):
        with pytest.raises(DomainError, match=rf"^Item {item.id} is not on this truck's menu\.$"):
            _place(session, world, line(item))


def test_an_id_too_large_for_the_database_is_just_not_on_the_menu(session, world):
    too_large = 2**70
    with pytest.raises(DomainError, match=rf"^Item {too_large} is not on this truck's menu\.$"):
        _place(session, world, orders.LineRequest(item_id=too_large))
    with pytest.raises(DomainError, match=rf"^Option {too_large} is not available for Burger\.$"):
        _place(
            session,
            world,
            orders.LineRequest(item_id=world.menu.burger.id, option_ids=[too_large]),
        )
    session.rollback()
    assert session.exec(select(Order)).all() == []


def test_portions_and_price_overrides_reach_the_order(session, world):
    menu = world.menu
    session.add_all(
        [
            TruckItemOverride(truck_id=world.truck.id, item_id=menu.fries.id, price_cents=550),
            ItemStock(truck_id=world.truck.id, item_id=menu.fries.id, portions_left=2),
            TruckOptionOverride(
                truck_id=world.truck.id, option_id=menu.cheese.id, price_delta_cents=0
            ),
        ]
    )
    session.commit()

    order, _ = _place(
        session, world, line(menu.fries, quantity=2), line(menu.burger, menu.beef, menu.cheese)
    )
    assert order.subtotal_cents == 2 * 550 + 1_200

    session.add(ItemStock(truck_id=world.truck.id, item_id=menu.burger.id, portions_left=0))
    session.commit()
    with pytest.raises(DomainError, match=r"^Sorry, Burger is out of stock\.$"):
        _place(session, world, line(menu.burger, menu.beef))
