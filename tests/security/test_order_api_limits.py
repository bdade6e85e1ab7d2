"""The order API refuses a client address that sends too many orders to one truck in a minute
(CLIQMENU_ORDER_API_PER_MINUTE), whatever it claims in X-Forwarded-For; a retry of an order
already placed still gets that order back."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cliqmenu.api import build_api
from cliqmenu.infra import rate_limits
from cliqmenu.models import Order
from cliqmenu.settings import get_settings
from tests import factories

PER_MINUTE = 3


@pytest.fixture
def world(app_engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CLIQMENU_ORDER_API_PER_MINUTE", str(PER_MINUTE))
    get_settings.cache_clear()
    # Counted in this process (also when the suite runs with Redis: the test database, and so
    # the Redis keys, are the same on every run); the Redis counter has its own test below.
    monkeypatch.setattr(rate_limits, "_counter", rate_limits.MemoryCounter())
    world = factories.make_world(session)
    session.commit()
    # Counts are per clock minute: start far enough from the minute's end to finish in it.
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60)
    return world


def api(address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=build_api(), client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://app")


def order(world: factories.World, key: str) -> dict:
    return {
        "lines": [{"item_id": world.menu.fries.id}],
        "customer_name": "Rapid Randy",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": f"limits-{key}",
    }


def stored_orders(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Order)).one()


async def test_an_address_over_the_limit_is_refused_until_the_minute_ends(
    app_engine: Engine, world: factories.World
) -> None:
    path = f"/api/trucks/{world.truck.slug}/orders"
    async with api("203.0.113.7") as client:
        placed = [await client.post(path, json=order(world, f"k{n}")) for n in range(PER_MINUTE)]
        assert [a.status_code for a in placed] == [201] * PER_MINUTE, placed[0].text
        # Another address in X-Forwarded-For each time: no proxy is trusted, so still the peer.
        refused = await client.post(
            path, json=order(world, "k-more"), headers={"X-Forwarded-For": "198.51.100.9"}
        )
        assert refused.status_code == 429, refused.text
        wait = int(refused.headers["Retry-After"])
        assert 1 <= wait <= 60
        assert refused.json() == {
            "error": f"Too many orders from this address, try again in {wait} seconds."
        }
        # The first order sent again (a retry after a lost answer): its order, not a refusal.
        again = await client.post(path, json=order(world, "k0"))
        assert again.status_code == 200, again.text
        assert again.json()["order_id"] == placed[0].json()["order_id"]
    assert stored_orders(app_engine) == PER_MINUTE

    async with api("203.0.113.8") as other:  # another customer is not held up
        assert (await other.post(path, json=order(world, "k-other"))).status_code == 201
    assert stored_orders(app_engine) == PER_MINUTE + 1


async def test_workers_sharing_redis_count_the_same_requests(app_engine: Engine) -> None:
    url = "redis://127.0.0.1:6379"
    first, second = rate_limits.RedisCounter(url), rate_limits.RedisCounter(url)
    key, window = f"test-{uuid.uuid4().hex}", int(time.time() // 60)
    counts = [await counter.hit(key, window) for counter in (first, second, first, second)]
    assert counts == [1, 2, 3, 4]
    assert await first.hit(key, window + 1) == 1  # a new minute starts from zero
    for counter in (first, second):
        await counter.close()
