"""On-time rate per day and truck: Ready for Pickup against the quote, average and 90th
percentile ticket time, on orders whose times are set by hand (Sydney, UTC+11 in December)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from cliqmenu import models
from cliqmenu.models import Order, Stage
from cliqmenu.services import on_time
from cliqmenu.services.errors import Forbidden, NotFound
from cliqmenu.views.on_time import on_time_view
from tests.factories import World, make_truck, make_world, place

DAY = dt.date(2026, 12, 2)
NOON = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)  # 12:00 in Sydney


@pytest.fixture(autouse=True)
def _placed_on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Orders are placed (and numbered) on the day they are served, whatever today is; the
    clock each ``_served`` sets is put back after the test."""
    monkeypatch.setattr(models, "clock", lambda: NOON)


def _served(
    session: Session,
    world: World,
    *,
    quoted: float | None,
    ready: float | None,
    day: dt.date = DAY,
    truck=None,
    stage: Stage = Stage.DELIVERED,
    promised: float | None = None,
) -> Order:
    """An order placed at noon, quoted and Ready for Pickup so many minutes later."""
    models.clock = lambda: NOON + dt.timedelta(days=(day - DAY).days)
    order = place(session, world=world, truck=truck)
    assert order.service_date == day
    minutes = lambda m: order.placed_at + dt.timedelta(minutes=m) if m is not None else None  # noqa: E731
    order.quoted_ready_at = minutes(quoted)
    order.promised_at = minutes(promised)
    order.accepted_at = order.placed_at
    order.ready_at = minutes(ready)
    order.stage = stage
    session.flush()
    return order


def test_on_time_rate_average_and_90th_percentile_per_day_and_truck(session, world):
    beach = make_truck(session, business=world.business, name="Beach")
    # Day 1, main truck: ten orders quoted 15 min, ready after 10, 11, ... 19 minutes.
    for ready in range(10, 20):
        _served(session, world, quoted=15, ready=ready)
    # Day 1, beach: one late, one on time to the minute.
    _served(session, world, quoted=10, ready=12, truck=beach)
    _served(session, world, quoted=10, ready=10, truck=beach)
    # Day 2, main truck: ready, not yet collected, on time.
    _served(
        session,
        world,
        quoted=20,
        ready=8,
        day=DAY + dt.timedelta(days=1),
        stage=Stage.READY_FOR_PICKUP,
    )
    # Not counted: still cooking, cancelled after it was ready, outside the range.
    _served(session, world, quoted=15, ready=None, stage=Stage.IN_PROGRESS)
    _served(session, world, quoted=15, ready=5, stage=Stage.CANCELLED)
    _served(session, world, quoted=15, ready=5, day=DAY - dt.timedelta(days=1))

    report = on_time.on_time_report(
        session, actor=world.owner, start=DAY, end=DAY + dt.timedelta(days=1)
    )

    [main, beach_row, day_two] = report.rows
    assert (main.day, main.truck_name) == (DAY, world.truck.name)
    assert (main.figures.orders, main.figures.on_time, main.figures.rate_percent) == (10, 6, 60)
    assert main.figures.average_seconds == 14.5 * 60
    assert main.figures.p90_seconds == 18 * 60  # 9 of the 10 were ready within 18 minutes
    assert (beach_row.truck_name, beach_row.figures.on_time, beach_row.figures.orders) == (
        "Beach",
        1,
        2,
    )
    assert (day_two.day, day_two.figures.rate_percent) == (DAY + dt.timedelta(days=1), 100)
    assert (report.totals.orders, report.totals.on_time) == (13, 8)
    assert report.totals.p90_seconds == 18 * 60


def test_the_quote_is_the_promise_not_the_time_pushed_back(session, world):
    # Quoted 10 min, pushed back to 20 ("need more time"), ready after 15: late all the same.
    _served(session, world, quoted=10, promised=20, ready=15)
    # Placed before quotes were kept: the promise made at Accept counts.
    _served(session, world, quoted=None, promised=20, ready=15)
    # No promise at all: not counted.
    _served(session, world, quoted=None, promised=None, ready=15)

    report = on_time.on_time_report(session, actor=world.owner, start=DAY, end=DAY)

    assert (report.totals.orders, report.totals.on_time) == (2, 1)


def test_one_truck_only_for_the_owner_only(session, world):
    other = make_truck(session, business=world.business, name="Other")
    _served(session, world, quoted=10, ready=5)
    _served(session, world, quoted=10, ready=5, truck=other)

    report = on_time.on_time_report(
        session, actor=world.owner, start=DAY, end=DAY, truck_id=other.id
    )
    assert [r.truck_name for r in report.rows] == ["Other"]
    with pytest.raises(Forbidden):
        on_time.on_time_report(session, actor=world.manager, start=DAY, end=DAY)
    stranger = make_world(session, business_name="Stranger Co")
    with pytest.raises(NotFound):
        on_time.on_time_report(session, actor=stranger.owner, start=DAY, end=DAY, truck_id=other.id)


def test_the_report_page_rows_say_the_rate_and_times_in_words(session, world):
    for ready in (9, 12, 30):
        _served(session, world, quoted=10, ready=ready)

    view = on_time_view(on_time.on_time_report(session, actor=world.owner, start=DAY, end=DAY))

    [row] = view.rows
    assert (row.day, row.orders, row.rate, row.average, row.p90) == (
        "Wed 02 Dec",
        3,
        "33% (1 of 3)",
        "17 min 00 s",
        "30 min 00 s",
    )
    assert view.total[0].day == "Total"
    later = DAY + dt.timedelta(days=5)
    empty = on_time_view(on_time.on_time_report(session, actor=world.owner, start=later, end=later))
    assert (empty.rows, empty.total) == ([], [])
