"""Running a lifecycle service for a screen's handler: authorize, one transaction, publish."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import Order, Role, StaffMember
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services import portions
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import authorize, refuse


def publish_truck(truck_id: int, public_id: str | None = None, *, menu: bool = False) -> None:
    """Every screen of a truck that shows orders (manager boards, kitchen displays), its stock
    screens (placing and closing orders count portions), the customer's tracking page of the
    order that changed, and with ``menu`` the truck's open customer menus (a count customers
    see changed). A stock board is only read when a stock screen is open; so is the truck's
    pickup board (its customers' view of the numbers Preparing and Ready)."""
    publish_soon(
        Audience("manager", truck_id), Audience("kitchen", truck_id), Audience("board", truck_id)
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
        truck_id, public_id, menu = await asyncio.to_thread(_in_one_transaction, action, member)
    except DomainError as error:
        if ask is not None and isinstance(error, asks):
            return ask(error)
        return refuse(error)
    publish_truck(truck_id, public_id, menu=menu)
    return None


def _in_one_transaction(
    action: Callable[[Session, StaffMember], Order], member: StaffMember
) -> tuple[int, str, bool]:
    """Run ``action``; the order's truck, its public id, whether customers see a count change."""
    with session_scope() as session:
        order = action(session, member)
        return order.truck_id, order.public_id, customers_see_portions(session, order.truck_id)
