"""The demo's story, step by step, on the real app in Chromium.

A customer orders from a phone; the Order Manager accepts it on a phone with a prep time and a
changed payment method; the kitchen display on a 1920x1080 TV ticks the items and bumps the
order; the manager marks it Ready for Pickup, takes the card payment, marks it Delivered and
refunds part of it; the Owner's report shows the day. Every step checks what a user would see
and is photographed by the Recorder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Browser, BrowserContext, Page, expect

from cliqmenu import demo_data
from demo.recorder import Recorder
from tests.e2e.helpers import sign_in, track_page_loads, visit
from tests.e2e.test_customer_ordering import current_step, menu_item, open_menu
from tests.e2e.test_kitchen_display import card
from tests.e2e.test_order_manager import choose, open_order

PHONE = {"width": 390, "height": 844}
TV = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 900}
CUSTOMER = "Alex Rivera"
PREP_MINUTES = "15"
REFUND = "$4.50"
REFUND_REASON = "Fries arrived cold"


@dataclass
class Screens:
    """Opens each person's screen in a browser context of its own (own cookies, own video)."""

    browser: Browser
    base_url: str
    video_dir: str
    contexts: dict[str, BrowserContext]

    def open(
        self, name: str, viewport: dict[str, int], video: dict[str, int] | None = None
    ) -> Page:
        context = self.browser.new_context(
            viewport=viewport,
            base_url=self.base_url,
            record_video_dir=f"{self.video_dir}/{name}",
            record_video_size=video or viewport,
            device_scale_factor=1,
        )
        context.set_default_timeout(20_000)
        self.contexts[name] = context
        page = context.new_page()
        track_page_loads(page)
        return page


@dataclass
class Story:
    """The people of the story, their screens, and the order they share."""

    screens: Screens
    customer: Page | None = None
    manager: Page | None = None
    kitchen: Page | None = None
    owner: Page | None = None
    number: int = 0

    def page(self, who: str) -> Callable[[], Page]:
        return lambda: getattr(self, who)

    def run(self, recorder: Recorder) -> None:
        step = recorder.step
        step("Kitchen Staff starts service on the kitchen TV", self.page("kitchen"), self.kds_on)
        step("Order Manager signs in on a phone", self.page("manager"), self.manager_on)
        step("Customer opens the truck's menu on a phone", self.page("customer"), self.menu)
        step("Customer customizes a Classic Smash Burger", self.page("customer"), self.burger)
        step("Customer adds Loaded Fries and checks out", self.page("customer"), self.checkout)
        step("Customer places the order: Received", self.page("customer"), self.place)
        step("The new order rings on the manager's phone", self.page("manager"), self.rings)
        step(
            "Manager sets 15 minutes and Card at Counter",
            self.page("manager"),
            self.prepare_accept,
        )
        step("Manager accepts: the customer sees In Progress", self.page("customer"), self.accept)
        step("The ticket is on the kitchen display", self.page("kitchen"), self.ticket_shown)
        step("Kitchen ticks the items", self.page("kitchen"), self.tick)
        step("Kitchen bumps the order: Cooking Done", self.page("kitchen"), self.bump)
        step("Manager marks Ready for Pickup", self.page("customer"), self.ready)
        step("Manager takes the card payment: Mark paid", self.page("manager"), self.mark_paid)
        step("Manager marks Delivered", self.page("manager"), self.delivered)
        step("Manager refunds $4.50 on the card terminal", self.page("manager"), self.refund)
        step("Owner's report shows the day", self.page("owner"), self.report)

    # Staff get ready before the first order arrives.
    def kds_on(self) -> None:
        self.kitchen = self.screens.open("kitchen", TV, video={"width": 1280, "height": 720})
        sign_in(self.kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
        expect(self.kitchen.locator("#kds-queue, #kds-empty")).to_be_visible()
        self.kitchen.locator("#kds-start-service-strip").click()
        expect(self.kitchen.locator("#kds-alert")).to_have_count(0)

    def manager_on(self) -> None:
        self.manager = self.screens.open("manager", PHONE)
        sign_in(
            self.manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage"
        )
        expect(self.manager.locator("#live-badge[data-state='live']")).to_be_visible()

    # The customer orders from a phone.
    def menu(self) -> None:
        self.customer = self.screens.open("customer", PHONE)
        open_menu(self.customer, f"/t/{demo_data.CBD_TRUCK_SLUG}", "Burgers")
        expect(menu_item(self.customer, "Classic Smash Burger")).to_be_visible()

    def burger(self) -> None:
        page = self.customer
        menu_item(page, "Classic Smash Burger").click()
        page.get_by_role("button", name="Double", exact=True).click()
        page.get_by_role("button", name="Bacon", exact=True).click()
        expect(page.get_by_role("button", name="Bacon", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        page.locator("#item-note").fill("No pickles")
        expect(page.locator("#item-note")).to_have_value("No pickles")

    def checkout(self) -> None:
        page = self.customer
        page.locator("#add-to-order").click()
        expect(page.locator("#add-to-order")).to_have_count(0)
        page.get_by_role("button", name="Sides", exact=True).click()
        menu_item(page, "Loaded Fries").click()
        page.locator("#add-to-order").click()
        expect(page.locator("#add-to-order")).to_have_count(0)
        page.locator("#view-order").click()
        page.locator("#customer-name").fill(CUSTOMER)
        page.locator("#customer-dining").get_by_role("radio", name="Takeaway").click()
        page.locator("#pay-cash_at_counter").click()
        sheet = page.get_by_role("dialog")
        expect(sheet).to_contain_text("Classic Smash Burger")
        expect(sheet).to_contain_text("Loaded Fries")
        expect(page.locator("#customer-name")).to_have_value(CUSTOMER)
        page.locator("#customer-name").scroll_into_view_if_needed()

    def place(self) -> None:
        page = self.customer
        page.locator("#place-order").click()
        expect(page).to_have_url(re.compile(r"/o/[\w-]{22}/?$"))
        # The page shows #0 until its state has loaded.
        expect(page.locator("#tracker-number")).to_have_text(re.compile(r"^#[1-9]\d*$"))
        self.number = int(page.locator("#tracker-number").inner_text().lstrip("#"))
        expect(current_step(page)).to_contain_text("Received")

    # The manager accepts it, with changes.
    def rings(self) -> None:
        page = self.manager
        expect(page.locator("#new-order-alert")).to_be_visible()
        expect(page.locator(f"#order-{self.number}")).to_contain_text(CUSTOMER)

    def prepare_accept(self) -> None:
        page = self.manager
        open_order(page, "received", self.number)
        page.get_by_role("button", name=f"{PREP_MINUTES} minutes").click()
        expect(page.locator("#prep-minutes")).to_have_value(PREP_MINUTES)
        before = page.locator("#total-after").inner_text()
        choose(page, "#payment-method", "Card at Counter")
        expect(page.locator("#totals-preview")).to_contain_text("Surcharge")
        expect(page.locator("#total-after")).not_to_have_text(before)
        page.locator("#totals-preview").scroll_into_view_if_needed()

    def accept(self) -> None:
        self.manager.locator("#accept-order").click()
        expect(self.manager.locator("#order-detail")).to_have_count(0)
        expect(current_step(self.customer)).to_contain_text("In Progress")
        expect(self.customer.locator("#expected-ready")).to_contain_text("Ready around")

    # The kitchen cooks.
    def ticket_shown(self) -> None:
        ticket = card(self.kitchen, self.number)
        expect(ticket).to_be_visible()
        expect(ticket).to_contain_text("Classic Smash Burger")
        expect(ticket.locator(".kds-note")).to_contain_text("No pickles")
        expect(ticket.locator(".kds-prep")).to_have_text(re.compile(rf"\b{PREP_MINUTES}\b"))

    def tick(self) -> None:
        lines = card(self.kitchen, self.number).locator(".kds-line-button")
        for index in range(lines.count()):
            lines.nth(index).click()
            expect(lines.nth(index)).to_have_attribute("aria-pressed", "true")

    def bump(self) -> None:
        card(self.kitchen, self.number).locator(".kds-bump").click()
        expect(card(self.kitchen, self.number)).to_have_count(0)
        expect(self.kitchen.locator("#kds-recall")).to_contain_text(f"#{self.number}")
        expect(current_step(self.customer)).to_contain_text("Cooking Done")

    # The manager hands it over, takes the money, and refunds part of it.
    def ready(self) -> None:
        page = self.manager
        page.locator("#tab-cooking_done").click()
        order = page.locator(f"#order-{self.number}")
        order.get_by_role("button", name="Ready for Pickup").click()
        expect(order).to_have_count(0)
        expect(current_step(self.customer)).to_contain_text("Ready for Pickup")
        expect(self.customer.locator("#expected-ready")).to_have_text("Ready now")

    def mark_paid(self) -> None:
        page = self.manager
        open_order(page, "ready_for_pickup", self.number)
        page.locator("#mark-paid").click()
        expect(page.locator("#payment-status")).to_have_text("Paid")
        page.locator("#payment-status").scroll_into_view_if_needed()

    def delivered(self) -> None:
        page = self.manager
        page.locator("#order-detail").get_by_role("button", name="Delivered").click()
        expect(page.locator("#order-detail")).to_contain_text("Delivered")
        expect(current_step(self.customer)).to_contain_text("Delivered")
        page.locator("#order-detail").scroll_into_view_if_needed()

    def refund(self) -> None:
        page = self.manager
        open_order(page, "delivered", self.number)
        page.locator("#open-refund").click()
        expect(page.locator("#refundable")).to_be_visible()
        page.locator("#refund-mode").get_by_role("radio", name="Amount").click()
        page.locator("#refund-amount").fill(REFUND.lstrip("$"))
        page.locator("#refund-way").get_by_role(
            "radio", name="Refunded on the card terminal"
        ).click()
        page.locator("#refund-reason").fill(REFUND_REASON)
        page.locator("#confirm-refund").click()
        refunds = page.locator("#refund-list")
        expect(refunds).to_contain_text(REFUND)
        expect(refunds).to_contain_text(REFUND_REASON)
        expect(page.locator("#payment-status")).to_have_text("Partially refunded")
        refunds.evaluate("list => list.scrollIntoView({block: 'center'})")  # above the toast

    # The owner looks at the day.
    def report(self) -> None:
        self.owner = self.screens.open("owner", LAPTOP)
        sign_in(self.owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
        visit(self.owner, "/admin/reports")
        self.owner.locator("#range-today").click()
        expect(self.owner.locator("#range-today")).to_have_attribute("data-accent-color", "orange")
        refunds = self.owner.locator(".rt-Card").filter(has_text="made in this range")
        expect(refunds).to_contain_text(REFUND)
        expect(self.owner.locator("#report-table")).to_be_visible()
