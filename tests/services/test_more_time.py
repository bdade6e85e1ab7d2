""" "Need more time": 5 or 10 minutes on one order or every order In Progress, audited, the
customer told, the quote kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from cliqmenu.models import AuditEvent, Order, OutboxEmail, PushMessage, PushSubscription, Stage
from cliqmenu.services import lifecycle, more_time
from cliqmenu.services.errors import Conflict, DomainError, Forbidden, NotFound
from cliqmenu.services.lifecycle import AcceptChanges
from tests.factories import World, make_truck, make_world, place


def _accepted(session: Session, world: World, prep: int = 12, **request) -> Order:
    order = place(session, world=world, **request)
    return lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=prep)
    )


def test_the_kitchen_adds_five_minutes_the_timer_and_the_promise_move_the_quote_stays(
    session, world
):
    order = _accepted(session, world)
    promised, quoted = order.promised_at, order.quoted_ready_at

    moved = more_time.add_time(session, actor=world.kitchen, order_id=order.id, minutes=5)

    assert moved.prep_minutes == 17
    assert moved.promised_at == promised + dt.timedelta(minutes=5)
    assert moved.quoted_ready_at == quoted
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "order.more_time")).one()
    assert event.actor_label == "Kai (Kitchen Staff)"
    assert event.before == {"prep_minutes": 12, "promised_at": promised.isoformat()}
    assert event.after == {"prep_minutes": 17, "promised_at": moved.promised_at.isoformat()}
    assert event.reason == "+5 min"


def test_the_customer_is_emailed_and_pushed_the_new_time(session, world):
    order = _accepted(session, world, customer_email="sam@example.com")
    session.add(
        PushSubscription(
            business_id=world.business.id,
            order_id=order.id,
            endpoint_hash="h" * 64,
            endpoint="https://push.example.com/1",
            p256dh="k",
            auth="a",
        )
    )
    session.flush()

    more_time.add_time(session, actor=world.manager, order_id=order.id, minutes=10)

    email = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "order_delayed")).one()
    assert email.to == "sam@example.com"
    assert f"order #{order.number} is now ready around" in email.subject
    push = session.exec(select(PushMessage)).one()
    assert push.payload["title"] == f"Order #{order.number} needs a few more minutes"
    assert push.payload["body"].startswith("Now ready around ")


def test_grill_down_moves_every_order_in_progress_and_only_those(session, world):
    first, second = _accepted(session, world, prep=10), _accepted(session, world, prep=20)
    waiting = place(session, world=world)
    elsewhere = _accepted(
        session, world, prep=10, truck=make_truck(session, business=world.business)
    )

    moved = more_time.add_time_to_all(
        session, actor=world.manager, truck_id=world.truck.id, minutes=10
    )

    assert [o.id for o in moved] == [first.id, second.id]
    assert (first.prep_minutes, second.prep_minutes) == (20, 30)
    assert (waiting.prep_minutes, elsewhere.prep_minutes) == (None, 10)
    reasons = session.exec(
        select(AuditEvent.reason)
        .where(AuditEvent.action == "order.more_time")
        .order_by(col(AuditEvent.id))
    ).all()
    assert reasons == ["+10 min for every order In Progress"] * 2


def test_only_5_or_10_minutes_only_in_progress_only_up_to_180(session, world):
    order = _accepted(session, world, prep=175)
    with pytest.raises(DomainError, match="Add 5 or 10 minutes"):
        more_time.add_time(session, actor=world.manager, order_id=order.id, minutes=7)
    with pytest.raises(DomainError, match="past 180 minutes"):
        more_time.add_time(session, actor=world.manager, order_id=order.id, minutes=10)
    with pytest.raises(DomainError, match="past 180 minutes"):
        more_time.add_time_to_all(session, actor=world.manager, truck_id=world.truck.id, minutes=10)
    assert order.prep_minutes == 175
    waiting = place(session, world=world)
    with pytest.raises(Conflict, match="is Received"):
        more_time.add_time(session, actor=world.manager, order_id=waiting.id, minutes=5)


def test_nobody_moves_another_business_orders_and_a_truck_with_nothing_cooking_says_so(
    session, world
):
    other = make_world(session, business_name="Other Co")
    theirs = _accepted(session, other)
    with pytest.raises(NotFound):
        more_time.add_time(session, actor=world.manager, order_id=theirs.id, minutes=5)
    with pytest.raises(NotFound):
        more_time.add_time_to_all(session, actor=world.manager, truck_id=other.truck.id, minutes=5)
    with pytest.raises(DomainError, match="No order is In Progress"):
        more_time.add_time_to_all(session, actor=world.kitchen, truck_id=world.truck.id, minutes=5)
    assert theirs.stage == Stage.IN_PROGRESS
    with pytest.raises((Forbidden, DomainError)):
        more_time.add_time(session, actor=None, order_id=theirs.id, minutes=5)  # type: ignore[arg-type]
