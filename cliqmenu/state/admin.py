"""Owner pages: staff (invite, resend, enable/disable) and the outbox."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Role
from cliqmenu.routes import SIGN_IN
from cliqmenu.services import outbox, staff
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import OWNER_ONLY, SessionState, authorize, refuse


@dataclass
class StaffRow:
    id: int
    name: str
    email: str
    role_label: str
    status: str


@dataclass
class EmailRow:
    id: int
    recipient: str
    subject: str
    body: str
    status: str
    created: str


class AdminState(rx.State):
    staff_rows: list[StaffRow] = []
    emails: list[EmailRow] = []
    invite_error: str = ""
    invite_role: str = Role.KITCHEN_STAFF.value

    def _refresh(self, business_id: int) -> None:
        with session_scope() as session:
            self.staff_rows = [
                StaffRow(m.id, m.name, m.email, m.role.label, m.status.value)
                for m in staff.list_staff(session, business_id=business_id)
            ]
            self.emails = [
                EmailRow(
                    e.id,
                    e.to,
                    e.subject,
                    e.body_text,
                    e.status.value,
                    e.created_at.strftime("%d %b %H:%M UTC"),
                )
                for e in outbox.list_outbox(session, business_id=business_id)
            ]

    @rx.event
    async def load(self):
        try:
            member = await authorize(self, OWNER_ONLY)
        except DomainError:
            session_state = await self.get_state(SessionState)
            return rx.redirect(SIGN_IN if not session_state.role else "/")
        self._refresh(member.business_id)
        return None

    @rx.event
    def set_invite_role(self, role: str):
        if role in (Role.ORDER_MANAGER.value, Role.KITCHEN_STAFF.value):
            self.invite_role = role

    @rx.event
    async def invite(self, form: dict):
        try:
            actor = await authorize(self, OWNER_ONLY)
            with session_scope() as session:
                member, _link = staff.invite(
                    session,
                    actor=actor,
                    email=str(form.get("email", "")),
                    name=str(form.get("name", "")),
                    mobile=str(form.get("mobile", "")),
                    role=Role(self.invite_role),
                )
                name = member.name
        except (DomainError, ValueError) as error:
            self.invite_error = str(error)
            return None
        self.invite_error = ""
        self._refresh(actor.business_id)
        return [
            rx.set_value("invite-email", ""),
            rx.set_value("invite-name", ""),
            rx.set_value("invite-mobile", ""),
            rx.toast.success(f"Invitation sent to {name}."),
        ]

    @rx.event
    async def resend(self, staff_id: int):
        try:
            actor = await authorize(self, OWNER_ONLY)
            with session_scope() as session:
                staff.resend_invitation(session, actor=actor, staff_id=int(staff_id))
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return rx.toast.success("Invitation sent again.")

    @rx.event
    async def set_enabled(self, staff_id: int, enabled: bool):
        try:
            actor = await authorize(self, OWNER_ONLY)
            with session_scope() as session:
                staff.set_enabled(
                    session, actor=actor, staff_id=int(staff_id), enabled=bool(enabled)
                )
        except DomainError as error:
            return refuse(error)
        # Their open screens re-check the session on the next heartbeat and fall back to sign-in.
        self._refresh(actor.business_id)
        return None
