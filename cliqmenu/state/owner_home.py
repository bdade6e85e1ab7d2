"""The Owner's home state: the overview (/admin) and the staff list (/admin/staff).

One flat state serves both pages: they are small, and staff changes show up on the overview.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import col, select

from cliqmenu import routes
from cliqmenu.db import session_scope
from cliqmenu.models import (
    AuditEvent,
    Business,
    MenuItem,
    Order,
    Role,
    StaffMember,
    StaffStatus,
)
from cliqmenu.services import money, reports, staff, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.owner_overview import Step, TruckToday
from cliqmenu.views.staff import STATUS_LABELS, StaffRow, staff_row

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
            business = session.get(Business, member.business_id)
            truck_rows = trucks.list_trucks(session, business_id=business.id)
            has_menu = session.exec(
                select(MenuItem.id).where(
                    MenuItem.business_id == business.id, col(MenuItem.archived).is_(False)
                )
            ).first()
            has_team = session.exec(
                select(StaffMember.id).where(
                    StaffMember.business_id == business.id, StaffMember.role != Role.OWNER
                )
            ).first()
            reviewed = session.exec(
                select(AuditEvent.id).where(
                    AuditEvent.business_id == business.id, AuditEvent.action == "business.updated"
                )
            ).first()
            has_order = session.exec(
                select(Order.id).where(Order.business_id == business.id)
            ).first()
            today = dt.datetime.now(ZoneInfo(business.timezone)).date()
            report = reports.sales_report(session, actor=member, start=today, end=today)
        self.business_name = business.name
        self.steps = [
            Step(
                "Check your business details",
                "GST registration and the Card and Online surcharges.",
                routes.ADMIN_BUSINESS,
                bool(reviewed),
            ),
            Step(
                "Add a truck",
                "Its menu address, QR code and payment methods.",
                routes.ADMIN_TRUCKS,
                bool(truck_rows),
            ),
            Step(
                "Build your menu",
                "Categories, items, options and prices.",
                routes.ADMIN_MENU,
                bool(has_menu),
            ),
            Step(
                "Invite your team",
                "Order Managers and Kitchen Staff.",
                routes.ADMIN_STAFF,
                bool(has_team),
            ),
            Step(
                "Take a first order",
                "Scan the truck's QR code, or add a walk-in order.",
                routes.MANAGE,
                bool(has_order),
            ),
        ]
        self.steps_left = sum(1 for s in self.steps if not s.done)
        by_truck = {row.truck_id: row.figures for row in report.rows}
        self.today = [
            TruckToday(
                name=t.name,
                slug=t.slug,
                busy=trucks.is_busy(t),
                orders=by_truck[t.id].orders if t.id in by_truck else 0,
                net=money.formatter(business)(by_truck[t.id].net_cents if t.id in by_truck else 0),
            )
            for t in truck_rows
        ]
        self.today_label = today.strftime("%A %d %B")

    def _refresh(self, business_id: int) -> None:
        with session_scope() as session:
            members = staff.list_staff(session, business_id=business_id)
            limits = staff.truck_limits(session, business_id=business_id)
        order = {StaffStatus.ACTIVE: 0, StaffStatus.INVITED: 1, StaffStatus.DISABLED: 2}
        members.sort(key=lambda m: (m.role != Role.OWNER, order[m.status], m.name.lower()))
        self.staff_rows = [staff_row(m, limits.get(m.id)) for m in members]
        self.counts = {
            label: sum(1 for m in members if m.status == status)
            for status, label in STATUS_LABELS.items()
        }

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
                name = member.name
        except DomainError as error:
            return refuse(error)
        # Their open screens re-check the session on the next heartbeat and fall back to sign-in.
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
                name, label = member.name, member.role.label
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return rx.toast.success(f"{name} is now {label}; they sign in again to get the new view.")
