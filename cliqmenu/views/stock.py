"""The stock screen (/manage/stock): each item's and option's stock and this truck's prices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from cliqmenu.services import money, records, stock
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


def _delta_label(cents: int, show: money.MoneyStyle) -> str:
    return show.delta(cents) or "+" + show(0)


def _back(day: dt.date | None) -> str:
    return f" · back {day:%a %-d %b}" if day else ""


def option_line(option: OptionStatus, show: money.MoneyStyle) -> OptionLine:
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
        master_delta=_delta_label(option.master_delta_cents, show),
        delta_text=money.input_text(option.override_delta_cents)
        if option.override_delta_cents is not None
        else "",
        overridden=option.override_delta_cents is not None,
    )


def stock_line(item: ItemStatus, show: money.MoneyStyle) -> StockLine:
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
    options = [option_line(o, show) for o in item.options]
    return StockLine(
        id=item.id,
        name=item.name,
        category=item.category,
        status=status,
        status_label=label,
        status_color=color,
        portions_text="" if item.portions_left is None else str(item.portions_left),
        offered=item.offered,
        master_price=show(item.master_price_cents),
        price_here=show(here if here is not None else item.master_price_cents),
        price_text=money.input_text(here),
        overridden=here is not None,
        options_out=len([o for o in options if o.status != STATUS_IN or not o.offered]),
        options=options,
    )


@dataclass
class StockView:
    """A truck's whole stock board, read once per change and searched by each screen."""

    truck_id: int
    show: money.MoneyStyle
    items: list[ItemStatus] = field(default_factory=list)


def stock_view(session: Session, truck_id: int) -> StockView:
    truck = records.truck(session, truck_id)
    show = money.business_style(session, truck.business_id)
    return StockView(truck_id, show, stock.stock_board(session, truck=truck))
