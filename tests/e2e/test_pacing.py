"""Pacing and pre-orders in Chromium against the real app with the demo data.

The CBD truck is paced (one order per 15 minutes) for the length of each test, in a time zone
where it is about noon, so "later today" has slots whenever the suite runs; the truck's own
settings come back afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import Order, Truck
from cliqmenu.services import slots
from tests.e2e.helpers import ORDERS_API, order_body, sign_in, unique, visit
from tests.services.test_slots import midday_zone

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def _write(app_server, change) -> object:
    """Run ``change(session)`` on the app's database and commit; its (detached) result."""
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            result = change(session)
            session.commit()
            return result
    finally:
        engine.dispose()


def _cbd(session: Session) -> Truck:
    return session.exec(select(Truck).where(Truck.slug == demo_data.CBD_TRUCK_SLUG)).one()


@pytest.fixture
def paced(app_server) -> Iterator[str]:
    """The CBD truck at one order per slot, about noon; its time zone's name."""
    zone = midday_zone()

    def pace(session: Session):
        truck = _cbd(session)
        before = (truck.slot_order_limit, truck.timezone, truck.default_prep_minutes)
        # A one-minute prep time: a pre-order waits until a minute before its pickup.
        truck.slot_order_limit, truck.timezone, truck.default_prep_minutes = 1, zone, 1
        return before

    limit, timezone, prep = _write(app_server, pace)

    yield zone

    def restore(session: Session) -> None:
        truck = _cbd(session)
        truck.slot_order_limit, truck.timezone, truck.default_prep_minutes = limit, timezone, prep

    _write(app_server, restore)


def _fill_the_next_two_slots(app_server, now: dt.datetime) -> None:
    """An order for now and a pre-order for the next slot: the next free slot is a quarter
    of an hour away at least."""
    next_slot = (slots.slot_start(now) + slots.SLOT).isoformat()
    for pickup in (None, next_slot):
        body = {**order_body(app_server, "Rush Hour"), "pickup_at": pickup}
        answer = httpx.post(app_server.url(ORDERS_API), json=body, timeout=30)
        assert answer.status_code == 201, answer.text


def _label(when: dt.datetime, zone: str) -> str:
    return slots.label(when, ZoneInfo(zone))


def test_a_full_slot_offers_the_next_free_one_and_the_customer_orders_for_it(
    screen, app_server, paced: str
) -> None:
    now = dt.datetime.now(dt.UTC)
    _fill_the_next_two_slots(app_server, now)
    next_free = _label(slots.slot_start(now) + 2 * slots.SLOT, paced)

    customer = screen(*PHONE, name="customer")
    visit(customer, CBD)
    customer.get_by_role("button", name="Sides", exact=True).click()
    customer.locator('.menu-item[data-item="Loaded Fries"]').click()
    customer.locator("#add-to-order").click()
    customer.locator("#view-order").click()

    expect(customer.locator("#slot-full")).to_contain_text(
        f"The kitchen is full right now. The next free pickup time is {next_free}."
    )
    offer = customer.locator("#take-offer")
    expect(offer).to_have_text(f"Order for {next_free}")
    customer.locator("#customer-name").fill(unique("Pat"))
    customer.locator("#pay-cash_at_counter").click()
    DOCS_IMG.mkdir(exist_ok=True)
    customer.screenshot(path=str(DOCS_IMG / "checkout-next-free-slot.png"))

    offer.click()
    expect(customer.locator("#pickup-time")).to_contain_text(next_free)
    expect(customer.locator("#ready-quote")).to_have_count(0)  # ready at the time chosen
    expect(customer.locator("#place-order")).to_contain_text(f"pickup {next_free}")
    customer.locator("#place-order").click()

    expect(customer).to_have_url(re.compile(r"/o/[\w-]{22}/?$"))
    expect(customer.locator("#expected-ready")).to_have_text(f"Scheduled for pickup at {next_free}")
    public_id = customer.url.rstrip("/").rsplit("/", 1)[1]
    order = _write(
        app_server,
        lambda s: s.exec(select(Order).where(Order.public_id == public_id)).one(),
    )
    assert order.pickup_at == slots.slot_start(now) + 2 * slots.SLOT

    # The manager sees the slot's load at a glance and the pre-order under Scheduled.
    manager = screen(*PHONE, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    expect(manager.locator("#slot-load")).to_contain_text(
        re.compile(rf"Slot {_label(slots.slot_start(now), paced)}: \d+ of 1 orders")
    )
    scheduled = manager.locator("#scheduled-orders")
    expect(scheduled.locator(f"#order-{order.number}")).to_contain_text(f"Scheduled {next_free}")
    expect(manager.locator("#new-order-alert")).not_to_contain_text(str(order.number))
    expect(manager.locator("#pause-15")).to_be_visible()  # the pause is one tap away
    manager.screenshot(path=str(DOCS_IMG / "manager-slot-load.png"))


def test_a_pre_order_reaches_the_kitchen_display_by_itself_at_its_time(
    screen, app_server, paced: str
) -> None:
    pickup = (slots.slot_start(dt.datetime.now(dt.UTC)) + 2 * slots.SLOT).isoformat()
    body = order_body(app_server, "Later Lou")
    answer = httpx.post(app_server.url(ORDERS_API), json={**body, "pickup_at": pickup}, timeout=30)
    if answer.status_code == 409:  # taken by another test: the answer says the next free one
        pickup = answer.json()["next_free_slot"]
        answer = httpx.post(
            app_server.url(ORDERS_API), json={**body, "pickup_at": pickup}, timeout=30
        )
    assert answer.status_code == 201, answer.text
    number, public_id = answer.json()["order_number"], answer.json()["order_id"]

    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    kitchen.locator("#kds-start-service-strip").click()
    card = kitchen.locator(f"#kds-order-{number}")
    kitchen.wait_for_timeout(1_000)
    expect(card).to_have_count(0)  # scheduled: not the kitchen's yet

    # Its time comes: pickup minus prep is now. The app's own release job (every 15 s by
    # default) sends it, and the display shows it without a reload, chiming.
    def due_now(session: Session) -> None:
        order = session.exec(select(Order).where(Order.public_id == public_id)).one()
        order.release_at = dt.datetime.now(dt.UTC)

    _write(app_server, due_now)
    expect(card).to_be_visible(timeout=40_000)
    expect(card).to_contain_text("Loaded Fries")
    expect(kitchen.locator("#kds-alert[data-alert='on']")).to_be_visible()


def test_the_owners_report_charts_orders_per_15_minutes_as_svg(screen, app_server) -> None:
    httpx.post(app_server.url(ORDERS_API), json=order_body(app_server, "Chart Charlie"), timeout=30)
    owner = screen(1280, 900, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    visit(owner, "/admin/reports")
    chart = owner.locator("#orders-per-slot")
    expect(chart.get_by_role("heading")).to_have_text("Orders per 15 minutes")
    # Recharts draws an SVG: a bar for each slot with orders, the slots' times on the axis.
    expect(chart.locator("svg.recharts-surface")).to_be_visible()
    expect(chart.locator(".recharts-bar-rectangle path").first).to_be_visible()
    expect(chart.locator(".recharts-cartesian-axis-tick-value").first).to_have_text(
        re.compile(r"^\d\d:\d\d$")
    )
    chart.screenshot(path=str(DOCS_IMG / "owner-orders-per-slot.png"))
