"""The accessibility audit: axe-core (axe-playwright-python, which ships it: nothing is downloaded
at test time) on every page and main state, at phone (390x844) and desktop sizes, in the light
and the dark theme. Zero serious or critical violations; the minor and moderate ones found are
written to test-artifacts/axe-minor.txt (docs/accessibility.md lists and explains them). The
first-run set-up page needs an empty install: tests/e2e/test_owner.py audits it.

Cheap by design: one browser context per role, each page opened once and audited where it
stands: light at each size (the viewport changes, the page stays), then dark at the phone size
(the device's colour scheme changes, the page follows it live; the same layout in other
colours). ``CLIQMENU_AUDIT_SHOTS=1`` also saves a phone screenshot of each state and theme to
test-artifacts/audit/, to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import ViewportSize, expect

from cliqmenu import demo_data
from cliqmenu.models import Stage
from tests.e2e.axe_audit import DESKTOP, PHONE, Auditor, write_minor
from tests.e2e.helpers import (
    invite_kitchen_member,
    place_answer,
    set_stage,
    sign_in,
    unique,
    visit,
)

pytestmark = pytest.mark.e2e

TV: ViewportSize = {"width": 1920, "height": 1080}
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"


@pytest.fixture(scope="module", autouse=True)
def minor_report() -> Iterator[None]:
    yield
    write_minor("axe-minor.txt")


@pytest.fixture
def auditor(screen):
    """``auditor(name)``: an Auditor on a page of its own (its own cookies), light, phone size."""

    def make(name: str) -> Auditor:
        return Auditor(screen(PHONE["width"], PHONE["height"], name=name, color_scheme="light"))

    return make


def test_customer_pages(auditor, app_server) -> None:
    audit = auditor("customer")
    page = audit.page
    visit(page, CBD)
    expect(page.locator(".menu-item").first).to_be_visible()
    audit.check("customer menu")
    page.locator('.menu-item[data-item="Classic Smash Burger"]').click()
    expect(page.locator("#add-to-order")).to_be_visible()
    audit.check("item picker")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Sides", exact=True).click()
    page.locator('.menu-item[data-item="Loaded Fries"]').click()
    page.locator("#add-to-order").click()
    expect(page.locator("#add-to-order")).to_have_count(0)
    audit.check("menu with a cart")
    page.locator("#view-order").click()
    expect(page.locator("#place-order")).to_be_visible()
    audit.check("checkout")
    page.locator("#place-order").click()  # no name yet: the form says so
    expect(page.get_by_text("Enter your name so the crew can call you.")).to_be_visible()
    audit.check("checkout with a message")

    placed = place_answer(app_server, unique("Audit"))
    visit(page, f"/o/{placed['order_id']}")
    expect(page.locator("#tracker-number")).to_be_visible()
    audit.check("tracking, Received")
    set_stage(app_server, placed["order_id"], Stage.READY_FOR_PICKUP)
    visit(page, f"/o/{placed['order_id']}")
    expect(page.locator("#expected-ready")).to_have_text("Ready now")
    audit.check("tracking, Ready for Pickup")
    audit.assert_clean()


def test_sign_in_and_a_spent_invitation(auditor) -> None:
    audit = auditor("visitor")
    visit(audit.page, "/signin")
    audit.check("sign-in")
    audit.page.locator("#sign-in").click()  # empty: refused with a message
    audit.page.wait_for_timeout(500)
    audit.check("sign-in refused")
    visit(audit.page, "/invite?token=not-a-real-token")
    audit.check("invitation, not valid")
    audit.assert_clean()


def test_manager_pages(auditor, app_server) -> None:
    audit = auditor("manager")
    page = audit.page
    sign_in(page, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    number = place_answer(app_server, unique("Audit"))["order_number"]
    expect(page.locator(f"#order-{number}")).to_be_visible()
    audit.check("manager board")
    page.locator(f"#order-{number}").click()
    expect(page.locator("#accept-order")).to_be_visible()
    audit.check("order detail with Accept")
    page.locator("#accept-order").click()
    page.locator("#tab-in_progress").click()
    page.locator(f"#order-{number}").click()
    expect(page.locator("#order-detail")).to_be_visible()
    audit.check("order detail in progress")
    # Paid at the counter: the refund panel, whole, then by items, then with a refund made.
    page.locator("#mark-paid").click()
    page.locator("#open-refund").click()
    expect(page.locator("#confirm-refund")).to_be_visible()
    audit.check("refund panel")
    page.locator("#refund-mode").get_by_role("radio", name="Items").click()
    expect(page.get_by_role("button", name="One more Loaded Fries")).to_be_visible()
    audit.check("refund panel, by items")
    page.locator("#refund-mode").get_by_role("radio", name="Amount").click()
    page.locator("#refund-amount").fill("1.00")
    page.locator("#confirm-refund").click()
    expect(page.locator("#refund-list .refund-row")).to_have_count(1)
    # Its message first, held by the pointer over it (a message stays while hovered).
    message = page.locator("[data-sonner-toast]").filter(has_text="Refunded")
    message.hover()
    audit.check("a message (Refunded.)", sizes=(PHONE,), messages=True)
    expect(message).to_be_visible()  # it was there for the whole audit
    audit.check("refund panel with a refund made")
    visit(page, "/manage/walk-in")
    audit.check("walk-in")
    visit(page, "/manage/history")
    page.locator("#history-search").fill("Audit")
    page.locator("#history-go").click()
    expect(page.locator(".order-card").first).to_be_visible()
    audit.check("history")
    visit(page, "/manage/stock")
    page.get_by_role("button", name="Details of Bottled Water").click()
    audit.check("stock")
    audit.assert_clean()


def test_kitchen_display(auditor) -> None:
    """Dark (its default) on the TV, then its own Light switch, on the TV and a smaller screen;
    then the expo, in the theme the device chose."""
    audit = auditor("kitchen")
    page = audit.page
    sign_in(page, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    expect(page.locator("#kds-queue, #kds-empty")).to_be_visible()
    audit.check("kitchen display, dark", sizes=(TV,), dark=False)
    page.locator("#kds-theme").click()
    expect(page.locator("#kds-page")).to_have_class(re.compile(r"\bkds-light\b"))
    audit.check("kitchen display, light", sizes=(TV, DESKTOP), dark=False)
    visit(page, "/kds/expo")
    expect(page.locator("#expo-page")).to_be_visible()
    audit.check("expo", sizes=(TV,), dark=False)
    audit.assert_clean()


OWNER_PAGES = [
    ("/admin", "owner overview"),
    ("/admin/business", "business"),
    ("/admin/trucks", "trucks"),
    ("/admin/reports", "reports"),
    ("/admin/audit", "audit"),
    ("/admin/printers", "printers"),
    ("/admin/stations", "stations"),
]


def test_owner_pages_and_an_invitation(auditor) -> None:
    audit = auditor("owner")
    page = audit.page
    sign_in(page, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    for path, where in OWNER_PAGES:
        visit(page, path)
        expect(page.locator("h1, h2").first).to_be_visible()
        audit.check(where)
    visit(page, "/admin/menu")
    page.locator('[data-item="Classic Smash Burger"]').first.click()
    expect(page.locator("#item-editor")).to_be_visible()
    audit.check("menu editor")
    visit(page, "/admin/staff")
    audit.check("staff")
    page.locator("#open-invite").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit.check("invite dialog")
    page.keyboard.press("Escape")
    name = unique("Ivy")
    link = invite_kitchen_member(page, name=name, email=f"{name.lower()}@audit.test")
    audit.check("outbox, an email open")  # where the invitation was read
    audit.assert_clean()

    invitee = auditor("invitee")
    visit(invitee.page, link)
    expect(invitee.page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    invitee.check("invitation")
    invitee.page.locator("#new-password").fill("short")
    invitee.page.locator("#confirm-password").fill("short")
    invitee.page.locator("#set-password").click()
    expect(invitee.page.get_by_role("alert")).to_be_visible()
    invitee.check("invitation refused")
    invitee.assert_clean()
