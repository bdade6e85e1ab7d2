"""Pacing: a truck's limit of orders / items per 15-minute slot, the next free slot, pre-orders
for later today and their release to the kitchen, on a controllable clock."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session, func, select

from cliqmenu.api import build_api
from cliqmenu.models import AuditEvent, Order, OrderSource, PaymentMethod, Stage, Truck
from cliqmenu.services import lifecycle, orders, slots
from cliqmenu.services.errors import DomainError
from cliqmenu.services.slots import SlotFull
from tests.factories import World, line, order_request, place
from tests.state.conftest import app_engine  # noqa: F401  (the API reads the app's engine)

SYDNEY = ZoneInfo("Australia/Sydney")
# 12:05 at the truck (Sydney): the current slot is 12:00-12:15.
NOON = dt.datetime(2026, 12, 2, 12, 5, tzinfo=SYDNEY).astimezone(dt.UTC)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 2, hour, minute, tzinfo=SYDNEY).astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """The ordering clock: ``clock.now`` is what place_order reads as now."""

    class Clock:
        now = NOON

    monkeypatch.setattr(orders, "utcnow", lambda: Clock.now)
    return Clock


def _pace(session: Session, world: World, *, orders_per_slot=None, items_per_slot=None) -> Truck:
    world.business.stripe_secret_key = "sk_test_pacing"
    world.truck.accepts_online = True
    world.truck.slot_order_limit = orders_per_slot
    world.truck.slot_item_limit = items_per_slot
    session.commit()
    return world.truck


def _online(session: Session, world: World, **request) -> Order:
    return place(session, world=world, payment_method=PaymentMethod.ONLINE, **request)


def test_pacing_is_off_by_default(session, world, clock):
    _pace(session, world)
    for _ in range(12):
        _online(session, world)
    session.commit()
    assert slots.current_load(session, world.truck, now=NOON).orders == 12


def test_a_full_slot_refuses_online_orders_and_offers_the_next_free_slot(session, world, clock):
    truck = _pace(session, world, orders_per_slot=2)
    _online(session, world)
    place(session, world=world)  # Cash at Counter counts too
    session.commit()

    with pytest.raises(SlotFull) as refused:
        _online(session, world)
    session.rollback()

    assert refused.value.status_code == 409
    assert refused.value.next_free == at(12, 15)
    assert str(refused.value) == (
        "Taco Truck is not taking online orders right now: the kitchen is full. "
        "The next free time is 12:15: you can order for then."
    )
    load = slots.current_load(session, truck, now=NOON)
    assert (load.orders, load.full, load.words) == (2, True, "Slot 12:00: 2 of 2 orders")


def test_pay_at_counter_and_walk_ins_are_never_refused(session, world, clock):
    _pace(session, world, orders_per_slot=1)
    place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    place(session, world=world, payment_method=PaymentMethod.CARD_AT_COUNTER)
    place(session, world=world, source=OrderSource.WALK_IN, actor=world.manager)
    session.commit()
    assert slots.current_load(session, world.truck, now=NOON).words == "Slot 12:00: 3 of 1 orders"


def test_the_item_limit_lets_a_small_order_in_when_a_big_one_does_not_fit(session, world, clock):
    _pace(session, world, items_per_slot=5)
    _online(session, world, lines=[line(world.menu.fries, quantity=3)])
    session.commit()

    with pytest.raises(SlotFull):
        _online(session, world, lines=[line(world.menu.fries, quantity=3)])
    session.rollback()
    _online(session, world, lines=[line(world.menu.fries, quantity=2)])
    session.commit()
    assert slots.current_load(session, world.truck, now=NOON).words == "Slot 12:00: 5 of 5 items"


def test_closed_orders_give_their_place_back(session, world, clock):
    _pace(session, world, orders_per_slot=1)
    first = place(session, world=world)
    session.commit()
    lifecycle.reject(session, actor=world.manager, order_id=first.id, reason="Out of buns")
    session.commit()
    _online(session, world)  # the rejected order no longer counts
    session.commit()


def test_a_pre_order_takes_a_later_slot_and_a_full_one_is_refused(session, world, clock):
    _pace(session, world, orders_per_slot=1)
    first = _online(session, world, pickup_at=at(12, 30))
    session.commit()
    assert (first.pickup_at, first.release_at) == (at(12, 30), at(12, 20))
    assert first.stage == Stage.AWAITING_PAYMENT

    # A pre-order asks for a place even when paid at the counter.
    with pytest.raises(SlotFull) as refused:
        place(session, world=world, pickup_at=at(12, 30))
    session.rollback()
    assert refused.value.next_free == at(12, 15)
    assert str(refused.value).startswith("The 12:30 pickup at Taco Truck is fully booked.")

    choices = slots.pickup_choices(session, world.truck, now=NOON)
    assert [c.label for c in choices[:3]] == ["12:15", "12:30", "12:45"]
    assert [c.open for c in choices[:3]] == [True, False, True]
    assert choices[-1].label == "23:45"  # later today only


@pytest.mark.parametrize(
    "pickup",
    [at(12, 0), at(12, 20), at(11, 45), dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)],
    ids=["current slot", "not on the quarter", "past", "tomorrow"],
)
def test_a_pickup_time_must_be_a_quarter_hour_later_today(session, world, clock, pickup):
    with pytest.raises(DomainError, match="Choose a pickup time later today on the quarter hour"):
        place(session, world=world, pickup_at=pickup)


def test_a_pre_order_waits_in_received_and_goes_to_the_kitchen_once_at_its_time(
    session, world, clock
):
    order = place(session, world=world, pickup_at=at(12, 30))
    session.commit()
    assert (order.stage, order.accepted_at, order.release_at) == (
        Stage.RECEIVED,
        None,
        at(12, 20),
    )

    assert slots.release_due(session, now=at(12, 19)) == []
    assert not slots.has_due_releases(session, now=at(12, 19))
    assert slots.has_due_releases(session, now=at(12, 20))
    [released] = slots.release_due(session, now=at(12, 20))
    session.commit()
    assert released.order_id == order.id

    session.refresh(order)
    assert (order.stage, order.accepted_at, order.released_at, order.prep_minutes) == (
        Stage.IN_PROGRESS,
        at(12, 20),
        at(12, 20),
        10,
    )
    assert order.promised_at == at(12, 30)
    assert slots.release_due(session, now=at(12, 25)) == []
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "order.released")).all()
    assert [(e.order_id, e.actor_label) for e in events] == [(order.id, "Scheduled release")]


def test_a_phone_order_for_later_keeps_the_managers_prep_time(session, world, clock):
    order = place(
        session,
        world=world,
        source=OrderSource.WALK_IN,
        actor=world.manager,
        prep_minutes=20,
        pickup_at=at(13, 0),
    )
    session.commit()
    assert (order.stage, order.release_at, order.prep_minutes) == (
        Stage.RECEIVED,
        at(12, 40),
        20,
    )
    slots.release_due(session, now=at(12, 40))
    session.commit()
    session.refresh(order)
    assert (order.stage, order.promised_at) == (Stage.IN_PROGRESS, at(13, 0))


def test_a_pre_order_accepted_early_is_not_released_again(session, world, clock):
    order = place(session, world=world, pickup_at=at(12, 30))
    session.commit()
    lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10),
    )
    session.commit()
    assert slots.release_due(session, now=at(12, 30)) == []


def test_a_retry_with_the_same_key_and_pickup_is_the_same_order(session, world, clock):
    request = order_request(lines=[line(world.menu.fries)], pickup_at=at(12, 45))
    first, created = orders.place_order(
        session, truck=world.truck, request=request, source=OrderSource.CUSTOMER
    )
    session.commit()
    again, created_again = orders.place_order(
        session, truck=world.truck, request=request, source=OrderSource.CUSTOMER
    )
    assert (created, created_again, again.id) == (True, False, first.id)
    request.pickup_at = at(13, 0)
    with pytest.raises(orders.IdempotencyKeyReused):
        orders.place_order(session, truck=world.truck, request=request, source=OrderSource.API)


# -- Concurrency: separate connections, all at once ------------------------------------------


def _run_all(target, count: int) -> None:
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_concurrent_checkouts_never_overfill_a_slot(engine, session, world, clock):
    truck_id = _pace(session, world, orders_per_slot=3).id
    fries_id = world.menu.fries.id
    session.close()

    customers = 8
    start = threading.Barrier(customers)
    outcomes: dict[int, object] = {}

    def checkout(n: int) -> None:
        with Session(engine, expire_on_commit=False) as request:
            start.wait(timeout=10)
            try:
                orders.place_order(
                    request,
                    truck=request.get(Truck, truck_id),
                    request=order_request(
                        lines=[orders.LineRequest(item_id=fries_id)],
                        payment_method=PaymentMethod.ONLINE,
                    ),
                    source=OrderSource.CUSTOMER,
                )
                request.commit()
                outcomes[n] = "placed"
            except Exception as error:  # reported below, whatever it is
                request.rollback()
                outcomes[n] = error

    _run_all(checkout, customers)

    placed = [n for n, outcome in outcomes.items() if outcome == "placed"]
    refused = [outcome for outcome in outcomes.values() if outcome != "placed"]
    assert len(placed) == 3, outcomes
    assert all(isinstance(error, SlotFull) for error in refused), outcomes
    with Session(engine) as check:
        assert check.exec(select(func.count()).select_from(Order)).one() == 3


def test_two_releasers_racing_release_each_pre_order_exactly_once(engine, session, world, clock):
    ids = [place(session, world=world, pickup_at=at(12, 30)).id for _ in range(6)]
    session.commit()
    session.close()

    start = threading.Barrier(2)
    released: dict[int, list[int]] = {}

    def releaser(n: int) -> None:
        with Session(engine, expire_on_commit=False) as job:
            start.wait(timeout=10)
            released[n] = [r.order_id for r in slots.release_due(job, now=at(12, 21))]
            job.commit()

    _run_all(releaser, 2)

    assert sorted(released[0] + released[1]) == sorted(ids), released
    with Session(engine) as check:
        events = check.exec(
            select(AuditEvent.order_id).where(AuditEvent.action == "order.released")
        ).all()
        assert sorted(events) == sorted(ids)
        stages = check.exec(select(Order.stage)).all()
        assert set(stages) == {Stage.IN_PROGRESS}


# -- The order API follows the same rule --------------------------------------------------------


def midday_zone() -> str:
    """A time zone where it is about noon now, so "later today" has slots whenever this runs."""
    offset = (12 - dt.datetime.now(dt.UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def test_the_order_api_refuses_a_full_slot_with_409_and_the_next_free_time(
    app_engine,  # noqa: F811
    session: Session,
    world: World,
):
    world.truck.timezone = midday_zone()
    world.truck.slot_order_limit = 1
    session.commit()
    wanted = slots.slot_start(dt.datetime.now(dt.UTC)) + 2 * slots.SLOT
    body = {
        "lines": [{"item_id": world.menu.fries.id}],
        "customer_name": "Sam",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "pickup_at": wanted.isoformat(),
    }
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        url = f"/api/trucks/{world.truck.slug}/orders"
        first = await client.post(url, json={**body, "idempotency_key": "pre-order-1"})
        second = await client.post(url, json={**body, "idempotency_key": "pre-order-2"})
        now = await client.post(
            url, json={**body, "pickup_at": None, "idempotency_key": "order-now-1"}
        )

    assert first.status_code == 201, first.text
    assert first.json()["pickup_at"] == wanted.isoformat().replace("+00:00", "Z")
    assert second.status_code == 409
    label = wanted.astimezone(ZoneInfo(world.truck.timezone)).strftime("%H:%M")
    free = wanted - slots.SLOT
    assert second.json() == {
        "error": f"The {label} pickup at Taco Truck is fully booked. The next free time is "
        f"{free.astimezone(ZoneInfo(world.truck.timezone)):%H:%M}: you can order for then.",
        "next_free_slot": free.isoformat().replace("+00:00", "Z"),
    }
    assert now.status_code == 201, now.text  # paid at the counter, for now: never refused
