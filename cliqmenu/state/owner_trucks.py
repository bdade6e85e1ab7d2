"""/admin/trucks: add and edit trucks, busy pause, QR codes, archive and restore."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import StaffMember, Truck
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services import records, trucks
from cliqmenu.services.business import TIMEZONES
from cliqmenu.services.errors import DomainError
from cliqmenu.services.trucks import TruckFields
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.state.owner_form import OwnerForm
from cliqmenu.views.trucks import SAME_AS_BUSINESS, ArchivedTruck, TruckCard, owner_trucks_view


class TrucksState(OwnerForm, rx.State):
    cards: list[TruckCard] = []
    archived: list[ArchivedTruck] = []
    archive_open: bool = False
    archive_name: str = ""
    _archive_id: int | None = None
    f_name: str = ""
    f_slug: str = ""
    f_cash: bool = True
    f_card: bool = True
    f_online: bool = False
    f_prep: str = "10"
    f_amber: str = "75"
    f_red: str = "100"
    f_low: str = "5"
    f_reminder: str = "3"
    f_board_names: bool = False
    f_slot_orders: str = ""
    f_slot_items: str = ""
    f_timezone: str = SAME_AS_BUSINESS
    timezone_choices: list[list[str]] = []
    stripe_connected: bool = False
    _slug_touched: bool = False

    def _refresh(self, business_id: int) -> None:
        with session_scope() as session:
            page = owner_trucks_view(session, records.business(session, business_id))
        self.cards, self.archived = page.cards, page.archived
        self.stripe_connected, self.timezone_choices = page.stripe_connected, page.timezone_choices

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self.editing = False
        self._refresh(member.business_id)
        return None

    def _fill(self, truck: Truck | None) -> None:
        self._slug_touched = truck is not None
        self.f_name = truck.name if truck else ""
        self.f_slug = truck.slug if truck else ""
        self.f_cash = truck.accepts_cash if truck else True
        self.f_card = truck.accepts_card if truck else True
        self.f_online = truck.accepts_online if truck else False
        self.f_prep = str(truck.default_prep_minutes if truck else 10)
        self.f_amber = str(truck.kds_amber_percent if truck else 75)
        self.f_red = str(truck.kds_red_percent if truck else 100)
        self.f_low = str(truck.low_portions_at if truck else 5)
        self.f_reminder = str(truck.reminder_minutes if truck else 3)
        self.f_board_names = truck.board_first_names if truck else False
        self.f_slot_orders = str(truck.slot_order_limit or "") if truck else ""
        self.f_slot_items = str(truck.slot_item_limit or "") if truck else ""
        zone = truck.timezone if truck else None
        self.f_timezone = zone or SAME_AS_BUSINESS
        if zone and zone not in TIMEZONES:
            self.timezone_choices = self.timezone_choices + [[zone, zone]]

    def _row(self, session: Session, actor: StaffMember, row_id: int) -> Truck:
        return trucks.get_truck(session, business_id=actor.business_id, truck_id=row_id)

    @rx.event
    def set_f_name(self, value: str):
        self.f_name = str(value)[:200]
        if not self._slug_touched:
            self.f_slug = trucks.suggest_slug(self.f_name)

    @rx.event
    def set_f_slug(self, value: str):
        self.f_slug = str(value)[:80]
        self._slug_touched = True

    @rx.event
    def set_f_cash(self, value: bool):
        self.f_cash = bool(value)

    @rx.event
    def set_f_card(self, value: bool):
        self.f_card = bool(value)

    @rx.event
    def set_f_online(self, value: bool):
        self.f_online = bool(value)

    @rx.event
    def set_f_prep(self, value: str):
        self.f_prep = str(value)[:6]

    @rx.event
    def set_f_amber(self, value: str):
        self.f_amber = str(value)[:6]

    @rx.event
    def set_f_red(self, value: str):
        self.f_red = str(value)[:6]

    @rx.event
    def set_f_low(self, value: str):
        self.f_low = str(value)[:6]

    @rx.event
    def set_f_reminder(self, value: str):
        self.f_reminder = str(value)[:6]

    @rx.event
    def set_f_board_names(self, value: bool):
        self.f_board_names = bool(value)

    @rx.event
    def set_f_slot_orders(self, value: str):
        self.f_slot_orders = str(value)[:6]

    @rx.event
    def set_f_slot_items(self, value: str):
        self.f_slot_items = str(value)[:6]

    @rx.event
    def set_f_timezone(self, value: str):
        if value in {choice[0] for choice in self.timezone_choices}:
            self.f_timezone = value

    def _write(self, session: Session, actor: StaffMember) -> tuple[str, int]:
        fields = TruckFields(
            name=self.f_name,
            slug=self.f_slug,
            accepts_cash=self.f_cash,
            accepts_card=self.f_card,
            accepts_online=self.f_online,
            default_prep_minutes=self.f_prep,
            kds_amber_percent=self.f_amber,
            kds_red_percent=self.f_red,
            low_portions_at=self.f_low,
            reminder_minutes=self.f_reminder,
            board_first_names=self.f_board_names,
            slot_order_limit=self.f_slot_orders,
            slot_item_limit=self.f_slot_items,
            timezone="" if self.f_timezone == SAME_AS_BUSINESS else self.f_timezone,
        )
        if self._editing_id is None:
            truck = trucks.create_truck(session, actor=actor, fields=fields)
        else:
            truck = trucks.update_truck(
                session, actor=actor, truck_id=self._editing_id, fields=fields
            )
        return truck.name, truck.id

    def _saved(self, name: str, truck_id: int, added: bool) -> str:
        # e.g. the low portions warning changed; the board's first names on or off
        publish_soon(Audience("menu", truck_id), Audience("board", truck_id))
        return f"{name} {'added' if added else 'saved'}."

    @rx.event
    async def pause(self, truck_id: int, minutes: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                truck = trucks.pause_orders(
                    session, actor=actor, truck_id=int(truck_id), minutes=int(minutes)
                )
                name = truck.name
        except (DomainError, ValueError) as error:
            return refuse(error if isinstance(error, DomainError) else DomainError(str(error)))
        self._refresh(actor.business_id)
        return rx.toast.success(f"{name} is paused for {int(minutes)} minutes.")

    @rx.event
    async def resume(self, truck_id: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                truck = trucks.resume_orders(session, actor=actor, truck_id=int(truck_id))
                name = truck.name
        except (DomainError, ValueError) as error:
            return refuse(error if isinstance(error, DomainError) else DomainError(str(error)))
        self._refresh(actor.business_id)
        return rx.toast.success(f"{name} takes orders again.")

    @rx.event
    async def ask_archive(self, truck_id: int):
        """Open the confirmation for archiving one of the Owner's trading trucks."""
        try:
            actor = await owner(self)
            with session_scope() as session:
                truck = trucks.get_truck(
                    session, business_id=actor.business_id, truck_id=int(truck_id)
                )
        except (DomainError, ValueError) as error:
            return refuse(error if isinstance(error, DomainError) else DomainError(str(error)))
        self._archive_id, self.archive_name, self.archive_open = truck.id, truck.name, True
        return None

    @rx.event
    def set_archive_open(self, value: bool):
        self.archive_open = bool(value)

    @rx.event
    async def archive(self):
        truck_id, self.archive_open = self._archive_id, False
        try:
            actor = await owner(self)
            if truck_id is None:
                return None
            with session_scope() as session:
                name = trucks.archive_truck(session, actor=actor, truck_id=truck_id).name
        except DomainError as error:
            return refuse(error)
        self._archive_id = None
        self._refresh(actor.business_id)
        publish_soon(Audience("menu", truck_id))  # open customer menus say it takes no orders
        return rx.toast.success(f"{name} is archived: it takes no orders until you restore it.")

    @rx.event
    async def restore(self, truck_id: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                truck = trucks.restore_truck(session, actor=actor, truck_id=int(truck_id))
                name, restored_id = truck.name, truck.id
        except (DomainError, ValueError) as error:
            return refuse(error if isinstance(error, DomainError) else DomainError(str(error)))
        self._refresh(actor.business_id)
        publish_soon(Audience("menu", restored_id))
        return rx.toast.success(f"{name} is back: it takes orders at its old menu address.")
