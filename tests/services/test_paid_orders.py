"""Paid orders stay settled (issue 17, item 3): a change at Accept that lowers a paid order's
total refunds the difference in the same step or is refused; one that raises it is refused;
Delivered on an unpaid order asks first and is recorded."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from cliqmenu.models import (
    AuditEvent,
    Business,
    DiscountKind,
    Order,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
    Stage,
)
from cliqmenu.services import lifecycle, money, payments, refunds
from cliqmenu.services.errors import Conflict, DomainError
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.refunds import AMOUNT, RefundRequest
from tests.factories import World, place


def _paid_cash_order(session: Session, world: World) -> Order:
    """One beef burger ($12.00), Cash at Counter, marked paid $12.00."""
    order = place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    session.commit()
    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    return order


def _half_off() -> AcceptChanges:
    return AcceptChanges(prep_minutes=10, discount_kind=DiscountKind.PERCENT, discount_value=5_000)


def _actions(session: Session, order: Order) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.order_id == order.id)
    return list(session.exec(query.order_by(col(AuditEvent.id))))


def test_a_discount_on_a_paid_order_without_its_refund_is_refused_and_changes_nothing(
    session: Session, world: World
) -> None:
    """The finding: paid 12.00, 50% off, Accept -> total 6.00, "paid", nothing due, no flag."""
    order = _paid_cash_order(session, world)

    with pytest.raises(Conflict, match=r"paid \$12\.00 and now costs \$6\.00: refund due \$6\.00"):
        lifecycle.accept(session, actor=world.manager, order_id=order.id, changes=_half_off())
    session.rollback()

    stored = session.get(Order, order.id)
    session.refresh(stored)
    assert (stored.stage, stored.total_cents, stored.discount_cents) == (Stage.RECEIVED, 1200, 0)
    assert refunds.refunds_of(session, order.id) == []


def test_a_discount_on_a_paid_counter_order_is_accepted_with_its_refund_recorded(
    session: Session, world: World
) -> None:
    order = _paid_cash_order(session, world)
    refund = RefundRequest(request_id="accept-refund-01", kind=AMOUNT, amount_cents=600)

    accepted = lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=_half_off(), refund=refund
    )
    session.commit()

    assert (accepted.stage, accepted.total_cents) == (Stage.IN_PROGRESS, 600)
    [row] = refunds.refunds_of(session, order.id)
    assert (row.amount_cents, row.status, row.method) == (600, RefundStatus.SUCCEEDED, "cash")
    # Settled: what the customer paid and kept equals the new total.
    assert refunds.balance(session, order.id).refundable_cents == accepted.total_cents
    assert accepted.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert _actions(session, order)[-3:] == ["order.accepted", "order.changed", "refund.recorded"]


def test_a_refund_for_a_different_amount_than_is_due_is_refused(
    session: Session, world: World
) -> None:
    order = _paid_cash_order(session, world)
    stale = RefundRequest(request_id="accept-refund-02", kind=AMOUNT, amount_cents=500)

    with pytest.raises(Conflict, match=r"refund due \$6\.00"):
        lifecycle.accept(
            session, actor=world.manager, order_id=order.id, changes=_half_off(), refund=stale
        )


def test_an_unpaid_order_takes_a_discount_with_no_refund(session: Session, world: World) -> None:
    order = place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    session.commit()

    accepted = lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=_half_off()
    )

    assert accepted.total_cents == 600 and refunds.refunds_of(session, order.id) == []


def test_a_paid_order_keeps_the_surcharge_it_was_paid_at(session: Session, world: World) -> None:
    """The owner raises the Card at Counter surcharge after a customer paid: Accept must not
    put the paid order's total up (the customer is not there to pay more)."""
    order = place(session, world=world, payment_method=PaymentMethod.CARD_AT_COUNTER)
    session.commit()
    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    paid_total = order.total_cents  # 12.00 + 2.5% = 12.30
    business = session.get(Business, world.business.id)
    business.card_surcharge_bp = 1_000
    session.commit()

    accepted = lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )

    assert accepted.total_cents == paid_total == 1230


def test_a_change_that_raises_a_paid_total_is_refused() -> None:
    with pytest.raises(
        DomainError, match=r"paid, so its total cannot go up \(\$12\.00 → \$12\.30\)"
    ):
        lifecycle.paid_check(
            number=3,
            total_before=1200,
            total_after=1230,
            net_paid_cents=1200,
            show=money.MoneyStyle(),
        )


def test_a_paid_orders_payment_method_cannot_change(session: Session, world: World) -> None:
    order = _paid_cash_order(session, world)
    with pytest.raises(DomainError, match="already paid; its payment method cannot change"):
        lifecycle.accept(
            session,
            actor=world.manager,
            order_id=order.id,
            changes=AcceptChanges(prep_minutes=10, payment_method=PaymentMethod.CARD_AT_COUNTER),
        )


def _ready(session: Session, world: World, order: Order) -> Order:
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    for stage in (Stage.IN_PROGRESS, Stage.COOKING_DONE):
        lifecycle.advance(session, actor=world.manager, order_id=order.id, expected=stage)
    session.commit()
    return order


def test_delivered_on_an_unpaid_order_asks_first(session: Session, world: World) -> None:
    order = _ready(session, world, place(session, world=world))

    with pytest.raises(lifecycle.UnpaidDelivery, match=r"not marked paid \(\$12\.00 due\)"):
        lifecycle.advance(
            session, actor=world.manager, order_id=order.id, expected=Stage.READY_FOR_PICKUP
        )
    session.rollback()
    assert session.get(Order, order.id).stage == Stage.READY_FOR_PICKUP

    lifecycle.advance(
        session,
        actor=world.manager,
        order_id=order.id,
        expected=Stage.READY_FOR_PICKUP,
        deliver_unpaid=True,
    )
    session.commit()

    assert session.get(Order, order.id).stage == Stage.DELIVERED
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.order_id == order.id, AuditEvent.action == "order.delivered_unpaid"
        )
    ).one()
    assert event.actor_id == world.manager.id and event.after["due_cents"] == 1200


def test_delivered_on_a_paid_order_asks_nothing(session: Session, world: World) -> None:
    order = _ready(session, world, _paid_cash_order(session, world))

    lifecycle.advance(
        session, actor=world.manager, order_id=order.id, expected=Stage.READY_FOR_PICKUP
    )

    assert session.get(Order, order.id).stage == Stage.DELIVERED
    assert "order.delivered_unpaid" not in _actions(session, order)
