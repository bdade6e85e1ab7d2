"""Steps the journeys share: signing in, inviting through the owner pages, reading the demo menu."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

import httpx
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, func
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import (
    Business,
    CustomizationGroup,
    CustomizationOption,
    MenuItem,
    Order,
    OrderLine,
    Stage,
)

ORDERS_API = f"/api/trucks/{demo_data.CBD_TRUCK_SLUG}/orders"
INVITE_LINK = re.compile(r"https?://\S+/invite/?\?token=[\w.-]+")
NEW_PASSWORD = "e2e-kitchen-pw-1"
# Reflex flips this root var once a page's on_load handlers have all run.
HYDRATED = re.compile(r'"is_hydrated_rx_state_"\s*:\s*true')
_loads: dict[int, list[int]] = {}


def at(path: str) -> re.Pattern[str]:
    """Matches a page URL whose path is ``path`` (Reflex may add a trailing slash)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}/?(\?.*)?$")


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def track_page_loads(page: Page) -> None:
    """Count, from the websocket, each time Reflex says the page's on_load handlers are done."""
    count = _loads[id(page)] = [0]

    def on_frame(payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        if HYDRATED.search(text):
            count[0] += 1

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))


def forget_page_loads(page: Page) -> None:
    _loads.pop(id(page), None)


def loads(page: Page) -> int:
    return _loads[id(page)][0]


def wait_loaded(page: Page, since: int, timeout_s: float = 15) -> None:
    """Wait until the page's on_load handlers ran again after the count ``since``.

    Interacting earlier races them: a click made while on_load still runs can be undone by it
    (the invite dialog closes again, for one).
    """
    deadline = time.monotonic() + timeout_s
    while loads(page) <= since:
        if time.monotonic() > deadline:
            raise AssertionError(f"{page.url} did not finish loading in {timeout_s:.0f} s")
        page.wait_for_timeout(50)


def visit(page: Page, url: str) -> None:
    """Open ``url`` and wait until the page has loaded its state (its on_load handlers ran)."""
    since = loads(page)
    # Not "load": images and the service worker's shell fetches need not finish first; the
    # on_load handlers having run is what makes the page usable.
    page.goto(url, wait_until="domcontentloaded")
    wait_loaded(page, since)


def sign_in(page: Page, email: str, password: str, lands_on: str) -> None:
    """Sign in on /signin and wait for the view the role leads to."""
    visit(page, "/signin")
    since = loads(page)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#sign-in").click()
    expect(page).to_have_url(at(lands_on))
    wait_loaded(page, since)


def invite_kitchen_member(owner: Page, *, name: str, email: str) -> str:
    """Invite Kitchen Staff on /admin/staff; returns the link the invitation email carries."""
    visit(owner, "/admin/staff")
    owner.locator("#open-invite").click()
    owner.locator("#invite-name").fill(name)
    owner.locator("#invite-email").fill(email)
    owner.locator("#role-kitchen_staff").click()
    expect(owner.locator("#role-kitchen_staff")).to_be_checked()
    owner.locator("#send-invite").click()
    row = staff_row(owner, email)
    expect(row).to_contain_text("Kitchen Staff")
    expect(row).to_contain_text("Pending")

    visit(owner, "/admin/outbox")
    email_item = owner.locator(".outbox-email").filter(has_text=email)
    expect(email_item).to_have_count(1)
    email_item.get_by_text("invited").first.click()  # opens the email
    body = email_item.locator("pre")
    expect(body).to_be_visible()
    text = body.inner_text()
    assert "as Kitchen Staff" in text, text
    found = INVITE_LINK.search(text)
    assert found, f"no invitation link in the email:\n{text}"
    return found.group(0)


def staff_row(owner: Page, email: str) -> Locator:
    """The member's line in the staff list on /admin/staff."""
    return owner.locator("#staff-table .staff-line").filter(has_text=email)


def disable_member(owner: Page, email: str) -> None:
    """Disable a member from their actions menu on /admin/staff."""
    visit(owner, "/admin/staff")
    row = staff_row(owner, email)
    expect(row).to_have_count(1)
    member_id = (row.get_attribute("id") or "").removeprefix("staff-")
    owner.locator(f"#staff-actions-{member_id}").click()
    owner.locator(f"#disable-{member_id}").click()
    expect(row).to_contain_text("Disabled")


def accept_invitation(page: Page, link: str, *, name: str, password: str = NEW_PASSWORD) -> None:
    """Follow an invitation link, set a password, and land on the member's view (/kds)."""
    visit(page, link)
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    since = loads(page)
    page.locator("#new-password").fill(password)
    page.locator("#confirm-password").fill(password)
    page.locator("#set-password").click()
    expect(page).to_have_url(at("/kds"))
    wait_loaded(page, since)
    expect(page.locator("#kds-count")).to_be_visible()


def mark_page(page: Page) -> None:
    """Marks the loaded document; ``assert_not_reloaded`` then proves no reload happened."""
    page.evaluate("window.__e2eMark = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__e2eMark === true"), "the page was reloaded"


@dataclass(frozen=True)
class MenuIds:
    items: dict[str, int]
    options: dict[tuple[str, str], int]


def demo_menu_ids(database_url: str) -> MenuIds:
    """Ids of the demo business's items and options, read from the app's database."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            business_id = session.exec(
                select(Business.id).where(Business.name == demo_data.BUSINESS_NAME)
            ).one()
            items = {
                item.name: item.id
                for item in session.exec(
                    select(MenuItem).where(MenuItem.business_id == business_id)
                )
            }
            rows = session.exec(
                select(MenuItem.name, CustomizationOption.name, CustomizationOption.id)
                .join(CustomizationGroup, CustomizationGroup.item_id == MenuItem.id)
                .join(CustomizationOption, CustomizationOption.group_id == CustomizationGroup.id)
                .where(MenuItem.business_id == business_id)
            )
            options = {(item, option): option_id for item, option, option_id in rows}
    finally:
        engine.dispose()
    return MenuIds(items=items, options=options)


def stored_orders(database_url: str, key_prefix: str) -> tuple[int, int, int]:
    """(orders, distinct keys, orders without a line) placed with keys starting ``key_prefix``."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            mine = select(Order.id).where(Order.idempotency_key.startswith(key_prefix))
            orders = session.exec(select(func.count()).select_from(mine.subquery())).one()
            keys = session.exec(
                select(func.count(func.distinct(Order.idempotency_key))).where(
                    Order.idempotency_key.startswith(key_prefix)
                )
            ).one()
            lineless = session.exec(
                select(func.count()).where(
                    Order.idempotency_key.startswith(key_prefix),
                    ~select(OrderLine.id).where(OrderLine.order_id == Order.id).exists(),
                )
            ).one()
    finally:
        engine.dispose()
    return orders, keys, lineless


def order_body(app_server, customer: str, key: str | None = None) -> dict:
    """An order API body: one Loaded Fries, takeaway, Cash at Counter."""
    item = demo_menu_ids(app_server.db_url).items["Loaded Fries"]
    return {
        "lines": [{"item_id": item, "quantity": 1}],
        "customer_name": customer,
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": key or unique("e2e-order"),
    }


def place_answer(app_server, customer: str) -> dict:
    """Place ``order_body`` through the order API; the API's answer (order_id, order_number)."""
    answer = httpx.post(
        app_server.url(ORDERS_API), json=order_body(app_server, customer), timeout=30
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def place(app_server, customer: str) -> int:
    """Place ``order_body`` through the order API; the order's number."""
    return place_answer(app_server, customer)["order_number"]


def set_stage(app_server, public_id: str, stage: Stage) -> None:
    """Put an order at ``stage`` in the database (a page opened next shows it there)."""
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            order = session.exec(select(Order).where(Order.public_id == public_id)).one()
            order.stage = stage
            session.add(order)
            session.commit()
    finally:
        engine.dispose()
