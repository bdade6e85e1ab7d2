"""HTML typed into an order shows as text on the manager screen and the kitchen display."""

# ruff: noqa: F811  (the screens are fixtures of tests/e2e/test_kitchen_display.py)
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_kitchen_display import (  # noqa: F401
    accept_on_manager,
    card,
    item_ids,
    kitchen,
    manager,
    place_order,
)

pytestmark = pytest.mark.e2e

NOTE = '<b>bold</b><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
NAME = "<i>Eve</i> & co"


def assert_inert(page: Page) -> None:
    """Nothing of the typed markup became an element or ran."""
    assert page.evaluate("window.pwned") is None
    expect(page.locator("b", has_text="bold")).to_have_count(0)
    expect(page.locator("img[src=x]")).to_have_count(0)


def test_a_note_with_html_shows_literally(
    app_server, manager: Page, kitchen: Page, item_ids: list[int]
) -> None:
    lines = [{"item_id": item_ids[0], "quantity": 1, "note": NOTE}]
    number = place_order(app_server, item_ids, lines=lines, customer_name=NAME)

    manager.goto("/manage")
    manager.locator("#tab-received").click()
    manager.locator(f"#order-{number}").click()
    expect(manager.get_by_text(NOTE)).to_be_visible()
    expect(manager.get_by_text(NAME).first).to_be_visible()
    assert_inert(manager)

    accept_on_manager(manager, number)

    expect(card(kitchen, number).get_by_text(NOTE)).to_be_visible()
    assert_inert(kitchen)
