"""The owner's journey on a real app in Chromium, from an empty install.

Needs an app whose database has no business yet: ``CLIQMENU_E2E_EMPTY_URL`` names one, else the
module starts its own (``cliqmenu migrate`` on a fresh SQLite file, then ``reflex run``). It must
run in a pytest process of its own (scripts/test.sh does so): a second ``reflex run`` rebuilds the
frontend that the session's demo server serves. The tests run in order and share the owner's
browser: set-up, business details, trucks (and archiving one), then an invited Order Manager who signs in and is
signed out when the owner disables them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.axe_audit import Auditor, write_minor
from tests.e2e.conftest import AppServer, _cliqmenu, _server_env, _stop, app_base_url  # noqa: E402

pytestmark = pytest.mark.e2e

BASE = os.environ.get("CLIQMENU_E2E_EMPTY_URL", "").rstrip("/")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OWNER_EMAIL, OWNER_PASSWORD = "ola@e2e-owner.test", "ola-owner-pass-1"
MANAGER_EMAIL = "max@e2e-owner.test"
TRUCK_SLUG = "e2e-wharf"


@pytest.fixture(scope="module", autouse=True)
def empty_install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """An app on a migrated database with no business yet, unless one was named."""
    global BASE
    if BASE:
        yield
        return
    folder = tmp_path_factory.mktemp("empty-install")
    database_url = f"sqlite:///{folder}/empty.db"
    BASE = app_base_url()
    env = _server_env(database_url, BASE)
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("GRANIAN_WORKERS", None)
    _cliqmenu(["migrate"], env)
    server = AppServer(BASE, database_url, folder / "server.log", env)
    server.log_path.touch()
    server.start()
    try:
        server.wait_until_serving()
        yield
    finally:
        if server.process is not None:
            _stop(server.process)
        BASE = ""


@pytest.fixture(autouse=True)
def server_log_is_clean() -> None:
    """This module drives its own empty install, not the session's demo ``app_server``."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CLIQMENU_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def owner_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="module")
def owner(owner_context: BrowserContext) -> Page:
    return owner_context.new_page()


def test_first_run_creates_the_business_and_signs_the_owner_in(owner: Page) -> None:
    # The set-up page exists only on an empty install: its accessibility audit is here (the
    # rest of the audit is tests/e2e/test_audit.py).
    audit = Auditor(owner, rest={"width": 1280, "height": 900})
    owner.goto(f"{BASE}/setup")
    expect(owner.locator("#setup-business_name")).to_be_visible()
    audit.check("first-run set-up")
    owner.fill("#setup-business_name", "E2E Street Food")
    owner.click("#setup-country")  # the country's currency comes with it
    owner.get_by_role("option", name="New Zealand", exact=True).click()
    expect(owner.locator("#setup-currency")).to_contain_text("NZD")
    owner.fill("#setup-owner_name", "Ola Owner")
    owner.fill("#setup-email", OWNER_EMAIL)
    owner.fill("#setup-password", OWNER_PASSWORD)
    owner.fill("#setup-password_again", "something-else")
    owner.click("#setup-submit")
    expect(owner.locator("#setup-error")).to_contain_text("do not match")
    audit.check("first-run set-up, refused")
    write_minor("axe-minor-setup.txt")

    owner.fill("#setup-password_again", OWNER_PASSWORD)
    owner.click("#setup-submit")
    owner.wait_for_url(re.compile(r"/admin/?$"), timeout=30_000)
    expect(owner.locator("#setup-checklist")).to_contain_text("Add a truck")

    owner.goto(f"{BASE}/setup")  # closed once a business exists
    owner.wait_for_url(re.compile(r"/signin/?$"), timeout=15_000)
    audit.assert_clean()  # the set-up finished first: the journey goes on either way


def test_business_details_refuse_a_bad_surcharge(owner: Page) -> None:
    owner.goto(f"{BASE}/admin/business")
    expect(owner.locator("#business-name")).to_have_value("E2E Street Food", timeout=15_000)
    expect(owner.locator("#business-country")).to_contain_text("New Zealand")
    owner.fill("#surcharge-card", "12")
    owner.click("#business-save")
    expect(owner.locator("#business-error")).to_contain_text("between 0% and 10%")

    owner.fill("#surcharge-card", "1.5")
    owner.click("#business-save")
    expect(owner.locator("#business-error")).to_have_count(0)
    owner.reload()
    expect(owner.locator("#surcharge-card")).to_have_value("1.5", timeout=15_000)


def test_a_truck_needs_a_payment_method_and_its_own_address(owner: Page) -> None:
    owner.goto(f"{BASE}/admin/trucks")
    owner.click("#add-truck")
    owner.fill("#truck-name-input", "E2E Wharf")
    expect(owner.locator("#truck-slug")).to_have_value(TRUCK_SLUG)  # suggested from the name
    owner.click("#truck-cash")
    owner.click("#truck-card")
    owner.click("#truck-save")
    expect(owner.locator("#truck-error")).to_contain_text("at least one payment method")

    owner.click("#truck-cash")
    owner.click("#truck-save")
    expect(owner.locator(f"#truck-{TRUCK_SLUG}")).to_contain_text("Cash at Counter")

    owner.click("#add-truck")
    owner.fill("#truck-name-input", "E2E Markets")
    expect(owner.locator("#truck-slug")).to_have_value("e2e-markets")
    owner.fill("#truck-slug", TRUCK_SLUG)
    expect(owner.locator("#truck-slug")).to_have_value(TRUCK_SLUG)
    owner.click("#truck-save")
    expect(owner.locator("#truck-error")).to_contain_text("is taken")
    owner.keyboard.press("Escape")

    svg = httpx.get(f"{BASE}/api/trucks/{TRUCK_SLUG}/qr.svg", timeout=10)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    png = httpx.get(f"{BASE}/api/trucks/{TRUCK_SLUG}/qr.png?download=1", timeout=10)
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["content-disposition"]


def test_a_truck_that_no_longer_trades_is_archived_and_restored(
    owner: Page, browser: Browser
) -> None:
    owner.goto(f"{BASE}/admin/trucks")
    owner.click("#add-truck")
    owner.fill("#truck-name-input", "E2E Markets")
    owner.click("#truck-save")
    expect(owner.locator("#truck-e2e-markets")).to_be_visible()
    owner.click("#archive-truck-e2e-markets")
    owner.click("#confirm-archive")
    expect(owner.locator("#archived-trucks")).to_contain_text("E2E Markets")
    expect(owner.locator("#truck-e2e-markets")).to_have_count(0)

    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        phone = phone_context.new_page()
        phone.goto(f"{BASE}/t/e2e-markets")
        expect(phone.locator("#truck-closed")).to_contain_text("E2E Markets is not taking orders")

        owner.click(f"#archive-truck-{TRUCK_SLUG}")
        owner.click("#confirm-archive")
        expect(owner.get_by_text("E2E Wharf is your only trading truck")).to_be_visible()

        owner.get_by_role("button", name="Restore E2E Markets").click()
        expect(owner.locator("#truck-e2e-markets")).to_be_visible()
        # The phone that had it open follows live: the menu is back, no reload.
        expect(phone.locator("#truck-closed")).to_have_count(0)
    finally:
        phone_context.close()


def test_an_invited_manager_signs_in_and_is_signed_out_when_disabled(
    owner: Page, browser: Browser
) -> None:
    owner.goto(f"{BASE}/admin/staff")
    owner.click("#open-invite")
    owner.fill("#invite-name", "Max Manager")
    owner.fill("#invite-email", "max@e2e")  # the browser accepts it; the server does not
    owner.click("#send-invite")
    expect(owner.locator("#invite-error")).to_contain_text("valid email")
    owner.fill("#invite-email", MANAGER_EMAIL)
    owner.click("#send-invite")
    expect(owner.locator("#staff-table")).to_contain_text(MANAGER_EMAIL)
    expect(owner.locator("#staff-table")).to_contain_text("Pending")

    owner.goto(f"{BASE}/admin/outbox")
    owner.locator(".outbox-email", has_text=MANAGER_EMAIL).first.click()
    body = owner.locator(".outbox-email", has_text=MANAGER_EMAIL).first.inner_text()
    link = re.search(r"https?://\S+/invite\?token=\S+", body).group(0)
    path = link[link.index("/invite") :]

    manager_context = browser.new_context(viewport={"width": 390, "height": 844})
    manager = manager_context.new_page()
    try:
        manager.goto(f"{BASE}{path}")
        manager.fill("#new-password", "max-manager-pass-1")
        manager.fill("#confirm-password", "max-manager-pass-1")
        manager.click("#set-password")
        manager.wait_for_url(re.compile(r"/manage/?$"), timeout=30_000)

        owner.goto(f"{BASE}/admin/staff")
        row = owner.locator(".staff-line", has_text=MANAGER_EMAIL)
        expect(row).to_contain_text("Active")
        row.locator("[id^=staff-actions-]").click()
        owner.get_by_role("menuitem", name="Disable access").click()
        expect(row).to_contain_text("Disabled")

        # The manager's open screen re-checks its session on the next heartbeat (5 s).
        manager.wait_for_url(re.compile(r"/signin/?$"), timeout=20_000)
    finally:
        manager_context.close()


def test_the_audit_page_shows_every_change_and_exports_it(owner: Page) -> None:
    owner.set_viewport_size({"width": 1280, "height": 800})
    owner.goto(f"{BASE}/admin/audit")
    expect(owner.get_by_role("heading", name="Audit")).to_be_visible()
    rows = owner.locator("#audit-list .audit-row")
    # Today's changes, newest first: the member disabled last, the truck added before.
    expect(rows.first).to_contain_text("staff.disabled")
    expect(owner.locator("#audit-list")).to_contain_text("truck.created")
    owner.screenshot(path="docs/img/owner-audit.png", full_page=False)

    owner.click("#audit-kind")
    owner.get_by_role("option", name="Trucks").click()
    expect(rows.first).to_contain_text("truck.")
    expect(owner.locator("#audit-list")).not_to_contain_text("staff.")

    with owner.expect_download() as download:
        owner.click("#audit-export-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("When,Who,Change,Order,Truck,Before,After,Reason")
    assert "truck.created" in text and "staff.disabled" not in text

    owner.set_viewport_size({"width": 390, "height": 844})
    owner.goto(f"{BASE}/admin/audit")
    expect(rows.first).to_be_visible()
    owner.screenshot(path="docs/img/owner-audit-phone.png", full_page=False)
    owner.set_viewport_size({"width": 1280, "height": 900})
