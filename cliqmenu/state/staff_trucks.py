"""/admin/staff: the trucks an Order Manager or Kitchen Staff member may work at."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Role
from cliqmenu.realtime import end_access
from cliqmenu.services import staff, trucks
from cliqmenu.services.errors import DomainError, Forbidden
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.views.staff import TruckChoice, toggled, truck_choices

EVERY_TRUCK, SOME_TRUCKS = "all", "some"


class StaffTrucksState(rx.State):
    dialog_open: bool = False
    member_name: str = ""
    scope: str = EVERY_TRUCK
    choices: list[TruckChoice] = []
    error: str = ""
    _staff_id: int | None = None

    @rx.event
    async def start(self, staff_id: int):
        """Open the member's trucks as they are now: every truck, or the ones chosen."""
        try:
            actor = await owner(self)
            with session_scope() as session:
                member = staff.get_member(
                    session, business_id=actor.business_id, staff_id=int(staff_id)
                )
                if member.role == Role.OWNER:
                    raise DomainError("The Owner works at every truck.")
                chosen = set(staff.chosen_trucks(session, member))
                trading = trucks.list_trucks(session, business_id=actor.business_id)
                name = member.name
        except (DomainError, ValueError) as error:
            return refuse(error if isinstance(error, DomainError) else DomainError(str(error)))
        self._staff_id, self.member_name = int(staff_id), name
        self.scope = SOME_TRUCKS if chosen else EVERY_TRUCK
        self.choices = truck_choices(trading, chosen)
        self.error, self.dialog_open = "", True
        return None

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = bool(value)

    @rx.event
    def set_scope(self, value: str):
        if value in (EVERY_TRUCK, SOME_TRUCKS):
            self.scope, self.error = value, ""

    @rx.event
    def toggle(self, truck_id: int):
        try:
            truck_id = int(truck_id)
        except (TypeError, ValueError):
            return
        self.choices = toggled(self.choices, truck_id)
        self.error = ""

    @rx.event
    async def save(self):
        chosen = [c.id for c in self.choices if c.chosen]
        truck_ids = None if self.scope == EVERY_TRUCK else chosen
        try:
            actor = await owner(self)
            if self._staff_id is None:
                return None
            with session_scope() as session:
                staff.set_trucks(session, actor=actor, staff_id=self._staff_id, truck_ids=truck_ids)
        except DomainError as error:
            if isinstance(error, Forbidden):
                return refuse(error)
            self.error = str(error)
            return None
        # Their open screens leave their trucks' audiences and reload onto a truck they work at.
        await end_access(self._staff_id)
        self.dialog_open = False
        admin = await self.get_state(OwnerHomeState)
        admin._refresh(actor.business_id)
        if truck_ids is None:
            return rx.toast.success(f"{self.member_name} may work at every truck.")
        names = ", ".join(c.name for c in self.choices if c.chosen)
        return rx.toast.success(f"{self.member_name} now works only at {names}.")
