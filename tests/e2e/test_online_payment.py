"""An Online order paid on the (localstripe) hosted page, end to end in Chromium.

A customer on /t/smoky-bros-cbd (phone) orders, chooses Online, is sent to the hosted payment
page, pays and comes back to /o/<id>?paid=1; the Order Manager's /manage screen, already open,
shows the order in Received without a reload, and the tracking page leaves "Waiting for your
payment" by itself.

The module brings its own app: localstripe (tests/payments/localstripe_server.py) on a free
port, a fresh SQLite database (``cliqmenu migrate`` + ``seed-demo``) and ``reflex run`` with the
Stripe settings pointing at localstripe. localstripe's signed webhooks go through a small
forwarder that records each delivery and posts it unchanged to the app's
``/api/stripe/webhook``. It must run in a pytest process of its own (scripts/test.sh does so):
a second ``reflex run`` rebuilds the frontend that the session's demo server serves.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import AuditEvent, Order, Payment, Truck
from tests.e2e.conftest import (
    ROOT,
    AppServer,
    _cliqmenu,
    _server_env,
    _stop,
    app_base_url,
)
from tests.e2e.helpers import assert_not_reloaded, at, mark_page, sign_in, unique, visit

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"
STRIPE_SECRET_KEY = "sk_test_cliqmenu_e2e"
STRIPE_PUBLISHABLE_KEY = "pk_test_cliqmenu_e2e"
WEBHOOK_SECRET = "whsec_cliqmenu_e2e"
ITEM = ("Sides", "Loaded Fries")  # no required options: one tap adds it


class Deliveries:
    """What localstripe delivered, as (event type, the app's answer), in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def add(self, event_type: str, status: int) -> None:
        with self.lock:
            self.seen.append((event_type, status))

    def of(self, event_type: str) -> list[int]:
        with self.lock:
            return [status for kind, status in self.seen if kind == event_type]


DELIVERIES = Deliveries()


def _start_localstripe() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.payments.localstripe_server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("LISTENING "):
        process.kill()
        raise RuntimeError(f"localstripe did not start: {line}{process.stdout.read()}")
    url = f"http://127.0.0.1:{int(line.split()[1])}"
    # Keep reading its output so a full pipe never blocks it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("localstripe did not answer")
        time.sleep(0.1)


def _start_forwarder(app_webhook_url: str) -> ThreadingHTTPServer:
    """Receives localstripe's webhooks and posts each, signature and all, to the app."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {
                "Content-Type": self.headers.get("Content-Type", "application/json"),
                "Stripe-Signature": self.headers.get("Stripe-Signature", ""),
            }
            try:
                status = httpx.post(
                    app_webhook_url, content=body, headers=headers, timeout=30
                ).status_code
            except httpx.HTTPError:
                status = 599
            try:
                event_type = str(json.loads(body).get("type"))
            except ValueError:
                event_type = "?"
            DELIVERIES.add(event_type, status)
            self.send_response(status if status < 599 else 502)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _enable_online(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            truck = session.exec(select(Truck).where(Truck.slug == demo_data.CBD_TRUCK_SLUG)).one()
            truck.accepts_online = True
            session.add(truck)
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """This module's own app: demo data on fresh SQLite, Stripe pointed at localstripe.

    It replaces the session's ``app_server`` for this module, so the harness's ``browser``,
    ``screen`` and server-log check all work against it.
    """
    folder = tmp_path_factory.mktemp("online-payment")
    database_url = f"sqlite:///{folder}/online.db"
    base_url = app_base_url()
    stripe, stripe_url = _start_localstripe()
    forwarder = _start_forwarder(f"{base_url}/api/stripe/webhook")
    server: AppServer | None = None
    try:
        httpx.post(
            f"{stripe_url}/_config/webhooks/cliqmenu-e2e",
            data={
                "url": f"http://127.0.0.1:{forwarder.server_address[1]}/",
                "secret": WEBHOOK_SECRET,
            },
            timeout=10,
        ).raise_for_status()
        env = _server_env(database_url, base_url)
        env.pop("REFLEX_REDIS_URL", None)
        env.pop("GRANIAN_WORKERS", None)
        env.update(
            CLIQMENU_STRIPE_SECRET_KEY=STRIPE_SECRET_KEY,
            CLIQMENU_STRIPE_PUBLISHABLE_KEY=STRIPE_PUBLISHABLE_KEY,
            CLIQMENU_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            CLIQMENU_STRIPE_API_BASE=stripe_url,
        )
        _cliqmenu(["migrate"], env)
        _cliqmenu(["seed-demo"], env)
        _enable_online(database_url)
        server = AppServer(base_url, database_url, folder / "server.log", env)
        server.log_path.touch()
        server.start()
        server.wait_until_serving()
        yield server
    finally:
        if server is not None and server.process is not None:
            _stop(server.process)
        forwarder.shutdown()
        stripe.terminate()
        try:
            stripe.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stripe.kill()


def _stored(database_url: str, public_id: str) -> tuple[Order, int, list[str]]:
    """The order, how many payments it has, and its audit actions."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            order = session.exec(select(Order).where(Order.public_id == public_id)).one()
            payments = len(list(session.exec(select(Payment).where(Payment.order_id == order.id))))
            actions = list(
                session.exec(select(AuditEvent.action).where(AuditEvent.order_id == order.id))
            )
            session.expunge_all()
    finally:
        engine.dispose()
    return order, payments, actions


CHECKOUT_PAGE = re.compile(r"/_config/checkout/cs_test_\w+$")


def payment_page(customer: Page, timeout_s: float = 20) -> Page:
    """The hosted payment page the customer was sent to: in the same tab or in a new one."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for page in customer.context.pages:
            if CHECKOUT_PAGE.search(page.url):
                page.wait_for_load_state()
                return page
        customer.wait_for_timeout(100)
    urls = [page.url for page in customer.context.pages]
    raise AssertionError(f"no hosted payment page opened in {timeout_s:.0f} s: {urls}")


def place_online_order(customer: Page) -> str:
    """Order one plain item at the CBD truck, choose Online and press Pay; the customer's name."""
    visit(customer, CBD)
    expect(customer.locator(".menu-item").first).to_be_visible()
    customer.get_by_role("button", name=ITEM[0], exact=True).click()
    customer.locator(f'.menu-item[data-item="{ITEM[1]}"]').click()
    customer.locator("#add-to-order").click()
    expect(customer.locator("#add-to-order")).to_have_count(0)

    customer.locator("#view-order").click()
    name = unique("Riley")
    customer.locator("#customer-name").fill(name)
    customer.locator("#customer-email").fill(f"{name.lower()}@example.test")
    customer.locator("#pay-online").click()
    expect(customer.locator("#pay-online")).to_be_checked()
    customer.locator("#place-order").click()
    return name


def test_online_order_is_paid_on_the_hosted_page_and_reaches_the_open_manager_screen(
    screen, app_server: AppServer
) -> None:
    # The Order Manager's board is open on the Received tab before the customer orders.
    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    manager.locator("#tab-received").click()
    expect(manager.locator(".order-card").first).to_be_visible()
    mark_page(manager)

    customer = screen(*PHONE, name="customer")
    name = place_online_order(customer)

    # Stripe's hosted page (localstripe's stand-in); nothing reaches staff before payment.
    # Today the app opens it in a new tab (see the xfail test below); follow it wherever it is.
    payment = payment_page(customer)
    expect(payment.locator("h1")).to_contain_text("Pay")
    expect(manager.locator(".order-card").filter(has_text=name)).to_have_count(0)
    payment.locator("#pay").click()
    customer = payment

    # Back on the tracking page: it leaves "waiting for payment" by itself.
    expect(customer).to_have_url(re.compile(r"/o/[\w-]{22}/?\?paid=1$"), timeout=20_000)
    public_id = customer.url.split("?")[0].rstrip("/").rsplit("/", 1)[1]
    expect(customer.locator("#tracker-steps")).to_be_visible(timeout=20_000)
    expect(customer.get_by_text("Waiting for your payment")).to_have_count(0)
    expect(customer.locator("#tracker-steps .step-dot.current")).to_have_count(1)
    expect(
        customer.locator("#tracker-steps .step").filter(has=customer.locator(".step-dot.current"))
    ).to_contain_text("Received")

    order, _payments, _actions = _stored(app_server.db_url, public_id)
    number = order.number
    expect(customer.locator("#tracker-number")).to_have_text(f"#{number}")

    # The manager's open screen shows it in Received, live.
    card = manager.locator(f"#order-{number}")
    expect(card).to_be_visible(timeout=20_000)
    expect(card).to_contain_text(name)
    assert_not_reloaded(manager)

    # localstripe's webhook reached the app (signed, accepted); the payment counted once.
    deadline = time.monotonic() + 15
    while not DELIVERIES.of("checkout.session.completed") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert DELIVERIES.of("checkout.session.completed") == [200], DELIVERIES.seen
    order, payments, actions = _stored(app_server.db_url, public_id)
    assert order.stage.value == "received"
    assert order.payment_status.value == "paid"
    assert order.payment_method.value == "online"
    assert payments == 1
    assert actions.count("payment.confirmed") == 1, actions
    assert "payment.duplicate" not in actions, actions
    expect(customer).to_have_url(at(f"/o/{public_id}"))
    assert_not_reloaded(manager)


def test_the_hosted_payment_page_replaces_the_menu_in_the_same_tab(screen) -> None:
    customer = screen(*PHONE, name="customer")
    place_online_order(customer)
    payment = payment_page(customer)
    assert payment is customer, "the payment page opened in a new tab"
