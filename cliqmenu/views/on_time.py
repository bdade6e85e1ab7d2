"""The reports page's "On time" table: a row per day and truck and a total."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.services import on_time, reports


@dataclass
class OnTimeRowView:
    day: str
    truck: str
    orders: int
    rate: str  # "83% (10 of 12)"
    average: str
    p90: str


@dataclass
class OnTimeView:
    rows: list[OnTimeRowView]
    total: list[OnTimeRowView]


def _row(day: str, truck: str, figures: on_time.Punctuality) -> OnTimeRowView:
    rate = figures.rate_percent
    return OnTimeRowView(
        day=day,
        truck=truck,
        orders=figures.orders,
        rate=f"{rate}% ({figures.on_time} of {figures.orders})" if rate is not None else "—",
        average=reports.format_duration(figures.average_seconds),
        p90=reports.format_duration(figures.p90_seconds),
    )


def on_time_view(report: on_time.OnTimeReport) -> OnTimeView:
    rows = [_row(r.day.strftime("%a %d %b"), r.truck_name, r.figures) for r in report.rows]
    total = [_row("Total", "", report.totals)] if report.rows else []
    return OnTimeView(rows=rows, total=total)
