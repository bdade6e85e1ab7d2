"""What the customer's tracking page shows: the order's stage, expected-ready time, items and
the money lines (subtotal, discount, surcharge, total, GST included) that add up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from cliqmenu.models import BOARD_STAGES, STAGE_LABELS, Order, Stage
from cliqmenu.services import money, records, slots
from cliqmenu.services.menu import truck_zone
from cliqmenu.services.orders import order_lines
from cliqmenu.services.ready_time import truck_clock
from cliqmenu.views.receipt import money_lines

CLOSED = (Stage.REJECTED, Stage.CANCELLED, Stage.EXPIRED)


@dataclass
class StageStep:
    label: str
    done: bool
    current: bool


@dataclass
class TrackerLine:
    quantity: int
    name: str
    options: str
    total: str


@dataclass
class TrackerView:
    found: bool
    number: int = 0
    stage: str = ""
    stage_label: str = ""
    closed: bool = False
    close_reason: str = ""
    awaiting_payment: bool = False
    expected_ready: str = ""
    business_name: str = ""
    truck_name: str = ""
    dining_label: str = ""
    payment_label: str = ""
    payment_status: str = ""
    total: str = ""
    gst: str = ""
    # Subtotal, discount, surcharge, total, GST: the lines of views.receipt.money_lines.
    money: dict[str, str] = field(default_factory=dict)
    steps: list[StageStep] = field(default_factory=list)
    lines: list[TrackerLine] = field(default_factory=list)


def _steps(stage: Stage) -> list[StageStep]:
    reached = BOARD_STAGES.index(stage) if stage in BOARD_STAGES else -1
    return [
        StageStep(label=STAGE_LABELS[s], done=i <= reached, current=i == reached)
        for i, s in enumerate(BOARD_STAGES)
    ]


def _expected_ready(order: Order, zone: ZoneInfo, clock: Callable[[dt.datetime], str]) -> str:
    if order.stage == Stage.DELIVERED:
        return "Delivered. Enjoy!"
    if order.stage in CLOSED:
        return ""
    if order.stage in (Stage.COOKING_DONE, Stage.READY_FOR_PICKUP):
        return "Ready now" if order.stage == Stage.READY_FOR_PICKUP else "Almost ready"
    if order.pickup_at is not None and slots.scheduled_words(order, zone):
        return "Scheduled for pickup at " + slots.label(order.pickup_at, zone)
    if order.promised_at is None:
        waiting = "Waiting for the crew to accept your order"
        if order.quoted_ready_at is None:
            return waiting
        return f"{waiting} · quoted ready around {clock(order.quoted_ready_at)}"
    return "Ready around " + clock(order.promised_at)


def tracker_view(session: Session, public_id: str) -> TrackerView:
    order = session.exec(select(Order).where(Order.public_id == public_id)).first()
    if order is None:
        return TrackerView(found=False)
    truck = records.truck(session, order.truck_id)
    business = records.business(session, order.business_id)
    show = money.formatter(business)
    return TrackerView(
        found=True,
        number=order.number,
        stage=order.stage.value,
        stage_label=order.stage.label,
        closed=order.stage in CLOSED,
        close_reason=order.close_reason,
        awaiting_payment=order.stage == Stage.AWAITING_PAYMENT,
        expected_ready=_expected_ready(
            order, truck_zone(session, truck), truck_clock(session, truck)
        ),
        business_name=business.name,
        truck_name=truck.name,
        dining_label=order.dining_method.label,
        payment_label=order.payment_method.label,
        payment_status=order.payment_status.value,
        total=show(order.total_cents),
        gst=show(order.gst_cents) if order.gst_cents else "",
        money=money_lines(order, show),
        steps=_steps(order.stage),
        lines=[
            TrackerLine(
                quantity=line.quantity,
                name=line.name,
                options=", ".join(o["name"] for o in line.options),
                total=show(line.line_total_cents),
            )
            for line in order_lines(session, order.id)
        ],
    )
