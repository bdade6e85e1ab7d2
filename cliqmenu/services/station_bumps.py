"""A station's own bump and recall, and the expo's bump (docs/kitchen-display.md).

On a truck that works by stations (two or more), a station's bump says it has made its items
of an order; the order stays In Progress. The expo sees each station's state and its bump, once
every station of the order has bumped it, is what moves the order to Cooking Done. On a truck
with one station a station's bump is Cooking Done itself, as without stations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from cliqmenu.models import (
    Order,
    OrderLine,
    StaffMember,
    Stage,
    Station,
    StationBump,
)
from cliqmenu.services import access, audit, lifecycle, stations
from cliqmenu.services.errors import Conflict, DomainError
from cliqmenu.services.staff import require_role

WAITING, COOKING, DONE = "waiting", "cooking", "done"


def _order_in_progress(session: Session, actor: StaffMember, order_id: int) -> Order:
    order = access.order_for(session, actor=actor, order_id=order_id, lock=True)
    if order.stage != Stage.IN_PROGRESS:
        raise Conflict(lifecycle.already_moved(session, order))
    return order


def _lines_at(session: Session, order: Order, station: Station) -> list[OrderLine]:
    default = stations.default_station(stations.list_stations(session, order.truck_id))
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    return [
        line
        for line in lines
        if stations.line_station(line.station_id, default.id if default else None) == station.id
    ]


def _bump_of(session: Session, order_id: int, station_id: int) -> StationBump | None:
    return session.exec(
        select(StationBump).where(
            StationBump.order_id == order_id, StationBump.station_id == station_id
        )
    ).first()


def bump(session: Session, *, actor: StaffMember, order_id: int, station_id: int) -> Order:
    """A station made its items of an order. On a truck with one station: Cooking Done."""
    require_role(actor, *lifecycle.KITCHEN_ROLES)
    order = _order_in_progress(session, actor, order_id)
    station = stations.station_of_truck(session, truck_id=order.truck_id, station_id=station_id)
    if not stations.is_split(session, order.truck_id):
        return lifecycle.advance(
            session, actor=actor, order_id=order.id, expected=Stage.IN_PROGRESS
        )
    if not _lines_at(session, order, station):
        raise DomainError(f"Order #{order.number} has nothing for {station.name}.")
    if _bump_of(session, order.id, station.id) is not None:
        raise Conflict(f"{station.name} has bumped order #{order.number} already.")
    session.add(StationBump(order_id=order.id, station_id=station.id, bumped_by=actor.id))
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action="order.station_bumped",
        after={"station": station.name},
    )
    return order


def recall(session: Session, *, actor: StaffMember, order_id: int, station_id: int) -> Order:
    """A station takes back its bump of an order still In Progress (its items show again)."""
    require_role(actor, *lifecycle.KITCHEN_ROLES)
    order = _order_in_progress(session, actor, order_id)
    station = stations.station_of_truck(session, truck_id=order.truck_id, station_id=station_id)
    found = _bump_of(session, order.id, station.id)
    if found is None:
        raise Conflict(f"{station.name} has not bumped order #{order.number}.")
    session.delete(found)
    audit.record(
        session,
        business_id=order.business_id,
        order_id=order.id,
        actor=actor,
        action="order.station_recalled",
        before={"station": station.name},
    )
    return order


@dataclass(frozen=True)
class StationState:
    station_id: int
    name: str
    state: str  # waiting | cooking | done


def states(session: Session, order_ids: list[int], truck_id: int) -> dict[int, list[StationState]]:
    """For each order, each station that makes something of it, in the truck's station order:
    done (bumped), cooking (an item ticked) or waiting."""
    found: dict[int, list[StationState]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return found
    all_stations = stations.list_stations(session, truck_id)
    default = stations.default_station(all_stations)
    default_id = default.id if default else None
    ticked: dict[tuple[int, int], bool] = {}
    for order_id, station_id, done in session.exec(
        select(OrderLine.order_id, OrderLine.station_id, OrderLine.done).where(
            col(OrderLine.order_id).in_(order_ids)
        )
    ).all():
        where = stations.line_station(station_id, default_id)
        if where is not None:
            key = (order_id, where)
            ticked[key] = ticked.get(key, False) or done
    bumped = set(
        session.exec(
            select(StationBump.order_id, StationBump.station_id).where(
                col(StationBump.order_id).in_(order_ids)
            )
        ).all()
    )
    for order_id in order_ids:
        for station in all_stations:
            key = (order_id, station.id)
            if key not in ticked:
                continue
            state = DONE if key in bumped else COOKING if ticked[key] else WAITING
            found[order_id].append(StationState(station.id, station.name, state))
    return found


def expo_bump(session: Session, *, actor: StaffMember, order_id: int) -> Order:
    """The expo hands the order out: Cooking Done, once every station of it has bumped it."""
    require_role(actor, *lifecycle.KITCHEN_ROLES)
    order = _order_in_progress(session, actor, order_id)
    waiting = [
        s.name for s in states(session, [order.id], order.truck_id)[order.id] if s.state != DONE
    ]
    if waiting:
        names = " and ".join(waiting)
        raise Conflict(f"Order #{order.number} is not ready: {names} still to bump.")
    return lifecycle.advance(session, actor=actor, order_id=order.id, expected=Stage.IN_PROGRESS)
