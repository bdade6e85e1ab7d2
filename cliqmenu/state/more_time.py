""" "Need more time" from the order detail (Order Manager) and the kitchen card: authorize, call
services/more_time.py, publish every screen of the truck and the customers' tracking pages."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.services import more_time
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import KITCHEN, authorize, refuse
from cliqmenu.state.board_actions import publish_truck, run_order_action


class MoreTimeState(rx.State):
    @rx.event
    async def add(self, order_id: int, minutes: int):
        """Add 5 or 10 minutes to one order In Progress."""
        refused = await run_order_action(
            self,
            KITCHEN,
            lambda s, m: more_time.add_time(
                s, actor=m, order_id=int(order_id), minutes=int(minutes)
            ),
        )
        return refused or rx.toast.success(f"+{int(minutes)} min: the customer is told.")

    @rx.event
    async def add_to_all(self, truck_id: str, minutes: int):
        """Add 5 or 10 minutes to every order In Progress at the truck (the grill went down)."""
        try:
            member = await authorize(self, KITCHEN)
            with session_scope() as session:
                moved = more_time.add_time_to_all(
                    session, actor=member, truck_id=int(truck_id or 0), minutes=int(minutes)
                )
                changed = [(o.truck_id, o.public_id) for o in moved]
        except (DomainError, ValueError) as error:
            return refuse(
                error if isinstance(error, DomainError) else DomainError("No such truck.")
            )
        for truck_id_moved, public_id in changed:
            publish_truck(truck_id_moved, public_id)
        return rx.toast.success(
            f"+{int(minutes)} min on {len(changed)} orders: customers are told."
        )
