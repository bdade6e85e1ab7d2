"""The Owner's sales report (/admin/reports): tiles, rows per day and truck, top items, hours."""

from __future__ import annotations

from dataclasses import dataclass, field

from cliqmenu.services import money, reports


@dataclass
class Tile:
    label: str
    value: str
    hint: str


@dataclass
class RowView:
    day: str
    truck: str
    orders: int
    cancelled: int
    gross: str
    discounts: str
    surcharges: str
    gst: str
    refunds: str
    net: str


@dataclass
class TopItemView:
    name: str
    quantity: int
    sales: str
    percent: int


@dataclass
class RefunderView:
    """One line of "Refunds by member": "Sam · 2 refunds · $7.50"."""

    name: str
    count: str
    amount: str


@dataclass
class HourBar:
    label: str
    count: int
    percent: int


def row_view(day: str, truck: str, figures: reports.Figures, show: money.MoneyStyle) -> RowView:
    return RowView(
        day=day,
        truck=truck,
        orders=figures.orders,
        cancelled=figures.cancelled,
        gross=show(figures.gross_cents),
        discounts=show(figures.discount_cents),
        surcharges=show(figures.surcharge_cents),
        gst=show(figures.gst_cents),
        refunds=show(figures.refund_cents),
        net=show(figures.net_cents),
    )


@dataclass
class SlotPoint:
    """One 15-minute slot of the day in the pacing chart (a chart library reads plain dicts)."""

    label: str  # "12:15"
    orders: int


@dataclass
class ReportView:
    title: str
    tiles: list[Tile]
    rows: list[RowView]
    total: list[RowView]
    top_items: list[TopItemView]
    hours: list[HourBar]
    has_orders: bool
    tax_column: str
    refunders: list[RefunderView]
    slots: list[SlotPoint] = field(default_factory=list)


def slot_points(by_slot: list[int]) -> list[SlotPoint]:
    """The slots from the first to the last with orders (at least 11:00 to 14:00)."""
    used = [i for i, n in enumerate(by_slot) if n]
    first = min([*used, 44])  # 11:00
    last = max([*used, 55])  # 13:45
    return [SlotPoint(f"{i // 4:02d}:{i % 4 * 15:02d}", by_slot[i]) for i in range(first, last + 1)]


def report_view(report: reports.Report) -> ReportView:
    """The report page: tiles, a row per day and truck with a total, top items, orders by hour."""
    show = money.MoneyStyle(report.currency, report.country)
    t = report.totals
    span = (
        report.start.strftime("%a %d %b %Y")
        if report.start == report.end
        else f"{report.start:%d %b %Y} – {report.end:%d %b %Y}"
    )
    title = f"{report.truck_name} · {span}"
    average = t.net_cents // t.orders if t.orders else 0
    tiles = [
        Tile(
            "Net sales",
            show(t.net_cents),
            "after discounts and refunds, incl. GST",
        ),
        Tile("Orders", str(t.orders), f"{t.cancelled} cancelled or rejected"),
        Tile("Average order", show(average), "net sales ÷ orders"),
        Tile("Refunds", show(t.refund_cents), "made in this range"),
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
    rows = [
        row_view(r.day.strftime("%a %d %b"), r.truck_name, r.figures, show) for r in report.rows
    ]
    total = [row_view("Total", report.truck_name, t, show)] if report.rows else []
    most = max((i.quantity for i in report.top_items), default=0)
    top_items = [
        TopItemView(i.name, i.quantity, show(i.sales_cents), 100 * i.quantity // most)
        for i in report.top_items
    ]
    busiest = max(report.orders_by_hour)
    hours = [h for h, n in enumerate(report.orders_by_hour) if n]
    first, last = (min(hours), max(hours)) if hours else (10, 14)
    first, last = min(first, 10), max(last, 14)  # show at least a lunch service
    hours = [
        HourBar(
            label=f"{h % 12 or 12}{'am' if h < 12 else 'pm'}",
            count=report.orders_by_hour[h],
            percent=100 * report.orders_by_hour[h] // busiest if busiest else 0,
        )
        for h in range(first, last + 1)
    ]
    has_orders = t.orders > 0 or t.cancelled > 0 or t.refund_cents > 0
    tax_column = f"{report.tax_name} incl."
    refunders = [
        RefunderView(m.name, f"{m.count} refund{'' if m.count == 1 else 's'}", show(m.cents))
        for m in report.refunds_by_member
    ]
    return ReportView(
        title,
        tiles,
        rows,
        total,
        top_items,
        hours,
        has_orders,
        tax_column,
        refunders,
        slot_points(report.orders_by_slot),
    )
