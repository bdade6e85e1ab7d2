"""The quoted ready time: a truck's pace learned from its history on a fake clock, the queue
ahead, the quote kept with the order, and the prep time the Accept panel starts on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import Session, select

from cliqmenu.api import build_api
from cliqmenu.models import Order, OrderSource, Stage
from cliqmenu.services import lifecycle, ready_time
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.orders import order_lines
from cliqmenu.views.tracker import tracker_view
from tests.factories import World, line, make_truck, place
from tests.state.conftest import app_engine  # noqa: F401  (the API reads the app's engine)

# Noon on a Wednesday in Sydney (AEDT, UTC+11): the fake clock.
NOW = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
SYDNEY = ZoneInfo("Australia/Sydney")


def _cooked(
    session: Session,
    world: World,
    *,
    items: int,
    minutes: float,
    days_ago: int = 1,
    truck=None,
) -> Order:
    """An order of ``items`` fries from an earlier service, cooked in ``minutes``."""
    order = place(session, world=world, truck=truck, lines=[line(world.menu.fries, quantity=items)])
    accepted = NOW - dt.timedelta(days=days_ago, hours=1)
    order.service_date = accepted.astimezone(SYDNEY).date()
    order.number += 1000 * days_ago + order.id  # keep (truck, day, number) unique
    order.stage = Stage.DELIVERED
    order.accepted_at = accepted
    order.cooking_done_at = accepted + dt.timedelta(minutes=minutes)
    session.flush()
    return order


def test_a_new_truck_quotes_its_default_prep_time_and_a_minute_per_further_item(session, world):
    pace = ready_time.learn_pace(session, world.truck, now=NOW)

    assert (pace.first_item_minutes, pace.extra_item_minutes, pace.samples) == (10.0, 1.0, 0)
    assert ready_time.quote(session, truck=world.truck, items=1, now=NOW).minutes == 10
    assert ready_time.quote(session, truck=world.truck, items=3, now=NOW).ready_at == (
        NOW + dt.timedelta(minutes=12)
    )


def test_pace_is_the_median_per_order_size_so_one_forgotten_order_does_not_move_it(session, world):
    for minutes in (4, 5, 6, 170):  # the 170: left on the display over lunch
        _cooked(session, world, items=1, minutes=minutes)
    for minutes in (7, 8, 9):
        _cooked(session, world, items=3, minutes=minutes)

    pace = ready_time.learn_pace(session, world.truck, now=NOW)

    assert pace.by_size == {1: 5.5, 3: 8}
    assert pace.first_item_minutes == 5.5
    assert pace.cook_minutes(1) == 5.5
    assert pace.cook_minutes(3) == 8
    # No two-item orders yet: one item plus the per-item minutes, (8 - 5.5) / 2 at the median.
    assert pace.extra_item_minutes == 1.25
    assert pace.cook_minutes(2) == 5.5 + 1.25
    assert ready_time.quote(session, truck=world.truck, items=2, now=NOW).minutes == 7


def test_only_recent_services_of_this_truck_count(session, world):
    other = make_truck(session, business=world.business, name="Other Truck")
    for _ in range(3):
        _cooked(session, world, items=1, minutes=30, days_ago=ready_time.HISTORY_DAYS + 2)
        _cooked(session, world, items=1, minutes=25, truck=other)
        _cooked(session, world, items=1, minutes=4, days_ago=2)

    assert ready_time.learn_pace(session, world.truck, now=NOW).by_size == {1: 4}
    assert ready_time.learn_pace(session, other, now=NOW).by_size == {1: 25}


def test_pace_follows_the_clock_samples_from_the_future_of_the_clock_do_not_count(session, world):
    for minutes in (4, 4, 4):
        _cooked(session, world, items=1, minutes=minutes, days_ago=1)
    earlier = NOW - dt.timedelta(days=3)

    assert ready_time.learn_pace(session, world.truck, now=earlier).samples == 0
    assert ready_time.learn_pace(session, world.truck, now=NOW).samples == 3
    a_month_on = NOW + dt.timedelta(days=30)
    assert ready_time.learn_pace(session, world.truck, now=a_month_on).first_item_minutes == 10


def test_the_queue_ahead_adds_the_per_item_minutes_of_every_item_not_yet_cooked(session, world):
    waiting = place(session, world=world, lines=[line(world.menu.fries, quantity=2)])
    cooking = place(session, world=world, lines=[line(world.menu.fries, quantity=3)])
    lifecycle.accept(
        session, actor=world.manager, order_id=cooking.id, changes=AcceptChanges(prep_minutes=9)
    )
    [fries] = order_lines(session, cooking.id)
    assert ready_time.items_ahead(session, world.truck) == 5
    lifecycle.tick_line(
        session, actor=world.kitchen, order_id=cooking.id, line_id=fries.id, done=True
    )
    assert ready_time.items_ahead(session, world.truck) == 2

    # 2 items ahead at 1 minute each, then 10 minutes for a one-item order.
    assert ready_time.quote(session, truck=world.truck, items=1, now=NOW).minutes == 12
    assert waiting.stage == Stage.RECEIVED


def test_a_quote_is_never_more_than_the_longest_prep_time(session, world):
    place(session, world=world, lines=[line(world.menu.fries, quantity=99)] * 3)

    assert ready_time.quote(session, truck=world.truck, items=1, now=NOW).minutes == 180


def test_placing_an_order_keeps_the_quote_the_customer_saw(session, world):
    place(session, world=world, lines=[line(world.menu.fries, quantity=4)])

    order = place(session, world=world, lines=[line(world.menu.fries, quantity=2)])

    # 4 items ahead + 10 min for the first item + 1 for the second.
    quoted = order.quoted_ready_at - order.placed_at
    assert dt.timedelta(minutes=15) <= quoted < dt.timedelta(minutes=15, seconds=1)
    assert order.promised_at is None


def test_a_walk_in_is_quoted_its_own_prep_time(session, world):
    order = place(
        session, world=world, source=OrderSource.WALK_IN, actor=world.manager, prep_minutes=7
    )

    assert order.quoted_ready_at == order.promised_at == order.placed_at + dt.timedelta(minutes=7)


def test_accept_starts_on_the_minutes_left_to_the_quote_else_a_fresh_one(session, world):
    order = place(session, world=world, lines=[line(world.menu.fries, quantity=2)])
    order.quoted_ready_at = NOW + dt.timedelta(minutes=13, seconds=20)

    assert ready_time.prep_for_accept(session, order, now=NOW) == 14

    # The quote has passed (the order waited): the order's own 11 minutes, queue of accepted
    # orders only (this Received one is not ahead of itself).
    order.quoted_ready_at = NOW - dt.timedelta(minutes=1)
    place(session, world=world, lines=[line(world.menu.fries, quantity=5)])  # Received: not ahead
    assert ready_time.prep_for_accept(session, order, now=NOW) == 11


def test_times_are_written_in_the_business_locale_and_the_truck_zone():
    at = dt.datetime(2026, 12, 2, 1, 40, tzinfo=dt.UTC)

    # CLDR's narrow no-break space keeps "pm" with its time on a narrow screen.
    assert ready_time.clock_label(at, SYDNEY, "AU") == "12:40\u202fpm"
    assert ready_time.clock_label(at, ZoneInfo("Pacific/Auckland"), "NZ") == "2:40\u202fpm"


def test_the_tracking_page_shows_the_quote_until_accept_then_the_promise(session, world):
    order = place(session, world=world)
    order.quoted_ready_at = dt.datetime(2026, 12, 2, 1, 40, tzinfo=dt.UTC)
    session.flush()

    waiting = tracker_view(session, order.public_id).expected_ready
    assert waiting == (
        "Waiting for the crew to accept your order · quoted ready around 12:40\u202fpm"
    )

    accepted = lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=9)
    )
    clock = ready_time.truck_clock(session, world.truck)
    assert tracker_view(session, order.public_id).expected_ready == (
        f"Ready around {clock(accepted.promised_at)}"
    )


async def test_the_order_api_answers_with_the_ready_time_quoted_for_the_order(
    app_engine,  # noqa: F811
    session: Session,
    world: World,
):
    """The answer carries the quote kept with the order (UTC, like ``pickup_at``), and a retry
    of the same order gets the same quote back."""
    place(session, world=world, lines=[line(world.menu.fries, quantity=4)])
    session.commit()
    body = {
        "lines": [{"item_id": world.menu.fries.id, "quantity": 2}],
        "customer_name": "Sam",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": "quoted-order-1",
    }
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        url = f"/api/trucks/{world.truck.slug}/orders"
        placed = await client.post(url, json=body)
        again = await client.post(url, json=body)

    assert placed.status_code == 201, placed.text
    order = session.exec(select(Order).where(Order.idempotency_key == "quoted-order-1")).one()
    assert order.quoted_ready_at is not None
    quoted = order.quoted_ready_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert placed.json()["quoted_ready_at"] == quoted
    assert (again.status_code, again.json()["quoted_ready_at"]) == (200, quoted)
    # 4 items ahead + 10 min for the first item + 1 for the second.
    waited = order.quoted_ready_at - order.placed_at
    assert dt.timedelta(minutes=15) <= waited < dt.timedelta(minutes=15, seconds=1)
