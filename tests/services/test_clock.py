"""Time on a truck's server: the clock is stepped (an NTP correction) or the truck's time zone
changes to or from daylight saving. Order numbers of the service day, "out today" stock and the
expiry of unpaid Online orders keep working. The app's one clock is ``models.clock``; these
tests set it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from cliqmenu import models
from cliqmenu.models import Order, OrderSource, Stage
from cliqmenu.services import lifecycle, menu, payments, stock
from cliqmenu.views.boards import kitchen_board, manager_board
from tests import factories
from tests.payments.support import online_order
from tests.services.test_restock_day import fries_out_since

SYDNEY = ZoneInfo("Australia/Sydney")  # the factories' business zone
MINUTE = dt.timedelta(minutes=1)


class Clock:
    """A clock the test sets and steps, in UTC like the app's."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def local(self, *args: int, fold: int = 0) -> None:
        """Set to a Sydney wall-clock time; ``fold=1``: the second pass of a repeated hour."""
        self.now = dt.datetime(*args, tzinfo=SYDNEY, fold=fold).astimezone(dt.UTC)

    def step(self, delta: dt.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(models, "clock", clock)
    return clock


def numbers(*orders: Order) -> list[tuple[dt.date, int]]:
    return [(o.service_date, o.number) for o in orders]


def test_order_numbers_run_on_through_the_hour_repeated_when_daylight_saving_ends(
    session: Session, world: factories.World, clock: Clock
) -> None:
    """Sydney, 5 April 2026: at 3:00 daylight time the clocks go back to 2:00."""
    clock.local(2026, 4, 5, 1, 50)
    first = factories.place(session, world=world)
    clock.local(2026, 4, 5, 2, 30)  # the first 2:30
    second = factories.place(session, world=world)
    clock.local(2026, 4, 5, 2, 10, fold=1)  # 40 minutes later: 2:10 again, standard time
    third = factories.place(session, world=world)
    clock.local(2026, 4, 5, 23, 59)
    last = factories.place(session, world=world)
    clock.step(2 * MINUTE)  # the next service day
    next_day = factories.place(session, world=world)

    day, after = dt.date(2026, 4, 5), dt.date(2026, 4, 6)
    assert numbers(first, second, third, last) == [(day, 1), (day, 2), (day, 3), (day, 4)]
    assert numbers(next_day) == [(after, 1)]


def test_order_numbers_run_on_over_the_hour_skipped_when_daylight_saving_starts(
    session: Session, world: factories.World, clock: Clock
) -> None:
    """Sydney, 4 October 2026: at 2:00 standard time the clocks go forward to 3:00."""
    clock.local(2026, 10, 4, 1, 59)
    before = factories.place(session, world=world)
    clock.step(2 * MINUTE)  # 3:01 daylight time
    after = factories.place(session, world=world)

    assert numbers(before, after) == [(dt.date(2026, 10, 4), 1), (dt.date(2026, 10, 4), 2)]


def test_a_clock_stepped_back_over_midnight_never_hands_out_a_number_twice(
    session: Session, world: factories.World, clock: Clock
) -> None:
    clock.local(2026, 6, 1, 23, 50)
    evening = [factories.place(session, world=world) for _ in range(2)]
    clock.local(2026, 6, 2, 0, 2)
    morning = factories.place(session, world=world)
    clock.step(-5 * MINUTE)  # NTP corrects the clock: 23:57 of the day before, again
    corrected = factories.place(session, world=world)
    clock.step(6 * MINUTE)
    later = factories.place(session, world=world)

    june_1, june_2 = dt.date(2026, 6, 1), dt.date(2026, 6, 2)
    assert numbers(*evening, corrected) == [(june_1, 1), (june_1, 2), (june_1, 3)]
    assert numbers(morning, later) == [(june_2, 1), (june_2, 2)]
    session.expire_all()
    assert [o.stage for o in (*evening, morning, corrected, later)] == [Stage.RECEIVED] * 5


def fries_in_stock(session: Session, world: factories.World) -> bool:
    """What a customer's menu shows now (the restock job need not have run)."""
    return menu.effective_menu(session, world.truck).items[world.menu.fries.id].in_stock


def test_out_today_comes_back_at_the_truck_s_midnight_on_a_23_hour_day(
    session: Session, world: factories.World, clock: Clock
) -> None:
    """The day daylight saving starts has 23 hours: "out today" lasts until its midnight."""
    clock.local(2026, 10, 4, 10, 0)  # daylight time since 3:00
    fries_out_since(session, world, days=0)
    clock.local(2026, 10, 4, 23, 59)
    assert not fries_in_stock(session, world)
    assert stock.restock_day(session) == set()

    clock.step(2 * MINUTE)
    assert fries_in_stock(session, world)
    assert stock.restock_day(session) == {world.truck.id}


def test_out_today_comes_back_once_on_a_25_hour_day(
    session: Session, world: factories.World, clock: Clock
) -> None:
    clock.local(2026, 4, 5, 2, 30)  # the first 2:30; daylight saving ends at 3:00
    fries_out_since(session, world, days=0)
    clock.local(2026, 4, 5, 2, 10, fold=1)  # an hour that looks earlier: still the same day
    assert not fries_in_stock(session, world)
    clock.local(2026, 4, 5, 23, 59)
    assert not fries_in_stock(session, world)
    clock.local(2026, 4, 6, 0, 1)
    assert fries_in_stock(session, world)


def test_an_unpaid_online_order_expires_an_hour_after_it_was_placed_not_by_the_wall_clock(
    session: Session, world: factories.World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    clock.local(2026, 4, 5, 2, 30)  # the first 2:30 of the night daylight saving ends
    order = online_order(session, world)
    clock.local(2026, 4, 5, 2, 25, fold=1)  # 55 minutes later, the wall clock says 2:25
    assert payments.expire_stale_orders(session) == []
    clock.step(-10 * MINUTE)  # and NTP steps it back: still not expired
    assert payments.expire_stale_orders(session) == []

    clock.local(2026, 4, 5, 2, 31, fold=1)  # 61 minutes after it was placed
    assert [o.id for o in payments.expire_stale_orders(session)] == [order.id]


def _cards(session: Session, world: factories.World) -> list[int]:
    return [card.number for card in kitchen_board(session, world.truck.id).cards]


def test_the_kitchen_queue_keeps_acceptance_order_when_the_clock_steps_back(
    session: Session, world: factories.World, clock: Clock
) -> None:
    """NTP steps the clock back between two accepts: the later accept still cooks after."""
    clock.local(2026, 6, 1, 12, 0)
    first, second, third = (factories.place(session, world=world) for _ in range(3))
    factories.to_stage(session, world, second, Stage.IN_PROGRESS)
    clock.step(-5 * MINUTE)
    factories.to_stage(session, world, first, Stage.IN_PROGRESS)
    clock.step(-5 * MINUTE)
    walk_in = factories.place(session, world=world, source=OrderSource.WALK_IN, actor=world.manager)
    clock.step(20 * MINUTE)
    factories.to_stage(session, world, third, Stage.IN_PROGRESS)

    assert _cards(session, world) == [second.number, first.number, walk_in.number, third.number]

    # Recalled after a bump, an order goes back to its place in the queue.
    factories.to_stage(session, world, first, Stage.COOKING_DONE)
    clock.step(-30 * MINUTE)
    lifecycle.step_back(
        session, actor=world.kitchen, order_id=first.id, expected=Stage.COOKING_DONE
    )
    assert _cards(session, world) == [second.number, first.number, walk_in.number, third.number]


def test_recall_and_delivered_lists_follow_the_moves_not_the_wall_clock(
    session: Session, world: factories.World, clock: Clock
) -> None:
    """The kitchen's Recall brings back the order bumped last, the manager's Delivered list
    shows the order delivered last first, whatever the clock said at each move."""
    clock.local(2026, 6, 1, 12, 0)
    orders = [factories.place(session, world=world) for _ in range(3)]
    for order in orders:
        factories.to_stage(session, world, order, Stage.DELIVERED)
        clock.step(-10 * MINUTE)
    bumped = [factories.place(session, world=world) for _ in range(2)]
    for order in bumped:
        factories.to_stage(session, world, order, Stage.COOKING_DONE)
        clock.step(-10 * MINUTE)

    board = manager_board(session, world.truck.id)
    assert [row.number for row in board.delivered] == [o.number for o in reversed(orders)]
    kitchen = kitchen_board(session, world.truck.id)
    assert kitchen.recallable_numbers == [o.number for o in reversed(bumped)]


def test_the_manager_board_lists_orders_in_the_order_they_came_when_the_clock_steps_back(
    session: Session, world: factories.World, clock: Clock
) -> None:
    clock.local(2026, 6, 1, 12, 0)
    first = factories.place(session, world=world)
    clock.step(-10 * MINUTE)
    second = factories.place(session, world=world)
    clock.step(-10 * MINUTE)
    third = factories.place(session, world=world)

    board = manager_board(session, world.truck.id)
    assert [row.number for row in board.received] == [first.number, second.number, third.number]
