"""Journey: a truck that works by stations. The Grill's and the Drinks' displays each show only
their items of an order and bump them; the expo sees each station's state, shows the order
ready once both bumped, and its bump moves the order to Cooking Done on the manager's board.

The stations are set up in the database before (the Owner's page for them has its own checks);
everything after is real: Accept on /manage, pushes to the three kitchen screens, their bumps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, delete, update
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import (
    MenuCategory,
    OrderLine,
    Printer,
    StaffMember,
    Station,
    StationBump,
    StationRoute,
    Truck,
)
from cliqmenu.services import stations
from tests.e2e.helpers import ORDERS_API, at, demo_menu_ids, sign_in, unique, visit

pytestmark = pytest.mark.e2e

KDS = (1920, 1080)
PHONE = (390, 844)
SCREENSHOTS = os.environ.get("CLIQMENU_DOC_SCREENSHOTS", "").strip()


def shoot(page: Page, name: str) -> None:
    """With CLIQMENU_DOC_SCREENSHOTS=<folder>, the documentation's screenshots."""
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / name))


def _clear(session: Session) -> None:
    session.execute(delete(StationBump))
    session.execute(delete(StationRoute))
    session.execute(update(OrderLine).values(station_id=None))
    session.execute(update(Printer).values(station_id=None))
    session.execute(delete(Station))
    session.commit()


@pytest.fixture
def stations_at_cbd(app_server) -> Iterator[None]:
    """Grill (the default) and Drinks (the Drinks category) at the demo's CBD truck."""
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            _clear(session)
            truck = session.exec(select(Truck).where(Truck.slug == demo_data.CBD_TRUCK_SLUG)).one()
            owner = session.exec(
                select(StaffMember).where(StaffMember.email == demo_data.OWNER_EMAIL)
            ).one()
            drinks_category = session.exec(
                select(MenuCategory).where(
                    MenuCategory.business_id == truck.business_id, MenuCategory.name == "Drinks"
                )
            ).one()
            stations.add_station(session, actor=owner, truck_id=truck.id, name="Grill")
            drinks = stations.add_station(session, actor=owner, truck_id=truck.id, name="Drinks")
            stations.route(
                session,
                actor=owner,
                truck_id=truck.id,
                station_id=drinks.id,
                category_id=drinks_category.id,
            )
            session.commit()
        yield
    finally:
        # Other journeys share this server: its kitchen works as one again.
        with Session(engine) as session:
            _clear(session)
        engine.dispose()


def place_burger_and_drink(app_server, customer: str) -> int:
    items = demo_menu_ids(app_server.db_url).items
    body = {
        "lines": [
            {"item_id": items["Brisket Burger"], "quantity": 2},
            {"item_id": items["Lemon, Lime & Bitters"], "quantity": 1},
        ],
        "customer_name": customer,
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": unique("e2e-stations"),
    }
    answer = httpx.post(app_server.url(ORDERS_API), json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["order_number"]


def accept(manager: Page, number: int) -> None:
    manager.locator("#tab-received").click()
    manager.locator(f"#order-{number}").click()
    manager.locator("#accept-order").click()
    expect(manager.locator("#order-detail")).to_have_count(0)


def kitchen_screen(screen, choice: str) -> Page:
    """A kitchen display signed in, showing ``choice`` (a station's name, or Expo)."""
    page = screen(*KDS, name=choice.lower())
    sign_in(page, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    page.locator("#kds-station").click()
    page.get_by_role("option", name=choice, exact=True).click()
    if choice == "Expo":
        expect(page).to_have_url(at("/kds/expo"))
        expect(page.locator("#expo-page")).to_be_visible()
    else:
        expect(page.locator("#kds-station")).to_have_text(choice)
    return page


def test_stations_bump_their_items_and_the_expo_hands_the_order_out(
    screen, app_server, stations_at_cbd
) -> None:
    grill = kitchen_screen(screen, "Grill")
    drinks = kitchen_screen(screen, "Drinks")
    expo = kitchen_screen(screen, "Expo")
    manager = screen(*PHONE, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")

    number = place_burger_and_drink(app_server, unique("Station"))
    accept(manager, number)

    # Each station shows only its items of the order, live.
    grill_card = grill.locator(f"#kds-order-{number}")
    drinks_card = drinks.locator(f"#kds-order-{number}")
    expect(grill_card).to_contain_text("Brisket Burger")
    expect(grill_card).not_to_contain_text("Lemon, Lime & Bitters")
    expect(drinks_card).to_contain_text("Lemon, Lime & Bitters")
    expect(drinks_card).not_to_contain_text("Brisket Burger")
    expect(grill.locator(".kds-allday")).not_to_contain_text("Lemon")

    # The expo: both stations waiting, no bump yet.
    expo_card = expo.locator(f"#expo-order-{number}")
    expect(expo_card.locator('.expo-station[data-state="waiting"]')).to_have_count(2)
    expect(expo_card.locator(".expo-bump")).to_be_disabled()

    # Drinks ticks and bumps: gone from the drinks display, done on the expo.
    drinks_card.get_by_label("Done: Lemon, Lime & Bitters").click()
    expect(drinks_card.locator(".kds-line.done")).to_have_count(1)
    drinks_card.get_by_label(f"Cooking Done #{number}").click()
    expect(drinks_card).to_have_count(0)
    expect(expo_card.locator(".expo-station").filter(has_text="Drinks")).to_have_attribute(
        "data-state", "done"
    )
    expect(expo_card).to_have_attribute("data-ready", "false")
    # The grill still cooks it; the order is In Progress for the manager.
    expect(grill_card).to_be_visible()
    manager.locator("#tab-in_progress").click()
    expect(manager.locator(f"#order-{number}")).to_be_visible()

    grill_card.get_by_label("Done: Brisket Burger").click()
    expect(expo_card.locator(".expo-station").filter(has_text="Grill")).to_have_attribute(
        "data-state", "cooking"
    )
    shoot(grill, "kds-station-grill-1920x1080.png")
    shoot(expo, "kds-expo-1920x1080.png")
    grill_card.get_by_label(f"Cooking Done #{number}").click()
    expect(grill_card).to_have_count(0)
    expect(expo_card).to_have_attribute("data-ready", "true")
    expect(expo_card.locator(".expo-ready-tag")).to_have_text("READY")

    # The grill's recall brings its part back; bumped again, the order is ready again.
    expect(grill.locator("#kds-recall")).to_contain_text(f"#{number}")
    grill.locator("#kds-recall").click()
    expect(grill_card).to_be_visible()
    expect(expo_card).to_have_attribute("data-ready", "false")
    grill_card.get_by_label(f"Cooking Done #{number}").click()
    expect(expo_card).to_have_attribute("data-ready", "true")

    # The expo hands it out: Cooking Done everywhere.
    expo_card.get_by_label(f"Cooking Done #{number}").click()
    expect(expo_card).to_have_count(0)
    manager.locator("#tab-cooking_done").click()
    expect(manager.locator(f"#order-{number}")).to_be_visible()
    expect(expo.locator("#kds-recall")).to_contain_text(f"#{number}")

    # The device remembers its station.
    visit(drinks, "/kds")
    expect(drinks.locator("#kds-station")).to_have_text("Drinks")


def test_the_owner_sees_each_trucks_stations_and_routes(
    screen, app_server, stations_at_cbd
) -> None:
    owner = screen(*PHONE, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    visit(owner, "/admin/stations")
    cbd = owner.locator(".truck-stations").filter(has_text="Smoky Bros CBD")
    expect(cbd.locator(".station-chip")).to_have_count(2)
    expect(cbd.locator(".station-chip").first).to_contain_text("Default")
    drinks_route = cbd.locator(".station-route").filter(has_text="Drinks").first
    expect(drinks_route.get_by_role("combobox")).to_have_text("Drinks")
    # A name already used at the truck is refused in the dialog.
    cbd.locator(".add-station").click()
    owner.locator("#station-name").fill("grill")
    owner.locator("#station-save").click()
    expect(owner.locator("#station-error")).to_contain_text("already has a station called")
    owner.locator("#station-name").fill("Fryer")
    owner.locator("#station-save").click()
    expect(cbd.locator(".station-chip")).to_have_count(3)
    shoot(owner, "stations-owner-390x844.png")
