"""The refund panel's handlers, called directly on the state (no browser): who may refund,
one refund per double tap, and cancel with the refund in the same step."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import reflex as rx
from reflex.istate.data import SessionData
from sqlalchemy.engine import Engine
from sqlmodel import Session

import cliqmenu.state.manager  # noqa: F401  (the manager board is part of the tree)
from cliqmenu.models import PaymentMethod, PaymentStatus, RefundStatus, StaffMember, Stage
from cliqmenu.realtime import drain
from cliqmenu.services import staff
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.refunds import RefundState
from tests import factories
from tests.payments.conftest import LocalStripe, Webhooks, wait_for
from tests.payments.support import actions, fresh, online_order, refund_rows
from tests.state.support import carry_token


@pytest.fixture
async def root(app_engine: Engine) -> AsyncIterator[rx.State]:
    state = rx.State(_reflex_internal_init=True)
    state.rx_router_session = SessionData(
        client_token=str(uuid.uuid4()), client_ip="127.0.0.1", session_id="test-sid"
    )
    yield state
    await drain()


def substate(root: rx.State, cls):
    return root.get_substate(cls._get_substate_path())


def signed_in(session: Session, root: rx.State, member: StaffMember) -> RefundState:
    token = staff.open_session(session, member=member, device="pytest").token
    session.commit()
    carry_token(root, token)
    return substate(root, RefundState)


def counter_order(session: Session, world: factories.World):
    order = factories.place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    session.commit()
    return order


async def call(state: rx.State, name: str, *args):
    """Run a handler as Reflex would (background handlers cannot be called as methods)."""
    return await type(state).event_handlers[name].fn(state, *args)


def toast_text(result) -> str:
    return str(result)


async def test_a_manager_marks_paid_then_refunds_an_amount_once_even_tapped_twice(
    session: Session, world: factories.World, root: rx.State
) -> None:
    order = counter_order(session, world)
    panel = signed_in(session, root, world.manager)

    assert await call(panel, "mark_paid_at_counter", order.id) is None
    await call(panel, "open_panel", order.id)
    assert panel.panel_open and panel.detail[0].refundable == "$12.00"
    panel.set_mode("amount")
    panel.set_amount_text("4.50")
    panel.set_reason("Missing sauce")

    await asyncio.gather(call(panel, "submit"), call(panel, "submit"))

    rows = refund_rows(session, order.id)
    assert [(r.amount_cents, r.status, r.method) for r in rows] == [
        (450, RefundStatus.SUCCEEDED, "cash")
    ]
    assert panel.detail[0].refundable == "$7.50"
    assert panel.detail[0].refunds[0].reason == "Missing sauce"
    assert fresh(session, order).payment_status == PaymentStatus.PARTIALLY_REFUNDED


async def test_refunding_more_than_is_left_is_refused_with_the_balance(
    session: Session, world: factories.World, root: rx.State
) -> None:
    order = counter_order(session, world)
    panel = signed_in(session, root, world.manager)
    await call(panel, "mark_paid_at_counter", order.id)
    await call(panel, "open_panel", order.id)
    panel.set_mode("amount")
    panel.set_amount_text("20")

    result = await call(panel, "submit")

    assert "Only $12.00 can still be refunded" in toast_text(result)
    assert panel.error.startswith("Only $12.00")
    assert refund_rows(session, order.id) == []


async def test_kitchen_staff_get_no_refund_panel_and_cannot_refund(
    session: Session, world: factories.World, root: rx.State
) -> None:
    order = counter_order(session, world)
    from cliqmenu.services import payments

    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    panel = signed_in(session, root, world.kitchen)

    refused = await call(panel, "open_panel", order.id)
    assert "Your role cannot do that." in toast_text(refused)
    assert not panel.panel_open and panel.detail == []
    # A client can call any handler: forcing the panel open does not help.
    panel.panel_open, panel.order_id, panel._request_id = True, order.id, "forced-request-1"
    assert "Your role cannot do that." in toast_text(await call(panel, "submit"))
    assert refund_rows(session, order.id) == []
    assert "Your role cannot do that." in toast_text(
        await call(panel, "mark_paid_at_counter", order.id)
    )


async def test_cancel_a_paid_online_order_with_its_full_refund_in_one_step(
    session: Session,
    world: factories.World,
    root: rx.State,
    localstripe: LocalStripe,
    webhooks: Webhooks,
) -> None:
    from cliqmenu.services import payments

    order = online_order(session, world)
    url = payments.start_checkout(
        session, order=order, success_url="http://s", cancel_url="http://c"
    )
    session.commit()
    localstripe.pay(url).raise_for_status()
    wait_for(lambda: fresh(session, order).stage == Stage.RECEIVED, what="paid")
    panel = signed_in(session, root, world.manager)
    manager = substate(root, ManagerState)
    manager.selected_id, manager.reason = order.id, "Out of buns"

    assert await call(panel, "cancel_order", order.id, "received") is None

    order = fresh(session, order)
    assert order.stage == Stage.CANCELLED
    assert order.payment_status == PaymentStatus.REFUNDED
    assert [r.status for r in refund_rows(session, order.id)] == [RefundStatus.SUCCEEDED]
    assert manager.selected_id == 0
    assert actions(session, order.id)[-3:] == [
        "order.cancelled",
        "refund.requested",
        "refund.succeeded",
    ]


async def test_cancel_without_the_refund_leaves_refund_needed(
    session: Session, world: factories.World, root: rx.State, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.payments.support import pay_without_stripe

    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    order = pay_without_stripe(session, online_order(session, world))
    panel = signed_in(session, root, world.manager)
    substate(root, ManagerState).reason = "Customer changed their mind"
    panel.set_refund_on_close(False)

    assert await call(panel, "reject_order", order.id) is None

    order = fresh(session, order)
    assert order.stage == Stage.REJECTED and order.refund_needed
    assert refund_rows(session, order.id) == []
