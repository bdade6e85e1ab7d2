"""Whatever body arrives at the order API or the Stripe webhook, the answer is a 4xx with a
message (or the order / the event taken), never a 500: the size is enforced while reading,
nesting is checked before parsing, types before use. Hypothesis sends a bounded number of
malformed bodies to both routes, in process, on the test's database."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from cliqmenu.api import build_api
from cliqmenu.api.orders import MAX_BODY
from cliqmenu.models import Order
from tests import factories

WEBHOOK_SECRET = "whsec_parsing_test_secret"
FUZZ = settings(
    max_examples=60,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def api(
    app_engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, factories.World]]:
    monkeypatch.setenv("CLIQMENU_ORDER_API_PER_MINUTE", "1000000")
    monkeypatch.setenv("CLIQMENU_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    world = factories.make_world(session)
    session.commit()
    # raise_server_exceptions: a 500 would be an exception here, and fail the test.
    with TestClient(build_api(), base_url="http://app") as client:
        yield client, world


def orders_path(world: factories.World) -> str:
    return f"/api/trucks/{world.truck.slug}/orders"


def valid_order(world: factories.World, key: str = "parsing-0001") -> dict:
    return {
        "lines": [{"item_id": world.menu.fries.id, "quantity": 1, "option_ids": [], "note": ""}],
        "customer_name": "Pat",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": key,
    }


def stored_orders(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Order)).one()


def signed(body: bytes, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"stripe-signature": f"t={stamp},v1={mac}"}


def test_ten_thousand_nested_brackets_are_a_400(api, app_engine: Engine) -> None:
    client, world = api
    for body in (b"[" * 10_000, b"{" + b'"a":[' * 5000):
        answer = client.post(orders_path(world), content=body)
        assert answer.status_code == 400
        assert answer.json() == {"error": "The body is nested too deeply (at most 8 levels)."}
        hook = client.post("/api/stripe/webhook", content=body, headers=signed(body))
        assert hook.status_code == 400
    assert stored_orders(app_engine) == 0


async def test_a_body_over_64_kb_is_refused_before_it_is_all_read(app_engine: Engine, api) -> None:
    _, world = api
    sent = []

    async def endless():  # no Content-Length: the size is only known by reading
        for _ in range(1000):
            sent.append(1)
            yield b" " * 1024

    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        answer = await client.post(orders_path(world), content=endless())
        assert answer.status_code == 413
        assert answer.json() == {"error": "The body is too large (at most 64 kB)."}
        assert len(sent) <= MAX_BODY // 1024 + 2  # stopped at 64 kB, not after 1,000 kB

        declared = await client.post(
            orders_path(world), content=b"{}", headers={"content-length": str(MAX_BODY + 1)}
        )
        assert declared.status_code == 413
        hook = await client.post("/api/stripe/webhook", content=endless())
        assert hook.status_code == 413
    assert stored_orders(app_engine) == 0


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"lines": [{"item_id": 2**40}]}, 422, "lines.0.item_id: Input should be less than"),
        ({"lines": [{"item_id": 1, "option_ids": [-1]}]}, 422, "lines.0.option_ids.0"),
        ({"lines": [{"item_id": "1"}]}, 422, "lines.0.item_id: Input should be a valid integer"),
        ({"lines": [{"item_id": 1, "quantity": True}]}, 422, "lines.0.quantity"),
        ({"lines": [{"item_id": 1, "quantity": 1.5}]}, 422, "lines.0.quantity"),
        ({"customer_name": 5}, 422, "customer_name: Input should be a valid string"),
        ({"customer_name": "Pat\ud800"}, 400, "characters that cannot be used"),
        ({"idempotency_key": "key-\ud800-0001"}, 400, "idempotency_key must be"),
        ({"customer_email": "pat\ud800@example.com"}, 400, "Enter a valid email address."),
        ({"lines": [{"item_id": 1}] * 51}, 422, "lines: List should have at most 50 items"),
    ],
)
def test_wrong_types_and_unusable_text_are_refused_with_a_message(
    api, app_engine: Engine, change: dict, status: int, message: str
) -> None:
    client, world = api
    body = json.dumps({**valid_order(world), **change}).encode()
    answer = client.post(orders_path(world), content=body)
    assert answer.status_code == status, answer.text
    assert message in answer.json()["error"]
    assert stored_orders(app_engine) == 0


def test_a_number_too_long_to_read_is_a_400(api) -> None:
    client, world = api
    body = json.dumps(valid_order(world)).replace('"quantity": 1', '"quantity": ' + "9" * 5000)
    answer = client.post(orders_path(world), content=body.encode())
    assert answer.status_code == 400
    assert answer.json() == {"error": "The body must be JSON (UTF-8)."}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
order_fields = st.sampled_from(
    ["lines", "customer_name", "customer_email", "customer_phone", "dining_method",
     "payment_method", "idempotency_key", "item_id", "option_ids", "quantity", "note"]
)  # fmt: skip


@st.composite
def order_bodies(draw: st.DrawFn, world: factories.World) -> bytes:
    """Raw bytes, any JSON, or a valid order with fields replaced by any JSON value."""
    kind = draw(st.sampled_from(["bytes", "json", "mutated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    order = valid_order(world, key=f"fuzz-{draw(st.uuids()).hex}")
    # Fields of the line first: replacing "lines" itself may leave no line to change.
    for field in sorted(draw(st.lists(order_fields, max_size=3)), key=lambda f: f in order):
        value = draw(json_values)
        if field in order:
            order[field] = value
        else:
            order["lines"][0][field] = value
    return json.dumps(order).encode()


def test_fuzzed_order_bodies_are_answered_without_a_server_error(api) -> None:
    client, world = api

    @FUZZ
    @given(body=order_bodies(world))
    def send(body: bytes) -> None:
        answer = client.post(orders_path(world), content=body)
        assert answer.status_code in (200, 201, 400, 404, 409, 413, 422), answer.text
        assert answer.json()["error" if answer.status_code >= 400 else "order_id"]

    send()


@st.composite
def webhook_events(draw: st.DrawFn) -> bytes:
    """Bodies shaped more or less like Stripe's events, with any JSON in any place."""
    kind = draw(st.sampled_from(["bytes", "json", "event"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    event_type = draw(
        st.sampled_from(
            [
                "checkout.session.completed",
                "checkout.session.expired",
                "refund.updated",
                "charge.refunded",
                "customer.created",
            ]
        )  # fmt: skip
    )
    found = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "id": json_values | st.text(max_size=10),
                "status": json_values,
                "payment_status": st.sampled_from(["paid", "unpaid"]) | json_values,
                "amount_total": st.integers() | json_values,
                "amount": st.integers() | json_values,
                "currency": json_values,
                "payment_intent": json_values,
                "charge": json_values,
                "client_reference_id": json_values,
                "metadata": json_values,
                "refunds": json_values,
            },
        )
    )
    event = {"id": draw(st.text(max_size=10) | json_values), "type": event_type}
    event["data"] = draw(st.just({"object": found}) | json_values)
    return json.dumps(event).encode()


def test_fuzzed_webhook_bodies_are_answered_without_a_server_error(api) -> None:
    client, _ = api

    @FUZZ
    @given(body=webhook_events(), sign=st.booleans())
    def send(body: bytes, sign: bool) -> None:
        headers = signed(body) if sign else {"stripe-signature": "t=1,v1=00"}
        answer = client.post("/api/stripe/webhook", content=body, headers=headers)
        assert answer.status_code in (200, 400), answer.text
        if not sign:
            assert answer.json() == {"error": "Invalid signature."}

    send()
