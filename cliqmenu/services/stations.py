"""Kitchen stations of a truck and where its items are made (docs/kitchen-display.md).

The Owner defines a truck's stations (Grill, Fryer, Drinks) and routes a category or an item
to one of them; an item's route wins over its category's, and whatever no route sends anywhere
goes to the truck's default station. Routes belong to a truck, so the same menu can be made at
different stations on different trucks. When an order goes to the kitchen each of its lines is
given its station (``route_order``): a route changed mid-service moves the next orders, never
the ones being cooked.

A truck with fewer than two stations works exactly as a truck without any: one kitchen, whose
bump is Cooking Done. With two or more, each station bumps its own items and the expo's bump
moves the order on (services/station_bumps.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from cliqmenu.models import (
    MenuCategory,
    MenuItem,
    Order,
    OrderLine,
    Printer,
    Role,
    StaffMember,
    Station,
    StationBump,
    StationRoute,
    Truck,
)
from cliqmenu.services import access, audit, records
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.staff import require_role
from cliqmenu.services.text import clean_text

MAX_NAME = 40
MAX_STATIONS_PER_TRUCK = 8
NO_SUCH_STATION = "No such station."


def list_stations(session: Session, truck_id: int) -> list[Station]:
    """A truck's stations in the Owner's order."""
    return list(
        session.exec(
            select(Station)
            .where(Station.truck_id == truck_id)
            .order_by(col(Station.position), col(Station.id))
        )
    )


def is_split(session: Session, truck_id: int) -> bool:
    """Whether the truck's kitchen works by stations (two or more): each bumps its own items and
    the expo moves the order on. One station or none: one kitchen, as without stations."""
    return len(list_stations(session, truck_id)) >= 2


def station_of_truck(session: Session, *, truck_id: int, station_id: int) -> Station:
    """A station of this truck; NotFound for any other id (another truck's station too)."""
    station = session.get(Station, int(station_id))
    if station is None or station.truck_id != truck_id:
        raise NotFound(NO_SUCH_STATION)
    return station


def default_station(stations: Iterable[Station]) -> Station | None:
    stations = list(stations)
    return next((s for s in stations if s.is_default), stations[0] if stations else None)


# ---------------------------------------------------------------- the Owner's setup


def _owner_station(session: Session, actor: StaffMember, station_id: int) -> Station:
    require_role(actor, Role.OWNER)
    station = session.get(Station, int(station_id))
    if station is None or station.business_id != actor.business_id:
        raise NotFound(NO_SUCH_STATION)
    return station


def _checked_name(session: Session, truck: Truck, name: str, station_id: int | None) -> str:
    name = clean_text(name, what="station's name", max_length=MAX_NAME)
    if not name:
        raise DomainError("Give the station a name, like Grill, Fryer or Drinks.")
    same = session.exec(
        select(Station.id).where(
            Station.truck_id == truck.id, func.lower(Station.name) == name.lower()
        )
    ).all()
    if any(found != station_id for found in same):
        raise DomainError(f"{truck.name} already has a station called {name}.")
    return name


def add_station(session: Session, *, actor: StaffMember, truck_id: int, name: str) -> Station:
    """A new station at a truck; the truck's first station is its default."""
    truck = access.owner_truck(session, actor, truck_id)
    name = _checked_name(session, truck, name, None)
    existing = list_stations(session, truck.id)
    if len(existing) >= MAX_STATIONS_PER_TRUCK:
        raise DomainError(f"A truck has at most {MAX_STATIONS_PER_TRUCK} stations.")
    station = Station(
        business_id=truck.business_id,
        truck_id=truck.id,
        name=name,
        position=max((s.position for s in existing), default=-1) + 1,
        is_default=not existing,
    )
    session.add(station)
    session.flush()
    audit.record(
        session,
        business_id=truck.business_id,
        actor=actor,
        action="station.added",
        after={"truck": truck.name, "name": name, "default": station.is_default},
    )
    return station


def rename_station(session: Session, *, actor: StaffMember, station_id: int, name: str) -> Station:
    station = _owner_station(session, actor, station_id)
    truck = access.owner_truck(session, actor, station.truck_id)
    before = station.name
    station.name = _checked_name(session, truck, name, station.id)
    session.add(station)
    if before != station.name:
        audit.record(
            session,
            business_id=station.business_id,
            actor=actor,
            action="station.renamed",
            before={"truck": truck.name, "name": before},
            after={"truck": truck.name, "name": station.name},
        )
    return station


def make_default(session: Session, *, actor: StaffMember, station_id: int) -> Station:
    """Items no route sends anywhere go to this station from now on."""
    station = _owner_station(session, actor, station_id)
    truck = access.owner_truck(session, actor, station.truck_id)
    for other in list_stations(session, truck.id):
        other.is_default = other.id == station.id
        session.add(other)
    audit.record(
        session,
        business_id=station.business_id,
        actor=actor,
        action="station.made_default",
        after={"truck": truck.name, "name": station.name},
    )
    return station


def remove_station(session: Session, *, actor: StaffMember, station_id: int) -> str:
    """Remove a station: its routes go, its items (on open orders too) go to the default
    station, a printer tied to it prints whole orders again. Its name."""
    station = _owner_station(session, actor, station_id)
    truck = access.owner_truck(session, actor, station.truck_id)
    session.execute(delete(StationRoute).where(col(StationRoute.station_id) == station.id))
    session.execute(delete(StationBump).where(col(StationBump.station_id) == station.id))
    session.execute(
        update(OrderLine).where(col(OrderLine.station_id) == station.id).values(station_id=None)
    )
    session.execute(
        update(Printer).where(col(Printer.station_id) == station.id).values(station_id=None)
    )
    name, was_default = station.name, station.is_default
    session.delete(station)
    session.flush()
    rest = list_stations(session, truck.id)
    if was_default and rest:
        rest[0].is_default = True
        session.add(rest[0])
    audit.record(
        session,
        business_id=truck.business_id,
        actor=actor,
        action="station.removed",
        before={"truck": truck.name, "name": name},
    )
    return name


def route(
    session: Session,
    *,
    actor: StaffMember,
    truck_id: int,
    station_id: int | None,
    category_id: int | None = None,
    item_id: int | None = None,
) -> None:
    """Send a category or an item of the menu to a station of the truck (``station_id`` None:
    an item follows its category again, a category goes to the default station)."""
    truck = access.owner_truck(session, actor, truck_id)
    if (category_id is None) == (item_id is None):
        raise DomainError("Route either a category or an item.")
    if category_id is not None:
        what = records.require(session, MenuCategory, int(category_id))
        match = col(StationRoute.category_id) == what.id
    else:
        what = records.require(session, MenuItem, int(item_id or 0))
        match = col(StationRoute.item_id) == what.id
    if what.business_id != truck.business_id:
        raise NotFound("No such menu entry.")
    station = (
        station_of_truck(session, truck_id=truck.id, station_id=station_id)
        if station_id is not None
        else None
    )
    current = session.exec(
        select(StationRoute).where(StationRoute.truck_id == truck.id, match)
    ).first()
    before = current.station_id if current else None
    if station is None:
        if current is not None:
            session.delete(current)
    elif current is None:
        session.add(
            StationRoute(
                truck_id=truck.id,
                station_id=station.id,
                category_id=category_id if category_id is not None else None,
                item_id=item_id if item_id is not None else None,
            )
        )
    else:
        current.station_id = station.id
        session.add(current)
    if before != (station.id if station else None):
        names = {s.id: s.name for s in list_stations(session, truck.id)}
        audit.record(
            session,
            business_id=truck.business_id,
            actor=actor,
            action="station.routed",
            before={"truck": truck.name, "what": what.name, "station": names.get(before or 0, "")},
            after={
                "truck": truck.name,
                "what": what.name,
                "station": station.name if station else "",
            },
        )


@dataclass(frozen=True)
class Routes:
    """A truck's routes: category id -> station id, item id -> station id."""

    categories: dict[int, int]
    items: dict[int, int]


def routes_of(session: Session, truck_id: int) -> Routes:
    rows = session.exec(select(StationRoute).where(StationRoute.truck_id == truck_id)).all()
    return Routes(
        categories={r.category_id: r.station_id for r in rows if r.category_id is not None},
        items={r.item_id: r.station_id for r in rows if r.item_id is not None},
    )


# ---------------------------------------------------------------- orders


def route_order(session: Session, *, order: Order) -> None:
    """The order goes to the kitchen: each line is given the station that makes it (its item's
    route, else its category's, else none: the default station)."""
    if not list_stations(session, order.truck_id):
        return
    routes = routes_of(session, order.truck_id)
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    item_ids = {line.item_id for line in lines if line.item_id is not None}
    categories = dict(
        session.exec(
            select(MenuItem.id, MenuItem.category_id).where(col(MenuItem.id).in_(item_ids))
        ).all()
    )
    for line in lines:
        item = line.item_id
        station = routes.items.get(item) if item is not None else None
        if station is None and item is not None:
            station = routes.categories.get(categories.get(item, 0))
        line.station_id = station
        session.add(line)


def line_station(station_id: int | None, default_id: int | None) -> int | None:
    """The station a line is made at: its own, or the default one."""
    return station_id if station_id is not None else default_id


def stations_of_orders(session: Session, order_ids: Iterable[int]) -> set[int]:
    """The stations (ids) that make something of these orders: whose screens they change."""
    order_ids = list(order_ids)
    if not order_ids:
        return set()
    rows = session.exec(
        select(Order.truck_id, OrderLine.station_id)
        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
        .where(col(Order.id).in_(order_ids))
        .distinct()
    ).all()
    found: set[int] = set()
    defaults: dict[int, int | None] = {}
    for truck_id, station_id in rows:
        if station_id is None:
            if truck_id not in defaults:
                default = default_station(list_stations(session, truck_id))
                defaults[truck_id] = default.id if default else None
            station_id = defaults[truck_id]
        if station_id is not None:
            found.add(station_id)
    return found
