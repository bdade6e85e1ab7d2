"""The Owner's sales report (/admin/reports): tiles, rows per day and truck, top items, hours."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.services import reports
from cliqmenu.services.pricing import format_cents


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


def row_view(day: str, truck: str, figures: reports.Figures, currency: str) -> RowView:
    money = lambda cents: format_cents(cents, currency)  # noqa: E731
    return RowView(
        day=day,
        truck=truck,
        orders=figures.orders,
        cancelled=figures.cancelled,
        gross=money(figures.gross_cents),
        discounts=money(figures.discount_cents),
        surcharges=money(figures.surcharge_cents),
        gst=money(figures.gst_cents),
        refunds=money(figures.refund_cents),
        net=money(figures.net_cents),
    )
