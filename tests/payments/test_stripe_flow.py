"""Checkout, webhooks and refunds against a real localstripe (tests/payments/localstripe_server.py).

localstripe accepts refunds beyond the paid amount and ignores Idempotency-Key, so every
"exactly once" and "never more than paid" here is enforced by the app itself.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
import pytest
from sqlmodel import Session

from cliqmenu.api import build_api
from cliqmenu.db import session_scope
from cliqmenu.models import Order, PaymentStatus, RefundStatus, Stage
from cliqmenu.payment_check import confirm_checkout
from cliqmenu.services import lifecycle, payments, refunds
from cliqmenu.services.errors import DomainError, Forbidden
from cliqmenu.services.refunds import AMOUNT, FULL, RefundRequest
from tests import factories
from tests.payments.conftest import LocalStripe, Published, Webhooks, wait_for
from tests.payments.support import (
    actions,
    emails,
    fresh,
    intent_of,
    online_order,
    payments_of,
    refund_rows,
    refundable,
)

SUCCESS = "http://127.0.0.1:3000/o/{public}?paid={CHECKOUT_SESSION_ID}"
CANCEL = "http://127.0.0.1:3000/o/{public}?cancelled=1"


@pytest.fixture
def stripe_world(session: Session, world: factories.World, webhooks: Webhooks) -> factories.World:
    """The world, on the app's database, with Stripe keys pointing at localstripe."""
    return world


def checkout(session: Session, order: Order) -> str:
    url = payments.start_checkout(
        session,
        order=order,
        success_url=SUCCESS.format(
            public=order.public_id, CHECKOUT_SESSION_ID="{CHECKOUT_SESSION_ID}"
        ),
        cancel_url=CANCEL.format(public=order.public_id),
    )
    session.commit()
    return url


def paid_order(session: Session, world, localstripe: LocalStripe, webhooks: Webhooks) -> Order:
    order = online_order(session, world, customer_email="sam@example.com")
    localstripe.pay(checkout(session, order)).raise_for_status()
    wait_for(lambda: webhooks.of("checkout.session.completed"), what="the paid webhook")
    return fresh(session, order)


def refund(world, order: Order, request_id: str, **fields):
    return refunds.run_refund(
        sessions=session_scope,
        actor=world.manager,
        order_id=order.id,
        request=RefundRequest(request_id=request_id, **fields),
    )


async def _post_webhook(body: bytes, signature: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        return await client.post(
            "/api/stripe/webhook", content=body, headers={"stripe-signature": signature}
        )


def test_a_forged_webhook_is_refused_and_changes_nothing(
    session: Session, stripe_world, localstripe: LocalStripe
) -> None:
    order = online_order(session, stripe_world)
    url = checkout(session, order)
    localstripe.pay(url, webhook=False).raise_for_status()
    event = localstripe.events("checkout.session.completed")[-1]
    body = json.dumps(event).encode()
    stamp = int(time.time())

    forged = asyncio.run(_post_webhook(body, f"t={stamp},v1={'0' * 64}"))
    unsigned = asyncio.run(_post_webhook(body, ""))

    assert forged.status_code == 400 and unsigned.status_code == 400
    order = fresh(session, order)
    assert order.stage == Stage.AWAITING_PAYMENT
    assert order.payment_status == PaymentStatus.UNPAID
    assert payments_of(session, order.id) == 0


def test_checkout_then_webhook_brings_the_order_into_received_once_even_delivered_twice(
    session: Session,
    stripe_world,
    localstripe: LocalStripe,
    webhooks: Webhooks,
    published: Published,
) -> None:
    order = online_order(session, stripe_world, customer_email="sam@example.com")
    url = checkout(session, order)
    assert url.startswith(localstripe.url) and "/checkout/cs_test_" in url
    assert checkout(session, fresh(session, order)) == url  # a second tap: the same page

    localstripe.pay(url).raise_for_status()
    delivered = wait_for(lambda: webhooks.of("checkout.session.completed"), what="webhook")
    localstripe.resend(delivered[0].event_id)
    wait_for(lambda: len(webhooks.of("checkout.session.completed")) == 2, what="the replay")

    order = fresh(session, order)
    assert order.stage == Stage.RECEIVED
    assert order.payment_status == PaymentStatus.PAID
    assert payments_of(session, order.id) == 1
    assert actions(session, order.id).count("payment.confirmed") == 1
    assert emails(session, "order_confirmation") == 1
    assert sorted(published.audiences) == [
        f"manager:{order.truck_id}",
        f"tracker:{order.public_id}",
    ]


def test_the_return_page_confirms_by_asking_stripe_when_the_webhook_is_late(
    session: Session,
    stripe_world,
    localstripe: LocalStripe,
    webhooks: Webhooks,
    published: Published,
) -> None:
    order = online_order(session, stripe_world)
    assert asyncio.run(confirm_checkout(order.public_id)) is False  # no payment page yet
    url = checkout(session, order)
    assert asyncio.run(confirm_checkout(order.public_id)) is False  # page open, not paid

    localstripe.pay(url, webhook=False).raise_for_status()
    assert asyncio.run(confirm_checkout(order.public_id)) is True
    assert asyncio.run(confirm_checkout(order.public_id)) is True
    assert fresh(session, order).stage == Stage.RECEIVED

    late = localstripe.events("checkout.session.completed")[-1]
    localstripe.resend(late["id"])
    wait_for(lambda: webhooks.of("checkout.session.completed"), what="the late webhook")
    assert payments_of(session, order.id) == 1
    assert actions(session, order.id).count("payment.confirmed") == 1
    assert sorted(published.audiences) == [
        f"manager:{order.truck_id}",
        f"tracker:{order.public_id}",
    ]
    assert asyncio.run(confirm_checkout("no-such-order")) is False


def test_a_declined_card_leaves_no_order_for_staff_and_the_customer_can_retry(
    session: Session, stripe_world, localstripe: LocalStripe
) -> None:
    order = online_order(session, stripe_world)
    url = checkout(session, order)
    assert localstripe.pay(url, card="declined").status_code == 402
    assert fresh(session, order).stage == Stage.AWAITING_PAYMENT
    localstripe.pay(url).raise_for_status()
    assert asyncio.run(confirm_checkout(order.public_id)) is True


def test_an_expired_payment_page_expires_the_order_and_a_new_page_is_made_on_retry(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = online_order(session, stripe_world)
    first = checkout(session, order)
    again = checkout(session, fresh(session, order))
    assert again == first
    localstripe.expire(fresh(session, order).stripe_checkout_session_id)
    wait_for(lambda: webhooks.of("checkout.session.expired"), what="the expired webhook")
    assert fresh(session, order).stage == Stage.EXPIRED
    with pytest.raises(DomainError, match="not paid in time"):
        checkout(session, fresh(session, order))


def test_double_tap_and_retry_of_one_refund_request_refund_once(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)

    first = refund(stripe_world, order, "tap-tap-0001", kind=AMOUNT, amount_cents=700)
    second = refund(stripe_world, order, "tap-tap-0001", kind=AMOUNT, amount_cents=700)

    assert first.id == second.id and second.status == RefundStatus.SUCCEEDED
    assert len(localstripe.refunds(intent_of(session, order.id))) == 1
    assert fresh(session, order).payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_twenty_concurrent_submissions_of_one_refund_make_one_refund(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)
    start = threading.Barrier(20)
    results, errors = [], []

    def submit() -> None:
        start.wait()
        try:
            results.append(refund(stripe_world, order, "same-request-20", kind=FULL))
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len({r.id for r in results}) == 1
    assert len(refund_rows(session, order.id)) == 1
    at_stripe = localstripe.refunds(intent_of(session, order.id))
    assert len(at_stripe) == 1 and at_stripe[0]["amount"] == order.total_cents
    wait_for(
        lambda: fresh(session, order).payment_status == PaymentStatus.REFUNDED, what="refunded"
    )


def test_twenty_concurrent_different_requests_never_refund_more_than_paid(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)
    start = threading.Barrier(20)
    refused = []

    def submit(n: int) -> None:
        start.wait()
        try:
            refund(stripe_world, order, f"many-requests-{n:02d}", kind=AMOUNT, amount_cents=1000)
        except DomainError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    at_stripe = localstripe.refunds(intent_of(session, order.id))
    assert sum(r["amount"] for r in at_stripe) == 2000  # two of $10.00 fit in $29.87
    assert len(refused) == 18
    assert all("can still be refunded" in message for message in refused)


def test_partial_then_beyond_the_balance_then_full(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)

    part = refund(stripe_world, order, "partial-0001", kind=AMOUNT, amount_cents=1000)
    assert part.status == RefundStatus.SUCCEEDED and part.stripe_refund_id.startswith("re_")
    with pytest.raises(DomainError, match=r"Only \$19\.87 can still be refunded"):
        refund(stripe_world, order, "too-much-0001", kind=AMOUNT, amount_cents=2000)
    rest = refund(stripe_world, order, "the-rest-0001", kind=FULL)

    assert rest.amount_cents == 1987 and rest.status == RefundStatus.SUCCEEDED
    order = fresh(session, order)
    assert order.payment_status == PaymentStatus.REFUNDED
    assert sum(r["amount"] for r in localstripe.refunds(intent_of(session, order.id))) == 2987
    with pytest.raises(DomainError, match="nothing left to refund"):
        refund(stripe_world, order, "one-more-0001", kind=FULL)


def test_a_refused_refund_shows_failed_and_frees_the_balance(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)
    localstripe.plan_refunds("error")

    failed = refund(stripe_world, order, "refused-0001", kind=FULL)

    assert failed.status == RefundStatus.FAILED
    assert "Refund declined" in failed.error
    assert fresh(session, order).payment_status == PaymentStatus.PAID
    assert refundable(session, order.id) == order.total_cents
    again = refund(stripe_world, order, "refused-0002", kind=FULL)
    assert again.status == RefundStatus.SUCCEEDED


def test_a_refund_that_fails_later_is_settled_by_the_webhook(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)
    localstripe.plan_refunds("fails_later")

    pending = refund(stripe_world, order, "fails-later-01", kind=AMOUNT, amount_cents=500)
    assert pending.status == RefundStatus.PENDING
    assert refundable(session, order.id) == order.total_cents - 500

    wait_for(lambda: webhooks.of("refund.updated"), what="the refund webhook")
    settled = refund_rows(session, order.id)[0]
    assert settled.status == RefundStatus.FAILED
    assert refundable(session, order.id) == order.total_cents


def test_a_pending_refund_that_succeeds_later_is_settled_by_the_webhook(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)
    localstripe.plan_refunds("pending")

    assert refund(stripe_world, order, "pending-ok-01", kind=FULL).status == RefundStatus.PENDING
    wait_for(lambda: webhooks.of("refund.updated"), what="the refund webhook")
    assert fresh(session, order).payment_status == PaymentStatus.REFUNDED


def test_cancelling_a_paid_online_order_with_its_refund_in_one_step(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)

    done = refunds.run_refund(
        sessions=session_scope,
        actor=stripe_world.manager,
        order_id=order.id,
        request=RefundRequest(request_id="cancel-refund-1", kind=FULL, reason="Out of buns"),
        before=lambda s, member: lifecycle.cancel(
            s, actor=member, order_id=order.id, expected=Stage.RECEIVED, reason="Out of buns"
        ),
    )

    order = fresh(session, order)
    assert order.stage == Stage.CANCELLED and order.close_reason == "Out of buns"
    assert done.status == RefundStatus.SUCCEEDED
    assert order.payment_status == PaymentStatus.REFUNDED
    assert not order.refund_needed
    assert actions(session, order.id) == [
        "order.placed",
        "payment.checkout_started",
        "payment.confirmed",
        "order.cancelled",
        "refund.requested",
        "refund.succeeded",
    ]


def test_kitchen_staff_are_refused_and_nothing_reaches_stripe(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    order = paid_order(session, stripe_world, localstripe, webhooks)
    with pytest.raises(Forbidden):
        refunds.run_refund(
            sessions=session_scope,
            actor=stripe_world.kitchen,
            order_id=order.id,
            request=RefundRequest(request_id="kitchen-try-01", kind=FULL),
        )
    assert localstripe.refunds(intent_of(session, order.id)) == []


def test_a_refund_left_pending_without_an_answer_is_reconciled(
    session: Session, stripe_world, localstripe: LocalStripe, webhooks: Webhooks
) -> None:
    import datetime as dt

    order = paid_order(session, stripe_world, localstripe, webhooks)
    with session_scope() as s:  # step 1 only: the server stopped before calling Stripe
        refunds.request_refund(
            s,
            actor=stripe_world.manager,
            order_id=order.id,
            request=RefundRequest(request_id="lost-midway-01", kind=FULL),
        )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)

    assert refunds.reconcile_pending(sessions=session_scope, order_id=order.id, now=later) == 1
    assert refund_rows(session, order.id)[0].status == RefundStatus.FAILED
    assert refundable(session, order.id) == order.total_cents
    assert localstripe.refunds(intent_of(session, order.id)) == []
