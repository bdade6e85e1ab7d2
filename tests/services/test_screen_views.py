"""View builders the screens' states map through (no Reflex): history rows, truck filters, the
Owner's trucks page, the menu editor's selection, cart lines, staff lists, audit filters; and the
typed row lookups the states read through instead of ``session.get``."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from cliqmenu.models import Order, StaffStatus, Truck
from cliqmenu.services import menu_admin, money, records, stock, trucks
from cliqmenu.services.errors import NotFound
from cliqmenu.services.menu import effective_menu
from cliqmenu.services.stock import Until
from cliqmenu.views.audit import member_filter
from cliqmenu.views.history import history_row
from cliqmenu.views.menu import cart_line, menu_view
from cliqmenu.views.menu_editor import menu_editor_view
from cliqmenu.views.staff import staff_list, toggled, truck_choices
from cliqmenu.views.trucks import owner_trucks_view, truck_filter, truck_switcher
from tests import factories

AUD = money.MoneyStyle("AUD", "AU")


def test_history_row_shows_number_day_customer_stage_and_total(session, world):
    order = factories.place(session, world=world, customer_name="Alice")
    row = history_row(order, AUD)
    assert (row.id, row.number, row.customer, row.stage_label) == (
        order.id,
        order.number,
        "Alice",
        "Received",
    )
    assert row.day == order.service_date.strftime("%d %b")
    assert row.total == AUD(order.total_cents)


def test_truck_filter_and_owner_trucks_view_say_which_trucks_are_archived(session, world):
    beach = factories.make_truck(session, business=world.business, name="Beach Truck")
    session.commit()
    trucks.archive_truck(session, actor=world.owner, truck_id=beach.id)
    session.commit()
    every = trucks.list_trucks(session, business_id=world.business.id, including_archived=True)

    assert truck_filter(every) == [
        ["all", "All trucks"],
        [str(world.truck.id), "Taco Truck"],
        [str(beach.id), "Beach Truck (archived)"],
    ]
    page = owner_trucks_view(session, world.business)
    assert [c.name for c in page.cards] == ["Taco Truck"]
    assert [(a.id, a.name) for a in page.archived] == [(beach.id, "Beach Truck")]
    assert page.archived[0].menu_url.endswith(f"/t/{beach.slug}")
    assert page.stripe_connected is False
    assert page.timezone_choices[0] == ["business", "Same as the business (Australia/Sydney)"]
    assert truck_switcher([world.truck]) == [{"id": str(world.truck.id), "name": "Taco Truck"}]


def test_menu_editor_keeps_the_selection_while_it_is_shown(session, world):
    master = menu_admin.master_menu(session, business_id=world.business.id)
    menu = world.menu

    first = menu_editor_view(master, AUD, category_id=0, item_id=0, show_archived=False)
    assert [(c.name, c.count) for c in first.categories] == [("Mains", 2)]
    assert first.category_id == menu.category.id
    assert [i.name for i in first.items] == ["Burger", "Fries"]
    assert first.item_id == menu.burger.id and first.item_form["price"] == "12.00"
    assert [g.name for g in first.groups] == ["Patty", "Extras"]

    fries = menu_editor_view(
        master, AUD, category_id=menu.category.id, item_id=menu.fries.id, show_archived=False
    )
    assert fries.item_id == menu.fries.id and fries.groups == []

    menu_admin.set_item_archived(session, actor=world.owner, item_id=menu.fries.id, archived=True)
    session.commit()
    master = menu_admin.master_menu(session, business_id=world.business.id)
    hidden = menu_editor_view(
        master, AUD, category_id=menu.category.id, item_id=menu.fries.id, show_archived=False
    )
    assert hidden.item_id == menu.burger.id  # an archived item is not kept open when hidden
    assert [(c.name, c.count) for c in hidden.categories] == [("Mains", 1)]
    shown = menu_editor_view(
        master, AUD, category_id=menu.category.id, item_id=menu.fries.id, show_archived=True
    )
    assert shown.item_id == menu.fries.id and shown.item_archived


def test_one_cart_line_builder_prices_from_the_menu_as_it_is_now_and_flags_what_is_out(
    session, world
):
    """Adding to the cart and re-checking the cart build their lines the same way, from the
    menu as screens show it; the caller decides whether "Out of stock" refuses or flags."""
    menu = world.menu

    def now():
        return menu_view(effective_menu(session, world.truck), AUD)

    def out(**change):
        change = {"in_stock": False, "until": Until.TODAY} | change
        if "option_id" in change:
            stock.set_option_stock(session, actor=world.manager, truck=world.truck, **change)
        else:
            stock.set_item_stock(session, actor=world.manager, truck=world.truck, **change)
        session.commit()

    burger = dict(item_id=menu.burger.id, option_ids=[menu.chicken.id, menu.bacon.id])
    line = cart_line(now(), AUD, **burger, quantity=2, note="no onion")
    assert line is not None
    assert (line.name, line.options, line.quantity, line.note) == (
        "Burger",
        "Chicken, Bacon",
        2,
        "no onion",
    )
    assert line.total_cents == 2 * (1200 + 150 + 250) and line.total == "$32.00"
    assert line.problem == ""

    out(option_id=menu.bacon.id)
    flagged = cart_line(now(), AUD, **burger, quantity=1, note="")
    assert flagged is not None and flagged.problem == "Bacon out of stock"
    out(item_id=menu.burger.id)
    flagged = cart_line(now(), AUD, **burger, quantity=1, note="")
    assert flagged is not None and flagged.problem == "Out of stock"

    # Gone from the menu (or an option that is not the item's): no line at all.
    not_its = dict(item_id=menu.fries.id, option_ids=[menu.bacon.id])
    assert cart_line(now(), AUD, **not_its, quantity=1, note="") is None
    assert cart_line(now(), AUD, item_id=10**6, option_ids=[], quantity=1, note="") is None


def test_staff_list_owner_first_then_by_status_and_name_with_counts(session, world):
    late = factories.make_member(
        session,
        business=world.business,
        role=world.manager.role,
        name="Aaron",
        status=StaffStatus.DISABLED,
    )
    members = [late, world.kitchen, world.manager, world.owner]
    shown = staff_list(members, {})
    assert [r.name for r in shown.rows] == ["Olive", "Kai", "Mia", "Aaron"]
    assert shown.counts == {"Pending": 0, "Active": 3, "Disabled": 1}


def test_truck_choices_tick_and_toggle(session, world):
    beach = factories.make_truck(session, business=world.business, name="Beach Truck")
    choices = truck_choices([world.truck, beach], {beach.id})
    assert [(c.name, c.chosen) for c in choices] == [("Taco Truck", False), ("Beach Truck", True)]
    flipped = toggled(choices, world.truck.id)
    assert [c.chosen for c in flipped] == [True, True]
    assert [c.chosen for c in choices] == [False, True]  # the shown list is not changed in place


def test_member_filter_names_each_member_with_role(world):
    assert member_filter([world.manager]) == [
        ["all", "Everyone"],
        [str(world.manager.id), "Mia (Order Manager)"],
    ]


def test_records_refuse_a_missing_row_with_not_found(session: Session, world):
    assert records.truck(session, world.truck.id).id == world.truck.id
    with pytest.raises(NotFound, match="No such truck."):
        records.truck(session, 999_999)
    with pytest.raises(NotFound, match="Open this page again."):
        records.require(session, Truck, None, "Open this page again.")
    with pytest.raises(NotFound, match="No such order."):
        records.order_at(session, "")
    order: Order = factories.place(session, world=world)
    assert records.order_at(session, order.public_id).id == order.id


def test_business_today_is_the_date_where_the_business_is(session, world):
    # 14:30 UTC is already the next day in Sydney (UTC+10/+11).
    now = dt.datetime(2026, 3, 1, 14, 30, tzinfo=dt.UTC)
    assert records.business_today(session, world.business.id, now) == dt.date(2026, 3, 2)
    assert str(records.business_zone(session, world.business.id)) == "Australia/Sydney"
