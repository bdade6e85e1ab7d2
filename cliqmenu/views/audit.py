"""The Owner's audit page (/admin/audit): one row per recorded change."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cliqmenu.models import StaffMember
from cliqmenu.services.audit_trail import KINDS, TrailEntry, changes_text, kind_of

WHEN = "%d %b %Y, %H:%M:%S"
ALL = "all"


@dataclass
class AuditRow:
    id: int
    when: str
    who: str
    action: str
    kind: str  # "Orders", "Stock and portions", ...
    order: str  # "#12 · Taco Truck", or the truck alone, or ""
    changes: str
    reason: str


def audit_row(entry: TrailEntry, zone: ZoneInfo) -> AuditRow:
    event = entry.event
    where = " · ".join(
        part
        for part in (f"#{entry.order_number}" if entry.order_number else "", entry.truck_name)
        if part
    )
    return AuditRow(
        id=event.id,
        when=event.at.astimezone(zone).strftime(WHEN),
        who=event.actor_label,
        action=event.action,
        kind=KINDS.get(kind_of(event.action), ""),
        order=where,
        changes=changes_text(event.before or {}, event.after or {}),
        reason=event.reason,
    )


def member_filter(members: list[StaffMember]) -> list[list[str]]:
    """The choices of the "who" filter: everyone, then each member with their role."""
    return [[ALL, "Everyone"]] + [[str(m.id), f"{m.name} ({m.role.label})"] for m in members]


def kind_filter() -> list[list[str]]:
    """The choices of the "what" filter: every change, then each kind."""
    return [[ALL, "All changes"], *([k, v] for k, v in KINDS.items())]
