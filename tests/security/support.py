"""What the attack tests share: the staff states, their handlers enumerated, arguments made from
each handler's signature and pointed at real rows, and the database read whole."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import reflex as rx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

import cliqmenu.cliqmenu  # noqa: F401  (the whole app: every state class is registered)
from cliqmenu.models import (
    CustomizationGroup,
    CustomizationOption,
    MenuCategory,
    MenuItem,
    OrderLine,
    StaffMember,
)
from cliqmenu.state.accept_form import AcceptFormState
from cliqmenu.state.history import HistoryState
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.menu_editor import MenuEditorState
from cliqmenu.state.owner_audit import AuditState
from cliqmenu.state.owner_business import BusinessState
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.owner_outbox import OutboxState
from cliqmenu.state.owner_printers import PrintersState
from cliqmenu.state.owner_reports import ReportsState
from cliqmenu.state.owner_trucks import TrucksState
from cliqmenu.state.printing import OrderPrintState
from cliqmenu.state.refunds import RefundState
from cliqmenu.state.staff_trucks import StaffTrucksState
from cliqmenu.state.stock import StockState
from cliqmenu.state.walk_in import WalkInState

# The staff screens' states. The customer's menu and tracker, the kitchen display, sign-in and
# first-run set-up are for other callers and have their own tests.
STAFF_STATES: list[type[rx.State]] = [
    ManagerState,
    AcceptFormState,
    RefundState,
    OwnerHomeState,
    BusinessState,
    TrucksState,
    StaffTrucksState,
    ReportsState,
    AuditState,
    OutboxState,
    StockState,
    MenuEditorState,
    WalkInState,
    HistoryState,
    PrintersState,
    OrderPrintState,
]

# Reflex's own handlers on every state, not the app's. ``setvar(name, value)`` only calls the
# state's own ``set_<name>`` handler (Reflex 0.10 makes no setters by itself: see
# test_setvar_reaches_only_the_enumerated_setters), so it reaches nothing the enumeration misses.
FRAMEWORK = {"setvar"}

# A form with every field any staff form reads, filled with values a real form could send.
HOSTILE_FORM = {
    "name": "Hijacked",
    "email": "intruder@example.com",
    "mobile": "0400000000",
    "price": "0.01",
    "delta": "0.01",
    "description": "Hijacked",
    "dietary_tags": "",
    "allergens": "",
    "required": "on",
    "min_choices": "0",
    "max_choices": "1",
    "portions": "1",
    "business_name": "Hijacked",
    "owner_name": "Hijacked",
    "password": "hijacked-password-1",
    "password_again": "hijacked-password-1",
}


@dataclass(frozen=True)
class Targets:
    """Handler arguments by parameter name, pointing at real rows of one business."""

    values: dict[str, Any]

    def argument(self, name: str, annotation: Any) -> Any:
        if name in self.values:
            return self.values[name]
        kind = str(annotation)
        if "dict" in kind:
            return HOSTILE_FORM
        if "list" in kind and "str" not in kind:
            return []
        if "bool" in kind:
            return True
        if "int" in kind:
            return 1
        return "1"


def targets_in(
    session: Session, *, business_id: int, truck_id: int, order_id: int, staff_id: int
) -> Targets:
    """Arguments naming rows of business ``business_id``: its order, line, menu rows, member."""
    item = session.exec(
        select(MenuItem).where(MenuItem.business_id == business_id).order_by(col(MenuItem.id))
    ).first()
    group = session.exec(
        select(CustomizationGroup)
        .join(MenuItem, col(MenuItem.id) == CustomizationGroup.item_id)
        .where(MenuItem.business_id == business_id)
        .order_by(col(CustomizationGroup.id))
    ).first()
    option = session.exec(
        select(CustomizationOption).where(CustomizationOption.group_id == group.id)
    ).first()
    category = session.exec(
        select(MenuCategory).where(MenuCategory.business_id == business_id)
    ).first()
    line = session.exec(select(OrderLine).where(OrderLine.order_id == order_id)).first()
    return Targets(
        {
            "order_id": order_id,
            "expected": "received",
            "line_id": line.id,
            "item_id": item.id,
            "group_id": group.id,
            "option_id": option.id,
            "category_id": category.id,
            "staff_id": staff_id,
            "truck_id": truck_id,
            "role": "owner",
            "value": "sold_out",
            "minutes": 30,
            "direction": 1,
            "delta": 1,
            "index": 0,
            "files": [],
        }
    )


def member_id(session: Session, email: str) -> int:
    return session.exec(select(StaffMember.id).where(StaffMember.email == email)).one()


def handlers(cls: type[rx.State]) -> list[str]:
    """The app's own handlers of ``cls``: everything but Reflex's."""
    return sorted(name for name in cls.event_handlers if name not in FRAMEWORK)


def payload(cls: type[rx.State], name: str, targets: Targets) -> dict[str, Any]:
    signature = inspect.signature(cls.event_handlers[name].fn)
    return {
        parameter.name: targets.argument(parameter.name, parameter.annotation)
        for parameter in list(signature.parameters.values())[1:]
    }


def _sorted(rows: list) -> list[tuple]:
    return sorted((tuple(row) for row in rows), key=repr)


def database_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: _sorted(connection.execute(sa.select(table)).all())
            for table in SQLModel.metadata.sorted_tables
        }


def business_rows(engine: Engine, business_id: int) -> dict[str, list[tuple]]:
    """Every row that belongs to one business: the business, and every row that refers to one
    of its rows (its trucks, staff, menu, orders, their lines, audit trail, ...)."""
    owned: dict[str, set] = {}
    found: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:  # parents before children
            rows = connection.execute(sa.select(table)).mappings().all()
            mine = [
                row
                for row in rows
                if (table.name == "business" and row["id"] == business_id)
                or any(
                    row[fk.parent.name] in owned.get(fk.column.table.name, set())
                    for fk in table.foreign_keys
                )
            ]
            if "id" in table.c:
                owned[table.name] = {row["id"] for row in mine}
            found[table.name] = _sorted([tuple(row.values()) for row in mine])
    return found
