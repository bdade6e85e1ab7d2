"""On time or not: when orders were Ready for Pickup against the time promised, per day and truck.

Which orders count (docs/owner-guide.md, "Reading the reports"):

* Orders that reached Ready for Pickup (still there, or Delivered since), on their service day.
* The promise is the ready time the customer was quoted when ordering (``quoted_ready_at``; a
  walk-in: its prep time from the counter). Orders placed before quotes were kept are held to the
  promised time set at Accept. "Need more time" moves the promised time, never the quote.
* On time: Ready for Pickup at or before the promise (the quote is already rounded up to the
  minute, so no grace is added).
* Ticket time: from placing the order to Ready for Pickup; the 90th percentile is the nearest-rank
  one (the ticket time 90% of the orders were ready within).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from cliqmenu.models import Order, StaffMember, Stage
from cliqmenu.services.reports import report_scope

COUNTED_STAGES = (Stage.READY_FOR_PICKUP, Stage.DELIVERED)


@dataclass
class Punctuality:
    """Orders Ready for Pickup in one cell (a day at a truck, or the whole range)."""

    orders: int = 0
    on_time: int = 0
    ticket_seconds: list[float] = field(default_factory=list)

    @property
    def rate_percent(self) -> int | None:
        return round(100 * self.on_time / self.orders) if self.orders else None

    @property
    def average_seconds(self) -> int | None:
        seconds = self.ticket_seconds
        return round(sum(seconds) / len(seconds)) if seconds else None

    @property
    def p90_seconds(self) -> int | None:
        return percentile_seconds(self.ticket_seconds, 0.9)

    def add(self, other: Punctuality) -> None:
        self.orders += other.orders
        self.on_time += other.on_time
        self.ticket_seconds += other.ticket_seconds


def percentile_seconds(values: list[float], share: float) -> int | None:
    """The nearest-rank percentile: the smallest value at least ``share`` of them are within."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


@dataclass
class OnTimeRow:
    day: dt.date
    truck_id: int
    truck_name: str
    figures: Punctuality


@dataclass
class OnTimeReport:
    rows: list[OnTimeRow]
    totals: Punctuality


def promise_of(order: Order) -> dt.datetime | None:
    return order.quoted_ready_at or order.promised_at


def on_time_report(
    session: Session,
    *,
    actor: StaffMember,
    start: dt.date,
    end: dt.date,
    truck_id: int | None = None,
) -> OnTimeReport:
    """The Owner's on-time figures for ``start``..``end`` (inclusive), one truck or all."""
    business, trucks, wanted = report_scope(session, actor, start, end, truck_id)
    orders = session.exec(
        select(Order).where(
            Order.business_id == business.id,
            col(Order.truck_id).in_(wanted),
            Order.service_date >= start,
            Order.service_date <= end,
            col(Order.stage).in_(COUNTED_STAGES),
            col(Order.ready_at).is_not(None),
        )
    ).all()
    cells: dict[tuple[dt.date, int], Punctuality] = {}
    for order in orders:
        promise = promise_of(order)
        if promise is None or order.ready_at is None:
            continue
        cell = cells.setdefault((order.service_date, order.truck_id), Punctuality())
        cell.orders += 1
        cell.on_time += order.ready_at <= promise
        cell.ticket_seconds.append((order.ready_at - order.placed_at).total_seconds())
    rows = [
        OnTimeRow(day, tid, trucks[tid].name, figures)
        for (day, tid), figures in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]
    totals = Punctuality()
    for row in rows:
        totals.add(row.figures)
    return OnTimeReport(rows=rows, totals=totals)
