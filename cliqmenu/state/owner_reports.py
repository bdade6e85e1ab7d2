"""/admin/reports: sales per day and truck for a range, ticket times, top items, CSV export."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business, StaffMember, utcnow
from cliqmenu.services import reports, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.reports import HourBar, RefunderView, RowView, Tile, TopItemView, report_view

QUICK_RANGES = [
    ["today", "Today"],
    ["yesterday", "Yesterday"],
    ["7d", "Last 7 days"],
    ["month", "This month"],
    ["last_month", "Last month"],
]


def quick_range(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if name == "yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    if name == "7d":
        return today - dt.timedelta(days=6), today
    if name == "month":
        return today.replace(day=1), today
    if name == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    return today, today


class ReportsState(rx.State):
    start: str = ""
    end: str = ""
    truck: str = "all"
    trucks: list[list[str]] = [["all", "All trucks"]]
    quick: str = "7d"
    title: str = ""
    tiles: list[Tile] = []
    rows: list[RowView] = []
    total: list[RowView] = []
    top_items: list[TopItemView] = []
    hours: list[HourBar] = []
    refunders: list[RefunderView] = []
    has_orders: bool = False
    error: str = ""
    tax_column: str = "GST incl."

    def _today(self, session, member: StaffMember) -> dt.date:
        business = session.get(Business, member.business_id)
        return utcnow().astimezone(ZoneInfo(business.timezone)).date()

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        with session_scope() as session:
            self.trucks = [["all", "All trucks"]] + [
                [str(t.id), f"{t.name} (archived)" if t.archived else t.name]
                for t in trucks.list_trucks(
                    session, business_id=member.business_id, including_archived=True
                )
            ]
            if not self.start or not self.end:
                start, end = quick_range(self.quick, self._today(session, member))
                self.start, self.end = start.isoformat(), end.isoformat()
        if self.truck not in {t[0] for t in self.trucks}:
            self.truck = "all"
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
            start, end = quick_range(name, self._today(session, member))
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
                truck_id=int(self.truck) if self.truck.isdigit() else None,
            )

    def _run(self, member: StaffMember):
        try:
            report = self._report(member)
        except DomainError as error:
            self.error = str(error)
            return None
        self.error = ""
        self._show(report)
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
