"""Reminders: an order left unaccepted in Received past its truck's threshold rings the truck's
Order Managers again, every threshold, until someone acts; one sender however many workers run.

The clock is the test's: ``send_reminders(now=...)`` and ``deliver_due(now=...)`` take it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu import cli, reminders
from cliqmenu.models import Order, PushMessage, Stage, utcnow
from cliqmenu.services import lifecycle, notifications, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.trucks import TruckFields
from tests import factories
from tests.push_service import PushService
from tests.services.test_push_delivery import deliver, turn_on

MINUTE = dt.timedelta(minutes=1)
SOON = dt.timedelta(seconds=5)  # the test's own run time between placing and the clock


def remind(engine: Engine, at: dt.datetime) -> int:
    """One reminder round at ``at``, in its own unit of work (as the job runs it)."""
    with Session(engine) as session:
        reminded = notifications.send_reminders(session, now=at)
        session.commit()
    return reminded


def titles(push: PushService, browser) -> list[str]:
    return [browser.read(arrival)["title"] for arrival in push.to(browser)]


def test_an_order_left_waiting_rings_again_every_threshold_until_it_is_accepted(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    kitchen = push.browser("kai")
    start = utcnow()
    order = factories.place(session, world=world, customer_name="Sam")
    session.commit()
    deliver(engine, at=start + SOON)
    assert titles(push, phone) == ["New order · Taco Truck"]

    assert remind(engine, start + 2 * MINUTE) == 0  # the default threshold is 3 minutes
    assert remind(engine, start + 3 * MINUTE + SOON) == 1
    assert remind(engine, start + 3 * MINUTE + SOON) == 0  # once per threshold
    deliver(engine, at=start + 3 * MINUTE + SOON)
    reminder = phone.read(push.to(phone)[-1])
    assert reminder["title"] == "Still waiting · Taco Truck"
    assert reminder["body"] == "#1 Sam · Takeaway · $12.00 is not accepted yet."
    assert reminder["kind"] == "reminder" and reminder["url"] == f"/manage?order={order.id}"
    # It replaces the new order's notification on the device, rings as loud, counts the wait.
    assert reminder["tag"] == f"received-{world.truck.id}" and reminder["badge"] == 1
    assert reminder["vibrate"] == [400, 150, 400, 150, 400]
    assert push.to(phone)[-1].headers["urgency"] == "high"
    assert push.to(phone)[-1].headers["ttl"] == "180"

    assert remind(engine, start + 5 * MINUTE) == 0
    assert remind(engine, start + 6 * MINUTE + 2 * SOON) == 1  # and again
    deliver(engine, at=start + 6 * MINUTE + 2 * SOON)
    assert len(push.to(phone)) == 3

    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    for minutes in (9, 12, 30):
        assert remind(engine, start + minutes * MINUTE) == 0
    assert deliver(engine, at=start + 30 * MINUTE).handled == 0
    assert push.to(kitchen) == []


@pytest.mark.parametrize("act", ["reject", "cancel"])
def test_a_reminder_not_yet_sent_is_withdrawn_when_the_order_leaves_received(
    session: Session, engine: Engine, world: factories.World, push: PushService, act: str
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    start = utcnow()
    order = factories.place(session, world=world)
    session.commit()
    deliver(engine, at=start + SOON)
    assert remind(engine, start + 3 * MINUTE + SOON) == 1  # stored, not sent yet
    if act == "reject":
        lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Out of buns")
    else:
        lifecycle.cancel(
            session,
            actor=world.manager,
            order_id=order.id,
            expected=Stage.RECEIVED,
            reason="Customer left",
        )
    session.commit()
    assert deliver(engine, at=start + 4 * MINUTE).handled == 0
    assert titles(push, phone) == ["New order · Taco Truck"]


def test_several_orders_waiting_make_one_reminder_with_the_count(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    start = utcnow()
    first = factories.place(session, world=world, customer_name="Sam")
    factories.place(session, world=world, customer_name="Ana")
    session.commit()
    deliver(engine, at=start + SOON)
    assert remind(engine, start + 3 * MINUTE + SOON) == 2
    deliver(engine, at=start + 3 * MINUTE + SOON)
    reminder = phone.read(push.to(phone)[-1])
    assert reminder["title"] == "2 orders waiting · Taco Truck"
    assert reminder["body"] == "Not accepted yet: #1 Sam, #2 Ana."
    assert reminder["url"] == "/manage" and reminder["badge"] == 2

    # One of them accepted before the next reminder went out: it is about the other only.
    assert remind(engine, start + 6 * MINUTE + 2 * SOON) == 2
    lifecycle.accept(
        session, actor=world.manager, order_id=first.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    deliver(engine, at=start + 7 * MINUTE)
    assert len(push.to(phone)) == 3
    reminder = phone.read(push.to(phone)[-1])
    assert reminder["title"] == "Still waiting · Taco Truck"
    assert reminder["body"] == "#2 Ana · Takeaway · $12.00 is not accepted yet."
    assert reminder["badge"] == 1


def test_an_undone_accept_waits_again_and_is_reminded(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    order = factories.place(session, world=world)
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    start = utcnow()
    lifecycle.step_back(session, actor=world.manager, order_id=order.id, expected=Stage.IN_PROGRESS)
    session.commit()
    assert remind(engine, start + 2 * MINUTE) == 0
    assert remind(engine, start + 3 * MINUTE + SOON) == 1


def test_the_owner_sets_the_threshold_per_truck_or_turns_reminders_off(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    start = utcnow()
    factories.place(session, world=world)
    session.commit()
    fields = TruckFields(name=world.truck.name, slug=world.truck.slug, reminder_minutes=10)
    trucks.update_truck(session, actor=world.owner, truck_id=world.truck.id, fields=fields)
    session.commit()
    # The waiting order follows the new threshold.
    assert remind(engine, start + 5 * MINUTE) == 0
    assert remind(engine, start + 10 * MINUTE + SOON) == 1

    off = TruckFields(name=world.truck.name, slug=world.truck.slug, reminder_minutes=0)
    trucks.update_truck(session, actor=world.owner, truck_id=world.truck.id, fields=off)
    factories.place(session, world=world)
    session.commit()
    assert remind(engine, start + 3 * 60 * MINUTE) == 0


@pytest.mark.parametrize("value", ["61", "-1", "three", "2.5"])
def test_a_threshold_out_of_range_is_refused_with_a_clear_message(
    session: Session, world: factories.World, value: str
):
    fields = TruckFields(name="Taco Truck", slug=world.truck.slug, reminder_minutes=value)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        trucks.update_truck(session, actor=world.owner, truck_id=world.truck.id, fields=fields)
    assert str(refused.value) in (
        "The reminder must be 1 to 60 minutes, or 0 to turn reminders off.",
        "The reminder must be a whole number.",
    )
    session.rollback()
    assert session.get(type(world.truck), world.truck.id).reminder_minutes == 3


def test_several_workers_send_each_reminder_once(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phones = [push.browser(f"phone-{n}") for n in range(3)]
    for phone in phones:
        turn_on(session, world.manager, phone)
    start = utcnow()
    for _ in range(4):
        factories.place(session, world=world)
    session.commit()
    deliver(engine, at=start + SOON)
    at = start + 3 * MINUTE + SOON
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(remind(engine, at))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == [0, 0, 0, 4]
    with Session(engine) as fresh:
        stored = fresh.exec(select(PushMessage).where(PushMessage.kind == "reminder")).all()
    assert len(stored) == 3  # one per device
    deliver(engine, at=at)
    assert [len(push.to(phone)) for phone in phones] == [2, 2, 2]


def test_the_app_job_and_the_command_send_due_reminders(
    session: Session,
    engine: Engine,
    world: factories.World,
    push: PushService,
    app_database: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    order = factories.place(session, world=world)
    session.commit()
    assert reminders.reminder_round() == 0
    session.get(Order, order.id).remind_at = utcnow() - SOON  # three minutes went by
    session.commit()
    assert reminders.reminder_round() == 1
    assert reminders.reminder_round() == 0
    deliver(engine)

    session.get(Order, order.id).remind_at = utcnow() - SOON
    session.commit()
    # The test's database is made from the models, not by migrations.
    monkeypatch.setattr(cli, "require_migrated", lambda: None)
    assert cli.main(["send-reminders"]) == 0
    assert "Reminded the Order Managers of 1 order(s)" in capsys.readouterr().out
    deliver(engine)
    assert titles(push, phone) == ["New order · Taco Truck"] + ["Still waiting · Taco Truck"] * 2


def test_the_reminder_job_can_be_turned_off(configure) -> None:
    configure(reminder_poll_seconds=0)
    assert asyncio.run(asyncio.wait_for(reminders.reminder_worker(), timeout=30)) is None
