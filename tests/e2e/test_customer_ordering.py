"""Journeys of customer ordering and stock, on a phone viewport against the real app.

A customer orders from /t/<truck> and watches /o/<id> while the crew moves the order on; a
manager changes stock and this truck's prices on /manage/stock while customer menus are open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import Business, MenuItem, Order, OutboxEmail, Truck
from cliqmenu.services.money import format_cents
from cliqmenu.services.ready_time import truck_clock
from tests.e2e.helpers import (
    assert_not_reloaded,
    at,
    mark_page,
    sign_in,
    unique,
    visit,
)

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"
BEACH = f"/t/{demo_data.BEACH_TRUCK_SLUG}"
# Items the other journeys do not order, so changing their stock or price disturbs nobody.
STOCK_ITEM = ("Sides", "Mac & Cheese Bites")
PRICED_ITEM = ("Drinks", "Lemon, Lime & Bitters")


def read_db(app_server, query):
    """Run ``query(session)`` against the app's database; returns its (detached) result."""
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            result = query(session)
            session.expunge_all()
            return result
    finally:
        engine.dispose()


def open_menu(page: Page, path: str, category: str) -> None:
    """Open a truck's customer menu on the given category."""
    visit(page, path)
    expect(page.locator(".menu-item").first).to_be_visible()
    page.get_by_role("button", name=category, exact=True).click()


def menu_item(page: Page, name: str) -> Locator:
    return page.locator(f'.menu-item[data-item="{name}"]')


def stock_card(manager: Page, name: str) -> Locator:
    return manager.locator(f'[data-item="{name}"]')


def current_step(tracker: Page) -> Locator:
    return tracker.locator("#tracker-steps .step").filter(has=tracker.locator(".step-dot.current"))


def master_price(session: Session, item: str) -> int:
    """The demo business's master-menu price of an item, in cents."""
    query = (
        select(MenuItem.price_cents)
        .join(Business, Business.id == MenuItem.business_id)
        .where(Business.name == demo_data.BUSINESS_NAME, MenuItem.name == item)
    )
    return session.exec(query).one()


def promise_and_clock(session: Session, public_id: str) -> tuple[Order, Callable]:
    """The order and how its tracking page writes times (the truck's zone, the business's
    locale)."""
    order = session.exec(select(Order).where(Order.public_id == public_id)).one()
    return order, truck_clock(session, session.get(Truck, order.truck_id))


def test_phone_order_is_tracked_live_to_ready_for_pickup_and_emailed(screen, app_server) -> None:
    customer = screen(*PHONE, name="customer")
    open_menu(customer, CBD, "Burgers")
    burger = menu_item(customer, "Classic Smash Burger")
    expect(burger).to_be_visible()
    burger.click()
    customer.get_by_role("button", name="Double", exact=True).click()
    customer.get_by_role("button", name="Bacon", exact=True).click()
    expect(customer.get_by_role("button", name="Bacon", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    customer.locator("#item-note").fill("No pickles")
    customer.get_by_role("button", name="One more").click()
    expect(customer.locator("#pick-qty")).to_have_text("2")
    customer.locator("#add-to-order").click()
    expect(customer.locator("#add-to-order")).to_have_count(0)

    customer.locator("#view-order").click()
    name = unique("Jordan")
    email = f"{name.lower()}@example.test"
    customer.locator("#customer-name").fill(name)
    customer.locator("#customer-email").fill(email)
    customer.locator("#pay-cash_at_counter").click()
    sheet = customer.get_by_role("dialog")
    expect(sheet).to_contain_text("Double")
    expect(sheet).to_contain_text("Bacon")
    expect(customer.locator("#customer-email")).to_have_value(email)
    # The ready time from the truck's queue and pace, before the order is placed.
    quote = customer.locator("#ready-quote")
    expect(quote).to_have_text(re.compile(r"^Ready around \d{1,2}:\d\d\s[ap]m$"))
    quoted_text = quote.inner_text()
    customer.screenshot(path="docs/img/checkout-quote-phone.png")
    customer.locator("#place-order").click()

    expect(customer).to_have_url(re.compile(r"/o/[\w-]{22}/?$"))
    public_id = customer.url.rstrip("/").rsplit("/", 1)[1]
    order = read_db(
        app_server, lambda s: s.exec(select(Order).where(Order.public_id == public_id)).one()
    )
    assert order.stage.value == "received" and order.payment_method.value == "cash_at_counter"
    assert order.surcharge_cents == 0
    # (16.00 + 4.50 Double + 3.00 Bacon) x 2, priced by the server.
    assert order.subtotal_cents == 2 * (1600 + 450 + 300)
    number = order.number
    expect(customer.locator("#tracker-number")).to_have_text(f"#{number}")
    expect(current_step(customer)).to_contain_text("Received")
    expect(customer.locator("#expected-ready")).to_contain_text("Waiting for the crew")
    # The quote is kept with the order: the one shown, give or take the minute it turned.
    _, clock = read_db(app_server, lambda s: promise_and_clock(s, public_id))
    assert order.quoted_ready_at is not None
    kept = {clock(order.quoted_ready_at - dt.timedelta(minutes=m)) for m in (0, 1)}
    assert quoted_text.removeprefix("Ready around ") in kept
    expect(customer.locator("body")).to_contain_text(format_cents(order.total_cents))
    mark_page(customer)

    # The manager accepts with a prep time: In Progress and the time show without a reload.
    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    manager.locator(f"#order-{number}").click()
    manager.get_by_role("button", name="20 minutes").click()
    expect(manager.locator("#prep-minutes")).to_have_value("20")
    manager.locator("#accept-order").click()
    expect(manager.locator("#order-detail")).to_have_count(0)

    expect(current_step(customer)).to_contain_text("In Progress")
    accepted, clock = read_db(app_server, lambda s: promise_and_clock(s, public_id))
    assert accepted.prep_minutes == 20 and accepted.promised_at is not None
    promised_in = accepted.promised_at - accepted.accepted_at
    assert abs(promised_in - dt.timedelta(minutes=20)) < dt.timedelta(seconds=5)
    expect(customer.locator("#expected-ready")).to_have_text(
        f"Ready around {clock(accepted.promised_at)}"
    )

    # Cooking Done in the kitchen, then Ready for Pickup by the manager: both follow live.
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    ticket = kitchen.locator(f"#kds-order-{number}")
    expect(ticket.locator(".kds-options")).to_contain_text("Double")
    expect(ticket.locator(".kds-note")).to_contain_text("No pickles")
    ticket.locator(".kds-bump").click()
    expect(current_step(customer)).to_contain_text("Cooking Done")
    expect(customer.locator("#expected-ready")).to_have_text("Almost ready")

    manager.locator("#tab-cooking_done").click()
    manager.locator(f"#order-{number}").get_by_role("button", name="Ready for Pickup").click()
    expect(current_step(customer)).to_contain_text("Ready for Pickup")
    expect(customer.locator("#expected-ready")).to_have_text("Ready now")
    assert_not_reloaded(customer)

    emails = read_db(
        app_server,
        lambda s: list(
            s.exec(
                select(OutboxEmail).where(
                    OutboxEmail.kind == "ready_for_pickup", OutboxEmail.to == email
                )
            )
        ),
    )
    assert len(emails) == 1, emails
    assert f"#{number} is ready for pickup" in emails[0].subject
    assert public_id in emails[0].body_text  # the tracking link


def stock_badge(manager: Page, name: str) -> Locator:
    return stock_card(manager, name).locator(".rt-Badge")


def test_out_of_stock_shows_on_an_open_menu_and_stock_screen_without_reload(
    screen, app_server
) -> None:
    category, item = STOCK_ITEM
    customer = screen(*PHONE, name="customer")
    open_menu(customer, CBD, category)
    expect(menu_item(customer, item)).not_to_have_class(re.compile(r"\bout\b"))
    mark_page(customer)
    # A second phone of the crew with the stock screen open: it follows the first one's changes.
    other = screen(*PHONE, name="other-manager")
    sign_in(other, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    visit(other, "/manage/stock")
    expect(stock_badge(other, item)).to_have_text("In stock")
    mark_page(other)

    manager = screen(390, 844, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    manager.locator("#open-stock").click()
    expect(manager).to_have_url(at("/manage/stock"))
    expect(manager.locator("body")).to_contain_text("Smoky Bros CBD")
    card = stock_card(manager, item)
    try:
        card.get_by_role("radio", name="Sold out").click()
        expect(stock_badge(manager, item)).to_have_text("Sold out")

        expect(menu_item(customer, item)).to_have_class(re.compile(r"\bout\b"))
        expect(menu_item(customer, item)).to_contain_text("Out of stock")
        expect(stock_badge(other, item)).to_have_text("Sold out")
        menu_item(customer, item).click()  # refused: no picker opens
        expect(customer.get_by_text("That item is out of stock.")).to_be_visible()
        expect(customer.locator("#add-to-order")).to_have_count(0)
        assert_not_reloaded(customer)
        assert_not_reloaded(other)
    finally:
        card.get_by_role("radio", name="In stock").click()
    expect(menu_item(customer, item)).not_to_have_class(re.compile(r"\bout\b"))
    expect(stock_badge(other, item)).to_have_text("In stock")


def test_a_price_override_at_one_truck_changes_neither_the_other_truck_nor_the_master(
    screen, app_server
) -> None:
    category, item = PRICED_ITEM
    master_cents = read_db(app_server, lambda s: master_price(s, item))
    master = format_cents(master_cents)
    override = format_cents(master_cents + 75)

    at_cbd = screen(*PHONE, name="customer-cbd")
    open_menu(at_cbd, CBD, category)
    expect(menu_item(at_cbd, item)).to_contain_text(master)
    at_beach = screen(*PHONE, name="customer-beach")
    open_menu(at_beach, BEACH, category)
    expect(menu_item(at_beach, item)).to_contain_text(master)
    mark_page(at_cbd)
    mark_page(at_beach)

    manager = screen(390, 844, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    visit(manager, "/manage/stock")
    expect(manager.locator("body")).to_contain_text("Smoky Bros CBD")
    card = stock_card(manager, item)
    card.get_by_role("button", name=f"Details of {item}").click()
    price_box = card.get_by_role("textbox", name=f"price of {item} here")
    try:
        price_box.fill(override.lstrip("$"))
        price_box.press("Enter")
        shown = rf"{re.escape(override)}\s*\(master {re.escape(master)}\)"
        expect(card).to_contain_text(re.compile(shown))

        expect(menu_item(at_cbd, item)).to_contain_text(override)  # live, truck A
        # Truck B and the master menu are untouched.
        expect(menu_item(at_beach, item)).to_contain_text(master)
        open_menu(at_beach, BEACH, category)  # and after a reload, from the database
        expect(menu_item(at_beach, item)).to_contain_text(master)
        assert read_db(app_server, lambda s: master_price(s, item)) == master_cents
        assert_not_reloaded(at_cbd)
    finally:
        card.get_by_role("button", name=f"Clear price of {item} here").click()
    expect(menu_item(at_cbd, item)).to_contain_text(master)
