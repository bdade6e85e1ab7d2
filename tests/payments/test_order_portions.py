"""Portions of orders that go through payments and the order API: an unpaid Online order
holds its portions until it expires, and the order API refuses more than is left."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from cliqmenu.api import build_api
from cliqmenu.models import Order, Stage, utcnow
from cliqmenu.services import payments
from tests.factories import line
from tests.payments.support import online_order, pay_without_stripe
from tests.services.test_portions import _count, _left


@pytest.fixture(autouse=True)
def _stripe_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    monkeypatch.delenv("CLIQMENU_STRIPE_API_BASE", raising=False)


def test_an_unpaid_online_order_takes_portions_and_expiry_gives_them_back(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 3)
    session.commit()
    order = online_order(session, world, lines=[line(fries, quantity=2)])
    assert order.stage == Stage.AWAITING_PAYMENT
    assert _left(session, fries) == (1, False)

    expired = payments.expire_stale_orders(session, now=utcnow() + dt.timedelta(hours=2))
    session.commit()

    assert [o.id for o in expired] == [order.id]
    assert _left(session, fries) == (3, False)


def test_paid_after_expiry_takes_the_portions_again(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 3)
    session.commit()
    order = online_order(session, world, lines=[line(fries, quantity=2)])
    payments.expire_stale_orders(session, now=utcnow() + dt.timedelta(hours=2))
    session.commit()
    assert _left(session, fries) == (3, False)

    pay_without_stripe(session, order)

    assert session.get(Order, order.id).stage == Stage.RECEIVED
    assert _left(session, fries) == (1, False)


async def test_the_order_api_refuses_more_than_is_left(app_engine: Engine, session, world):
    fries = world.menu.fries
    _count(session, world, fries, 2)
    session.commit()
    transport = httpx.ASGITransport(app=build_api(), client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        answer = await client.post(
            f"/api/trucks/{world.truck.slug}/orders",
            json={
                "lines": [{"item_id": fries.id, "quantity": 3}],
                "customer_name": "Api Annie",
                "dining_method": "takeaway",
                "payment_method": "cash_at_counter",
                "idempotency_key": "portions-api-1",
            },
        )
    assert (answer.status_code, answer.json()) == (400, {"error": "Only 2 Fries left."})
    session.commit()
    assert _left(session, fries) == (2, False)
    assert session.exec(select(func.count()).select_from(Order)).one() == 0
