"""Marking Online orders paid, exactly once, and expiring the unpaid ones (no Stripe needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from cliqmenu.models import PaymentMethod, PaymentStatus, Stage, utcnow
from cliqmenu.payments import is_configured
from cliqmenu.services import orders, payments
from cliqmenu.services.errors import DomainError, Forbidden
from tests import factories
from tests.payments.support import (
    actions,
    emails,
    fresh,
    online_order,
    paid_checkout,
    payments_of,
)


@pytest.fixture(autouse=True)
def _stripe_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    monkeypatch.setenv("CLIQMENU_STRIPE_WEBHOOK_SECRET", "whsec_unit")
    monkeypatch.delenv("CLIQMENU_STRIPE_API_BASE", raising=False)


def test_online_is_offered_only_when_the_truck_enables_it_and_stripe_is_configured(
    session: Session, world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.truck.accepts_online = True
    assert PaymentMethod.ONLINE in orders.accepted_methods(world.truck, world.business)

    monkeypatch.delenv("CLIQMENU_STRIPE_SECRET_KEY")
    assert not is_configured(world.business)
    assert PaymentMethod.ONLINE not in orders.accepted_methods(world.truck, world.business)

    world.business.stripe_secret_key = "sk_test_business"
    assert PaymentMethod.ONLINE in orders.accepted_methods(world.truck, world.business)
    world.truck.accepts_online = False
    assert PaymentMethod.ONLINE not in orders.accepted_methods(world.truck, world.business)


def test_an_online_order_waits_unseen_until_paid_then_arrives_in_received_once(
    session: Session, world: factories.World
) -> None:
    order = online_order(session, world, customer_email="sam@example.com")
    assert order.stage == Stage.AWAITING_PAYMENT
    assert emails(session, "order_confirmation") == 0
    checkout = paid_checkout(order)

    paid, changed = payments.mark_paid(
        session, checkout=checkout, business_id=None, via="webhook", event_id="evt_1"
    )
    session.commit()
    again, changed_again = payments.mark_paid(
        session, checkout=checkout, business_id=None, via="webhook", event_id="evt_1"
    )
    session.commit()

    assert changed and not changed_again
    order = fresh(session, order)
    assert order.stage == Stage.RECEIVED
    assert order.payment_status == PaymentStatus.PAID
    assert order.stripe_checkout_session_id == checkout.id
    assert payments_of(session, order.id) == 1
    assert emails(session, "order_confirmation") == 1
    assert actions(session, order.id).count("payment.confirmed") == 1


def test_an_unpaid_session_changes_nothing(session: Session, world: factories.World) -> None:
    order = online_order(session, world)
    checkout = paid_checkout(order)
    unpaid = checkout.__class__(**{**checkout.__dict__, "payment_status": "unpaid"})

    assert payments.mark_paid(session, checkout=unpaid, business_id=None, via="webhook") == (
        None,
        False,
    )
    assert fresh(session, order).stage == Stage.AWAITING_PAYMENT


def test_an_event_signed_for_another_business_cannot_mark_this_order_paid(
    session: Session, world: factories.World
) -> None:
    order = online_order(session, world)
    other = factories.make_business(session, name="Other Foods")
    session.commit()

    _, changed = payments.mark_paid(
        session, checkout=paid_checkout(order), business_id=other.id, via="webhook"
    )

    assert not changed
    assert fresh(session, order).payment_status == PaymentStatus.UNPAID


def test_a_second_payment_for_one_order_is_flagged_for_a_refund(
    session: Session, world: factories.World
) -> None:
    order = online_order(session, world)
    payments.mark_paid(session, checkout=paid_checkout(order), business_id=None, via="webhook")
    session.commit()

    _, changed = payments.mark_paid(
        session, checkout=paid_checkout(order), business_id=None, via="webhook"
    )
    session.commit()

    assert changed
    order = fresh(session, order)
    assert order.refund_needed
    assert payments_of(session, order.id) == 1
    assert "payment.duplicate" in actions(session, order.id)


def test_stale_unpaid_orders_expire_and_a_late_payment_still_brings_the_order_in(
    session: Session, world: factories.World
) -> None:
    order = online_order(session, world)
    fresh_one = online_order(session, world)

    assert len(payments.expire_stale_orders(session, now=utcnow() + dt.timedelta(minutes=61))) == 2
    session.commit()
    assert fresh(session, order).stage == Stage.EXPIRED
    assert payments.expire_stale_orders(session, now=utcnow() + dt.timedelta(minutes=61)) == []
    assert fresh_one.id

    _, changed = payments.mark_paid(
        session, checkout=paid_checkout(order), business_id=None, via="webhook"
    )
    session.commit()
    assert changed
    assert fresh(session, order).stage == Stage.RECEIVED


def test_orders_younger_than_an_hour_do_not_expire(
    session: Session, world: factories.World
) -> None:
    order = online_order(session, world)
    assert payments.expire_stale_orders(session) == []
    assert fresh(session, order).stage == Stage.AWAITING_PAYMENT


def test_counter_payment_is_recorded_by_a_manager_only(
    session: Session, world: factories.World
) -> None:
    order = factories.place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    session.commit()
    with pytest.raises(Forbidden):
        payments.record_counter_payment(session, actor=world.kitchen, order_id=order.id)

    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    assert fresh(session, order).payment_status == PaymentStatus.PAID
    with pytest.raises(DomainError, match="already paid"):
        payments.record_counter_payment(session, actor=world.manager, order_id=order.id)


def test_an_online_order_cannot_be_marked_paid_at_the_counter(
    session: Session, world: factories.World
) -> None:
    order = online_order(session, world)
    with pytest.raises(DomainError, match="Stripe"):
        payments.record_counter_payment(session, actor=world.manager, order_id=order.id)


def test_checkout_is_refused_for_counter_and_expired_orders(
    session: Session, world: factories.World
) -> None:
    counter = factories.place(session, world=world)
    with pytest.raises(DomainError, match="counter"):
        payments.start_checkout(session, order=counter, success_url="s", cancel_url="c")
    order = online_order(session, world)
    payments.expire_stale_orders(session, now=utcnow() + dt.timedelta(hours=2))
    session.commit()
    with pytest.raises(DomainError, match="not paid in time"):
        payments.start_checkout(
            session, order=fresh(session, order), success_url="s", cancel_url="c"
        )
