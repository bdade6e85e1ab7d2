"""The Owner's view of the audit trail: filtered by order, member, kind and day, newest first."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from cliqmenu.models import AuditEvent, Order, Role, StaffMember, Truck
from cliqmenu.services import records
from cliqmenu.services.errors import DomainError
from cliqmenu.services.reports import _text as spreadsheet_text
from cliqmenu.services.staff import require_role

# What the Owner's audit page filters by: the first word of an action.
KINDS = {
    "order": "Orders",
    "payment": "Payments",
    "refund": "Refunds",
    "stock": "Stock and portions",
    "override": "Truck prices and offers",
    "menu": "Menu",
    "business": "Business",
    "truck": "Trucks",
    "staff": "Staff",
    "email": "Email",
}
KIND_ALIASES = {"owner": "staff"}  # "owner.created" is the first member of the staff
MAX_ROWS = 10_000


@dataclass
class TrailFilter:
    """The audit page's filters; empty fields do not filter."""

    order_number: int | None = None
    member_id: int | None = None
    kind: str = ""
    day: dt.date | None = None


@dataclass
class TrailEntry:
    event: AuditEvent
    order_number: int | None
    truck_name: str


def kind_of(action: str) -> str:
    first = action.split(".", 1)[0]
    return KIND_ALIASES.get(first, first)


def parse_order_number(text: str) -> int | None:
    """ "12", "#12" or empty (no filter); anything else is refused with a message."""
    cleaned = str(text or "").strip().lstrip("#").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit() or len(cleaned) > 6:
        raise DomainError("Type an order number, like 12 or #12.")
    return int(cleaned)


def trail(
    session: Session, *, actor: StaffMember, where: TrailFilter, limit: int = MAX_ROWS
) -> list[TrailEntry]:
    """The business's audit events matching ``where``, newest first (Owner only)."""
    require_role(actor, Role.OWNER)
    if where.kind and where.kind not in KINDS:
        raise DomainError("Choose a kind of change from the list.")
    business = records.business(session, actor.business_id)
    query = select(AuditEvent).where(AuditEvent.business_id == business.id)
    if where.member_id is not None:
        query = query.where(AuditEvent.actor_id == int(where.member_id))
    if where.kind:
        prefixes = [where.kind] + [a for a, k in KIND_ALIASES.items() if k == where.kind]
        query = query.where(or_(*(col(AuditEvent.action).startswith(f"{p}.") for p in prefixes)))
    if where.day is not None:
        zone = ZoneInfo(business.timezone)
        start = dt.datetime.combine(where.day, dt.time(), tzinfo=zone)
        query = query.where(
            AuditEvent.at >= start.astimezone(dt.UTC),
            AuditEvent.at < (start + dt.timedelta(days=1)).astimezone(dt.UTC),
        )
    if where.order_number is not None:
        orders = select(Order.id).where(
            Order.business_id == business.id, Order.number == where.order_number
        )
        if where.day is not None:
            orders = orders.where(Order.service_date == where.day)
        query = query.where(col(AuditEvent.order_id).in_(orders))
    events = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
    ).all()
    order_ids = {e.order_id for e in events if e.order_id is not None}
    found = {
        order.id: order for order in session.exec(select(Order).where(col(Order.id).in_(order_ids)))
    }
    trucks = {
        t.id: t.name for t in session.exec(select(Truck).where(Truck.business_id == business.id))
    }
    entries = []
    for event in events:
        order = found.get(event.order_id) if event.order_id is not None else None
        truck_id = order.truck_id if order else (event.after or {}).get("truck_id")
        entries.append(
            TrailEntry(
                event=event,
                order_number=order.number if order else None,
                truck_name=trucks.get(truck_id, "") if isinstance(truck_id, int) else "",
            )
        )
    return entries


def members(session: Session, *, business_id: int) -> list[StaffMember]:
    """Everyone who may appear in the trail, by name."""
    query = select(StaffMember).where(StaffMember.business_id == business_id)
    return list(session.exec(query.order_by(col(StaffMember.name), col(StaffMember.id))))


def _plain(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def changes_text(before: dict, after: dict) -> str:
    """ "stage: received → in_progress; prep_minutes: 12" — what changed, in one line."""
    parts = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in ("truck_id", "id"):
            continue
        if key in before and key in after:
            if before[key] != after[key]:
                parts.append(f"{key}: {_plain(before[key])} → {_plain(after[key])}")
            else:
                parts.append(f"{key}: {_plain(after[key])}")
        elif key in after:
            parts.append(f"{key}: {_plain(after[key])}")
        else:
            parts.append(f"{key} was {_plain(before[key])}")
    return "; ".join(parts)


CSV_HEADER = ["When", "Who", "Change", "Order", "Truck", "Before", "After", "Reason"]


def trail_csv(entries: list[TrailEntry], zone: ZoneInfo) -> str:
    """The trail as CSV: local times, before and after as JSON, text safe from formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in entries:
        event = entry.event
        writer.writerow(
            [
                event.at.astimezone(zone).isoformat(timespec="seconds"),
                spreadsheet_text(event.actor_label),
                event.action,
                f"#{entry.order_number}" if entry.order_number else "",
                spreadsheet_text(entry.truck_name),
                spreadsheet_text(json.dumps(event.before, sort_keys=True, default=str)),
                spreadsheet_text(json.dumps(event.after, sort_keys=True, default=str)),
                spreadsheet_text(event.reason),
            ]
        )
    return out.getvalue()


def csv_filename(where: TrailFilter) -> str:
    day = where.day.isoformat() if where.day else "all-days"
    return f"cliqmenu-audit-{day}.csv"
