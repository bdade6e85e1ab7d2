"""Receipt printers of a truck and what they print (docs/printers.md).

The Owner adds network printers (ESC/POS on TCP port 9100) per truck and chooses what each
prints: a kitchen ticket of every order accepted (the whole order, no prices), customer receipts
asked for from the order. Tickets are laid out here and stored as ``PrintJob`` rows, in the same
transaction as the change that causes them, as the bytes to send: nothing prints for a change
that was rolled back, and an Accept never waits on a printer. The print worker
(print_delivery.py) sends them, in order per printer, once.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from cliqmenu.infra.escpos_printer import WIDTH, Line, render
from cliqmenu.models import (
    Order,
    OrderLine,
    PaymentStatus,
    Printer,
    PrintJob,
    PrintStatus,
    Role,
    StaffMember,
    Station,
    Truck,
    utcnow,
)
from cliqmenu.services import access, audit, money, records
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.menu import truck_zone
from cliqmenu.services.staff import require_role
from cliqmenu.services.text import clean_text

KITCHEN, RECEIPT, TEST = "kitchen", "receipt", "test"
MAX_NAME = 40
DEFAULT_PORT = 9100
MAX_PRINTERS_PER_TRUCK = 10
NO_SUCH_PRINTER = "No such printer."
# A host name: labels of letters, digits and hyphens (not at either end), joined by dots.
_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
ADDRESS_HELP = "Enter the printer's address, like 192.168.1.50 or kitchen-printer.local."
RULE = "-" * WIDTH


@dataclass
class PrinterFields:
    """What the Owner types: the port as text (checked here)."""

    name: str
    host: str
    port: str | int = DEFAULT_PORT
    prints_kitchen: bool = True
    prints_receipts: bool = False
    # A kitchen station of the truck: its kitchen tickets carry only that station's items.
    station_id: int | None = None


def check_host(text: str) -> str:
    """An IP address or a host name, without a port or a scheme; refused with an example."""
    host = (text or "").strip().lower()
    if not host:
        raise DomainError(ADDRESS_HELP)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if "://" in host or "/" in host:
        raise DomainError(
            f"Enter only the printer's address, without http:// or a path. {ADDRESS_HELP}"
        )
    if ":" in host:
        raise DomainError("Enter the port in the Port field, not in the address.")
    if not _HOST_NAME.match(host) or host.replace(".", "").isdigit():
        raise DomainError(ADDRESS_HELP)
    return host


def check_port(value: str | int) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or not text.isascii() or not 1 <= int(text) <= 65535:
        raise DomainError(
            f"The port is a whole number from 1 to 65535 (network printers use {DEFAULT_PORT})."
        )
    return int(text)


def validate(fields: PrinterFields) -> PrinterFields:
    name = clean_text(fields.name, what="printer's name", max_length=MAX_NAME)
    if not name:
        raise DomainError("Give the printer a name, like Kitchen or Counter.")
    if not (fields.prints_kitchen or fields.prints_receipts):
        raise DomainError(
            "Choose what this printer prints: kitchen tickets, customer receipts, or both."
        )
    return PrinterFields(
        name=name,
        host=check_host(fields.host),
        port=check_port(fields.port),
        prints_kitchen=bool(fields.prints_kitchen),
        prints_receipts=bool(fields.prints_receipts),
        station_id=int(fields.station_id) if fields.station_id else None,
    )


def _check_station(session: Session, *, truck: Truck, station_id: int | None) -> str:
    """The name of the printer's station, a station of its truck (NotFound otherwise)."""
    if station_id is None:
        return ""
    station = session.get(Station, station_id)
    if station is None or station.truck_id != truck.id:
        raise NotFound("No such station.")
    return station.name


def list_printers(
    session: Session, *, business_id: int, truck_id: int | None = None
) -> list[Printer]:
    query = select(Printer).where(Printer.business_id == business_id)
    if truck_id is not None:
        query = query.where(Printer.truck_id == truck_id)
    return list(session.exec(query.order_by(col(Printer.truck_id), col(Printer.id))))


def get_printer(session: Session, *, business_id: int, printer_id: int) -> Printer:
    printer = session.get(Printer, int(printer_id))
    if printer is None or printer.business_id != business_id:
        raise NotFound(NO_SUCH_PRINTER)
    return printer


def _check_name_free(session: Session, *, truck: Truck, name: str, printer_id: int | None) -> None:
    same = session.exec(
        select(Printer.id).where(
            Printer.truck_id == truck.id, func.lower(Printer.name) == name.lower()
        )
    ).all()
    if any(found != printer_id for found in same):
        raise DomainError(f"{truck.name} already has a printer called {name}.")


def _described(printer: Printer, station: str = "") -> dict:
    return {
        "name": printer.name,
        "address": f"{printer.host}:{printer.port}",
        "prints_kitchen": printer.prints_kitchen,
        "prints_receipts": printer.prints_receipts,
        **({"station": station} if station else {}),
    }


def add_printer(
    session: Session, *, actor: StaffMember, truck_id: int, fields: PrinterFields
) -> Printer:
    """A new printer at a truck of the Owner's business."""
    truck = access.owner_truck(session, actor, truck_id)
    valid = validate(fields)
    _check_name_free(session, truck=truck, name=valid.name, printer_id=None)
    station = _check_station(session, truck=truck, station_id=valid.station_id)
    count = session.exec(
        select(func.count()).select_from(Printer).where(Printer.truck_id == truck.id)
    ).one()
    if count >= MAX_PRINTERS_PER_TRUCK:
        raise DomainError(f"A truck has at most {MAX_PRINTERS_PER_TRUCK} printers.")
    printer = Printer(
        business_id=truck.business_id,
        truck_id=truck.id,
        name=valid.name,
        host=valid.host,
        port=int(valid.port),
        prints_kitchen=valid.prints_kitchen,
        prints_receipts=valid.prints_receipts,
        station_id=valid.station_id,
    )
    session.add(printer)
    session.flush()
    audit.record(
        session,
        business_id=truck.business_id,
        actor=actor,
        action="printer.added",
        after={"truck": truck.name, **_described(printer, station)},
    )
    return printer


def update_printer(
    session: Session, *, actor: StaffMember, printer_id: int, fields: PrinterFields
) -> Printer:
    require_role(actor, Role.OWNER)
    printer = get_printer(session, business_id=actor.business_id, printer_id=printer_id)
    truck = access.owner_truck(session, actor, printer.truck_id)
    valid = validate(fields)
    _check_name_free(session, truck=truck, name=valid.name, printer_id=printer.id)
    station = _check_station(session, truck=truck, station_id=valid.station_id)
    before = _described(
        printer, _check_station(session, truck=truck, station_id=printer.station_id)
    )
    moved = (printer.host, printer.port) != (valid.host, valid.port)
    printer.name, printer.host, printer.port = valid.name, valid.host, int(valid.port)
    printer.prints_kitchen, printer.prints_receipts = valid.prints_kitchen, valid.prints_receipts
    printer.station_id = valid.station_id
    if moved:  # a new address: try the waiting tickets there now
        _due_now(session, printer.id)
    session.add(printer)
    audit.record(
        session,
        business_id=printer.business_id,
        actor=actor,
        action="printer.changed",
        before=before,
        after=_described(printer, station),
    )
    return printer


def _due_now(session: Session, printer_id: int) -> None:
    for job in _waiting(session, printer_id):
        if job.claimed_by is None:
            job.next_attempt_at = utcnow()
            session.add(job)


def remove_printer(session: Session, *, actor: StaffMember, printer_id: int) -> str:
    """Remove a printer and the tickets waiting for it; its name."""
    require_role(actor, Role.OWNER)
    printer = get_printer(session, business_id=actor.business_id, printer_id=printer_id)
    session.execute(delete(PrintJob).where(col(PrintJob.printer_id) == printer.id))
    audit.record(
        session,
        business_id=printer.business_id,
        actor=actor,
        action="printer.removed",
        before=_described(printer),
    )
    name = printer.name
    session.delete(printer)
    return name


def _waiting(session: Session, printer_id: int) -> list[PrintJob]:
    return list(
        session.exec(
            select(PrintJob)
            .where(PrintJob.printer_id == printer_id, PrintJob.status == PrintStatus.PENDING)
            .order_by(col(PrintJob.id))
        )
    )


def waiting_count(session: Session, printer_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(PrintJob)
        .where(PrintJob.printer_id == printer_id, PrintJob.status == PrintStatus.PENDING)
    ).one()


def _queue(
    session: Session,
    printer: Printer,
    *,
    kind: str,
    title: str,
    lines: Sequence[Line],
    order_id: int | None,
) -> PrintJob:
    job = PrintJob(
        printer_id=printer.id,
        order_id=order_id,
        kind=kind,
        title=title[:80],
        data=render(lines),
        next_attempt_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


# ---------------------------------------------------------------- what prints, and when


def queue_kitchen_tickets(session: Session, *, order: Order) -> int:
    """An order went to the kitchen (accepted, or a walk-in): a ticket on each printer of its
    truck that prints kitchen tickets (a printer tied to a station: only that station's items,
    and nothing when the order has none for it); how many were queued."""
    printers = [
        p
        for p in list_printers(session, business_id=order.business_id, truck_id=order.truck_id)
        if p.prints_kitchen
    ]
    queued = 0
    for printer, lines in _kitchen_tickets(session, order, printers, reprint=False):
        title = f"Kitchen ticket #{order.number}"
        _queue(session, printer, kind=KITCHEN, title=title, lines=lines, order_id=order.id)
        queued += 1
    return queued


def _kitchen_tickets(
    session: Session, order: Order, printers: list[Printer], *, reprint: bool
) -> list[tuple[Printer, list[Line]]]:
    """Each printer's ticket of the order: the whole order, or its station's items."""
    if not printers:
        return []
    stations = {
        s.id: s
        for s in session.exec(select(Station).where(Station.truck_id == order.truck_id)).all()
    }
    default = next((s.id for s in stations.values() if s.is_default), None)
    rows = _order_lines(session, order)
    tickets = []
    for printer in printers:
        station = stations.get(printer.station_id or 0) if len(stations) >= 2 else None
        if station is None:
            tickets.append((printer, kitchen_ticket(session, order, reprint=reprint, rows=rows)))
            continue
        mine = [r for r in rows if (r.station_id or default) == station.id]
        if mine:
            lines = kitchen_ticket(session, order, reprint=reprint, rows=mine, station=station.name)
            tickets.append((printer, lines))
    return tickets


@dataclass(frozen=True)
class Printed:
    """What a print asked for from an order queued: the truck, and the printers' names."""

    truck_id: int
    printers: list[str]

    def message(self, what: str) -> str:
        return f"{what} sent to {' and '.join(self.printers)}."


def _print_for_order(session: Session, *, actor: StaffMember, order_id: int, kind: str) -> Printed:
    """A receipt or a kitchen ticket of an order asked for by its manager, on every printer of
    its truck that prints that kind; their names (refused when there is none)."""
    require_role(actor, Role.ORDER_MANAGER)
    order = access.order_for(session, actor=actor, order_id=order_id, including_archived=True)
    truck = records.truck(session, order.truck_id)
    receipts = kind == RECEIPT
    printers = [
        p
        for p in list_printers(session, business_id=order.business_id, truck_id=order.truck_id)
        if (p.prints_receipts if receipts else p.prints_kitchen)
    ]
    if not printers:
        what = "customer receipts" if receipts else "kitchen tickets"
        raise DomainError(
            f"No printer at {truck.name} prints {what}. The Owner sets printers up under Printers."
        )
    if receipts:
        title = f"Receipt #{order.number}"
        tickets = [(p, customer_receipt(session, order)) for p in printers]
    else:
        title = f"Kitchen ticket #{order.number} (reprint)"
        tickets = _kitchen_tickets(session, order, printers, reprint=True)
    for printer, lines in tickets:
        _queue(session, printer, kind=kind, title=title, lines=lines, order_id=order.id)
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action="order.receipt_printed" if receipts else "order.ticket_reprinted",
        after={"printers": [p.name for p in printers]},
    )
    return Printed(truck_id=order.truck_id, printers=[p.name for p in printers])


def print_receipt(session: Session, *, actor: StaffMember, order_id: int) -> Printed:
    """A customer receipt of the order, on the truck's receipt printer(s); their names."""
    return _print_for_order(session, actor=actor, order_id=order_id, kind=RECEIPT)


def reprint_ticket(session: Session, *, actor: StaffMember, order_id: int) -> Printed:
    """The kitchen ticket again (as the order is now), on the kitchen printer(s)."""
    return _print_for_order(session, actor=actor, order_id=order_id, kind=KITCHEN)


def print_test_page(session: Session, *, actor: StaffMember, printer_id: int) -> Printer:
    require_role(actor, Role.OWNER)
    printer = get_printer(session, business_id=actor.business_id, printer_id=printer_id)
    truck = records.truck(session, printer.truck_id)
    business = records.business(session, printer.business_id)
    what = [
        label
        for on, label in (
            (printer.prints_kitchen, "kitchen tickets"),
            (printer.prints_receipts, "customer receipts"),
        )
        if on
    ]
    lines = [
        Line("Test page", big=True, center=True),
        Line(business.name, bold=True, center=True),
        Line(truck.name, center=True),
        Line(RULE),
        Line(f"Printer: {printer.name}"),
        Line(f"Address: {printer.host}:{printer.port}"),
        Line(f"Prints: {' and '.join(what)}"),
        Line(_local_time(session, truck)),
        Line(RULE),
        Line("If you can read this, CliqMenu can print here.", center=True),
    ]
    _queue(session, printer, kind=TEST, title="Test page", lines=lines, order_id=None)
    return printer


# ---------------------------------------------------------------- layouts


def _local_time(session: Session, truck: Truck, when=None) -> str:
    moment = (when or utcnow()).astimezone(truck_zone(session, truck))
    return moment.strftime("%d %b %Y %H:%M")


def _order_lines(session: Session, order: Order) -> list[OrderLine]:
    return list(
        session.exec(
            select(OrderLine)
            .where(OrderLine.order_id == order.id)
            .order_by(col(OrderLine.position), col(OrderLine.id))
        )
    )


def _wrap(text: str, indent: str, width: int = WIDTH) -> list[str]:
    """``text`` in lines of at most ``width`` characters, each after ``indent``."""
    words, rows, row = text.split(), [], ""
    room = width - len(indent)
    for word in words:
        while len(word) > room:  # a word longer than a line is cut
            if row:
                rows.append(row)
                row = ""
            rows.append(word[:room])
            word = word[room:]
        if row and len(row) + 1 + len(word) > room:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}" if row else word
    if row:
        rows.append(row)
    return [indent + r for r in rows]


def _columns(left: str, right: str, width: int = WIDTH) -> list[str]:
    """``left`` and ``right`` on one line, ``right`` flush with the edge (wrapped if long)."""
    room = width - len(right) - 1
    rows = _wrap(left, "", room) or [""]
    rows[-1] = rows[-1].ljust(room) + " " + right
    return rows


def kitchen_ticket(
    session: Session,
    order: Order,
    *,
    reprint: bool = False,
    rows: list[OrderLine] | None = None,
    station: str = "",
) -> list[Line]:
    """What the kitchen cooks from: the order number large, the dining method, the pickup name,
    every item (``rows``: a station's only, under its ``station`` name) with its options, notes
    and allergens; never a price."""
    truck = records.truck(session, order.truck_id)
    lines = [
        Line(f"#{order.number}", big=True, center=True),
        Line(order.dining_method.label.upper(), bold=True, center=True),
        Line(f"Pickup: {order.customer_name}", center=True),
        Line(
            f"{truck.name} · {_local_time(session, truck, order.accepted_at)}"
            + (f" · {order.prep_minutes} min" if order.prep_minutes else ""),
            center=True,
        ),
    ]
    if station:
        lines.append(Line(station.upper(), bold=True, center=True))
    if reprint:
        lines.append(Line("REPRINT", bold=True, center=True))
    lines.append(Line(RULE))
    for row in _order_lines(session, order) if rows is None else rows:
        lines.extend(Line(text, bold=True) for text in _wrap(f"{row.quantity} x {row.name}", ""))
        for option in row.options:
            lines.extend(Line(text) for text in _wrap(f"+ {option['name']}", "   "))
        if row.note:
            lines.extend(Line(text) for text in _wrap(f"Note: {row.note}", "   "))
        if row.allergens:
            allergens = ", ".join(row.allergens)
            lines.extend(Line(text, bold=True) for text in _wrap(f"Allergens: {allergens}", "   "))
    if order.kitchen_note:
        lines.append(Line(RULE))
        lines.extend(
            Line(text, bold=True) for text in _wrap(f"Kitchen note: {order.kitchen_note}", "")
        )
    lines.append(Line(RULE))
    return lines


def customer_receipt(session: Session, order: Order) -> list[Line]:
    """The customer's receipt: business and truck, items, discount, surcharge, total, GST
    included, and how it is paid. Nothing of a card is ever stored, so none can print."""
    truck = records.truck(session, order.truck_id)
    business = records.business(session, order.business_id)
    show = money.formatter(business)
    lines = [
        Line(business.name, bold=True, center=True),
        Line(truck.name, center=True),
        Line(f"Order #{order.number}", bold=True, center=True),
        Line(_local_time(session, truck, order.placed_at), center=True),
        Line(f"{order.customer_name} · {order.dining_method.label}", center=True),
        Line(RULE),
    ]
    for row in _order_lines(session, order):
        lines.extend(
            Line(text)
            for text in _columns(f"{row.quantity} x {row.name}", show(row.line_total_cents))
        )
        for option in row.options:
            lines.extend(Line(text) for text in _wrap(f"+ {option['name']}", "   "))
    lines.append(Line(RULE))
    for label, value in money.receipt_rows(order, show):
        lines.extend(Line(text, bold=label == "Total") for text in _columns(label, value))
    lines.append(Line(RULE))
    paid = order.payment_status != PaymentStatus.UNPAID
    lines.append(Line(f"{'Paid' if paid else 'To pay'}: {order.payment_method.label}"))
    lines.append(Line(""))
    lines.append(Line("Thank you!", center=True))
    return lines


# ---------------------------------------------------------------- the manager's banner


@dataclass(frozen=True)
class PrinterTrouble:
    printer_id: int
    name: str
    waiting: int
    error: str


def troubles(session: Session, truck_id: int) -> list[PrinterTrouble]:
    """The truck's printers that are not answering, with the tickets waiting for them."""
    down = session.exec(
        select(Printer)
        .where(Printer.truck_id == truck_id, col(Printer.failing_since).is_not(None))
        .order_by(col(Printer.id))
    ).all()
    found = []
    for printer in down:
        waiting = waiting_count(session, printer.id)
        if waiting:
            found.append(PrinterTrouble(printer.id, printer.name, waiting, printer.last_error))
    return found


def trouble_text(trouble: PrinterTrouble) -> str:
    tickets = "ticket" if trouble.waiting == 1 else "tickets"
    return f"Printer {trouble.name} is not answering — {trouble.waiting} {tickets} waiting"
