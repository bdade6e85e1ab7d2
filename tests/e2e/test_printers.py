"""Journey: the Owner adds a kitchen printer, a manager accepts an order and its ticket prints;
the printer goes off, the manager's board says so, it comes back and the ticket prints once.

The printer is the fake network printer of tests/fake_printer.py on 127.0.0.1; everything else
is real: the Owner's page, Accept on /manage, the print worker of the app process(es), the
banner pushed to the open board.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, delete
from sqlmodel import Session

from cliqmenu import demo_data
from cliqmenu.models import Printer, PrintJob
from tests.e2e.helpers import place, sign_in, unique, visit
from tests.fake_printer import FakePrinter

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
SCREENSHOTS = os.environ.get("CLIQMENU_DOC_SCREENSHOTS", "").strip()


@pytest.fixture
def fake_printer(app_server) -> Iterator[FakePrinter]:
    printer = FakePrinter().start()
    yield printer
    printer.stop()
    # Other journeys share this server: no printer of this one is left to print their orders.
    engine = create_engine(app_server.db_url)
    try:
        with Session(engine) as session:
            session.execute(delete(PrintJob))
            session.execute(delete(Printer))
            session.commit()
    finally:
        engine.dispose()


def shoot(page: Page, name: str) -> None:
    """With CLIQMENU_DOC_SCREENSHOTS=<folder>, the documentation's screenshots."""
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / name))


def accept(manager: Page, number: int) -> None:
    visit(manager, "/manage")
    manager.locator("#tab-received").click()
    manager.locator(f"#order-{number}").click()
    manager.locator("#accept-order").click()
    expect(manager.locator("#order-detail")).to_have_count(0)


def test_a_ticket_prints_on_accept_and_a_printer_that_is_down_shows_on_the_board(
    screen, app_server, fake_printer: FakePrinter
) -> None:
    owner = screen(*PHONE, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    visit(owner, "/admin/printers")
    owner.locator("#add-printer").click()

    # Bad input is refused with a message; the dialog stays open.
    owner.locator("#printer-name").fill("Kitchen")
    owner.locator("#printer-host").fill("http://printer")
    owner.locator("#printer-save").click()
    expect(owner.locator("#printer-error")).to_contain_text("without http://")
    owner.locator("#printer-host").fill("127.0.0.1")
    owner.locator("#printer-port").fill(str(fake_printer.port))
    owner.locator("#printer-save").click()
    card = owner.locator(".printer-card").filter(has_text="Kitchen")
    expect(card).to_contain_text(f"127.0.0.1:{fake_printer.port}")
    expect(card).to_contain_text("Kitchen tickets")
    card.locator(".printer-test").click()
    (page,) = fake_printer.wait_for(1)
    assert page.lines[0].text == "Test page"
    owner.locator("#printers-refresh").click()
    expect(card).to_contain_text("Answering")
    shoot(owner, "printers-owner-390x844.png")

    manager = screen(*PHONE, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    customer = unique("Ticket")
    first = place(app_server, customer)
    accept(manager, first)
    tickets = fake_printer.wait_for(2)
    ticket = tickets[1]
    assert ticket.lines[0].text == f"#{first}" and ticket.lines[0].big
    assert f"Pickup: {customer}" in ticket.text and "1 x Loaded Fries" in ticket.text
    assert "$" not in ticket.text and ticket.cuts == 1

    # From the open order: the ticket again; no printer here prints receipts, and it says so.
    manager.locator("#tab-in_progress").click()
    manager.locator(f"#order-{first}").click()
    manager.locator("#reprint-ticket").click()
    reprint = fake_printer.wait_for(3)[2]
    assert reprint.lines[0].text == f"#{first}" and "REPRINT" in reprint.text
    manager.locator("#print-receipt").click()
    expect(
        manager.get_by_text("No printer at Smoky Bros CBD prints customer receipts")
    ).to_be_visible()
    manager.locator("#order-detail").get_by_label("Close").click()

    # The printer goes off: the next ticket waits and the board says so, live.
    fake_printer.stop()
    second = place(app_server, unique("Waiting"))
    accept(manager, second)
    alert = manager.locator(".printer-alert")
    expect(alert).to_have_text(
        "Printer Kitchen is not answering — 1 ticket waiting", timeout=20_000
    )
    shoot(manager, "printer-down-banner-390x844.png")

    # Back on: the waiting ticket prints, once, and the banner goes.
    fake_printer.start()
    expect(alert).to_have_count(0, timeout=30_000)
    tickets = fake_printer.wait_for(4)
    assert [t.lines[0].text for t in tickets[1:]] == [f"#{first}", f"#{first}", f"#{second}"]
    visit(owner, "/admin/printers")
    expect(card).to_contain_text("Answering")
    assert len(fake_printer.received()) == 4
