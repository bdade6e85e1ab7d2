"""/admin/audit: every recorded change, filtered by order, member, kind and day; CSV export."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import reflex as rx

from cliqmenu.db import read_scope
from cliqmenu.models import Business, StaffMember, utcnow
from cliqmenu.services import audit_trail
from cliqmenu.services.audit_trail import KINDS, TrailFilter
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.audit import AuditRow, audit_row

ALL = "all"
SHOWN_ROWS = 300  # the page shows the newest; the CSV has every matching row


class AuditState(rx.State):
    order: str = ""
    member: str = ALL
    kind: str = ALL
    day: str = ""
    members: list[list[str]] = [[ALL, "Everyone"]]
    kinds: list[list[str]] = [[ALL, "All changes"], *([k, v] for k, v in KINDS.items())]
    rows: list[AuditRow] = []
    more: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        with read_scope() as session:
            self.members = [[ALL, "Everyone"]] + [
                [str(m.id), f"{m.name} ({m.role.label})"]
                for m in audit_trail.members(session, business_id=member.business_id)
            ]
            if not self.day:
                self.day = self._today(session, member).isoformat()
        if self.member not in {m[0] for m in self.members}:
            self.member = ALL
        self._run(member)
        return None

    def _today(self, session, member: StaffMember) -> dt.date:
        business = session.get(Business, member.business_id)
        return utcnow().astimezone(ZoneInfo(business.timezone)).date()

    @rx.event
    def set_order(self, value: str):
        self.order = str(value)[:12]

    @rx.event
    def set_day(self, value: str):
        self.day = str(value)[:10]

    @rx.event
    async def set_member(self, value: str):
        if value in {m[0] for m in self.members}:
            self.member = value
        return await self.run()

    @rx.event
    async def set_kind(self, value: str):
        if value in {k[0] for k in self.kinds}:
            self.kind = value
        return await self.run()

    @rx.event
    async def all_days(self):
        self.day = ""
        return await self.run()

    @rx.event
    async def run(self, _form: dict | None = None):
        try:
            member = await owner(self)
        except DomainError as error:
            return refuse(error)
        self._run(member)
        return None

    def _filter(self) -> TrailFilter:
        try:
            day = dt.date.fromisoformat(self.day) if self.day else None
        except ValueError:
            raise DomainError("Pick a day, or show all days.") from None
        return TrailFilter(
            order_number=audit_trail.parse_order_number(self.order),
            member_id=int(self.member) if self.member.isdigit() else None,
            kind="" if self.kind == ALL else self.kind,
            day=day,
        )

    def _entries(self, member: StaffMember, limit: int):
        with read_scope() as session:
            zone = ZoneInfo(session.get(Business, member.business_id).timezone)
            where = self._filter()
            entries = audit_trail.trail(session, actor=member, where=where, limit=limit)
        return entries, zone, where

    def _run(self, member: StaffMember) -> None:
        try:
            entries, zone, _where = self._entries(member, SHOWN_ROWS + 1)
        except DomainError as error:
            self.error, self.rows, self.more = str(error), [], False
            return
        self.error = ""
        self.more = len(entries) > SHOWN_ROWS
        self.rows = [audit_row(e, zone) for e in entries[:SHOWN_ROWS]]

    @rx.event
    async def export_csv(self):
        try:
            member = await owner(self)
            entries, zone, where = self._entries(member, audit_trail.MAX_ROWS)
        except DomainError as error:
            return refuse(error)
        return rx.download(
            data=audit_trail.trail_csv(entries, zone),
            filename=audit_trail.csv_filename(where),
            mime_type="text/csv",
        )
