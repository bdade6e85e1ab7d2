"""Receipt printers: tickets laid out, queued with the change that causes them, sent to a fake
network printer on 127.0.0.1 (tests/fake_printer.py) and read back from the ESC/POS stream."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu.models import (
    DiningMethod,
    DiscountKind,
    OrderSource,
    PaymentMethod,
    Printer,
    PrintJob,
    PrintStatus,
    utcnow,
)
from cliqmenu.print_delivery import print_due
from cliqmenu.services import lifecycle, printers
from cliqmenu.services.errors import DomainError, Forbidden, NotFound
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.printers import PrinterFields
from tests import factories
from tests.fake_printer import FakePrinter, Ticket

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    printer = FakePrinter().start()
    yield printer
    printer.stop()


@pytest.fixture
def fast(configure: Callable[..., None]) -> None:
    configure(print_retry_seconds=5, print_timeout_seconds=2)


def add(session: Session, world, fake: FakePrinter, **fields) -> Printer:
    values = {"name": "Kitchen", "host": "127.0.0.1", "port": str(fake.port)} | fields
    printer = printers.add_printer(
        session, actor=world.owner, truck_id=world.truck.id, fields=PrinterFields(**values)
    )
    session.commit()
    return printer


def accept(session: Session, world, order_id: int, **changes) -> None:
    lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order_id,
        changes=AcceptChanges(prep_minutes=10, **changes),
    )
    session.commit()


def jobs(session: Session) -> list[PrintJob]:
    query = select(PrintJob).order_by(PrintJob.id).execution_options(populate_existing=True)
    found = list(session.exec(query))
    session.commit()  # SQLite: no transaction left open while a worker writes
    return found


def troubles(session: Session, world) -> list[printers.PrinterTrouble]:
    session.expire_all()  # the worker changed the printer in its own session
    found = printers.troubles(session, world.truck.id)
    session.commit()
    return found


def run(engine: Engine, at: dt.datetime | None = None):
    return print_due(engine=engine, now=at)


def burger_order(session, world, **request):
    menu = world.menu
    order = factories.place(
        session,
        world=world,
        lines=[
            factories.line(menu.burger, menu.chicken, menu.cheese, quantity=2, note="no pickles"),
            factories.line(menu.fries),
        ],
        **request,
    )
    session.commit()
    return order


# ---------------------------------------------------------------- set-up and its checks


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "Give the printer a name"),
        ({"host": ""}, "Enter the printer's address, like 192.168.1.50"),
        ({"host": "http://192.168.1.50"}, "without http://"),
        ({"host": "192.168.1.50:9100"}, "Enter the port in the Port field"),
        ({"host": "bad_host!"}, "Enter the printer's address"),
        ({"host": "300.1.1.1"}, "Enter the printer's address"),
        ({"port": "0"}, "The port is a whole number from 1 to 65535"),
        ({"port": "9100a"}, "The port is a whole number from 1 to 65535"),
        ({"port": "70000"}, "The port is a whole number from 1 to 65535"),
        ({"prints_kitchen": False, "prints_receipts": False}, "Choose what this printer prints"),
        ({"name": "x" * 41}, "too long"),
    ],
)
def test_a_printer_with_bad_settings_is_refused_with_a_clear_message(
    session, world, fields, message
):
    values = {"name": "Kitchen", "host": "192.168.1.50", "port": "9100"} | fields
    with pytest.raises(DomainError, match=message):
        printers.add_printer(
            session, actor=world.owner, truck_id=world.truck.id, fields=PrinterFields(**values)
        )
    session.rollback()
    assert session.exec(select(Printer)).all() == []


def test_the_owner_adds_edits_and_removes_printers(session, world, fake):
    printer = add(session, world, fake, name="  Kitchen ", host="Kitchen-Printer.local", port="")
    assert (printer.name, printer.host, printer.port) == ("Kitchen", "kitchen-printer.local", 9100)
    with pytest.raises(DomainError, match="Taco Truck already has a printer called kitchen"):
        add(session, world, fake, name="kitchen")
    session.rollback()
    printers.update_printer(
        session,
        actor=world.owner,
        printer_id=printer.id,
        fields=PrinterFields(
            name="Counter",
            host="192.168.1.60",
            port="9101",
            prints_kitchen=False,
            prints_receipts=True,
        ),
    )
    session.commit()
    session.refresh(printer)
    assert (printer.name, printer.port, printer.prints_receipts) == ("Counter", 9101, True)
    printers.print_test_page(session, actor=world.owner, printer_id=printer.id)
    session.commit()
    assert printers.remove_printer(session, actor=world.owner, printer_id=printer.id) == "Counter"
    session.commit()
    assert session.exec(select(Printer)).all() == [] and jobs(session) == []


def test_only_the_owner_sets_printers_up_and_only_for_their_business(session, world, fake):
    with pytest.raises(Forbidden):
        add(session, world.__class__(**{**world.__dict__, "owner": world.manager}), fake)
    session.rollback()
    other = factories.make_world(session, business_name="Other Eats")
    session.commit()
    printer = add(session, world, fake)
    with pytest.raises(NotFound, match="No such printer"):
        printers.remove_printer(session, actor=other.owner, printer_id=printer.id)
    with pytest.raises(NotFound, match="No such truck"):
        printers.add_printer(
            session,
            actor=other.owner,
            truck_id=world.truck.id,
            fields=PrinterFields(name="X", host="10.0.0.9"),
        )


def test_a_test_page_prints_on_the_printer(session, world, fake, engine):
    printer = add(session, world, fake)
    printers.print_test_page(session, actor=world.owner, printer_id=printer.id)
    session.commit()
    assert run(engine).printed == 1
    (page,) = fake.wait_for(1)
    assert page.lines[0].text == "Test page" and page.lines[0].big
    assert f"Address: 127.0.0.1:{fake.port}" in page.text
    assert "Prints: kitchen tickets" in page.text and page.cuts == 1


# ---------------------------------------------------------------- what prints


def test_accept_prints_a_kitchen_ticket_without_prices(session, world, fake, engine):
    add(session, world, fake)
    order = burger_order(session, world, dining_method=DiningMethod.DINE_IN)
    assert jobs(session) == []  # nothing prints before Accept
    accept(session, world, order.id, kitchen_note="Table 4")
    (job,) = jobs(session)
    assert (job.kind, job.order_id, job.title) == (
        "kitchen",
        order.id,
        f"Kitchen ticket #{order.number}",
    )

    assert run(engine).printed == 1
    (ticket,) = fake.wait_for(1)
    number = ticket.lines[0]
    assert (number.text, number.big, number.center) == (f"#{order.number}", True, True)
    assert ticket.line("DINE-IN").bold
    assert "Pickup: Sam" in ticket.text
    assert ticket.line("2 x Burger").bold and ticket.line("1 x Fries").bold
    assert "   + Chicken" in ticket.text.splitlines()
    assert "   + Cheese" in ticket.text.splitlines()
    assert "   Note: no pickles" in ticket.text.splitlines()
    assert ticket.line("   Allergens: gluten, milk").bold
    assert ticket.line("Kitchen note: Table 4").bold
    assert "$" not in ticket.text and "Total" not in ticket.text
    assert ticket.cuts == 1
    assert run(engine).handled == 0 and len(fake.received()) == 1  # printed once


def test_a_refused_accept_prints_nothing(session, world, fake):
    add(session, world, fake)
    order = burger_order(session, world)
    with pytest.raises(DomainError):
        accept(session, world, order.id, discount_kind=DiscountKind.AMOUNT, discount_value=10**7)
    session.rollback()
    assert jobs(session) == []


def test_a_walk_in_prints_its_kitchen_ticket_at_once(session, world, fake, engine):
    add(session, world, fake)
    order = factories.place(
        session, world=world, source=OrderSource.WALK_IN, actor=world.manager, prep_minutes=5
    )
    session.commit()
    run(engine)
    (ticket,) = fake.wait_for(1)
    assert ticket.lines[0].text == f"#{order.number}" and "1 x Burger" in ticket.text


def test_each_kitchen_printer_gets_a_ticket_and_a_receipt_printer_none(session, world, fake):
    add(session, world, fake, name="Grill")
    add(session, world, fake, name="Counter", prints_kitchen=False, prints_receipts=True)
    accept(session, world, burger_order(session, world).id)
    assert [job.title.split()[0] for job in jobs(session)] == ["Kitchen"]


def test_the_receipt_has_the_money_and_the_payment_but_no_card(session, world, fake, engine):
    add(session, world, fake, name="Counter", prints_kitchen=False, prints_receipts=True)
    order = burger_order(session, world)
    accept(
        session,
        world,
        order.id,
        payment_method=PaymentMethod.CARD_AT_COUNTER,
        discount_kind=DiscountKind.AMOUNT,
        discount_value=200,
    )
    assert jobs(session) == []  # a receipt printer prints no kitchen ticket
    assert printers.print_receipt(session, actor=world.manager, order_id=order.id).printers == [
        "Counter"
    ]
    session.commit()
    run(engine)
    (receipt,) = fake.wait_for(1)
    rows = receipt.text.splitlines()
    assert receipt.lines[0].text == "Cliq Tacos" and receipt.lines[0].bold
    assert rows[1] == "Taco Truck" and rows[2] == f"Order #{order.number}"
    session.refresh(order)
    assert order.discount_cents == 200 and order.surcharge_cents > 0
    total = next(line for line in receipt.lines if line.text.startswith("Total"))
    assert total.bold and total.text.endswith(f"${order.total_cents / 100:.2f}")
    assert any(r.startswith("2 x Burger") and r.endswith("$29.00") for r in rows)
    assert any(
        r.startswith("Subtotal") and r.endswith(f"${order.subtotal_cents / 100:.2f}") for r in rows
    )
    assert any(r.startswith("Discount") and r.endswith("-$2.00") for r in rows)
    assert any(r.startswith("Surcharge (2.5%)") for r in rows)
    assert any(r.startswith("Includes GST (10%)") for r in rows)
    assert "To pay: Card at Counter" in rows
    assert all(len(r) <= 42 for r in rows)


def test_print_receipt_and_reprint_need_a_printer_and_a_manager(session, world, fake):
    order = burger_order(session, world)
    with pytest.raises(DomainError, match="No printer at Taco Truck prints customer receipts"):
        printers.print_receipt(session, actor=world.manager, order_id=order.id)
    add(session, world, fake)
    with pytest.raises(Forbidden):
        printers.reprint_ticket(session, actor=world.kitchen, order_id=order.id)
    assert printers.reprint_ticket(session, actor=world.manager, order_id=order.id).printers == [
        "Kitchen"
    ]
    session.commit()
    assert jobs(session)[0].title == f"Kitchen ticket #{order.number} (reprint)"


# ---------------------------------------------------------------- a printer that is down


def texts(tickets: list[Ticket]) -> list[str]:
    return [ticket.lines[0].text for ticket in tickets]


def test_a_printer_that_is_down_keeps_its_tickets_and_prints_them_in_order_once(
    session, world, fake, engine, fast
):
    printer = add(session, world, fake)
    fake.stop()
    first, second = burger_order(session, world), burger_order(session, world)
    accept(session, world, first.id)
    accept(session, world, second.id)
    start = utcnow()

    report = run(engine, start)
    assert (report.printed, report.retrying) == (0, 1)  # one try for the printer, not per ticket
    assert report.changed_trucks == {world.truck.id}  # the board is told
    (trouble,) = troubles(session, world)
    assert printers.trouble_text(trouble) == "Printer Kitchen is not answering — 2 tickets waiting"
    assert "refused" in trouble.error
    assert run(engine, start + dt.timedelta(seconds=2)).handled == 0  # waits its backoff
    report = run(engine, start + dt.timedelta(seconds=6))
    assert report.retrying == 1 and report.changed_trucks == set()  # still down: no news
    session.refresh(printer)
    assert printer.failing_since is not None
    session.commit()

    fake.start()  # back on, same port
    report = run(engine, start + MINUTE)  # past the doubled wait
    assert (report.printed, report.changed_trucks) == (2, {world.truck.id})
    assert texts(fake.wait_for(2)) == [f"#{first.number}", f"#{second.number}"]
    assert troubles(session, world) == []
    assert run(engine, start + 2 * MINUTE).handled == 0
    assert len(fake.received()) == 2
    assert {job.status for job in jobs(session)} == {PrintStatus.PRINTED}


def test_another_printer_is_not_held_up_by_one_that_is_down(session, world, fake, engine, fast):
    down = FakePrinter().start()
    port = down.port
    down.stop()
    add(session, world, fake, name="Grill")
    add(session, world, fake, name="Drinks", port=str(port))
    accept(session, world, burger_order(session, world).id)
    report = run(engine)
    assert (report.printed, report.retrying) == (1, 1)
    (trouble,) = troubles(session, world)
    assert trouble.name == "Drinks" and trouble.waiting == 1


def test_racing_workers_print_each_ticket_once_in_order(session, world, fake, engine):
    add(session, world, fake)
    orders = [burger_order(session, world) for _ in range(6)]
    for order in orders:
        accept(session, world, order.id)
    barrier = threading.Barrier(3)
    reports = []

    def worker():
        barrier.wait()
        reports.append(run(engine))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(report.printed for report in reports) == 6
    assert texts(fake.wait_for(6)) == [f"#{order.number}" for order in orders]
    assert len(fake.received()) == 6


def test_the_manager_board_carries_the_banner_of_a_printer_that_is_down(
    session, world, fake, engine, fast
):
    from cliqmenu.views.boards import manager_board

    add(session, world, fake)
    fake.stop()
    accept(session, world, burger_order(session, world).id)
    assert manager_board(session, world.truck.id).printer_alerts == []  # not tried yet
    session.commit()
    run(engine)
    session.expire_all()
    assert manager_board(session, world.truck.id).printer_alerts == [
        "Printer Kitchen is not answering — 1 ticket waiting"
    ]


def test_cli_print_tickets_sends_what_waits(cli_database: None, capsys, fake) -> None:
    from cliqmenu import cli, db

    assert cli.main(["migrate"]) == 0
    with Session(db.get_engine(), expire_on_commit=False) as session:
        world = factories.make_world(session)
        session.commit()
        add(session, world, fake)
        accept(session, world, burger_order(session, world).id)
    assert cli.main(["print-tickets"]) == 0
    assert cli.main(["print-tickets"]) == 0
    out = capsys.readouterr().out
    assert "Printed 1 ticket(s); 0 wait for a printer to answer." in out
    assert "Printed 0 ticket(s)" in out
    assert len(fake.wait_for(1)) == 1
