"""The order ingest API refuses a bad order with a 4xx and a message naming the problem."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.helpers import ORDERS_API, demo_menu_ids, unique

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def good_order(app_server) -> dict:
    ids = demo_menu_ids(app_server.db_url)
    return {
        "lines": [{"item_id": ids.items["Loaded Fries"], "option_ids": [], "quantity": 1}],
        "customer_name": "Api Tester",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
    }


def _without(order: dict, field: str) -> dict:
    return {k: v for k, v in order.items() if k != field}


@pytest.mark.parametrize(
    ("case", "status", "named"),
    [
        pytest.param("no customer_name", 422, "customer_name", id="no customer_name"),
        pytest.param("unknown dining_method", 422, "dining_method", id="unknown dining_method"),
        pytest.param("no lines", 400, "at least one item", id="no lines"),
        pytest.param("unknown item", 400, "987654", id="unknown item"),
        pytest.param("quantity 0", 400, "Quantity", id="quantity 0"),
        pytest.param("not JSON", 400, "JSON", id="not JSON"),
        pytest.param("unknown truck", 404, "no-such-truck", id="unknown truck"),
        pytest.param(
            "not UTF-8",
            400,
            "JSON",
            id="not UTF-8",
        ),
        pytest.param(
            "NUL in customer_name",
            400,
            "name",
            id="NUL in customer_name",
        ),
    ],
)
def test_bad_order_is_refused_with_a_message_naming_the_problem(
    app_server, good_order, case, status, named
):
    order = {**good_order, "idempotency_key": unique("e2e-bad-order")}
    url, body = ORDERS_API, None
    if case == "no customer_name":
        order = _without(order, "customer_name")
    elif case == "unknown dining_method":
        order["dining_method"] = "drive_thru"
    elif case == "no lines":
        order["lines"] = []
    elif case == "unknown item":
        order["lines"] = [{"item_id": 987654, "option_ids": [], "quantity": 1}]
    elif case == "quantity 0":
        order["lines"] = [{**order["lines"][0], "quantity": 0}]
    elif case == "not JSON":
        body = b'{"lines": [}'
    elif case == "unknown truck":
        url = "/api/trucks/no-such-truck/orders"
    elif case == "not UTF-8":
        body = b"\xff\xfe{"
    elif case == "NUL in customer_name":
        order["customer_name"] = "Api\x00Tester"

    with httpx.Client(base_url=app_server.base_url, timeout=15) as api:
        if body is None:
            answer = api.post(url, json=order)
        else:
            answer = api.post(url, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == status, answer.text
    assert named in answer.json()["error"], answer.text
