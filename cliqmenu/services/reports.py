"""Sales reports per service day and truck: money, ticket times, top items, orders by hour.

Which orders count (docs/owner-guide.md, "Reading the reports"):

* An order counts on its service day (the truck's local date when it was placed).
* Orders waiting for an online payment, and online orders whose payment never came, never count.
* Live and finished orders (Received to Delivered) count as sales. A cancelled or rejected order
  counts only in "Cancelled" unless money was taken for it; then its money stays in the sales
  until it is refunded, so the report never hides money that is still held.
* Refunds count on the day they were made (the truck's local date), only once they succeeded.
* Net = gross sales - discounts + surcharges - refunds. GST is included in net, not added:
  the GST of the sales less the GST part (one eleventh) of the refunds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from cliqmenu.models import (
    Business,
    Order,
    OrderLine,
    PaymentStatus,
    Refund,
    RefundStatus,
    Role,
    StaffMember,
    Stage,
    Truck,
)
from cliqmenu.services import money, records
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.menu import truck_zone
from cliqmenu.services.staff import require_role

MAX_DAYS = 366
SLOTS_PER_DAY = 96
TOP_ITEMS = 10
SALES_STAGES = (
    Stage.RECEIVED,
    Stage.IN_PROGRESS,
    Stage.COOKING_DONE,
    Stage.READY_FOR_PICKUP,
    Stage.DELIVERED,
)
CLOSED_STAGES = (Stage.CANCELLED, Stage.REJECTED)


# The report page's quick ranges: a name and its label.
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


@dataclass
class Figures:
    """Counts and money (cents) of one day at one truck, or of a whole range."""

    orders: int = 0
    cancelled: int = 0
    gross_cents: int = 0
    discount_cents: int = 0
    surcharge_cents: int = 0
    gst_cents: int = 0
    refund_cents: int = 0

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.discount_cents + self.surcharge_cents - self.refund_cents

    def add(self, other: Figures) -> None:
        self.orders += other.orders
        self.cancelled += other.cancelled
        self.gross_cents += other.gross_cents
        self.discount_cents += other.discount_cents
        self.surcharge_cents += other.surcharge_cents
        self.gst_cents += other.gst_cents
        self.refund_cents += other.refund_cents


@dataclass
class DayRow:
    day: dt.date
    truck_id: int
    truck_name: str
    figures: Figures


@dataclass
class TopItem:
    name: str
    quantity: int
    sales_cents: int


@dataclass
class MemberRefunds:
    """Refunds one member made in the range (``name`` "Stripe" for ones made on Stripe)."""

    name: str
    count: int
    cents: int


@dataclass
class Report:
    start: dt.date
    end: dt.date
    currency: str
    truck_name: str  # "All trucks" or the truck's name
    rows: list[DayRow]
    totals: Figures
    avg_cooking_seconds: int | None  # Accept -> Cooking Done
    avg_ready_seconds: int | None  # Accept -> Ready for Pickup
    top_items: list[TopItem]
    orders_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    country: str = money.DEFAULT_COUNTRY
    tax_name: str = "GST"  # the business's GST now, "GST (10%)": the GST column's name
    refunds_by_member: list[MemberRefunds] = field(default_factory=list)
    # Orders per 15-minute slot of the day (96, local time; a pre-order in its pickup slot),
    # summed over the range: the pacing chart.
    orders_by_slot: list[int] = field(default_factory=lambda: [0] * SLOTS_PER_DAY)


def _money_taken(order: Order) -> bool:
    return order.payment_status != PaymentStatus.UNPAID


def _average(seconds: list[float]) -> int | None:
    return round(sum(seconds) / len(seconds)) if seconds else None


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError("The end date is before the start date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError(f"Choose a range of at most {MAX_DAYS} days.")


def report_scope(
    session: Session, actor: StaffMember, start: dt.date, end: dt.date, truck_id: int | None
) -> tuple[Business, dict[int, Truck], list[int]]:
    """What an Owner's report covers: their business, its trucks by id, and the ids asked for
    (one truck, or all); the range checked."""
    require_role(actor, Role.OWNER)
    check_range(start, end)
    business = records.business(session, actor.business_id)
    trucks = {
        t.id: t for t in session.exec(select(Truck).where(Truck.business_id == business.id)).all()
    }
    if truck_id is not None and truck_id not in trucks:
        raise NotFound("No such truck.")
    return business, trucks, [truck_id] if truck_id is not None else list(trucks)


def sales_report(
    session: Session,
    *,
    actor: StaffMember,
    start: dt.date,
    end: dt.date,
    truck_id: int | None = None,
) -> Report:
    """The Owner's report for ``start``..``end`` (inclusive), for one truck or all of them."""
    business, trucks, wanted = report_scope(session, actor, start, end, truck_id)
    zones: dict[int, ZoneInfo] = {tid: truck_zone(session, trucks[tid]) for tid in wanted}

    orders = session.exec(
        select(Order).where(
            Order.business_id == business.id,
            col(Order.truck_id).in_(wanted),
            Order.service_date >= start,
            Order.service_date <= end,
            col(Order.stage).in_([*SALES_STAGES, *CLOSED_STAGES]),
        )
    ).all()

    cells: dict[tuple[dt.date, int], Figures] = defaultdict(Figures)
    cooking, ready = [], []
    by_hour = [0] * 24
    by_slot = [0] * SLOTS_PER_DAY
    sold_order_ids = []
    for order in orders:
        figures = cells[(order.service_date, order.truck_id)]
        closed = order.stage in CLOSED_STAGES
        if closed:
            figures.cancelled += 1
        else:
            figures.orders += 1
            sold_order_ids.append(order.id)
            by_hour[order.placed_at.astimezone(zones[order.truck_id]).hour] += 1
            slot = (order.pickup_at or order.placed_at).astimezone(zones[order.truck_id])
            by_slot[slot.hour * 4 + slot.minute // 15] += 1
            if order.accepted_at and order.cooking_done_at:
                cooking.append((order.cooking_done_at - order.accepted_at).total_seconds())
            if order.accepted_at and order.ready_at:
                ready.append((order.ready_at - order.accepted_at).total_seconds())
        if closed and not _money_taken(order):
            continue
        figures.gross_cents += order.subtotal_cents
        figures.discount_cents += order.discount_cents
        figures.surcharge_cents += order.surcharge_cents
        figures.gst_cents += order.gst_cents

    # Refunds count on their own (local) day; a day's window is widened by one day each side
    # in UTC, then each refund is placed by the truck's local date.
    earliest = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    latest = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    refunds = session.exec(
        select(Refund, Order)
        .join(Order, col(Order.id) == Refund.order_id)
        .where(
            Order.business_id == business.id,
            col(Order.truck_id).in_(wanted),
            Refund.status == RefundStatus.SUCCEEDED,
            Refund.created_at >= earliest,
            Refund.created_at < latest,
        )
    ).all()
    names = {
        m.id: m.name
        for m in session.exec(select(StaffMember).where(StaffMember.business_id == business.id))
    }
    by_member: dict[str, MemberRefunds] = {}
    for refund, order in refunds:
        day = refund.created_at.astimezone(zones[order.truck_id]).date()
        if not start <= day <= end:
            continue
        name = names.get(refund.created_by_id, "Stripe") if refund.created_by_id else "Stripe"
        member = by_member.setdefault(name, MemberRefunds(name, 0, 0))
        member.count += 1
        member.cents += refund.amount_cents
        figures = cells[(day, order.truck_id)]
        figures.refund_cents += refund.amount_cents
        figures.gst_cents -= money.tax_included(refund.amount_cents, order.tax_bp)

    top: dict[str, TopItem] = {}
    if sold_order_ids:
        for line in session.exec(
            select(OrderLine).where(col(OrderLine.order_id).in_(sold_order_ids))
        ):
            item = top.setdefault(line.name, TopItem(line.name, 0, 0))
            item.quantity += line.quantity
            item.sales_cents += line.line_total_cents

    rows = [
        DayRow(day=day, truck_id=tid, truck_name=trucks[tid].name, figures=figures)
        for (day, tid), figures in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]
    totals = Figures()
    for row in rows:
        totals.add(row.figures)
    return Report(
        start=start,
        end=end,
        currency=business.currency,
        country=business.country,
        tax_name=money.tax_name(money.tax_bp_for(business.country, business.gst_registered)),
        truck_name=trucks[truck_id].name if truck_id is not None else "All trucks",
        rows=rows,
        totals=totals,
        avg_cooking_seconds=_average(cooking),
        avg_ready_seconds=_average(ready),
        top_items=sorted(top.values(), key=lambda i: (-i.quantity, -i.sales_cents, i.name))[
            :TOP_ITEMS
        ],
        orders_by_hour=by_hour,
        orders_by_slot=by_slot,
        refunds_by_member=sorted(by_member.values(), key=lambda m: (-m.cents, m.name)),
    )


def _amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


CSV_HEADER = [
    "Date",
    "Truck",
    "Orders",
    "Cancelled or rejected",
    "Gross sales",
    "Discounts",
    "Surcharges",
    "GST included",
    "Refunds",
    "Net",
]


def _csv_cells(figures: Figures) -> list[str]:
    return [
        str(figures.orders),
        str(figures.cancelled),
        _amount(figures.gross_cents),
        _amount(figures.discount_cents),
        _amount(figures.surcharge_cents),
        _amount(figures.gst_cents),
        _amount(figures.refund_cents),
        _amount(figures.net_cents),
    ]


def _text(value: str) -> str:
    # Truck names are the owner's text; a leading = + - @ must not become a spreadsheet formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def report_csv(report: Report) -> str:
    """The report's day-by-truck table as CSV (amounts in the business's currency, 2 decimals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [report.tax_name + " included" if h == "GST included" else h for h in CSV_HEADER]
    writer.writerow([*header[:4], *(f"{h} ({report.currency})" for h in header[4:])])
    for row in report.rows:
        writer.writerow([row.day.isoformat(), _text(row.truck_name), *_csv_cells(row.figures)])
    writer.writerow(["Total", _text(report.truck_name), *_csv_cells(report.totals)])
    return out.getvalue()


def csv_filename(report: Report) -> str:
    return f"cliqmenu-sales-{report.start.isoformat()}-to-{report.end.isoformat()}.csv"


def format_duration(seconds: int | None) -> str:
    """12 min 05 s; "—" when nothing was measured."""
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s"
