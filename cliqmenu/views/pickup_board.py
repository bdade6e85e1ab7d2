"""The pickup board a truck shows its customers (/t/<slug>/board): order numbers Preparing and
Ready, and a customer's first name only where the truck turned that on.

Nothing else of an order is read into it: no amounts, no email, no phone, no notes, no items.
``BoardTicket`` and ``PickupBoard`` have no such fields, so they can never reach the page
(tests/services/test_pickup_board.py checks every field by name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, or_, select

from cliqmenu.models import Order, Stage, Truck, utcnow
from cliqmenu.services import records
from cliqmenu.services.menu import service_date

# How long a Delivered order stays on the board (shown "Collected"), then it leaves.
KEEP_DELIVERED = dt.timedelta(minutes=2)
PREPARING = (Stage.IN_PROGRESS, Stage.COOKING_DONE)
READY = (Stage.READY_FOR_PICKUP,)
# At most this many numbers per column: a board readable from five metres has room for no more.
MAX_PER_COLUMN = 24


@dataclass
class BoardTicket:
    number: int
    first_name: str = ""
    collected: bool = False  # Delivered: on the board a little longer, marked so
    leaves_at_ms: int = 0  # when a collected order leaves the board (0: it stays)


@dataclass
class PickupBoard:
    found: bool
    truck_id: int = 0
    truck_name: str = ""
    business_name: str = ""
    preparing: list[BoardTicket] = field(default_factory=list)
    ready: list[BoardTicket] = field(default_factory=list)


def _first_name(name: str) -> str:
    parts = name.split()
    return parts[0][:20] if parts else ""


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def pickup_board(session: Session, truck_id: int, now: dt.datetime | None = None) -> PickupBoard:
    """The board of truck ``truck_id`` now: its orders of today being prepared and ready, and
    the ones collected in the last two minutes."""
    now = now or utcnow()
    truck = session.get(Truck, int(truck_id)) if truck_id else None
    if truck is None or truck.archived:
        return PickupBoard(found=False)
    business = records.business(session, truck.business_id)
    rows = session.exec(
        select(Order.number, Order.stage, Order.customer_name, Order.delivered_at)
        .where(
            Order.truck_id == truck.id,
            Order.service_date == service_date(session, truck, now),
            or_(
                col(Order.stage).in_([*PREPARING, *READY]),
                (col(Order.stage) == Stage.DELIVERED)
                & (col(Order.delivered_at) > now - KEEP_DELIVERED),
            ),
        )
        .order_by(col(Order.number))
    ).all()
    board = PickupBoard(
        found=True,
        truck_id=truck.id,
        truck_name=truck.name,
        business_name=business.name if business else "",
    )
    for number, stage, customer_name, delivered_at in rows:
        ticket = BoardTicket(
            number=number,
            first_name=_first_name(customer_name) if truck.board_first_names else "",
        )
        if stage in PREPARING:
            board.preparing.append(ticket)
            continue
        if stage == Stage.DELIVERED:
            ticket.collected = True
            ticket.leaves_at_ms = _ms((delivered_at or now) + KEEP_DELIVERED)
        board.ready.append(ticket)
    # Ready first, collected last; the newest numbers win when a column is full.
    board.ready.sort(key=lambda t: (t.collected, t.number))
    board.preparing = board.preparing[-MAX_PER_COLUMN:]
    board.ready = board.ready[:MAX_PER_COLUMN]
    return board


def still_shown(board: PickupBoard, now_ms: int) -> PickupBoard:
    """The board without the collected orders whose time on it is over."""
    ready = [t for t in board.ready if not t.leaves_at_ms or t.leaves_at_ms > now_ms]
    if len(ready) == len(board.ready):
        return board
    return replace(board, ready=ready)
