"""An idempotency key is bound to the order it first came with, as payment APIs do it: the same
key with the same order is a retry (that order back), with another order it is refused (422),
never answered with someone else's order, and nothing is written."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu.api import build_api
from cliqmenu.models import Order, OrderSource, PaymentMethod
from cliqmenu.services import orders
from tests import factories

REUSED = "idempotency_key was already used for a different order: send a new key for a new order."


@pytest.fixture
def world(app_engine: Engine, session: Session) -> factories.World:
    built = factories.make_world(session)
    session.commit()
    return built


def api() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=build_api(), client=("203.0.113.20", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://app")


def order(
    world: factories.World, name: str, *, quantity: int = 1, key: str = "shared-key-1"
) -> dict:
    return {
        "lines": [{"item_id": world.menu.fries.id, "quantity": quantity}],
        "customer_name": name,
        "customer_email": f"{name.lower()}@example.com",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": key,
    }


def stored(engine: Engine) -> list[tuple[str, int]]:
    with Session(engine) as session:
        return [(o.customer_name, o.total_cents) for o in session.exec(select(Order))]


async def test_another_callers_key_gets_a_refusal_not_their_order(
    app_engine: Engine, world: factories.World
) -> None:
    path = f"/api/trucks/{world.truck.slug}/orders"
    async with api() as client:
        alice = await client.post(path, json=order(world, "Alice"))
        assert alice.status_code == 201, alice.text

        mallory = await client.post(path, json=order(world, "Mallory", quantity=3))
        assert mallory.status_code == 422
        assert mallory.json() == {"error": REUSED}
        assert alice.json()["order_id"] not in mallory.text

        # Alice's retry (a lost answer) still gets her order, once.
        again = await client.post(path, json=order(world, "Alice"))
        assert again.status_code == 200
        assert again.json() == {**alice.json(), "created": False}
    assert stored(app_engine) == [("Alice", alice.json()["total_cents"])]


async def test_a_retry_past_the_rate_limit_is_still_checked_against_its_order(
    app_engine: Engine, world: factories.World, configure
) -> None:
    configure(order_api_per_minute=1)
    path = f"/api/trucks/{world.truck.slug}/orders"
    async with api() as client:
        assert (await client.post(path, json=order(world, "Alice"))).status_code == 201
        refused = await client.post(path, json=order(world, "Mallory"))
        assert (refused.status_code, refused.json()) == (422, {"error": REUSED})


def test_the_same_key_in_another_order_is_refused_by_the_service(
    session: Session, world: factories.World
) -> None:
    first = factories.order_request(
        lines=[factories.line(world.menu.fries)], idempotency_key="k" * 8
    )
    placed, created = orders.place_order(
        session, truck=world.truck, request=first, source=OrderSource.API
    )
    session.commit()
    assert created
    # Spaces around the key do not make another order ...
    same = factories.order_request(
        lines=[factories.line(world.menu.fries)], idempotency_key=" kkkkkkkk "
    )
    assert orders.place_order(session, truck=world.truck, request=same, source=OrderSource.API) == (
        placed,
        False,
    )
    # ... another payment method does.
    other = factories.order_request(
        lines=[factories.line(world.menu.fries)],
        idempotency_key="k" * 8,
        payment_method=PaymentMethod.CARD_AT_COUNTER,
    )
    with pytest.raises(orders.IdempotencyKeyReused, match="already used for a different order"):
        orders.place_order(session, truck=world.truck, request=other, source=OrderSource.API)
