"""Stock at a truck: in/out of stock, "until restocked" vs "today only", portions, search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cliqmenu.models import AuditEvent, ItemStock, Role
from cliqmenu.services import menu, stock
from cliqmenu.services.errors import DomainError, Forbidden, NotFound
from cliqmenu.services.menu import effective_menu
from cliqmenu.services.stock import Until
from tests import factories

SYDNEY = dt.timezone(dt.timedelta(hours=11))  # Australia/Sydney in November (AEDT)


def sydney(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SYDNEY)


def at_clock(monkeypatch, when: dt.datetime) -> None:
    """Fix the clock the effective menu reads."""
    monkeypatch.setattr(menu, "utcnow", lambda: when.astimezone(dt.UTC))


def test_out_until_restocked_and_back(session, world):
    fries = world.menu.fries
    stock.set_item_stock(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, in_stock=False
    )
    session.commit()
    assert not effective_menu(session, world.truck).items[fries.id].in_stock
    with pytest.raises(DomainError, match="Fries is out of stock"):
        factories.place(session, world=world, lines=[factories.line(fries)])

    stock.set_item_stock(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, in_stock=True
    )
    session.commit()
    assert effective_menu(session, world.truck).items[fries.id].in_stock
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.action == "stock.item")).all()
    assert len(actions) == 2


def test_today_only_is_back_at_the_start_of_the_next_service_day(session, world, monkeypatch):
    fries = world.menu.fries
    # 11:30 pm on the 27th in Sydney (12:30 pm UTC): back at midnight Sydney time.
    row = stock.set_item_stock(
        session,
        actor=world.manager,
        truck=world.truck,
        item_id=fries.id,
        in_stock=False,
        until=Until.TODAY,
        at=sydney(27, 23, 30),
    )
    session.commit()
    assert row.back_on == dt.date(2026, 11, 28)

    at_clock(monkeypatch, sydney(27, 23, 59))
    assert not effective_menu(session, world.truck).items[fries.id].in_stock
    at_clock(monkeypatch, sydney(28, 0, 0))
    assert effective_menu(session, world.truck).items[fries.id].in_stock
    assert stock.stock_board(session, truck=world.truck, at=sydney(28, 0, 0))[1].in_stock


def test_today_only_follows_the_trucks_zone_not_utc(session, world):
    perth = factories.make_truck(
        session, business=world.business, name="Perth", timezone="Australia/Perth"
    )
    session.commit()
    # 1 am in Sydney on the 28th is 10 pm on the 27th in Perth.
    at = sydney(28, 1)
    sydney_row = stock.set_item_stock(
        session,
        actor=world.owner,
        truck=world.truck,
        item_id=world.menu.fries.id,
        in_stock=False,
        until="today",
        at=at,
    )
    perth_row = stock.set_item_stock(
        session,
        actor=world.owner,
        truck=perth,
        item_id=world.menu.fries.id,
        in_stock=False,
        until="today",
        at=at,
    )
    assert sydney_row.back_on == dt.date(2026, 11, 29)
    assert perth_row.back_on == dt.date(2026, 11, 28)


def test_today_only_marked_yesterday_is_in_stock_now(session, world):
    """Marked out "today only" a day ago (real clock, no patching): it is back now."""
    stock.set_option_stock(
        session,
        actor=world.manager,
        truck=world.truck,
        option_id=world.menu.bacon.id,
        in_stock=False,
        until=Until.TODAY,
        at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )
    session.commit()
    _group, bacon = effective_menu(session, world.truck).option(
        world.menu.burger.id, world.menu.bacon.id
    )
    assert bacon.in_stock


def test_single_option_out_of_stock(session, world, monkeypatch):
    menu_ = world.menu
    stock.set_option_stock(
        session,
        actor=world.manager,
        truck=world.truck,
        option_id=menu_.bacon.id,
        in_stock=False,
        until=Until.TODAY,
        at=sydney(27, 12),
    )
    session.commit()
    at_clock(monkeypatch, sydney(27, 18))
    effective = effective_menu(session, world.truck)
    assert effective.items[menu_.burger.id].in_stock
    assert not effective.option(menu_.burger.id, menu_.bacon.id)[1].in_stock
    assert effective.option(menu_.burger.id, menu_.cheese.id)[1].in_stock
    with pytest.raises(DomainError, match=r"Bacon \(Burger\) is out of stock"):
        factories.place(
            session, world=world, lines=[factories.line(menu_.burger, menu_.beef, menu_.bacon)]
        )
    board = stock.stock_board(session, truck=world.truck, at=sydney(27, 18))
    bacon = next(o for o in board[0].options if o.name == "Bacon")
    assert (bacon.in_stock, bacon.back_on) == (False, dt.date(2026, 11, 28))


def test_other_trucks_keep_their_stock(session, world):
    other = factories.make_truck(session, business=world.business, name="Beach")
    session.commit()
    stock.set_item_stock(
        session, actor=world.owner, truck=world.truck, item_id=world.menu.fries.id, in_stock=False
    )
    session.commit()
    assert effective_menu(session, other).items[world.menu.fries.id].in_stock


def test_portions_count_down_as_orders_are_placed_and_zero_is_out(session, world):
    fries = world.menu.fries
    stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, portions=2
    )
    session.commit()
    assert effective_menu(session, world.truck).items[fries.id].portions_left == 2
    factories.place(session, world=world, lines=[factories.line(fries, quantity=2)])
    session.commit()
    item = effective_menu(session, world.truck).items[fries.id]
    assert (item.in_stock, item.portions_left) == (False, 0)

    # Back in stock by hand: the spent count goes, so the item is orderable again.
    stock.set_item_stock(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, in_stock=True
    )
    session.commit()
    item = effective_menu(session, world.truck).items[fries.id]
    assert (item.in_stock, item.portions_left) == (True, None)


def test_setting_portions(session, world):
    fries = world.menu.fries
    stock.set_item_stock(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, in_stock=False
    )
    row = stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, portions=10
    )
    assert (row.out_of_stock, row.portions_left) == (False, 10)
    row = stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, portions=0
    )
    assert (row.out_of_stock, row.portions_left) == (True, 0)
    row = stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=fries.id, portions=None
    )
    assert (row.out_of_stock, row.portions_left) == (True, None)
    with pytest.raises(DomainError, match="whole number from 0 to 9999"):
        stock.set_portions(
            session, actor=world.manager, truck=world.truck, item_id=fries.id, portions=10_000
        )
    assert stock.parse_portions(" ") is None
    assert stock.parse_portions("12") == 12
    with pytest.raises(DomainError, match="whole number"):
        stock.parse_portions("-3")


def test_who_may_set_stock(session, world):
    with pytest.raises(Forbidden):
        stock.set_item_stock(
            session,
            actor=world.kitchen,
            truck=world.truck,
            item_id=world.menu.fries.id,
            in_stock=False,
        )
    other = factories.make_truck(session, business=world.business, name="Beach")
    limited = factories.make_member(
        session, business=world.business, role=Role.ORDER_MANAGER, trucks=(other,)
    )
    with pytest.raises(NotFound, match="No such truck."):
        stock.set_item_stock(
            session, actor=limited, truck=world.truck, item_id=world.menu.fries.id, in_stock=False
        )
    stranger = factories.make_world(session, business_name="Other Co")
    with pytest.raises(NotFound, match="No such truck."):
        stock.set_item_stock(
            session,
            actor=stranger.manager,
            truck=world.truck,
            item_id=world.menu.fries.id,
            in_stock=False,
        )
    with pytest.raises(NotFound):
        stock.set_item_stock(
            session,
            actor=world.manager,
            truck=world.truck,
            item_id=stranger.menu.fries.id,
            in_stock=False,
        )


def test_bad_until_is_refused(session, world):
    with pytest.raises(DomainError, match="until restocked"):
        stock.set_item_stock(
            session,
            actor=world.manager,
            truck=world.truck,
            item_id=world.menu.fries.id,
            in_stock=False,
            until="forever",
        )
    assert session.exec(select(ItemStock)).all() == []


def test_search_matches_items_categories_and_options(session, world):
    board = stock.stock_board(session, truck=world.truck)
    assert [i.name for i in board] == ["Burger", "Fries"]
    assert [i.name for i in stock.stock_board(session, truck=world.truck, query="FRI")] == ["Fries"]
    assert len(stock.stock_board(session, truck=world.truck, query="mains")) == 2
    (burger,) = stock.stock_board(session, truck=world.truck, query=" bacon ")
    assert [o.name for o in burger.options] == ["Bacon"]
    assert stock.stock_board(session, truck=world.truck, query="pizza") == []
