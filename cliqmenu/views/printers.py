"""The Owner's printers (/admin/printers): a line per printer, with whether it answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cliqmenu.models import Printer, Station, Truck
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
    station = session.get(Station, printer.station_id) if printer.station_id else None
    if station is not None and printer.prints_kitchen:
        prints[0] = f"kitchen tickets ({station.name} items only)"
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


def station_choices(truck_stations: list[Station]) -> list[list[str]]:
    """What a printer of a truck that works by stations prints: the whole order, or one
    station's items; nothing to choose on a truck with fewer than two stations."""
    if len(truck_stations) < 2:
        return []
    return [["none", "The whole order"], *([str(s.id), f"{s.name} only"] for s in truck_stations)]
