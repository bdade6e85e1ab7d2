"""The stock screen (/manage/stock): each item's and option's stock and this truck's prices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from cliqmenu.models import Business, Truck
from cliqmenu.services import stock
from cliqmenu.services.pricing import format_cents
from cliqmenu.services.stock import ItemStatus, OptionStatus

STATUS_IN, STATUS_TODAY, STATUS_OUT = "in", "today", "out"


@dataclass
class OptionLine:
    id: int
    group: str
    name: str
    status: str
    status_label: str
    offered: bool
    master_delta: str
    delta_text: str  # this truck's override, "" when none
    overridden: bool


@dataclass
class StockLine:
    id: int
    name: str
    category: str
    status: str
    status_label: str
    status_color: str
    portions_text: str
    offered: bool
    master_price: str
    price_here: str
    price_text: str  # this truck's override, "" when none
    overridden: bool
    options_out: int
    options: list[OptionLine] = field(default_factory=list)


def _money_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _delta_label(cents: int, currency: str) -> str:
    if cents == 0:
        return "+$0.00" if currency in ("AUD", "USD", "NZD", "CAD") else "+0.00"
    return ("+" if cents > 0 else "-") + format_cents(abs(cents), currency)


def _back(day: dt.date | None) -> str:
    return f" · back {day:%a %-d %b}" if day else ""


def option_line(option: OptionStatus, currency: str) -> OptionLine:
    status = STATUS_IN if option.in_stock else STATUS_TODAY if option.back_on else STATUS_OUT
    label = {
        STATUS_IN: "In stock",
        STATUS_TODAY: "Out today" + _back(option.back_on),
        STATUS_OUT: "Sold out",
    }[status]
    return OptionLine(
        id=option.id,
        group=option.group,
        name=option.name,
        status=status,
        status_label=label,
        offered=option.offered,
        master_delta=_delta_label(option.master_delta_cents, currency),
        delta_text=_money_text(option.override_delta_cents)
        if option.override_delta_cents is not None
        else "",
        overridden=option.override_delta_cents is not None,
    )


def stock_line(item: ItemStatus, currency: str) -> StockLine:
    sold_out = item.portions_left == 0
    if item.in_stock:
        status, label, color = STATUS_IN, "In stock", "green"
        if item.portions_left is not None:
            label = f"{item.portions_left} left"
    elif sold_out:
        status, label, color = STATUS_OUT, "Sold out (0 left)", "red"
    elif item.back_on:
        status, label, color = STATUS_TODAY, "Out today" + _back(item.back_on), "amber"
    else:
        status, label, color = STATUS_OUT, "Sold out", "red"
    if not item.offered:
        label, color = "Not offered here", "gray"
    here = item.override_price_cents if item.override_price_cents is not None else None
    options = [option_line(o, currency) for o in item.options]
    return StockLine(
        id=item.id,
        name=item.name,
        category=item.category,
        status=status,
        status_label=label,
        status_color=color,
        portions_text="" if item.portions_left is None else str(item.portions_left),
        offered=item.offered,
        master_price=format_cents(item.master_price_cents, currency),
        price_here=format_cents(here if here is not None else item.master_price_cents, currency),
        price_text=_money_text(here) if here is not None else "",
        overridden=here is not None,
        options_out=len([o for o in options if o.status != STATUS_IN or not o.offered]),
        options=options,
    )


@dataclass
class StockView:
    """A truck's whole stock board, read once per change and searched by each screen."""

    truck_id: int
    currency: str
    items: list[ItemStatus] = field(default_factory=list)


def stock_view(session: Session, truck_id: int) -> StockView:
    truck = session.get(Truck, truck_id)
    currency = session.get(Business, truck.business_id).currency
    return StockView(truck_id, currency, stock.stock_board(session, truck=truck))
