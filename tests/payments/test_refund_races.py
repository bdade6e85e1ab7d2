"""One refund per intent across devices (issue 17, item 4), and a paid Online order's discount
refunded through Stripe at Accept (item 3): real threads with their own sessions, on the test's
database (SQLite or PostgreSQL), Stripe through the real library against localstripe."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import DiscountKind, PaymentMethod, RefundStatus, Stage
from cliqmenu.services import lifecycle, payments, refunds
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.refunds import AMOUNT, RefundRaced, RefundRequest
from tests import factories
from tests.payments.conftest import LocalStripe, Webhooks, wait_for
from tests.payments.support import fresh, intent_of, online_order, refund_rows
from tests.payments.test_stripe_flow import checkout


@pytest.fixture
def stripe_world(session: Session, world: factories.World, webhooks: Webhooks) -> factories.World:
    return world


def _paid_online(session: Session, world, localstripe: LocalStripe, webhooks: Webhooks):
    order = online_order(session, world)
    localstripe.pay(checkout(session, order)).raise_for_status()
    wait_for(lambda: webhooks.of("checkout.session.completed"), what="the paid webhook")
    return fresh(session, order)


def _paid_cash(session: Session, world: factories.World):
    order = factories.place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    session.commit()
    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    return fresh(session, order)


def _press_refund_at_once(world: factories.World, order, amount_cents: int) -> dict[str, object]:
    """The manager and the owner press "Refund $2.00" at the same moment on two phones: each
    panel made its own request id and saw nothing refunded yet."""
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def press(who, request_id: str) -> None:
        start.wait(timeout=10)
        try:
            outcomes[who.name] = refunds.run_refund(
                sessions=session_scope,
                actor=who,
                order_id=order.id,
                request=RefundRequest(
                    request_id=request_id,
                    kind=AMOUNT,
                    amount_cents=amount_cents,
                    seen_refunded_cents=0,
                ),
            )
        except Exception as error:  # noqa: BLE001 (asserted below, whatever it is)
            outcomes[who.name] = error

    threads = [
        threading.Thread(target=press, args=(world.manager, "phone-one-refund")),
        threading.Thread(target=press, args=(world.owner, "phone-two-refund")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _one_refunded_one_stopped(outcomes: dict[str, object], left: str) -> None:
    stopped = {k: v for k, v in outcomes.items() if isinstance(v, Exception)}
    done = {k: v for k, v in outcomes.items() if not isinstance(v, Exception)}
    assert len(done) == 1 and len(stopped) == 1, outcomes
    [winner] = done
    [error] = stopped.values()
    assert isinstance(error, RefundRaced), outcomes
    first_name = winner.split()[0]
    assert f"$2.00 refunded by {first_name} at " in str(error)
    assert f", {left} left. Nothing was refunded now: check the amount and confirm again." in str(
        error
    )


def test_two_phones_refunding_a_counter_order_at_once_refund_once(
    session: Session, world: factories.World, app_engine
) -> None:
    order = _paid_cash(session, world)
    session.close()

    outcomes = _press_refund_at_once(world, order, 200)

    _one_refunded_one_stopped(outcomes, left="$10.00")
    rows = refund_rows(session, order.id)
    assert [(r.amount_cents, r.status) for r in rows] == [(200, RefundStatus.SUCCEEDED)]


def test_two_phones_refunding_an_online_order_at_once_refund_once_at_stripe(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = _paid_online(session, stripe_world, localstripe, webhooks)
    session.close()

    outcomes = _press_refund_at_once(stripe_world, order, 200)

    _one_refunded_one_stopped(outcomes, left="$27.87")
    assert [r["amount"] for r in localstripe.refunds(intent_of(session, order.id))] == [200]
    assert len(refund_rows(session, order.id)) == 1


def test_a_fresh_confirm_after_seeing_the_other_refund_goes_through(
    session: Session, world: factories.World, app_engine
) -> None:
    order = _paid_cash(session, world)
    refunds.run_refund(
        sessions=session_scope,
        actor=world.owner,
        order_id=order.id,
        request=RefundRequest(
            "first-phone-01", kind=AMOUNT, amount_cents=200, seen_refunded_cents=0
        ),
    )
    with pytest.raises(RefundRaced):
        refunds.run_refund(
            sessions=session_scope,
            actor=world.manager,
            order_id=order.id,
            request=RefundRequest(
                "second-phone-1", kind=AMOUNT, amount_cents=200, seen_refunded_cents=0
            ),
        )

    again = refunds.run_refund(
        sessions=session_scope,
        actor=world.manager,
        order_id=order.id,
        request=RefundRequest(
            "second-phone-2", kind=AMOUNT, amount_cents=200, seen_refunded_cents=200
        ),
    )

    assert again.status == RefundStatus.SUCCEEDED
    assert [r.amount_cents for r in refund_rows(session, order.id)] == [200, 200]


def test_a_paid_online_orders_discount_is_refunded_through_stripe_at_accept(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = _paid_online(session, stripe_world, localstripe, webhooks)
    assert order.total_cents == 2987  # $29.00 + 3% online surcharge
    changes = AcceptChanges(prep_minutes=10, discount_kind=DiscountKind.AMOUNT, discount_value=900)
    # $20.00 + 3% = $20.60: $9.27 is due back to the customer.
    request = RefundRequest("accept-discount-1", kind=AMOUNT, amount_cents=927)

    def accept_with_refund():
        return refunds.run_refund(
            sessions=session_scope,
            actor=stripe_world.manager,
            order_id=order.id,
            request=request,
            before=lambda s, m: lifecycle.accept(
                s, actor=m, order_id=order.id, changes=changes, refund=request
            ),
        )

    done = accept_with_refund()
    with pytest.raises(Exception, match="already In Progress"):
        accept_with_refund()  # a retry of the same tap refunds nothing more

    order = fresh(session, order)
    assert (order.stage, order.total_cents) == (Stage.IN_PROGRESS, 2060)
    assert done.status == RefundStatus.SUCCEEDED and done.amount_cents == 927
    assert [r["amount"] for r in localstripe.refunds(intent_of(session, order.id))] == [927]
    assert refunds.balance(session, order.id).refundable_cents == order.total_cents
