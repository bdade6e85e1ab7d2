"""Order history for managers: search, filters, and each order's audit trail."""

from __future__ import annotations

import datetime as dt

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import STAGE_LABELS, Stage
from cliqmenu.services import access, history, money, orders, records, staff
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import service_date
from cliqmenu.state.auth import MANAGERS, SessionState, authorize, refuse
from cliqmenu.views.boards import OrderCard, order_card
from cliqmenu.views.history import AuditRow, HistoryRow, audit_row, history_row
from cliqmenu.views.trucks import EVERY_TRUCK, truck_filter

STAGE_FILTERS = [["any", "Any stage"]] + [
    [stage.value, STAGE_LABELS[stage]] for stage in Stage if stage != Stage.AWAITING_PAYMENT
]


class HistoryState(rx.State):
    text: str = ""
    day: str = ""
    stage: str = "any"
    truck: str = EVERY_TRUCK
    trucks: list[list[str]] = truck_filter([])
    rows: list[HistoryRow] = []
    detail: list[OrderCard] = []
    trail: list[AuditRow] = []

    @rx.event
    async def load(self):
        try:
            member = await authorize(self, MANAGERS)
        except DomainError as error:
            return refuse(error)
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            trucks = staff.trucks_for(session, member, including_archived=True)
            truck = session_state._truck(session, member)
            if not self.day:
                self.day = service_date(session, truck).isoformat()
        self.trucks = truck_filter(trucks)
        return await self.search()

    @rx.event
    def set_text(self, value: str):
        self.text = str(value)[:80]

    @rx.event
    def set_day(self, value: str):
        self.day = str(value)[:10]

    @rx.event
    def set_stage(self, value: str):
        self.stage = value if value in {s[0] for s in STAGE_FILTERS} else "any"

    @rx.event
    def set_truck(self, value: str):
        self.truck = value if value in {t[0] for t in self.trucks} else EVERY_TRUCK

    @rx.event
    async def search(self):
        try:
            member = await authorize(self, MANAGERS)
            day = dt.date.fromisoformat(self.day) if self.day else None
            with session_scope() as session:
                show = money.formatter(records.business(session, member.business_id))
                found = history.search_orders(
                    session,
                    actor=member,
                    text=self.text,
                    day=day,
                    stage=None if self.stage == "any" else Stage(self.stage),
                    truck_id=int(self.truck) if self.truck.isdigit() else None,
                )
        except ValueError:
            return rx.toast.error("Pick a valid date.")
        except DomainError as error:
            return refuse(error)
        self.rows = [history_row(o, show) for o in found]
        self.detail, self.trail = [], []
        return None

    @rx.event
    async def open(self, order_id: int):
        try:
            member = await authorize(self, MANAGERS)
            with session_scope() as session:
                events = history.audit_trail(session, actor=member, order_id=int(order_id))
                order = access.order_for(
                    session, actor=member, order_id=int(order_id), including_archived=True
                )
                business = records.business(session, order.business_id)
                zone = records.business_zone(session, order.business_id)
                self.detail = [order_card(order, orders.order_lines(session, order.id), business)]
                self.trail = [audit_row(event, zone) for event in events]
        except DomainError as error:
            return refuse(error)
        return None

    @rx.event
    def close(self):
        self.detail, self.trail = [], []
