"""Where an order stands in its truck's queues: by the truck's own count of stage moves, never by
the wall clock (a clock stepped back by NTP would otherwise reorder the kitchen's queue).

Every stage move of an order (placing included) takes the truck's next move number
(``Order.moved_seq``); an order joining the kitchen's queue (Accept, a pre-order's release, a
walk-in) keeps that number as its place there (``Order.kitchen_seq``), which a recall does not
change. The boards sort by these: the kitchen by ``kitchen_seq``, the most recent bump (Recall)
and the most recent Delivered by ``moved_seq``; the manager's stage lists by the order's id,
which is the order it was placed in (ids are handed out under the truck's lock of numbering).

Two moves of one truck committed at the same moment (PostgreSQL) may take the same number; the
boards then order them by id.
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from cliqmenu.models import Order


def next_move(session: Session, truck_id: int) -> int:
    """The truck's next move number (its highest so far + 1)."""
    current = session.exec(
        select(func.max(Order.moved_seq)).where(Order.truck_id == truck_id)
    ).one()
    return (current or 0) + 1


def moved(session: Session, order: Order) -> None:
    """``order`` changed stage just now: it is the truck's latest move."""
    order.moved_seq = next_move(session, order.truck_id)


def to_kitchen(session: Session, order: Order) -> None:
    """``order`` joins the end of its kitchen's queue (and that is its latest move)."""
    moved(session, order)
    order.kitchen_seq = order.moved_seq


def left_kitchen(order: Order) -> None:
    """``order`` went back to Received (undo of Accept): a new Accept queues it anew."""
    order.kitchen_seq = None
