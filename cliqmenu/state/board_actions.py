"""Running a lifecycle service for a screen's handler: authorize, one transaction, publish."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import read_scope, session_scope
from cliqmenu.models import Order, Role, StaffMember
from cliqmenu.realtime import Audience, kitchen_audiences, publish_soon
from cliqmenu.services import portions, stations
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import authorize, refuse


def publish_truck(
    truck_id: int,
    public_id: str | None = None,
    *,
    menu: bool = False,
    station_ids: Iterable[int] | None = None,
) -> None:
    """Every screen of a truck that shows orders (manager boards, kitchen displays, the expo and
    the displays of ``station_ids``, the stations the change touched; None: every station of
    the truck), its stock screens (placing and closing orders count portions), the customer's
    tracking page of the order that changed, and with ``menu`` the truck's open customer menus
    (a count customers see changed). A stock board is only read when a stock screen is open; so
    is the truck's pickup board (its customers' view of the numbers Preparing and Ready)."""
    if station_ids is None:
        with read_scope() as session:
            station_ids = [s.id for s in stations.list_stations(session, truck_id)]
    publish_soon(
        Audience("manager", truck_id),
        Audience("kitchen", truck_id),
        Audience("board", truck_id),
        *kitchen_audiences(truck_id, station_ids),
    )
    publish_stock(truck_id, menu=menu)
    if public_id:
        publish_soon(Audience("tracker", public_id))


def publish_stock(truck_id: int, *, menu: bool = False) -> None:
    """A truck's stock screens, and with ``menu`` its open customer menus: portions changed
    by an order no staff board shows yet (one waiting for its online payment)."""
    publish_soon(Audience("stock", truck_id))
    if menu:
        publish_soon(Audience("menu", truck_id))


def customers_see_portions(session: Session, truck_id: int) -> bool:
    """Whether this unit of work changed a portion count the truck's customers see."""
    return truck_id in portions.changed(session).menu_truck_ids


async def run_order_action(
    state: rx.State,
    roles: tuple[Role, ...],
    action: Callable[[Session, StaffMember], Order],
    asks: tuple[type[DomainError], ...] = (),
    ask: Callable[[DomainError], object] | None = None,
):
    """Run ``action`` for the authorized caller; returns a message to show when it was refused.

    A refusal of one of the ``asks`` kinds (a question for the person, such as delivering an
    unpaid order) goes to ``ask`` instead, which returns what to show.
    """
    try:
        member = await authorize(state, roles)
        # In a thread, like the order API's: the commit's disk wait and SQLite's write lock
        # (another worker thread placing an order) stay off the event loop.
        done = await asyncio.to_thread(_in_one_transaction, action, member)
    except DomainError as error:
        if ask is not None and isinstance(error, asks):
            return ask(error)
        return refuse(error)
    publish_truck(done.truck_id, done.public_id, menu=done.menu, station_ids=done.station_ids)
    return None


@dataclass(frozen=True)
class Done:
    """What an order action changed: the order's truck, its public id, whether customers see a
    count change, the stations that make something of it (whose displays show it)."""

    truck_id: int
    public_id: str
    menu: bool
    station_ids: set[int]


def _in_one_transaction(
    action: Callable[[Session, StaffMember], Order], member: StaffMember
) -> Done:
    """Run ``action`` in one transaction; what it changed."""
    with session_scope() as session:
        order = action(session, member)
        return Done(
            order.truck_id,
            order.public_id,
            customers_see_portions(session, order.truck_id),
            stations.stations_of_orders(session, [order.id]),
        )
