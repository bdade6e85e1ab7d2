"""The accessibility audit: axe-core (axe-playwright-python, which ships it: nothing is downloaded
at test time) on every page and main state, at phone (390x844) and desktop sizes, in the light
and the dark theme. Zero serious or critical violations; the minor and moderate ones found are
written to test-artifacts/axe-minor.txt (docs/accessibility.md lists and explains them).

Cheap by design: one browser context per role and theme, each page opened once and audited at
both sizes (the viewport changes, the page stays).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cliqmenu import demo_data
from cliqmenu.models import Stage
from tests.e2e import conftest as e2e
from tests.e2e.helpers import place_answer, set_stage, sign_in, unique, visit

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TV = {"width": 1920, "height": 1080}
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"
# WCAG 2.2 A and AA: contrast, names, labels, structure. Best-practice rules are left out.
RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
BLOCKING = ("serious", "critical")
THEMES = ["light", "dark"]

AXE = Axe()
MINOR: dict[str, set[str]] = {}


@pytest.fixture(scope="module", autouse=True)
def minor_report() -> Iterator[None]:
    yield
    if MINOR:
        e2e.ARTIFACTS.mkdir(exist_ok=True)
        lines = [f"{rule}: {', '.join(sorted(where))}" for rule, where in sorted(MINOR.items())]
        (e2e.ARTIFACTS / "axe-minor.txt").write_text("\n".join(lines) + "\n")


class Auditor:
    """Runs axe on the page as it is now and keeps what it found, for one assert at the end."""

    def __init__(self, page: Page, theme: str) -> None:
        self.page, self.theme, self.found = page, theme, []

    def check(self, where: str, sizes: tuple[dict, ...] = (PHONE, DESKTOP)) -> None:
        """Audit at each of ``sizes`` in the light theme; the dark one at the first size only
        (the same layout in other colours)."""
        for size in sizes if self.theme == "light" else sizes[:1]:
            self.page.set_viewport_size(size)
            self.page.wait_for_timeout(150)  # layout settles (breakpoints)
            options = {"runOnly": RULES, "resultTypes": ["violations"]}
            results = AXE.run(self.page, options=options).response
            label = f"{where} {size['width']}px {self.theme}"
            for violation in results["violations"]:
                targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:4]]
                if violation["impact"] in BLOCKING:
                    self.found.append(
                        f"{label}: {violation['id']} ({violation['impact']}) "
                        f"{violation['help']}: {targets}"
                    )
                else:
                    MINOR.setdefault(f"{violation['id']} ({violation['impact']})", set()).add(where)
        self.page.set_viewport_size(PHONE)

    def assert_clean(self) -> None:
        assert not self.found, "serious or critical violations:\n" + "\n".join(self.found)


@pytest.fixture(params=THEMES)
def auditor(request, screen) -> Callable[..., Auditor]:
    def make(name: str) -> Auditor:
        page = screen(PHONE["width"], PHONE["height"], name=name, color_scheme=request.param)
        return Auditor(page, request.param)

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


def test_sign_in_and_invitation(auditor) -> None:
    audit = auditor("visitor")
    visit(audit.page, "/signin")
    audit.check("sign-in")
    audit.page.locator("#sign-in").click()  # empty: refused with a message
    audit.page.wait_for_timeout(500)
    audit.check("sign-in refused")
    visit(audit.page, "/invite?token=not-a-real-token")
    audit.check("invitation")
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
    audit.check("order detail in progress, with Refund")
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
    audit = auditor("kitchen")
    page = audit.page
    sign_in(page, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    expect(page.locator("#kds-queue, #kds-empty")).to_be_visible()
    if audit.theme == "light":  # the display has its own switch (dark by default)
        page.locator("#kds-theme").click()
        expect(page.locator("#kds-page")).to_have_class(re.compile(r"\bkds-light\b"))
    audit.check("kitchen display", sizes=(TV, DESKTOP))
    audit.assert_clean()


OWNER_PAGES = [
    ("/admin", "owner overview"),
    ("/admin/business", "business"),
    ("/admin/trucks", "trucks"),
    ("/admin/reports", "reports"),
    ("/admin/audit", "audit"),
    ("/admin/outbox", "outbox"),
]


def test_owner_pages(auditor) -> None:
    audit = auditor("owner")
    page = audit.page
    sign_in(page, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    for path, where in OWNER_PAGES:
        visit(page, path)
        expect(page.locator("h1, h2").first).to_be_visible()
        audit.check(where)
    visit(page, "/admin/staff")
    audit.check("staff")
    page.locator("#open-invite").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit.check("invite dialog")
    page.keyboard.press("Escape")
    visit(page, "/admin/menu")
    page.locator('[data-item="Classic Smash Burger"]').first.click()
    expect(page.locator("#item-editor")).to_be_visible()
    audit.check("menu editor")
    audit.assert_clean()
