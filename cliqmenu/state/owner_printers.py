"""/admin/printers: add, edit and remove a truck's receipt printers, print a test page."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import read_scope, session_scope
from cliqmenu.models import Printer, StaffMember
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services import printers, stations, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.services.printers import PrinterFields
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.state.owner_form import OwnerForm
from cliqmenu.views.printers import PrinterRow, printer_rows, station_choices


class PrintersState(OwnerForm, rx.State):
    rows: list[PrinterRow] = []
    truck_choices: list[list[str]] = []
    f_truck: str = ""
    f_name: str = ""
    f_host: str = ""
    f_port: str = "9100"
    f_kitchen: bool = True
    f_receipts: bool = False
    # "none" (the whole order) or one of the truck's stations (only its items).
    f_station: str = "none"
    # Per truck id: the station choices of its printers ([value, label]).
    stations_by_truck: dict[str, list[list[str]]] = {}
    remove_open: bool = False
    remove_name: str = ""
    _remove_id: int | None = None

    def _refresh(self, business_id: int) -> None:
        with read_scope() as session:
            self.rows = printer_rows(session, business_id)
            trading = trucks.list_trucks(session, business_id=business_id)
            self.truck_choices = [[str(t.id), t.name] for t in trading]
            self.stations_by_truck = {
                str(t.id): station_choices(stations.list_stations(session, t.id)) for t in trading
            }

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self.editing = self.remove_open = False
        self._refresh(member.business_id)
        return None

    def _cannot_add(self) -> str:
        return "" if self.truck_choices else "Add a truck first: each printer belongs to a truck."

    def _fill(self, printer: Printer | None) -> None:
        first = self.truck_choices[0][0] if self.truck_choices else ""
        self.f_truck = str(printer.truck_id) if printer else first
        self.f_name = printer.name if printer else ""
        self.f_host = printer.host if printer else ""
        self.f_port = str(printer.port if printer else printers.DEFAULT_PORT)
        self.f_kitchen = printer.prints_kitchen if printer else True
        self.f_receipts = printer.prints_receipts if printer else False
        self.f_station = str(printer.station_id) if printer and printer.station_id else "none"

    def _row(self, session: Session, actor: StaffMember, row_id: int) -> Printer:
        return printers.get_printer(session, business_id=actor.business_id, printer_id=row_id)

    def _write(self, session: Session, actor: StaffMember) -> tuple[str, int]:
        fields = PrinterFields(
            name=self.f_name,
            host=self.f_host,
            port=self.f_port,
            prints_kitchen=self.f_kitchen,
            prints_receipts=self.f_receipts,
            station_id=int(self.f_station) if self.f_station.isdigit() else None,
        )
        if self._editing_id is None:
            printer = printers.add_printer(
                session, actor=actor, truck_id=int(self.f_truck or 0), fields=fields
            )
        else:
            printer = printers.update_printer(
                session, actor=actor, printer_id=self._editing_id, fields=fields
            )
        return printer.name, printer.truck_id

    def _saved(self, name: str, truck_id: int, added: bool) -> str:
        publish_soon(Audience("manager", truck_id))
        return f"Printer {name} {'added' if added else 'saved'}."

    @rx.event
    def set_f_truck(self, value: str):
        if value in {choice[0] for choice in self.truck_choices}:
            self.f_truck = value
            self.f_station = "none"

    @rx.event
    def set_f_station(self, value: str):
        self.f_station = value if value == "none" or value.isdigit() else "none"

    @rx.var
    def station_choices(self) -> list[list[str]]:
        """The chosen truck's stations, when it works by stations."""
        return self.stations_by_truck.get(self.f_truck, [])

    @rx.event
    def set_f_name(self, value: str):
        self.f_name = str(value)[:100]

    @rx.event
    def set_f_host(self, value: str):
        self.f_host = str(value)[:260]

    @rx.event
    def set_f_port(self, value: str):
        self.f_port = str(value)[:8]

    @rx.event
    def set_f_kitchen(self, value: bool):
        self.f_kitchen = bool(value)

    @rx.event
    def set_f_receipts(self, value: bool):
        self.f_receipts = bool(value)

    @rx.event
    async def test_page(self, printer_id: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                printer = printers.print_test_page(session, actor=actor, printer_id=int(printer_id))
                name = printer.name
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return rx.toast.success(f"Test page sent to {name}.")

    @rx.event
    async def refresh(self):
        """The Check again button: whether each printer answers, read now."""
        try:
            actor = await owner(self)
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return None

    @rx.event
    def ask_remove(self, printer_id: int, name: str):
        self._remove_id, self.remove_name, self.remove_open = int(printer_id), str(name), True

    @rx.event
    def set_remove_open(self, value: bool):
        self.remove_open = bool(value)

    @rx.event
    async def remove(self):
        try:
            actor = await owner(self)
            with session_scope() as session:
                printer = printers.get_printer(
                    session, business_id=actor.business_id, printer_id=self._remove_id or 0
                )
                truck_id = printer.truck_id
                name = printers.remove_printer(session, actor=actor, printer_id=printer.id)
        except DomainError as error:
            return refuse(error)
        self.remove_open = False
        self._refresh(actor.business_id)
        publish_soon(Audience("manager", truck_id))  # its banner, if it was down, goes
        return rx.toast.success(f"Printer {name} removed.")
