"""The lunch rush in Chromium: "need more time" moves the customer's tracking page live."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import Order, Truck
from cliqmenu.services.ready_time import truck_clock
from tests.e2e.helpers import ORDERS_API, assert_not_reloaded, mark_page, order_body, sign_in

pytestmark = pytest.mark.e2e

PHONE = (390, 844)


def placed(app_server, customer: str) -> tuple[int, str]:
    """An order placed through the API: its number and tracking path."""
    answer = httpx.post(
        app_server.url(ORDERS_API), json=order_body(app_server, customer), timeout=30
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return body["order_number"], "/o/" + body["tracking_url"].rstrip("/").rsplit("/", 1)[1]


def promise(app_server, number_and_path: tuple[int, str]) -> tuple[str, int]:
    """The order's promised time as its tracking page writes it, and its prep minutes."""
    public_id = number_and_path[1].rsplit("/", 1)[1]
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            order = session.exec(select(Order).where(Order.public_id == public_id)).one()
            clock = truck_clock(session, session.get(Truck, order.truck_id))
            return clock(order.promised_at), order.prep_minutes
    finally:
        engine.dispose()


def test_need_more_time_moves_the_tracking_page_and_the_kitchen_timer_live(screen, app_server):
    order = placed(app_server, "Rush")
    number, tracking = order
    customer = screen(*PHONE, name="customer")
    customer.goto(tracking)
    expect(customer.locator("#expected-ready")).to_contain_text("quoted ready around")
    mark_page(customer)

    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    manager.locator(f"#order-{number}").click()
    # The prep time starts on the quote; the manager may still change it.
    expect(manager.locator("#prep-quoted")).to_contain_text("Quoted to the customer")
    manager.get_by_role("button", name="10 minutes").click()
    manager.locator("#accept-order").click()
    expect(manager.locator("#order-detail")).to_have_count(0)
    first, prep = promise(app_server, order)
    assert prep == 10
    expect(customer.locator("#expected-ready")).to_have_text(f"Ready around {first}")

    # The kitchen needs 5 more minutes: its card's timer and the customer's page move.
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    card = kitchen.locator(f"#kds-order-{number}")
    expect(card.locator(".kds-prep")).to_have_text("/ 10 min")
    card.locator('[data-more-time="5"]').click()
    expect(card.locator(".kds-prep")).to_have_text("/ 15 min")
    second, prep = promise(app_server, order)
    assert prep == 15
    expect(customer.locator("#expected-ready")).to_have_text(f"Ready around {second}")

    # The manager adds 10 more from the order's detail.
    manager.locator("#tab-in_progress").click()
    manager.locator(f"#order-{number}").click()
    manager.locator('#order-more-time [data-more-time="10"]').click()
    expect(card.locator(".kds-prep")).to_have_text("/ 25 min")
    third, prep = promise(app_server, order)
    assert prep == 25
    expect(customer.locator("#expected-ready")).to_have_text(f"Ready around {third}")
    assert_not_reloaded(customer)
    moved = dt.datetime.strptime(third.replace("\u202f", " "), "%I:%M %p") - dt.datetime.strptime(
        first.replace("\u202f", " "), "%I:%M %p"
    )
    assert moved % dt.timedelta(days=1) == dt.timedelta(minutes=15)


def first_names_on_the_board(app_server, on: bool) -> None:
    """The Owner's truck switch "First names on the pickup board" (set here in the database)."""
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            truck = session.exec(select(Truck).where(Truck.slug == demo_data.CBD_TRUCK_SLUG)).one()
            truck.board_first_names = on
            session.add(truck)
            session.commit()
    finally:
        engine.dispose()


def test_the_pickup_board_moves_a_number_from_preparing_to_ready_live(screen, app_server):
    first_names_on_the_board(app_server, True)
    try:
        board = screen(1920, 1080, name="board")
        board.goto(f"/t/{demo_data.CBD_TRUCK_SLUG}/board")
        expect(board.locator("#pickup-board")).to_be_visible()
        expect(board.locator("#board-preparing h2")).to_have_text("Preparing")
        mark_page(board)

        number, _tracking = placed(app_server, "Ava Boardman")
        manager = screen(1280, 900, name="manager")
        sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
        manager.locator(f"#order-{number}").click()
        manager.locator("#accept-order").click()
        preparing = board.locator(f"#board-preparing-{number}")
        expect(preparing).to_be_visible()
        expect(preparing).to_contain_text("Ava")

        manager.locator("#tab-in_progress").click()
        manager.locator(f"#order-{number}").get_by_role("button", name="Cooking Done").click()
        manager.locator("#tab-cooking_done").click()
        chimes = board.evaluate("window.cliqChimeRequests || 0")
        manager.locator(f"#order-{number}").get_by_role("button", name="Ready for Pickup").click()

        expect(board.locator(f"#board-ready-{number}")).to_be_visible()
        expect(preparing).to_have_count(0)
        board.wait_for_function(f"(window.cliqChimeRequests || 0) > {chimes}")
        assert_not_reloaded(board)
        board.screenshot(path="docs/img/pickup-board-1920x1080.png")
        # Numbers and first names only: no price, no surname, no contact.
        text = board.locator("body").inner_text()
        assert "$" not in text and "Boardman" not in text and "@" not in text
    finally:
        first_names_on_the_board(app_server, False)
