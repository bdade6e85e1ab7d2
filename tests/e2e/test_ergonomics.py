"""Phone ergonomics, measured in Chromium on the narrowest common phone (360 px wide) with
worst-case data: an 80-character name without a space, a 120-character item name, 200-character
notes. Every control on the customer and manager pages is at least 44x44 CSS px to a thumb (its
own box, or the label row it sits in), no page is wider than the screen, and nothing floats over
a primary action.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import Business, MenuCategory, MenuItem
from tests.e2e.helpers import ORDERS_API, demo_menu_ids, sign_in, unique, visit

pytestmark = pytest.mark.e2e

NARROW = (360, 780)
THUMB = 44
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"
LONG_NAME = "N" * 80
LONG_ITEM = "Triple-smoked-brisket-" + "X" * 98  # 120 characters, the longest an item takes
LONG_NOTE = ("no-onions-" * 20)[:200]
CONTROLS = (
    "button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=radio], "
    "[role=checkbox], [role=switch], [role=tab], [role=combobox]"
)
# Each control too small to a thumb: its own box, or the label (or choice row) around it.
SMALL_CONTROLS = """(thumb) => {
  const small = [];
  for (const el of document.querySelectorAll(arguments_selector)) {
    const own = el.getBoundingClientRect();
    if (own.width === 0 || own.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[aria-hidden="true"], [hidden]')) continue;
    if (own.width < 2 && own.height < 2) continue;  // visually hidden (a file input)
    const row = el.closest('label, .choice-row, .touch-row');
    const hit = row ? row.getBoundingClientRect() : own;
    const w = Math.max(own.width, hit.width), h = Math.max(own.height, hit.height);
    if (w < thumb - 0.5 || h < thumb - 0.5) {
      const name = el.getAttribute('aria-label') || el.innerText || el.id || el.outerHTML.slice(0, 60);
      small.push(`${name.trim().slice(0, 50)} (${Math.round(w)}x${Math.round(h)})`);
    }
  }
  return small;
}""".replace("arguments_selector", repr(CONTROLS))


def small_controls(page: Page) -> list[str]:
    return page.evaluate(SMALL_CONTROLS, THUMB)


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture(scope="module")
def worst_case(app_server) -> Iterator[dict]:
    """A 120-character item on the menu (Drinks), an order with an 80-character name and
    200-character notes; the item is archived again afterwards."""
    engine = create_engine(app_server.db_url)
    with Session(engine) as session:
        business = session.exec(
            select(Business).where(Business.name == demo_data.BUSINESS_NAME)
        ).one()
        drinks = session.exec(
            select(MenuCategory).where(
                MenuCategory.business_id == business.id, MenuCategory.name == "Drinks"
            )
        ).one()
        item = MenuItem(
            business_id=business.id, category_id=drinks.id, name=LONG_ITEM, price_cents=995
        )
        item.position = 999
        session.add(item)
        session.commit()
        item_id = item.id
    body = {
        "lines": [
            {"item_id": item_id, "quantity": 2, "note": LONG_NOTE},
            {"item_id": demo_menu_ids(app_server.db_url).items["Loaded Fries"], "quantity": 1},
        ],
        "customer_name": LONG_NAME,
        "customer_email": "a-very-long-address-" + "z" * 40 + "@example.test",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": unique("e2e-ergonomics"),
    }
    answer = httpx.post(app_server.url(ORDERS_API), json=body, timeout=15)
    assert answer.status_code == 201, answer.text
    try:
        yield answer.json()
    finally:
        with Session(engine) as session:
            stored = session.get(MenuItem, item_id)
            assert stored is not None
            stored.archived = True
            session.add(stored)
            session.commit()
        engine.dispose()


def check(page: Page, where: str, found: list[str]) -> None:
    # Sizes once a dialog's opening animation (a slight zoom) has ended.
    page.evaluate(
        """Promise.all(document.getAnimations()
          .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
          .map((a) => a.finished))"""
    )
    if (width := page_width(page)) > NARROW[0]:
        found.append(f"{where}: the page is {width} px wide on a {NARROW[0]} px screen")
    found += [f"{where}: {control} is smaller than a thumb" for control in small_controls(page)]


def test_customer_pages_fit_a_thumb_and_the_screen(screen, worst_case: dict) -> None:
    page = screen(*NARROW, name="customer")
    found: list[str] = []
    visit(page, CBD)
    expect(page.locator(".menu-item").first).to_be_visible()
    check(page, "menu", found)
    page.get_by_role("button", name="Drinks", exact=True).click()
    item = page.locator(f'.menu-item[data-item="{LONG_ITEM}"]')
    expect(item).to_be_visible()
    check(page, "menu with a long item", found)
    item.click()
    expect(page.locator("#add-to-order")).to_be_visible()
    page.locator("#item-note").fill(LONG_NOTE)
    check(page, "item picker", found)
    page.locator("#add-to-order").click()
    expect(page.locator("#add-to-order")).to_have_count(0)
    # The cart bar floats at the bottom: the last item can still be scrolled clear of it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator(".menu-item").last
    bar = page.locator(".cart-bar").bounding_box()
    box = last.bounding_box()
    assert bar and box and box["y"] + box["height"] <= bar["y"], "the cart bar hides an item"
    page.locator("#view-order").click()
    page.locator("#customer-name").fill(LONG_NAME)
    check(page, "checkout", found)
    visit(page, f"/o/{worst_case['order_id']}")
    expect(page.locator("#tracker-number")).to_be_visible()
    check(page, "tracking", found)
    assert not found, "\n".join(found)


def test_manager_pages_fit_a_thumb_and_the_screen(screen, worst_case: dict) -> None:
    page = screen(*NARROW, name="manager")
    sign_in(page, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    found: list[str] = []
    number = worst_case["order_number"]
    page.locator("#tab-received").click()
    expect(page.locator(f"#order-{number}")).to_be_visible()
    check(page, "board", found)
    page.locator(f"#order-{number}").click()
    expect(page.locator("#accept-order")).to_be_visible()
    page.locator("#kitchen-note").fill(LONG_NOTE)
    check(page, "order detail", found)
    page.locator("#account-menu").click()
    expect(page.get_by_role("menu")).to_be_visible()
    check(page, "account menu", found)
    page.keyboard.press("Escape")
    visit(page, "/manage/walk-in")
    check(page, "walk-in", found)
    visit(page, "/manage/history")
    page.locator("#history-search").fill(LONG_NAME)
    page.locator("#history-go").click()
    expect(page.locator(".order-card").first).to_be_visible()
    check(page, "history", found)
    visit(page, "/manage/stock")
    page.get_by_role("button", name=f"Details of {LONG_ITEM}").click()
    check(page, "stock", found)
    assert not found, "\n".join(found)
