"""The accept form as the Order Manager uses it (no browser): prep time typed wrong is refused,
a paid order's method is read-only, and a lower total on a paid order shows "Refund due"."""

from __future__ import annotations

import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

import cliqmenu.state.manager  # noqa: F401  (the manager board is part of the tree)
from cliqmenu.models import Order, PaymentMethod, RefundStatus, Stage
from cliqmenu.services import payments, refunds
from cliqmenu.state.accept_form import AcceptFormState
from tests import factories
from tests.state.support import carry_token, sign_in, substate


async def _open_form(root: rx.State, session: Session, world, order: Order) -> AcceptFormState:
    carry_token(root, sign_in(session, world.manager))
    form = substate(root, AcceptFormState)
    assert await form.start(order.id) is None
    return form


async def test_a_negative_prep_time_is_refused_not_turned_positive(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World
) -> None:
    order = factories.place(session, world=world)
    session.commit()
    form = await _open_form(root, session, world, order)

    form.set_prep_minutes("-3")
    result = await form.accept()

    assert "whole number of minutes" in str(result)
    session.expire_all()
    assert session.get(Order, order.id).stage == Stage.RECEIVED


async def test_a_paid_orders_discount_shows_refund_due_and_refunds_in_the_same_step(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World
) -> None:
    order = factories.place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    session.commit()
    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    form = await _open_form(root, session, world, order)
    assert form.paid and form.payment_choices == [["cash_at_counter", "Cash at Counter"]]

    form.set_payment("card_at_counter")  # read-only once paid: nothing changes
    form.set_discount_kind("percent")
    form.set_discount_text("50")

    assert form.payment == "cash_at_counter"
    assert form.refund_due == "$6.00" and form.preview["total"] == "$6.00"
    assert "refund due $6.00" in str(await form.accept())  # Accept alone is refused
    form.set_refund_way("card_terminal")
    result = await type(form).event_handlers["accept_with_refund"].fn(form)

    assert "Accepted and $6.00 refunded" in str(result)
    session.expire_all()
    stored = session.get(Order, order.id)
    assert (stored.stage, stored.total_cents) == (Stage.IN_PROGRESS, 600)
    [refund] = refunds.refunds_of(session, order.id)
    assert (refund.amount_cents, refund.status, refund.method) == (
        600,
        RefundStatus.SUCCEEDED,
        "card_terminal",
    )
