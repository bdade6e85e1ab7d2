"""Pre-orders on the crew's screens: "Scheduled 12:30" under Received (out of the new-order
alarm), absent from the kitchen until released; the release job in every app process (which
tells the manager boards, kitchen displays and tracking page) and `cliqmenu release-preorders`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest
from sqlmodel import Session

from cliqmenu import cli, db, preorder_release
from cliqmenu.models import Order, PaymentMethod, utcnow
from cliqmenu.realtime import Audience
from cliqmenu.services import slots
from cliqmenu.views.boards import kitchen_board, manager_board
from cliqmenu.views.tracker import tracker_view
from tests import factories
from tests.services.job_support import published_by
from tests.services.test_slots import at, clock, midday_zone  # noqa: F401  (the ordering clock)


def _pre_order(session: Session, world: factories.World, pickup: dt.datetime) -> Order:
    order = factories.place(session, world=world, pickup_at=pickup)
    session.commit()
    return order


def test_a_pre_order_shows_as_scheduled_and_reaches_the_kitchen_only_when_released(
    session: Session,
    world: factories.World,
    clock,  # noqa: F811
) -> None:
    order = _pre_order(session, world, at(12, 30))
    now_order = factories.place(session, world=world)
    session.commit()

    board = manager_board(session, world.truck.id)
    assert [row.id for row in board.received] == [now_order.id]  # the alarm: orders for now
    assert [(row.id, row.scheduled) for row in board.scheduled] == [(order.id, "Scheduled 12:30")]
    assert board.cards[order.id].scheduled == "Scheduled 12:30"
    assert kitchen_board(session, world.truck.id).cards == []
    assert tracker_view(session, order.public_id).expected_ready == (
        "Scheduled for pickup at 12:30"
    )

    slots.release_due(session, now=at(12, 20))
    session.commit()

    board = manager_board(session, world.truck.id)
    assert board.scheduled == []
    assert [row.id for row in board.in_progress] == [order.id]
    assert board.cards[order.id].scheduled == ""
    assert [card.id for card in kitchen_board(session, world.truck.id).cards] == [order.id]


def test_the_manager_board_shows_the_current_slots_load_and_the_pause(
    session: Session, world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.truck.timezone = "UTC"
    session.commit()
    assert manager_board(session, world.truck.id).slot_words == ""  # not paced
    world.truck.slot_order_limit = 2
    session.commit()
    factories.place(session, world=world)
    factories.place(session, world=world, payment_method=PaymentMethod.CARD_AT_COUNTER)
    session.commit()

    board = manager_board(session, world.truck.id)
    start = slots.slot_start(utcnow())
    assert board.slot_words == f"Slot {start:%H:%M}: 2 of 2 orders"
    assert board.slot_full
    assert board.slot_ends_ms == int((start + slots.SLOT).timestamp() * 1000)
    assert board.paused_until == ""

    world.truck.busy_until = utcnow() + dt.timedelta(minutes=1)
    session.commit()
    board = manager_board(session, world.truck.id)
    assert board.paused_until == f"{world.truck.busy_until:%H:%M}"
    assert board.slot_ends_ms <= int(world.truck.busy_until.timestamp() * 1000)


def _due_now(session: Session, world: factories.World) -> Order:
    """A pre-order for the next slot whose release time has come."""
    order = factories.place(session, world=world, pickup_at=slots.slot_start(utcnow()) + slots.SLOT)
    order.release_at = utcnow() - dt.timedelta(seconds=1)
    session.commit()
    return order


async def test_the_app_job_releases_and_tells_the_trucks_screens(
    session: Session,
    world: factories.World,
    app_database: None,
    configure: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.truck.timezone = midday_zone()
    session.commit()
    order = _due_now(session, world)
    configure(release_preorders_seconds=0.05)
    published = await published_by(
        preorder_release, preorder_release.release_worker, monkeypatch, count=3
    )

    assert sorted(map(str, published)) == sorted(
        str(a)
        for a in (
            Audience("manager", world.truck.id),
            Audience("kitchen", world.truck.id),
            Audience("tracker", order.public_id),
        )
    )
    session.refresh(order)
    assert order.released_at is not None


def test_the_app_job_can_be_turned_off(configure: Callable[..., None]) -> None:
    configure(release_preorders_seconds=0)
    assert asyncio.run(asyncio.wait_for(preorder_release.release_worker(), timeout=30)) is None


def test_cli_release_preorders(cli_database: None, capsys) -> None:
    assert cli.main(["migrate"]) == 0
    with Session(db.get_engine(), expire_on_commit=False) as session:
        world = factories.make_world(session)
        world.truck.timezone = midday_zone()
        session.commit()
        _due_now(session, world)
    assert cli.main(["release-preorders"]) == 0
    assert cli.main(["release-preorders"]) == 0

    out = capsys.readouterr().out
    assert "Sent 1 pre-order(s) to the kitchen." in out
    assert "Sent 0 pre-order(s) to the kitchen." in out


def test_the_report_charts_orders_per_slot_with_a_pre_order_in_its_pickup_slot(
    session: Session,
    world: factories.World,
    clock,  # noqa: F811
) -> None:
    from cliqmenu.services import reports
    from cliqmenu.services.menu import truck_zone
    from cliqmenu.views.reports import report_view

    factories.place(session, world=world)  # 12:05: the 12:00 slot
    factories.place(session, world=world)
    _pre_order(session, world, at(13, 30))
    session.commit()

    day = at(12, 0).astimezone(truck_zone(session, world.truck)).date()
    report = reports.sales_report(session, actor=world.owner, start=day, end=day)
    assert (report.orders_by_slot[48], report.orders_by_slot[54]) == (2, 1)
    points = report_view(report).slots
    assert (points[0].label, points[-1].label) == ("11:00", "13:45")
    assert {p.label: p.orders for p in points if p.orders} == {"12:00": 2, "13:30": 1}
