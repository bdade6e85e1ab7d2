"""A member of business A can neither read nor change anything of business B.

Two businesses from tests/factories.py. A's Owner (who passes every role check) calls every
staff handler, enumerated from the state classes, with arguments naming B's rows: B's order,
its line, B's menu rows, B's member, B's truck, after choosing B's truck as the tab's truck.
B's rows must be exactly as they were and none of B's names may reach A's browser state.
The order API, the tracking links and the QR route are checked the same way.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cliqmenu.api import build_api
from cliqmenu.models import OrderSource
from cliqmenu.security_headers import security_headers
from cliqmenu.services import orders
from cliqmenu.state.auth import SessionState
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.views.tracker import tracker_view
from tests import factories
from tests.security.support import (
    STAFF_STATES,
    Targets,
    business_rows,
    database_rows,
    handlers,
    payload,
    targets_in,
)
from tests.state.support import carry_token, sign_in, substate

# Names only business B uses: none may show up in A's tab.
B_SECRETS = ("Bravo Burgers", "Bella Bravo", "bravo secret sauce")


class Two:
    def __init__(self, session: Session) -> None:
        self.a = factories.make_world(session, business_name="Alpha Grill")
        self.b = factories.make_world(session, business_name="Bravo Burgers")
        self.b_order = factories.place(
            session,
            world=self.b,
            customer_name="Bella Bravo",
            lines=[factories.line(self.b.menu.fries, note="bravo secret sauce")],
        )
        session.commit()


@pytest.fixture
def two(session: Session) -> Two:
    return Two(session)


async def run(state: rx.State, name: str, arguments: dict[str, Any]) -> Any:
    """Run a handler the way Reflex would, whatever kind of function it is."""
    result = type(state).event_handlers[name].fn(state, **arguments)
    if inspect.isasyncgen(result):
        return [step async for step in result]
    if inspect.isgenerator(result):
        return list(result)
    return await result if inspect.isawaitable(result) else result


async def call_every_handler(
    root: rx.State, rounds: list[Targets]
) -> AsyncIterator[tuple[type[rx.State], str]]:
    """Call every staff handler (and the kitchen's) once per round; yields each after its call."""
    for targets in rounds:
        for cls in [KitchenState, *STAFF_STATES]:
            state = substate(root, cls)
            for name in handlers(cls):
                await run(state, name, payload(cls, name, targets))
                yield cls, name


async def test_an_owner_of_a_reaches_nothing_of_b_through_any_handler(
    root: rx.State, app_engine: Engine, session: Session, two: Two
) -> None:
    carry_token(root, sign_in(session, two.a.owner))
    b = targets_in(
        session,
        business_id=two.b.business.id,
        truck_id=two.b.truck.id,
        order_id=two.b_order.id,
        staff_id=two.b.manager.id,
    )
    session.commit()  # end the read: SQLite's BEGIN IMMEDIATE would hold the write lock
    before = business_rows(app_engine, two.b.business.id)
    await run(substate(root, SessionState), "choose_truck", {"truck_id": str(two.b.truck.id)})
    called = 0
    # Twice over: the second round finds the forms filled, panels opened and items selected
    # by the first (a reason typed before Reject, an order started before Accept, ...).
    # The second round also offers B's truck to every "value" setter (truck filters).
    rounds = [b, Targets({**b.values, "value": str(two.b.truck.id)})]
    async for cls, name in call_every_handler(root, rounds):
        called += 1
        after = business_rows(app_engine, two.b.business.id)
        assert after == before, f"{cls.__name__}.{name} changed business B"

    seen = json.dumps(root.dict(), default=str)
    assert not [secret for secret in B_SECRETS if secret in seen]
    # The control: the handlers ran as A's Owner (A's own business reached the tab), and the
    # rows compared are B's whole world.
    assert "Alpha Grill" in seen
    assert len(before["order"]) == 1 and len(before["orderline"]) == 1
    assert len(before["staffmember"]) == 3 and len(before["menuitem"]) == 2
    assert called > 200


async def test_the_order_api_of_a_cannot_order_bs_items(
    app_engine: Engine, session: Session, two: Two
) -> None:
    before = database_rows(app_engine)
    api = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=security_headers(build_api())), base_url="http://app"
    )
    async with api:
        answer = await api.post(
            f"/api/trucks/{two.a.truck.slug}/orders",
            json={
                "lines": [{"item_id": two.b.menu.fries.id}],
                "customer_name": "Sneaky",
                "dining_method": "takeaway",
                "payment_method": "cash_at_counter",
                "idempotency_key": two.b_order.idempotency_key,  # B's key: no B order back
            },
        )
    assert answer.status_code == 400, answer.text
    assert str(two.b.menu.fries.id) in answer.json()["error"]
    assert database_rows(app_engine) == before


def test_a_reused_idempotency_key_at_another_truck_makes_a_new_order(
    session: Session, two: Two
) -> None:
    """The key is per truck: A's till sending B's key gets A's own new order, never B's."""
    request = factories.order_request(
        lines=[factories.line(two.a.menu.fries)], idempotency_key=two.b_order.idempotency_key
    )
    order, created = orders.place_order(
        session, truck=two.a.truck, request=request, source=OrderSource.API
    )
    session.commit()
    assert created and order.truck_id == two.a.truck.id and order.id != two.b_order.id


def test_a_tracking_link_opens_only_its_own_order(session: Session, two: Two) -> None:
    public_id = two.b_order.public_id
    assert len(public_id) >= 21  # 128 random bits: not guessable
    assert tracker_view(session, public_id).found
    near_misses = [
        public_id[:-1] + ("A" if public_id[-1] != "A" else "B"),
        public_id.upper() if public_id.upper() != public_id else public_id.lower(),
        str(two.b_order.id),
        str(two.b_order.number),
        "",
    ]
    for guess in near_misses:
        assert not tracker_view(session, guess).found, guess
