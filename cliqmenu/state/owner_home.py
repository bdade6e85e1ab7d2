"""The Owner's home state: the overview (/admin) and the staff list (/admin/staff).

One flat state serves both pages: they are small, and staff changes show up on the overview.
"""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import (
    Role,
    StaffMember,
)
from cliqmenu.realtime import end_access
from cliqmenu.services import staff
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.owner_overview import Step, TruckToday, owner_overview
from cliqmenu.views.staff import StaffRow, staff_list

INVITABLE = (Role.ORDER_MANAGER.value, Role.KITCHEN_STAFF.value)


class OwnerHomeState(rx.State):
    business_name: str = ""
    steps: list[Step] = []
    steps_left: int = 0
    today: list[TruckToday] = []
    today_label: str = ""
    staff_rows: list[StaffRow] = []
    invite_open: bool = False
    invite_role: str = Role.ORDER_MANAGER.value
    invite_error: str = ""
    counts: dict[str, int] = {}

    def _overview(self, member: StaffMember) -> None:
        with session_scope() as session:
            view = owner_overview(session, actor=member)
        self.business_name, self.steps, self.steps_left = (
            view.business_name,
            view.steps,
            view.steps_left,
        )
        self.today, self.today_label = view.today, view.today_label

    def _refresh(self, business_id: int) -> None:
        with session_scope() as session:
            members = staff.list_staff(session, business_id=business_id)
            limits = staff.truck_limits(session, business_id=business_id)
        shown = staff_list(members, limits)
        self.staff_rows, self.counts = shown.rows, shown.counts

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self._overview(member)
        self._refresh(member.business_id)
        return None

    @rx.event
    def set_invite_open(self, value: bool):
        self.invite_open = bool(value)
        self.invite_error = ""

    @rx.event
    def set_invite_role(self, role: str):
        if role in INVITABLE:
            self.invite_role = role

    @rx.event
    async def invite(self, form: dict):
        try:
            actor = await owner(self)
        except DomainError as error:
            return refuse(error)
        if self.invite_role not in INVITABLE:
            self.invite_error = "Choose Order Manager or Kitchen Staff."
            return None
        try:
            with session_scope() as session:
                member, _link = staff.invite(
                    session,
                    actor=actor,
                    email=str(form.get("email", "")),
                    name=str(form.get("name", "")),
                    mobile=str(form.get("mobile", "")),
                    role=Role(self.invite_role),
                )
                name, email = member.name, member.email
        except DomainError as error:
            # Shown in the form, which stays open with what was typed.
            self.invite_error = str(error)
            return None
        self.invite_error = ""
        self.invite_open = False
        self._refresh(actor.business_id)
        return rx.toast.success(f"Invitation sent to {name} ({email}).")

    @rx.event
    async def resend(self, staff_id: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                staff.resend_invitation(session, actor=actor, staff_id=int(staff_id))
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return rx.toast.success("A new invitation link was sent; the old one no longer works.")

    @rx.event
    async def set_enabled(self, staff_id: int, enabled: bool):
        try:
            actor = await owner(self)
            with session_scope() as session:
                member = staff.set_enabled(
                    session, actor=actor, staff_id=int(staff_id), enabled=bool(enabled)
                )
                name, member_id = member.name, member.id
        except DomainError as error:
            return refuse(error)
        if not enabled:
            # Their open screens take nothing more and go to sign-in before this returns.
            await end_access(member_id)
        self._refresh(actor.business_id)
        if enabled:
            return rx.toast.success(f"{name} can sign in again.")
        return rx.toast.success(f"{name} is disabled and signed out everywhere.")

    @rx.event
    async def change_role(self, staff_id: int, role: str):
        try:
            actor = await owner(self)
        except DomainError as error:
            return refuse(error)
        if role not in INVITABLE:
            return rx.toast.error("Choose Order Manager or Kitchen Staff.")
        try:
            with session_scope() as session:
                member = staff.change_role(
                    session, actor=actor, staff_id=int(staff_id), role=Role(role)
                )
                name, label, member_id = member.name, member.role.label, member.id
        except DomainError as error:
            return refuse(error)
        await end_access(member_id)
        self._refresh(actor.business_id)
        return rx.toast.success(f"{name} is now {label}; they sign in again to get the new view.")
