"""Order history: search by number, name or email; filters; the audit trail; scoping."""

import pytest

from cliqmenu.models import Stage
from cliqmenu.services import history, lifecycle
from cliqmenu.services.errors import Forbidden, NotFound
from tests.factories import make_world, place


def test_search_by_number_name_or_email_newest_first(session, world):
    alice = place(
        session, world=world, customer_name="Alice Wong", customer_email="alice@example.com"
    )
    bob = place(session, world=world, customer_name="Bob Stone")

    def found(text):
        return [o.id for o in history.search_orders(session, actor=world.manager, text=text)]

    assert found("") == [bob.id, alice.id]
    assert found("alice@") == [alice.id]
    assert found("stone") == [bob.id]
    assert found(f"#{alice.number}") == [alice.id]


def test_filters_by_stage_and_day_and_keeps_cancelled_in_history(session, world):
    kept = place(session, world=world)
    gone = place(session, world=world)
    lifecycle.cancel(
        session,
        actor=world.manager,
        order_id=gone.id,
        expected=Stage.RECEIVED,
        reason="Customer left",
    )

    cancelled = history.search_orders(session, actor=world.manager, stage=Stage.CANCELLED)
    assert [o.id for o in cancelled] == [gone.id]
    today = history.search_orders(session, actor=world.manager, day=kept.service_date)
    assert {o.id for o in today} == {kept.id, gone.id}


def test_audit_trail_lists_each_change_once(session, world):
    order = place(session, world=world)
    lifecycle.cancel(
        session,
        actor=world.manager,
        order_id=order.id,
        expected=Stage.RECEIVED,
        reason="Out of buns",
    )

    trail = history.audit_trail(session, actor=world.manager, order_id=order.id)
    assert [e.action for e in trail] == ["order.placed", "order.cancelled"]
    assert trail[-1].reason == "Out of buns"
    assert trail[-1].before == {"stage": "received"} and trail[-1].after == {"stage": "cancelled"}


def test_history_is_scoped_to_the_business_and_refused_to_the_kitchen(session, world):
    order = place(session, world=world)
    stranger = make_world(session, business_name="Other Eats").manager

    assert history.search_orders(session, actor=stranger) == []
    with pytest.raises(NotFound):
        history.audit_trail(session, actor=stranger, order_id=order.id)
    with pytest.raises(Forbidden):
        history.search_orders(session, actor=world.kitchen)
