"""The Owner's sales report (/admin/reports): tiles, rows per day and truck, top items, hours."""

from __future__ import annotations

from dataclasses import dataclass

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
