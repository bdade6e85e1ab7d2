"""Journeys of the Order Manager: accept with changes, reject, cancel, undo, walk-in,
and two managers accepting the same order at once.

Orders come in through the order API (as a till or the ordering page sends them); the manager
works on /manage in Chromium, the kitchen display is open beside it.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import AuditEvent, Business, DiscountKind, Order, PaymentMethod, Refund
from cliqmenu.services.money import format_cents, price, tax_bp_for
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import ORDERS_API, at, demo_menu_ids, sign_in, unique, visit

pytestmark = pytest.mark.e2e

# Items without required options (so an order needs no option ids), and not used by the
# stock journeys of test_customer_ordering.py.
PLAIN_ITEMS = ("Loaded Fries", "Smoky Slaw")


@pytest.fixture
def manager(screen) -> Page:
    page = screen(1280, 900, name="manager")
    sign_in(page, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    return page


@pytest.fixture
def kitchen(screen) -> Page:
    page = screen(1920, 1080, name="kitchen")
    sign_in(page, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    expect(page.locator("#kds-queue, #kds-empty")).to_be_visible()
    return page


def place_order(app_server, customer: str, payment: str = "card_at_counter") -> dict:
    """A counter order of the plain items through the order API; the API's answer."""
    ids = demo_menu_ids(app_server.db_url)
    body = {
        "lines": [
            {"item_id": ids.items[PLAIN_ITEMS[0]], "quantity": 2},
            {"item_id": ids.items[PLAIN_ITEMS[1]], "quantity": 1},
        ],
        "customer_name": customer,
        "dining_method": "takeaway",
        "payment_method": payment,
        "idempotency_key": unique("e2e-manager"),
    }
    answer = httpx.post(app_server.url(ORDERS_API), json=body, timeout=15)
    assert answer.status_code == 201, answer.text
    return answer.json()


def read_order(app_server, public_id: str) -> tuple[Order, Business, list[AuditEvent]]:
    """The order as stored now, its business and its audit trail."""
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            order = session.exec(select(Order).where(Order.public_id == public_id)).one()
            business = session.get(Business, order.business_id)
            trail = list(session.exec(select(AuditEvent).where(AuditEvent.order_id == order.id)))
            session.expunge_all()
    finally:
        engine.dispose()
    return order, business, trail


def open_order(manager: Page, stage: str, number: int) -> None:
    """Open an order's detail from its stage tab on /manage."""
    if not re.search(r"/manage/?$", manager.url):
        visit(manager, "/manage")
    manager.locator(f"#tab-{stage}").click()
    manager.locator(f"#order-{number}").click()
    expect(manager.locator("#order-detail")).to_be_visible()


def choose(page: Page, select_id: str, label: str) -> None:
    """Pick ``label`` in a Radix select."""
    page.locator(select_id).click()
    page.get_by_role("option", name=label, exact=True).click()
    expect(page.locator(select_id)).to_contain_text(label)


def history_detail(manager: Page, customer: str) -> Page:
    """Find the order by its customer's name on /manage/history and open it."""
    manager.locator("#open-history").click()
    expect(manager).to_have_url(at("/manage/history"))
    expect(manager.locator("#history-search")).to_be_visible()
    manager.locator("#history-search").fill(customer)
    manager.locator("#history-go").click()
    row = manager.locator(".order-card").filter(has_text=customer)
    expect(row).to_have_count(1)
    row.click()
    expect(manager.locator("#audit-trail")).to_be_visible()
    return manager


def test_accept_with_changes_totals_notes_then_undo_and_reject(
    manager: Page, kitchen: Page, app_server
) -> None:
    customer = unique("Priya")
    placed = place_order(app_server, f"{customer} Card", payment="card_at_counter")
    number = placed["order_number"]
    order, business, _ = read_order(app_server, placed["order_id"])
    subtotal = order.subtotal_cents

    def money(*, kind: DiscountKind | None = None, value: int = 0, method: PaymentMethod):
        bp = {PaymentMethod.CARD_AT_COUNTER: business.card_surcharge_bp}.get(method, 0)
        return price(
            subtotal_cents=subtotal,
            discount_kind=kind,
            discount_value=value,
            surcharge_bp=bp,
            tax_bp=tax_bp_for(business.country, business.gst_registered),
        )

    by_card = money(method=PaymentMethod.CARD_AT_COUNTER)
    assert by_card.surcharge_cents > 0 and placed["total_cents"] == by_card.total_cents

    open_order(manager, "received", number)
    preview = manager.locator("#totals-preview")
    expect(manager.locator("#total-after")).to_have_text(format_cents(by_card.total_cents))
    expect(preview).to_contain_text(f"Surcharge ({business.card_surcharge_bp / 100:g}%)")
    expect(preview).to_contain_text(format_cents(by_card.surcharge_cents))

    manager.locator("#prep-minutes").fill("14")
    choose(manager, "#dining-method", "Dine-in")

    # Card → Cash: the surcharge goes, the total is the subtotal, GST is still included.
    choose(manager, "#payment-method", "Cash at Counter")
    by_cash = money(method=PaymentMethod.CASH_AT_COUNTER)
    expect(manager.locator("#total-after")).to_have_text(format_cents(by_cash.total_cents))
    expect(manager.locator("#total-before")).to_contain_text(format_cents(by_card.total_cents))
    expect(preview).not_to_contain_text("Surcharge")
    expect(preview).to_contain_text(f"Includes GST (10%) {format_cents(by_cash.gst_cents)}")

    # 12.5% off: computed from the subtotal, half-up to the cent.
    manager.locator("#discount-kind").get_by_role("radio", name="%").click()
    manager.locator("#discount-value").fill("12.5")
    final = money(kind=DiscountKind.PERCENT, value=1250, method=PaymentMethod.CASH_AT_COUNTER)
    expect(manager.locator("#total-after")).to_have_text(format_cents(final.total_cents))
    expect(preview).to_contain_text(f"-{format_cents(final.discount_cents)}")
    expect(preview).to_contain_text(f"Includes GST (10%) {format_cents(final.gst_cents)}")

    kitchen_note = unique("Birthday, candle on the fries")
    internal_note = unique("Regular: comped discount")
    manager.locator("#kitchen-note").fill(kitchen_note)
    manager.locator("#internal-note").fill(internal_note)
    expect(manager.locator("#internal-note")).to_have_value(internal_note)
    manager.locator("#accept-order").click()
    expect(manager.locator("#order-detail")).to_have_count(0)

    # The kitchen sees the dining method, prep time and kitchen note; never the internal note.
    ticket = kitchen.locator(f"#kds-order-{number}")
    expect(ticket).to_be_visible()
    expect(ticket.locator(".kds-dining")).to_contain_text("Dine-in")
    expect(ticket.locator(".kds-prep")).to_have_text(re.compile(r"\b14\b"))
    expect(ticket.locator(".kds-kitchen-note")).to_contain_text(kitchen_note)
    assert internal_note not in kitchen.locator("body").inner_text()

    stored, _, _ = read_order(app_server, placed["order_id"])
    assert stored.stage.value == "in_progress"
    assert (stored.dining_method.value, stored.payment_method) == (
        "dine_in",
        PaymentMethod.CASH_AT_COUNTER,
    )
    assert (stored.discount_cents, stored.surcharge_cents) == (final.discount_cents, 0)
    assert stored.total_cents == final.total_cents and stored.gst_cents == final.gst_cents
    assert stored.internal_note == internal_note and stored.prep_minutes == 14

    # The manager's detail shows both notes and the new total.
    open_order(manager, "in_progress", number)
    detail = manager.locator("#order-detail")
    expect(detail).to_contain_text(internal_note)
    expect(detail).to_contain_text(kitchen_note)
    expect(detail).to_contain_text(format_cents(final.total_cents))

    # Undo the last move: back to Received, off the kitchen display.
    manager.locator("#undo-move").click()
    expect(ticket).to_have_count(0)
    expect(detail).to_contain_text("Received")
    expect(manager.locator("#accept-order")).to_be_visible()
    stored, _, _ = read_order(app_server, placed["order_id"])
    assert stored.stage.value == "received" and stored.promised_at is None

    # Reject needs a reason; with one, it leaves the board and the history shows it.
    manager.locator("#reject-order").click()
    expect(manager.get_by_text("Give a reason.")).to_be_visible()
    expect(detail).to_be_visible()
    reason = unique("Out of fries oil")
    manager.locator("#reason").fill(reason)
    manager.locator("#reject-order").click()
    expect(detail).to_have_count(0)
    expect(manager.locator(f"#order-{number}")).to_have_count(0)
    history_detail(manager, customer)
    expect(manager.locator("#audit-trail")).to_contain_text(f"Reason: {reason}")
    expect(manager.locator("body")).to_contain_text("Rejected")
    stored, _, _ = read_order(app_server, placed["order_id"])
    assert stored.stage.value == "rejected" and stored.close_reason == reason


def test_walk_in_reaches_the_kitchen_live_and_is_cancelled_with_a_reason(
    manager: Page, kitchen: Page, app_server
) -> None:
    customer = unique("Wendy")
    manager.locator("#new-walk-in").click()
    expect(manager).to_have_url(at("/manage/walk-in"))
    expect(manager.locator(".menu-item").first).to_be_visible()
    manager.get_by_role("button", name="Sides", exact=True).click()
    manager.locator(f'.menu-item[data-item="{PLAIN_ITEMS[0]}"]').click()
    manager.locator("#add-to-order").click()
    expect(manager.locator("#add-to-order")).to_have_count(0)
    manager.locator("#walk-in-name").fill(customer)
    expect(manager.locator("#walk-in-name")).to_have_value(customer)
    manager.locator("#send-to-kitchen").click()
    expect(manager).to_have_url(at("/manage"))

    # Straight to In Progress: on the kitchen display without a reload.
    ticket = kitchen.locator(".kds-card").filter(has_text=customer)
    expect(ticket).to_be_visible()
    expect(ticket).to_contain_text(PLAIN_ITEMS[0])
    number = int(ticket.get_attribute("data-order-number") or 0)
    assert number > 0

    reason = unique("Customer left")
    expect(manager.locator("#tab-in_progress")).to_be_visible()
    open_order(manager, "in_progress", number)
    manager.locator("#reason").fill(reason)
    manager.locator("#cancel-order").click()
    expect(manager.locator("#order-detail")).to_have_count(0)
    expect(ticket).to_contain_text("CANCELLED")
    expect(ticket).to_contain_text(reason)
    ticket.get_by_role("button", name=f"Seen, remove cancelled #{number}").click()
    expect(ticket).to_have_count(0)

    history_detail(manager, customer)
    expect(manager.locator("#audit-trail")).to_contain_text(f"Reason: {reason}")
    expect(manager.locator("body")).to_contain_text("Cancelled")


def test_two_managers_accept_the_same_order_at_once_one_wins_the_other_is_told(
    screen, app_server
) -> None:
    maddie = screen(1280, 900, name="maddie")
    sign_in(maddie, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    sam = screen(1280, 900, name="sam")
    sign_in(sam, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    visit(sam, "/manage")
    names = {"maddie": "Maddie Manager", "sam": "Sam Smoky"}

    placed = place_order(app_server, unique("Race Customer"))
    number = placed["order_number"]
    for page in (maddie, sam):
        open_order(page, "received", number)
        expect(page.locator("#accept-order")).to_be_enabled()

    # Both tap Accept at the same instant (one shared clock: both browsers run here).
    at_ms = int(time.time() * 1000) + 400
    for page in (maddie, sam):
        page.evaluate(
            """at => setTimeout(() => document.getElementById('accept-order').click(),
                                at - Date.now())""",
            at_ms,
        )

    order, _, trail = None, None, []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        order, _, trail = read_order(app_server, placed["order_id"])
        if order.stage.value == "in_progress":
            break
        time.sleep(0.1)
    assert order is not None and order.stage.value == "in_progress"
    accepts = [event for event in trail if "accept" in event.action]
    assert len(accepts) == 1, [event.action for event in trail]
    winner_name = accepts[0].actor_label.split(" (")[0]
    winner = next(key for key, name in names.items() if name == winner_name)
    loser = "sam" if winner == "maddie" else "maddie"
    pages = {"maddie": maddie, "sam": sam}

    told = re.compile(rf"Order #{number} is already In Progress by {re.escape(winner_name)}")
    expect(pages[loser].get_by_text(told)).to_be_visible()
    expect(pages[winner].get_by_text(told)).to_have_count(0)
    expect(pages[winner].locator("#order-detail")).to_have_count(0)


def test_two_managers_refund_the_same_order_at_once_one_refund_the_other_is_told(
    screen, app_server
) -> None:
    """Two phones, one refund (issue 17): both panels show nothing refunded and both press
    "Refund" for $2.00 at the same instant; one refund is made, the other panel says what
    happened and how much is left, and asks for a fresh confirm."""
    maddie = screen(390, 844, name="maddie")
    sign_in(maddie, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    sam = screen(390, 844, name="sam")
    sign_in(sam, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    visit(sam, "/manage")
    names = {"maddie": "Maddie Manager", "sam": "Sam Smoky"}

    placed = place_order(app_server, unique("Refund Race"), payment="cash_at_counter")
    number = placed["order_number"]
    open_order(maddie, "received", number)
    maddie.locator("#mark-paid").click()
    expect(maddie.locator("#open-refund")).to_be_visible()
    open_order(sam, "received", number)
    for page in (maddie, sam):
        page.locator("#open-refund").click()
        page.locator("#refund-mode").get_by_role("radio", name="Amount").click()
        page.locator("#refund-amount").fill("2.00")
        expect(page.locator("#refund-amount")).to_have_value("2.00")
        expect(page.locator("#confirm-refund")).to_be_enabled()

    at_ms = int(time.time() * 1000) + 400
    for page in (maddie, sam):
        page.evaluate(
            """at => setTimeout(() => document.getElementById('confirm-refund').click(),
                                at - Date.now())""",
            at_ms,
        )

    told = re.compile(r"\$2\.00 refunded by (\w+) at .*, (\$[\d.]+) left\.")
    deadline = time.monotonic() + 15
    loser = None
    while loser is None and time.monotonic() < deadline:
        for key, page in (("maddie", maddie), ("sam", sam)):
            if page.locator("#refund-error").count() and told.search(
                page.locator("#refund-error").inner_text()
            ):
                loser = key
        time.sleep(0.1)
    assert loser is not None, "neither panel was told about the other refund"
    winner = "sam" if loser == "maddie" else "maddie"
    pages = {"maddie": maddie, "sam": sam}
    message = told.search(pages[loser].locator("#refund-error").inner_text())
    assert message.group(1) == names[winner].split()[0]
    total = placed["total_cents"]
    assert message.group(2) == format_cents(total - 200)
    expect(pages[winner].locator("#refund-error")).to_have_count(0)
    # The loser's panel shows the money as it is now; a fresh confirm is a new request.
    expect(pages[loser].locator("#refundable")).to_contain_text(format_cents(total - 200))
    ARTIFACTS.mkdir(exist_ok=True)
    pages[loser].screenshot(path=str(ARTIFACTS / "refund-race-loser.png"))

    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            order = session.exec(select(Order).where(Order.public_id == placed["order_id"])).one()
            made = session.exec(select(Refund).where(Refund.order_id == order.id)).all()
    finally:
        engine.dispose()
    assert [r.amount_cents for r in made] == [200]
