"""/admin/reports: sales per day and truck for a range, ticket times, top items, CSV export."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import StaffMember
from cliqmenu.services import on_time, records, reports, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.services.reports import QUICK_RANGES, quick_range
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.on_time import OnTimeRowView, on_time_view
from cliqmenu.views.reports import HourBar, RefunderView, RowView, Tile, TopItemView, report_view
from cliqmenu.views.trucks import EVERY_TRUCK, truck_filter


class ReportsState(rx.State):
    start: str = ""
    end: str = ""
    truck: str = EVERY_TRUCK
    trucks: list[list[str]] = truck_filter([])
    quick: str = "7d"
    title: str = ""
    tiles: list[Tile] = []
    rows: list[RowView] = []
    total: list[RowView] = []
    top_items: list[TopItemView] = []
    hours: list[HourBar] = []
    # The chart library reads plain dicts: {"label": "12:15", "orders": 3}.
    slots: list[dict[str, Any]] = []
    refunders: list[RefunderView] = []
    # Ready for Pickup against the quoted time, per day and truck (services/on_time.py).
    on_time_rows: list[OnTimeRowView] = []
    on_time_total: list[OnTimeRowView] = []
    has_orders: bool = False
    error: str = ""
    tax_column: str = "GST incl."

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        with session_scope() as session:
            self.trucks = truck_filter(
                trucks.list_trucks(session, business_id=member.business_id, including_archived=True)
            )
            if not self.start or not self.end:
                start, end = quick_range(
                    self.quick, records.business_today(session, member.business_id)
                )
                self.start, self.end = start.isoformat(), end.isoformat()
        if self.truck not in {t[0] for t in self.trucks}:
            self.truck = EVERY_TRUCK
        return self._run(member)

    @rx.event
    def set_start(self, value: str):
        self.start, self.quick = str(value)[:10], ""

    @rx.event
    def set_end(self, value: str):
        self.end, self.quick = str(value)[:10], ""

    @rx.event
    async def set_truck(self, value: str):
        if value in {t[0] for t in self.trucks}:
            self.truck = value
        return await self.run()

    @rx.event
    async def pick(self, name: str):
        if name not in {q[0] for q in QUICK_RANGES}:
            return None
        try:
            member = await owner(self)
        except DomainError as error:
            return refuse(error)
        with session_scope() as session:
            start, end = quick_range(name, records.business_today(session, member.business_id))
        self.start, self.end, self.quick = start.isoformat(), end.isoformat(), name
        return self._run(member)

    @rx.event
    async def run(self, _form: dict | None = None):
        try:
            member = await owner(self)
        except DomainError as error:
            return refuse(error)
        return self._run(member)

    def _dates(self) -> tuple[dt.date, dt.date]:
        try:
            return dt.date.fromisoformat(self.start), dt.date.fromisoformat(self.end)
        except ValueError:
            raise DomainError("Pick a start and an end date.") from None

    def _report(self, member: StaffMember) -> reports.Report:
        start, end = self._dates()
        with session_scope() as session:
            return reports.sales_report(
                session,
                actor=member,
                start=start,
                end=end,
                truck_id=self._truck_id(),
            )

    def _truck_id(self) -> int | None:
        return int(self.truck) if self.truck.isdigit() else None

    def _show_on_time(self, member: StaffMember) -> None:
        start, end = self._dates()
        with session_scope() as session:
            report = on_time.on_time_report(
                session, actor=member, start=start, end=end, truck_id=self._truck_id()
            )
        view = on_time_view(report)
        self.on_time_rows, self.on_time_total = view.rows, view.total

    def _run(self, member: StaffMember):
        try:
            report = self._report(member)
        except DomainError as error:
            self.error = str(error)
            return None
        self.error = ""
        self._show(report)
        self._show_on_time(member)
        return None

    def _show(self, report: reports.Report) -> None:
        view = report_view(report)
        self.title, self.tiles, self.rows, self.total = (
            view.title,
            view.tiles,
            view.rows,
            view.total,
        )
        self.top_items, self.hours, self.has_orders = view.top_items, view.hours, view.has_orders
        self.tax_column = view.tax_column
        self.slots = [asdict(point) for point in view.slots]
        self.refunders = view.refunders

    @rx.event
    async def export_csv(self):
        try:
            member = await owner(self)
            report = self._report(member)
        except DomainError as error:
            return refuse(error)
        return rx.download(
            data=reports.report_csv(report),
            filename=reports.csv_filename(report),
            mime_type="text/csv",
        )
