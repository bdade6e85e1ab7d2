"""/admin/reports: sales per day and truck for a range, ticket times, top items, CSV export."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business, StaffMember
from cliqmenu.services import reports, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.services.pricing import format_cents
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.reports import HourBar, RefunderView, RowView, Tile, TopItemView, row_view

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

    def _today(self, session, member: StaffMember) -> dt.date:
        business = session.get(Business, member.business_id)
        return dt.datetime.now(ZoneInfo(business.timezone)).date()

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
        currency = report.currency
        t = report.totals
        span = (
            report.start.strftime("%a %d %b %Y")
            if report.start == report.end
            else f"{report.start:%d %b %Y} – {report.end:%d %b %Y}"
        )
        self.title = f"{report.truck_name} · {span}"
        average = t.net_cents // t.orders if t.orders else 0
        self.tiles = [
            Tile(
                "Net sales",
                format_cents(t.net_cents, currency),
                "after discounts and refunds, incl. GST",
            ),
            Tile("Orders", str(t.orders), f"{t.cancelled} cancelled or rejected"),
            Tile("Average order", format_cents(average, currency), "net sales ÷ orders"),
            Tile("Refunds", format_cents(t.refund_cents, currency), "made in this range"),
            Tile(
                "Accept → Cooking Done",
                reports.format_duration(report.avg_cooking_seconds),
                "average kitchen time",
            ),
            Tile(
                "Accept → Ready for Pickup",
                reports.format_duration(report.avg_ready_seconds),
                "average ticket time",
            ),
        ]
        self.rows = [
            row_view(r.day.strftime("%a %d %b"), r.truck_name, r.figures, currency)
            for r in report.rows
        ]
        self.total = [row_view("Total", report.truck_name, t, currency)] if report.rows else []
        most = max((i.quantity for i in report.top_items), default=0)
        self.top_items = [
            TopItemView(
                i.name, i.quantity, format_cents(i.sales_cents, currency), 100 * i.quantity // most
            )
            for i in report.top_items
        ]
        busiest = max(report.orders_by_hour)
        hours = [h for h, n in enumerate(report.orders_by_hour) if n]
        first, last = (min(hours), max(hours)) if hours else (10, 14)
        first, last = min(first, 10), max(last, 14)  # show at least a lunch service
        self.hours = [
            HourBar(
                label=f"{h % 12 or 12}{'am' if h < 12 else 'pm'}",
                count=report.orders_by_hour[h],
                percent=100 * report.orders_by_hour[h] // busiest if busiest else 0,
            )
            for h in range(first, last + 1)
        ]
        self.refunders = [
            RefunderView(
                m.name,
                f"{m.count} refund{'' if m.count == 1 else 's'}",
                format_cents(m.cents, currency),
            )
            for m in report.refunds_by_member
        ]
        self.has_orders = t.orders > 0 or t.cancelled > 0 or t.refund_cents > 0

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
