"""Fault: the server is killed (kill -9, its whole process group) in the middle of a burst of API
orders. Producers retry with their fixed idempotency keys until answered; after the restart every
order exists exactly once, with its lines, and the open manager screen shows them all."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from playwright.sync_api import expect

from cliqmenu import demo_data
from tests.e2e.helpers import ORDERS_API, demo_menu_ids, sign_in, stored_orders, unique
from tests.e2e.test_first_live_order import expect_tab_count, tab_count

pytestmark = pytest.mark.e2e

BURST = 200
KILL_AFTER = 40  # answered orders before the kill: the rest meet a dead server, then a new one
SENDERS = 8
RETRY_FOR_S = 300


def send_until_answered(api: httpx.Client, order: dict, answered: threading.Event) -> dict:
    """POST the order again and again (same key) until the server answers it; the answer."""
    deadline = time.monotonic() + RETRY_FOR_S
    while True:
        try:
            answer = api.post(ORDERS_API, json=order)
            if answer.status_code in (200, 201):
                answered.set()
                return answer.json()
            retry = answer.status_code >= 500  # 502 from a proxy with no app behind it
            assert retry, answer.text
        except httpx.TransportError:
            pass  # refused, reset or cut off mid-answer: the order may or may not be in
        assert time.monotonic() < deadline, f"{order['idempotency_key']} never got an answer"
        time.sleep(0.5)


def test_kill_9_during_a_burst_loses_and_doubles_no_order(screen, app_server):
    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    expect(manager.locator("#live-badge[data-state='live']")).to_be_visible()
    received_before = tab_count(manager, "received")

    item = demo_menu_ids(app_server.db_url).items["Smoky Slaw"]
    prefix = unique("fault-kill")
    orders = [
        {
            "lines": [{"item_id": item, "quantity": 1}],
            "customer_name": f"Burst Diner {n}",
            "dining_method": "takeaway",
            "payment_method": "cash_at_counter",
            "idempotency_key": f"{prefix}-{n:03d}",
        }
        for n in range(BURST)
    ]
    answers: list[threading.Event] = [threading.Event() for _ in orders]
    with (
        httpx.Client(base_url=app_server.base_url, timeout=10) as api,
        ThreadPoolExecutor(SENDERS) as senders,
    ):
        sent = [
            senders.submit(send_until_answered, api, order, answered)
            for order, answered in zip(orders, answers, strict=True)
        ]
        while sum(answered.is_set() for answered in answers) < KILL_AFTER:
            time.sleep(0.05)
        app_server.kill()
        assert not all(answered.is_set() for answered in answers), "the burst ended before kill"
        app_server.restart()
        results = [future.result() for future in sent]

    # Every order answered, each with its own number; the store holds each exactly once.
    assert len({result["order_id"] for result in results}) == BURST
    assert len({result["order_number"] for result in results}) == BURST
    assert stored_orders(app_server.db_url, prefix) == (BURST, BURST, 0)

    # The manager's screen reconnects by itself and counts them all on the Received tab.
    expect(manager.locator("#live-badge[data-state='live']")).to_be_visible(timeout=60_000)
    expect_tab_count(manager, "received", received_before + BURST)
