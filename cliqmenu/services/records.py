"""Rows read by id, typed: a row that must exist is returned as itself or refused with NotFound.

``session.get`` answers ``None`` for an id that is gone (deleted, never made, another database);
callers that need the row call ``require`` (or the named helpers below) instead of assuming it,
so the type checker and the reader both see that the missing case is handled, with a message fit
for the person who asked.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from cliqmenu.models import Business, Order, Truck, utcnow
from cliqmenu.services.errors import NotFound

Row = TypeVar("Row", bound=SQLModel)


def require(session: Session, model: type[Row], row_id: int | None, missing: str = "") -> Row:
    """The row of ``model`` with ``row_id``; NotFound ("No such <table>.") when there is none."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise NotFound(missing or f"No such {model.__name__.lower()}.")
    return row


def business(session: Session, business_id: int | None) -> Business:
    return require(session, Business, business_id, "No such business.")


def truck(session: Session, truck_id: int | None) -> Truck:
    return require(session, Truck, truck_id, "No such truck.")


def order(session: Session, order_id: int | None) -> Order:
    return require(session, Order, order_id, "No such order.")


def order_at(session: Session, public_id: str) -> Order:
    """The order behind a tracking link (its unguessable public id)."""
    found = session.exec(select(Order).where(col(Order.public_id) == public_id)).first()
    if found is None or not public_id:
        raise NotFound("No such order.")
    return found


def business_zone(session: Session, business_id: int) -> ZoneInfo:
    """The business's time zone (the Owner's pages show times and days in it)."""
    return ZoneInfo(business(session, business_id).timezone)


def business_today(session: Session, business_id: int, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the business is."""
    return (now or utcnow()).astimezone(business_zone(session, business_id)).date()
