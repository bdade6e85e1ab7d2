"""Printing from an order on the manager board: a customer receipt, the kitchen ticket again.

Its own small state, so the board's state stays as it is: authorize, queue the print in one
transaction (services/printers.py), tell the truck's boards (a printer that is down now has one
more ticket waiting), answer with a toast.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import StaffMember
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services import printers
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import MANAGERS, authorize, refuse


class OrderPrintState(rx.State):
    async def _print(self, what: str, action: Callable[[Session, StaffMember], printers.Printed]):
        try:
            member = await authorize(self, MANAGERS)
            with session_scope() as session:
                printed = action(session, member)
        except DomainError as error:
            return refuse(error)
        publish_soon(Audience("manager", printed.truck_id))
        return rx.toast.success(printed.message(what))

    @rx.event
    async def print_receipt(self, order_id: int):
        return await self._print(
            "Receipt",
            lambda s, m: printers.print_receipt(s, actor=m, order_id=int(order_id)),
        )

    @rx.event
    async def reprint_ticket(self, order_id: int):
        return await self._print(
            "Kitchen ticket",
            lambda s, m: printers.reprint_ticket(s, actor=m, order_id=int(order_id)),
        )
