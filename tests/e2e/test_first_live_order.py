"""Journey: an API order reaches the manager's phone and the kitchen display live, and moves on."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from cliqmenu import demo_data
from tests.e2e.helpers import (
    ORDERS_API,
    assert_not_reloaded,
    at,
    demo_menu_ids,
    mark_page,
    sign_in,
    unique,
)

pytestmark = pytest.mark.e2e

PRICE = re.compile(r"\$\s*\d")


def tab_count(page: Page, stage: str) -> int:
    """The count badge of a stage tab on the manager's board."""
    return int(re.findall(r"\d+", page.locator(f"#tab-{stage}").inner_text())[-1])


def expect_tab_count(page: Page, stage: str, count: int) -> None:
    expect(page.locator(f"#tab-{stage}")).to_have_text(re.compile(rf"^\D*{count}\s*$"))


def test_api_order_flows_live_from_manager_to_kitchen_and_back(screen, app_server):
    manager = screen(390, 844, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    expect(manager.locator("#tab-received")).to_be_visible()
    expect(manager.locator(".order-card").first).to_be_visible()  # the demo's received orders
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    expect(kitchen.locator(".kds-card").first).to_be_visible()  # the demo's order in the kitchen
    mark_page(manager)
    mark_page(kitchen)
    received_before = tab_count(manager, "received")
    cooking_done_before = tab_count(manager, "cooking_done")

    ids = demo_menu_ids(app_server.db_url)
    customer = unique("Robin")
    order = {
        "lines": [
            {
                "item_id": ids.items["Classic Smash Burger"],
                "option_ids": [
                    ids.options[("Classic Smash Burger", "Double")],
                    ids.options[("Classic Smash Burger", "Bacon")],
                ],
                "quantity": 2,
                "note": "No pickles on one",
            },
            {
                "item_id": ids.items["Soft Drink"],
                "option_ids": [ids.options[("Soft Drink", "Ginger beer")]],
                "quantity": 1,
                "note": "",
            },
        ],
        "customer_name": f"{customer} Diner",
        "customer_email": "robin.diner@example.test",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": unique("e2e-first-live-order"),
    }
    with httpx.Client(base_url=app_server.base_url, timeout=15) as api:
        placed = api.post(ORDERS_API, json=order)
        assert placed.status_code == 201, placed.text
        number = placed.json()["order_number"]
        total = placed.json()["total_cents"]

        # A producer's retry with the same key is answered with the same order, not a new one.
        retried = api.post(ORDERS_API, json=order)
        assert retried.status_code == 200, retried.text
        assert retried.json()["order_number"] == number
        assert retried.json()["created"] is False

    # Received on the manager's phone, without a reload; the retry made no second card.
    expect_tab_count(manager, "received", received_before + 1)
    card = manager.locator(f"#order-{number}")
    expect(card).to_be_visible()
    expect(card).to_contain_text(customer)
    expect(manager.locator(f"#order-{number}")).to_have_count(1)
    card.click()
    detail = manager.locator("#order-detail")
    expect(detail).to_contain_text("Classic Smash Burger")
    expect(detail).to_contain_text("No pickles on one")
    manager.locator("#prep-minutes").fill("12")
    expect(manager.locator("#prep-minutes")).to_have_value("12")
    manager.locator("#accept-order").click()
    expect(detail).to_have_count(0)

    # On the kitchen display, without a reload: items, options and notes; no money, no contact.
    ticket = kitchen.locator(f"#kds-order-{number}")
    expect(ticket).to_be_visible()
    expect(ticket).to_contain_text(customer)
    expect(ticket.locator(".kds-prep")).to_have_text(re.compile(r"\b12\b"))
    burger = ticket.locator(".kds-line").filter(has_text="Classic Smash Burger")
    expect(burger).to_contain_text("2×")
    expect(burger.locator(".kds-options")).to_contain_text("Double")
    expect(burger.locator(".kds-options")).to_contain_text("Bacon")
    expect(burger.locator(".kds-note")).to_contain_text("No pickles on one")
    drink = ticket.locator(".kds-line").filter(has_text="Soft Drink")
    expect(drink.locator(".kds-options")).to_contain_text("Ginger beer")
    kitchen_text = kitchen.locator("body").inner_text()
    assert "robin.diner@example.test" not in kitchen_text
    assert not PRICE.search(kitchen_text), "the kitchen display shows a price"
    assert f"{total // 100}.{total % 100:02d}" not in kitchen_text

    # Cooking Done in the kitchen moves it to Cooking Done on the manager's phone.
    ticket.locator(".kds-bump").click()
    expect(ticket).to_have_count(0)
    expect_tab_count(manager, "cooking_done", cooking_done_before + 1)
    manager.locator("#tab-cooking_done").click()
    expect(manager.locator(f"#order-{number}")).to_be_visible()
    expect(manager.locator(f"#order-{number}")).to_contain_text("Ready for Pickup")

    assert_not_reloaded(manager)
    assert_not_reloaded(kitchen)
    expect(manager).to_have_url(at("/manage"))
    expect(kitchen).to_have_url(at("/kds"))
