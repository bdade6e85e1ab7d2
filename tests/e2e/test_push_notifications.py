"""Journey: an Order Manager turns notifications on, closes the app, and a new order rings
(issue 19).

No browser push service is reachable from here, so the page's ``PushManager`` hands out a
subscription whose endpoint is the push service double on 127.0.0.1 (tests/push_service.py)
and whose keys the test holds; everything after that is real: the button, the permission, the
server storing the device, the order API, the push worker's encrypted request, and the service
worker showing what Chromium's DevTools protocol delivers to it
(``ServiceWorker.deliverPushMessage``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.db import make_engine
from cliqmenu.models import Order, StaffMember, Stage
from cliqmenu.services import lifecycle
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.notifications import REMINDER_KIND
from tests.e2e import conftest as e2e
from tests.e2e.helpers import forget_page_loads, order_body, sign_in, track_page_loads, visit
from tests.push_service import Browser, PushService

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DOCS_IMG = e2e.ROOT / "docs" / "img"
# The page's PushManager, answering with the test's subscription (kept across reloads).
FAKE_PUSH_MANAGER = """
(() => {
  const KEY = "cliq-test-push-subscription";
  const subscription = %s;
  const made = (json) => ({
    endpoint: json.endpoint,
    options: { applicationServerKey: null },
    toJSON: () => json,
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  PushManager.prototype.subscribe = async function () {
    localStorage.setItem(KEY, JSON.stringify(subscription));
    return made(subscription);
  };
  PushManager.prototype.getSubscription = async function () {
    const saved = localStorage.getItem(KEY);
    return saved ? made(JSON.parse(saved)) : null;
  };
  // The Badging API, recorded: what the app icon would show.
  window.cliqBadges = [];
  navigator.setAppBadge = async (count) => { window.cliqBadges.push(count); };
  navigator.clearAppBadge = async () => { window.cliqBadges.push(0); };
})();
"""
SHOWN = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
}"""


@pytest.fixture(scope="module")
def push_service() -> Iterator[PushService]:
    service = PushService().start()
    yield service
    service.stop()


def phone_context(browser, app_server, device: Browser) -> BrowserContext:
    context = browser.new_context(viewport=PHONE, base_url=app_server.base_url)
    context.set_default_timeout(15_000)
    context.grant_permissions(["notifications"], origin=app_server.base_url)
    context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(device.subscription()))
    return context


def new_page(context: BrowserContext) -> Page:
    page = context.new_page()
    track_page_loads(page)
    return page


def wait_for(condition, timeout_s: float = 20, page: Page | None = None):
    """``condition()``'s first truthy answer; with ``page``, its events are taken meanwhile."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := condition():
            return found
        if page is not None:
            page.wait_for_timeout(200)  # sync Playwright delivers events only inside its calls
        else:
            time.sleep(0.2)
    raise AssertionError("timed out")


def place_at(app_server, slug: str, customer: str) -> dict:
    body = order_body(app_server, customer)
    answer = httpx.post(app_server.url(f"/api/trucks/{slug}/orders"), json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def deliver_to_service_worker(page: Page, app_server, payload: dict) -> None:
    """Chromium delivers ``payload`` as a push to the page's service worker."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    scope = app_server.base_url.rstrip("/") + "/"
    found = wait_for(lambda: [r for r in registrations if r["scopeURL"] == scope], page=page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": app_server.base_url.rstrip("/"),
            "registrationId": found[0]["registrationId"],
            "data": json.dumps(payload),
        },
    )


def test_a_new_order_rings_the_manager_s_phone_with_the_app_closed(
    browser, app_server, push_service: PushService
):
    device = push_service.browser("maddie-phone")
    context = phone_context(browser, app_server, device)
    try:
        manager = new_page(context)
        sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, "/manage")
        card = manager.locator("#push-card")
        expect(card).to_contain_text("Never miss an order")
        expect(card).to_contain_text("even when the screen is locked")
        manager.screenshot(path=str(DOCS_IMG / "push-turn-on.png"))

        manager.get_by_role("button", name="Turn on notifications").click()
        expect(manager.get_by_role("button", name="Notifications are on")).to_be_visible()
        expect(card).to_have_count(0)
        manager.get_by_role("button", name="Notifications are on").click()
        expect(manager.get_by_text("Notifications are on for this device.")).to_be_visible()
        manager.wait_for_timeout(500)  # the popover's fade-in
        manager.screenshot(path=str(DOCS_IMG / "push-on.png"))

        # The app icon shows the orders waiting while the screen is open.
        waiting = int(manager.locator("#received-waiting").get_attribute("data-received") or -1)
        wait_for(lambda: manager.evaluate("window.cliqBadges").count(waiting), page=manager)

        # The test push arrives at this device.
        manager.get_by_role("button", name="Send me a test").click()
        test_push = device.read(wait_for(lambda: push_service.to(device))[-1])
        assert test_push["title"].startswith("Notifications are on · ")
        truck = test_push["title"].split(" · ", 1)[1]
        forget_page_loads(manager)
        manager.close()  # the app is closed: the push must not need it

        before = len(push_service.arrivals)
        placed = place_at(app_server, demo_data.BEACH_TRUCK_SLUG, "Elsewhere")
        placed = place_at(app_server, demo_data.CBD_TRUCK_SLUG, "Pocket")
        wait_for(lambda: push_service.arrivals[before:])
        time.sleep(3)  # a second push (to anyone) would have arrived by now
        # Orders earlier journeys left in Received may ring their reminders meanwhile; the new
        # orders ring once, this device only.
        arrived = push_service.arrivals[before:]
        assert all(a in push_service.to(device) for a in arrived), "only this device rings"
        news = [a for a in arrived if device.read(a)["kind"] != REMINDER_KIND]
        assert len(news) == 1, "exactly one push for the new order"
        shown = device.read(news[0])
        assert shown["kind"] == "new_order"
        assert shown["title"] in (f"New order · {truck}",) or "orders waiting" in shown["title"]
        assert f"#{placed['order_number']} Pocket" in shown["body"]
        assert shown["url"].startswith("/manage")

        # The service worker shows it, and what a tap opens shows the order.
        page = new_page(context)
        visit(page, "/manage")
        deliver_to_service_worker(page, app_server, shown)
        notes = wait_for(lambda: page.evaluate(SHOWN), page=page)
        assert [(n["title"], n["body"], n["tag"]) for n in notes] == [
            (shown["title"], shown["body"], shown["tag"])
        ]
        assert notes[0]["data"]["url"] == shown["url"]
        deliver_to_service_worker(page, app_server, shown)  # the same message again
        page.wait_for_timeout(1000)
        assert len(page.evaluate(SHOWN)) == 1

        visit(page, shown["url"] if "order=" in shown["url"] else "/manage")
        expect(page.get_by_text("Pocket").first).to_be_visible()
    finally:
        for page in context.pages:
            forget_page_loads(page)
        context.close()
    owner_sees_whose_devices_ring(browser, app_server)


def owner_sees_whose_devices_ring(browser, app_server) -> None:
    """The Owner's trucks page: the manager's phone rings for the CBD truck; at the beach truck
    no Order Manager's device does, and the page says so."""
    context = browser.new_context(viewport=DESKTOP, base_url=app_server.base_url)
    context.set_default_timeout(15_000)
    try:
        owner = new_page(context)
        sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, "/admin")
        visit(owner, "/admin/trucks")
        cbd = owner.locator(f"#ringing-{demo_data.CBD_TRUCK_SLUG}")
        manager_line = (
            cbd.locator("div").filter(has_text="Order Manager").filter(has_text="1 device rings")
        )
        expect(manager_line.first).to_be_visible()
        expect(cbd).to_contain_text("No pushes: the kitchen display chimes")
        expect(owner.locator(f"#ring-warning-{demo_data.CBD_TRUCK_SLUG}")).to_have_count(0)
        warning = owner.locator(f"#ring-warning-{demo_data.BEACH_TRUCK_SLUG}")
        expect(warning).to_contain_text("No Order Manager's phone rings for new orders at")
        expect(owner.locator(f"#truck-{demo_data.CBD_TRUCK_SLUG}")).to_contain_text(
            "Orders unaccepted after 3 min ring again, every 3 min"
        )
        owner.screenshot(path=str(DOCS_IMG / "push-owner-devices.png"), full_page=True)
    finally:
        for page in context.pages:
            forget_page_loads(page)
        context.close()


def move_to_ready(database_url: str, public_id: str) -> None:
    """The crew accepts the order and walks it to Ready for Pickup (through the services, on
    the app's database: the app's own worker must notice and push)."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            order = session.exec(select(Order).where(Order.public_id == public_id)).one()
            manager = session.exec(
                select(StaffMember).where(StaffMember.email == demo_data.MANAGER_EMAIL)
            ).one()
            lifecycle.accept(
                session, actor=manager, order_id=order.id, changes=AcceptChanges(prep_minutes=5)
            )
            for stage in (Stage.IN_PROGRESS, Stage.COOKING_DONE):
                lifecycle.advance(session, actor=manager, order_id=order.id, expected=stage)
            session.commit()
    finally:
        engine.dispose()


def test_a_customer_asks_to_be_notified_and_hears_ready_for_pickup(
    browser, app_server, push_service: PushService
):
    device = push_service.browser("customer-phone")
    context = phone_context(browser, app_server, device)
    try:
        placed = place_at(app_server, demo_data.CBD_TRUCK_SLUG, "Robin")
        customer = new_page(context)
        visit(customer, placed["tracking_url"])
        ask = customer.get_by_role("button", name="Notify me when it's ready")
        expect(ask).to_be_visible()
        customer.screenshot(path=str(DOCS_IMG / "push-customer-ask.png"))
        ask.click()
        expect(customer.locator("#notify-status")).to_contain_text(
            "We will notify this device when your order is ready."
        )
        customer.screenshot(path=str(DOCS_IMG / "push-customer.png"))
        forget_page_loads(customer)
        customer.close()

        move_to_ready(app_server.db_url, placed["order_id"])
        shown = device.read(wait_for(lambda: push_service.to(device))[0])
        assert shown["title"] == f"Order #{placed['order_number']} is Ready for Pickup"
        assert shown["url"] == f"/o/{placed['order_id']}"
    finally:
        for page in context.pages:
            forget_page_loads(page)
        context.close()
