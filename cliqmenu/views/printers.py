"""The Owner's printers (/admin/printers): a line per printer, with whether it answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cliqmenu.models import Printer, Truck
from cliqmenu.services import printers


@dataclass
class PrinterRow:
    id: int
    name: str
    truck_name: str
    address: str
    prints: str  # "Kitchen tickets and customer receipts"
    status: str  # "Answering", "Not answering: ...", "Not tried yet"
    status_color: str
    waiting: str  # "2 tickets waiting", or ""


def printer_row(session: Session, printer: Printer, truck: Truck) -> PrinterRow:
    prints = [
        label
        for on, label in (
            (printer.prints_kitchen, "kitchen tickets"),
            (printer.prints_receipts, "customer receipts"),
        )
        if on
    ]
    waiting = printers.waiting_count(session, printer.id)
    if printer.failing_since is not None:
        status, color = f"Not answering: {printer.last_error}", "red"
    elif printer.last_printed_at is not None:
        status, color = "Answering", "green"
    else:
        status, color = "Nothing printed yet", "gray"
    return PrinterRow(
        id=printer.id,
        name=printer.name,
        truck_name=truck.name,
        address=f"{printer.host}:{printer.port}",
        prints=" and ".join(prints).capitalize(),
        status=status,
        status_color=color,
        waiting=f"{waiting} {'ticket' if waiting == 1 else 'tickets'} waiting" if waiting else "",
    )


def printer_rows(session: Session, business_id: int) -> list[PrinterRow]:
    rows = []
    for printer in printers.list_printers(session, business_id=business_id):
        truck = session.get(Truck, printer.truck_id)
        if truck is not None and not truck.archived:
            rows.append(printer_row(session, printer, truck))
    return rows
