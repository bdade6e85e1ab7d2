"""Running a lifecycle service for a screen's handler: authorize, one transaction, publish."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import Order, Role, StaffMember
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import authorize, refuse


def publish_truck(truck_id: int) -> None:
    """Every screen of a truck that shows orders: manager boards and kitchen displays."""
    publish_soon(Audience("manager", truck_id), Audience("kitchen", truck_id))


async def run_order_action(
    state: rx.State,
    roles: tuple[Role, ...],
    action: Callable[[Session, StaffMember], Order],
):
    """Run ``action`` for the authorized caller; returns a message to show when it was refused."""
    try:
        member = await authorize(state, roles)
        with session_scope() as session:
            order = action(session, member)
            truck_id = order.truck_id
    except DomainError as error:
        return refuse(error)
    publish_truck(truck_id)
    return None
