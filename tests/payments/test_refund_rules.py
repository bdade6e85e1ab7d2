"""Refund rules on the database alone: balance, proration by lines, counter refunds, roles."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from cliqmenu.models import PaymentMethod, PaymentStatus, RefundStatus
from cliqmenu.services import payments, refunds
from cliqmenu.services.errors import Conflict, DomainError, Forbidden
from cliqmenu.services.orders import order_lines
from cliqmenu.services.refunds import AMOUNT, FULL, LINES, RefundRequest
from tests import factories
from tests.payments.support import actions, fresh, online_order, pay_without_stripe


@pytest.fixture(autouse=True)
def _stripe_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    monkeypatch.delenv("CLIQMENU_STRIPE_API_BASE", raising=False)


def _ask(session, world, order, request_id, **fields) -> tuple:
    made = refunds.request_refund(
        session,
        actor=world.manager,
        order_id=order.id,
        request=RefundRequest(request_id=request_id, **fields),
    )
    session.commit()
    return made


def _counter_order(session: Session, world: factories.World, method: PaymentMethod):
    order = factories.place(
        session,
        world=world,
        payment_method=method,
        lines=[factories.line(world.menu.burger, world.menu.beef, quantity=2)],
    )
    session.commit()
    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    return fresh(session, order)


def test_the_balance_counts_pending_refunds_and_refuses_more(
    session: Session, world: factories.World
) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    assert order.total_cents == 2987

    refund, created = _ask(session, world, order, "req-partial-1", kind=AMOUNT, amount_cents=1000)
    assert created and refund.status == RefundStatus.PENDING
    assert refunds.balance(session, order.id).refundable_cents == 1987

    with pytest.raises(DomainError, match=r"Only \$19\.87 can still be refunded on order #1"):
        _ask(session, world, order, "req-too-much", kind=AMOUNT, amount_cents=1988)
    with pytest.raises(DomainError, match="more than"):
        _ask(session, world, order, "req-zero-00", kind=AMOUNT, amount_cents=0)


def test_the_same_request_id_records_one_refund(session: Session, world: factories.World) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    first, created = _ask(session, world, order, "req-double-tap", kind=FULL)
    again, created_again = _ask(session, world, order, "req-double-tap", kind=FULL)

    assert created and not created_again
    assert first.id == again.id
    assert len(refunds.refunds_of(session, order.id)) == 1
    other = pay_without_stripe(session, online_order(session, world))
    with pytest.raises(Conflict):
        _ask(session, world, other, "req-double-tap", kind=FULL)


def test_refund_by_lines_prorates_discount_and_surcharge_and_the_last_lines_take_the_rest(
    session: Session, world: factories.World
) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    burgers, fries = order_lines(session, order.id)

    by_fries, _ = _ask(
        session,
        world,
        order,
        "req-lines-001",
        kind=LINES,
        lines=[{"line_id": fries.id, "quantity": 1}],
    )
    # $5.00 of a $29.00 subtotal, of the $29.87 total: 500 * 2987 / 2900 = 515.0
    assert by_fries.amount_cents == 515
    assert by_fries.lines == [{"line_id": fries.id, "name": "Fries", "quantity": 1}]

    one_burger, _ = _ask(
        session,
        world,
        order,
        "req-lines-002",
        kind=LINES,
        lines=[{"line_id": burgers.id, "quantity": 1}],
    )
    assert one_burger.amount_cents == 1236  # 1200 * 2987 / 2900 = 1235.999

    with pytest.raises(DomainError, match="Only 0 × Fries"):
        _ask(
            session,
            world,
            order,
            "req-lines-003",
            kind=LINES,
            lines=[{"line_id": fries.id, "quantity": 1}],
        )

    last, _ = _ask(
        session,
        world,
        order,
        "req-lines-004",
        kind=LINES,
        lines=[{"line_id": burgers.id, "quantity": 1}],
    )
    assert last.amount_cents == 2987 - 515 - 1236
    assert refunds.balance(session, order.id).refundable_cents == 0


def test_refund_by_lines_with_a_discount(session: Session, world: factories.World) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    order.discount_cents, order.total_cents = 900, 2000  # as if a $9.00 discount was given
    session.add(order)
    session.commit()
    _, fries = order_lines(session, order.id)

    refund, _ = _ask(
        session,
        world,
        order,
        "req-disc-001",
        kind=LINES,
        lines=[{"line_id": fries.id, "quantity": 1}],
    )
    assert refund.amount_cents == 345  # 500 * 2000 / 2900 = 344.8


def test_a_failed_refund_frees_the_balance(session: Session, world: factories.World) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    refund, _ = _ask(session, world, order, "req-will-fail", kind=FULL)
    assert refunds.balance(session, order.id).refundable_cents == 0

    from cliqmenu.payments import GatewayError

    refunds.apply_stripe_result(
        session, refund_id=refund.id, result=None, error=GatewayError("declined", definite=True)
    )
    session.commit()

    assert fresh(session, order).payment_status == PaymentStatus.PAID
    assert refunds.balance(session, order.id).refundable_cents == 2987
    assert "refund.failed" in actions(session, order.id)


def test_an_unknown_outcome_stays_pending(session: Session, world: factories.World) -> None:
    from cliqmenu.payments import GatewayError

    order = pay_without_stripe(session, online_order(session, world))
    refund, _ = _ask(session, world, order, "req-timeout-1", kind=FULL)
    refunds.apply_stripe_result(
        session, refund_id=refund.id, result=None, error=GatewayError("timeout", definite=False)
    )
    session.commit()
    assert fresh(session, order).payment_status == PaymentStatus.PAID
    assert refunds.refunds_of(session, order.id)[0].status == RefundStatus.PENDING
    assert refunds.balance(session, order.id).refundable_cents == 0


@pytest.mark.parametrize(
    ("method", "how"),
    [(PaymentMethod.CASH_AT_COUNTER, "cash"), (PaymentMethod.CARD_AT_COUNTER, "card_terminal")],
)
def test_counter_refunds_are_recorded_with_how_the_money_went_back(
    session: Session, world: factories.World, method: PaymentMethod, how: str
) -> None:
    order = _counter_order(session, world, method)

    part, _ = _ask(
        session, world, order, f"req-{how}-part", kind=AMOUNT, amount_cents=500, reason="cold"
    )
    assert (part.status, part.method, part.reason) == (RefundStatus.SUCCEEDED, how, "cold")
    assert fresh(session, order).payment_status == PaymentStatus.PARTIALLY_REFUNDED

    rest, _ = _ask(session, world, order, f"req-{how}-rest", kind=FULL, method="cash")
    assert rest.amount_cents == order.total_cents - 500 and rest.method == "cash"
    assert fresh(session, order).payment_status == PaymentStatus.REFUNDED
    assert actions(session, order.id).count("refund.recorded") == 2


def test_a_counter_refund_needs_a_known_way_back(session: Session, world: factories.World) -> None:
    order = _counter_order(session, world, PaymentMethod.CASH_AT_COUNTER)
    with pytest.raises(DomainError, match="how the money went back"):
        _ask(session, world, order, "req-bad-method", kind=FULL, method="paypal")


def test_an_unpaid_order_has_nothing_to_refund(session: Session, world: factories.World) -> None:
    order = factories.place(session, world=world)
    session.commit()
    with pytest.raises(DomainError, match="has not been paid"):
        _ask(session, world, order, "req-unpaid-1", kind=FULL)


def test_kitchen_staff_cannot_refund(session: Session, world: factories.World) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    with pytest.raises(Forbidden):
        refunds.request_refund(
            session,
            actor=world.kitchen,
            order_id=order.id,
            request=RefundRequest(request_id="req-kitchen-1"),
        )
    assert refunds.refunds_of(session, order.id) == []


def test_another_business_cannot_refund(session: Session, world: factories.World) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    other = factories.make_world(session, business_name="Other Foods")
    session.commit()
    with pytest.raises(DomainError, match="No such order"):
        refunds.request_refund(
            session,
            actor=other.manager,
            order_id=order.id,
            request=RefundRequest(request_id="req-other-biz"),
        )


def test_a_request_id_must_look_like_one(session: Session, world: factories.World) -> None:
    order = pay_without_stripe(session, online_order(session, world))
    with pytest.raises(DomainError, match="request id"):
        _ask(session, world, order, "short", kind=FULL)
