"""/manage/stock: a manager sets stock and this truck's menu overrides; customers' menus and the
truck's other stock screens see it live."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import Role, StaffMember, Truck
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.realtime.hub import register_view
from cliqmenu.services import money, overrides, records, stock
from cliqmenu.services.errors import DomainError
from cliqmenu.services.stock import Until
from cliqmenu.state.auth import MANAGERS, authorize, refuse
from cliqmenu.state.live import LiveScreen
from cliqmenu.views.stock import (
    STATUS_IN,
    STATUS_OUT,
    STATUS_TODAY,
    StockLine,
    StockView,
    stock_line,
    stock_view,
)

STATUS_CHOICES = (STATUS_IN, STATUS_TODAY, STATUS_OUT)


def _form_id(form: dict, key: str) -> int:
    """A row id sent back by a form; 0 (no such row) for anything else."""
    text = str(form.get(key, "")).strip()
    return int(text) if text.isdigit() else 0


class StockState(LiveScreen, rx.State):
    """Stock and prices of the manager's truck, live: another screen's change shows here too."""

    audience_kind: ClassVar[str] = "stock"
    roles: ClassVar[tuple[Role, ...]] = MANAGERS

    query: str = ""
    lines: list[StockLine] = []
    open_id: int = 0
    out_count: int = 0
    # How the business writes amounts: prices typed here are read the same way.
    _money_style: tuple[str, str] = ("AUD", "AU")

    def _build_view(self, session: Session, truck_id: int) -> StockView:
        return stock_view(session, truck_id)

    def _show(self, view: StockView) -> None:
        found = stock.matching(view.items, self.query)
        self._money_style = (view.show.currency, view.show.country)
        self.lines = [stock_line(item, view.show) for item in found]
        self.out_count = len([line for line in self.lines if line.status != STATUS_IN])

    def _refresh(self) -> None:
        """This screen's own read, after its change or a new search (the state is locked)."""
        view, version = self._read_view()
        self._version = max(self._version, version)
        self._show(view)

    async def _member(self) -> StaffMember:
        return await authorize(self, MANAGERS)

    @rx.event
    async def load(self):
        return await self._load()

    @rx.event
    async def heartbeat(self, _value: str = ""):
        return await self._heartbeat()

    async def _change(self, action: Callable[[Session, StaffMember, Truck], object], done: str):
        """Authorize, run ``action`` for this truck in one transaction, refresh, publish."""
        try:
            member = await self._member()
            with session_scope() as session:
                truck = records.require(
                    session, Truck, self._truck_id, "Reload the page: this truck is gone."
                )
                action(session, member, truck)
            self._refresh()
        except DomainError as error:
            return refuse(error)
        publish_soon(Audience("menu", self._truck_id), Audience("stock", self._truck_id))
        return rx.toast.success(done, duration=2500)

    @rx.event
    async def set_query(self, value: str):
        self.query = str(value)[:80]
        try:
            await self._member()
        except DomainError as error:
            return refuse(error)
        if self._truck_id:
            self._refresh()
        return None

    @rx.event
    def toggle_open(self, item_id: int):
        self.open_id = 0 if self.open_id == int(item_id) else int(item_id)

    def _name(self, item_id: int, option_id: int | None = None) -> str:
        for line in self.lines:
            if line.id == item_id and option_id is None:
                return line.name
            for option in line.options:
                if option.id == option_id:
                    return f"{option.name} ({line.name})"
        return "It"

    @staticmethod
    def _status(value: str) -> tuple[bool, Until]:
        if value not in STATUS_CHOICES:
            raise DomainError("Choose In stock, Out today or Out until restocked.")
        return value == STATUS_IN, Until.TODAY if value == STATUS_TODAY else Until.RESTOCKED

    @staticmethod
    def _said(value: str) -> str:
        return {
            STATUS_IN: "is in stock",
            STATUS_TODAY: "is out for today",
            STATUS_OUT: "is out until restocked",
        }.get(value, "")

    @rx.event
    async def set_item_status(self, item_id: int, value: str):
        item_id, value = int(item_id), str(value)

        def action(session: Session, member: StaffMember, truck: Truck) -> None:
            in_stock, until = self._status(value)
            stock.set_item_stock(
                session, actor=member, truck=truck, item_id=item_id, in_stock=in_stock, until=until
            )

        return await self._change(action, f"{self._name(item_id)} {self._said(value)}.")

    @rx.event
    async def set_option_status(self, option_id: int, value: str):
        option_id, value = int(option_id), str(value)

        def action(session: Session, member: StaffMember, truck: Truck) -> None:
            in_stock, until = self._status(value)
            stock.set_option_stock(
                session,
                actor=member,
                truck=truck,
                option_id=option_id,
                in_stock=in_stock,
                until=until,
            )

        return await self._change(action, f"{self._name(0, option_id)} {self._said(value)}.")

    @rx.event
    async def save_portions(self, form: dict):
        item_id = _form_id(form, "item_id")
        text = str(form.get("portions", ""))

        def action(session: Session, member: StaffMember, truck: Truck) -> None:
            stock.set_portions(
                session,
                actor=member,
                truck=truck,
                item_id=item_id,
                portions=stock.parse_portions(text),
            )

        counted = text.strip() != ""
        return await self._change(
            action, "Portions counted." if counted else "Portions no longer counted."
        )

    @rx.event
    async def set_item_offered(self, item_id: int, offered: bool):
        item_id, offered = int(item_id), bool(offered)
        return await self._change(
            lambda session, member, truck: overrides.set_item_override(
                session, actor=member, truck=truck, item_id=item_id, offered=offered
            ),
            f"{self._name(item_id)} {'is' if offered else 'is not'} offered at {self.truck_name}.",
        )

    @rx.event
    async def save_price(self, form: dict):
        item_id = _form_id(form, "item_id")
        text = str(form.get("price", "")).strip()
        return await self._change(
            lambda session, member, truck: overrides.set_item_override(
                session,
                actor=member,
                truck=truck,
                item_id=item_id,
                price_cents=money.MoneyStyle(*self._money_style).parse(text, what="Price")
                if text
                else None,
            ),
            f"Price at {self.truck_name} saved." if text else "Back to the master price.",
        )

    @rx.event
    async def clear_price(self, item_id: int):
        item_id = int(item_id)
        return await self._change(
            lambda session, member, truck: overrides.set_item_override(
                session, actor=member, truck=truck, item_id=item_id, price_cents=None
            ),
            "Back to the master price.",
        )

    @rx.event
    async def set_option_offered(self, option_id: int, offered: bool):
        option_id, offered = int(option_id), bool(offered)
        return await self._change(
            lambda session, member, truck: overrides.set_option_override(
                session, actor=member, truck=truck, option_id=option_id, offered=offered
            ),
            f"{self._name(0, option_id)} {'is' if offered else 'is not'} offered here.",
        )

    @rx.event
    async def save_option_delta(self, form: dict):
        option_id = _form_id(form, "option_id")
        text = str(form.get("delta", "")).strip()
        return await self._change(
            lambda session, member, truck: overrides.set_option_override(
                session,
                actor=member,
                truck=truck,
                option_id=option_id,
                price_delta_cents=money.MoneyStyle(*self._money_style).parse(
                    text, what="Price change", allow_negative=True
                )
                if text
                else None,
            ),
            "Option price saved." if text else "Back to the master option price.",
        )

    @rx.event
    async def clear_option_delta(self, option_id: int):
        option_id = int(option_id)
        return await self._change(
            lambda session, member, truck: overrides.set_option_override(
                session, actor=member, truck=truck, option_id=option_id, price_delta_cents=None
            ),
            "Back to the master option price.",
        )


register_view("stock", StockState, stock_view)
