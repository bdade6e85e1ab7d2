"""The Owner's staff list (/admin/staff): one row per member, and the trucks they work at."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.models import Role, StaffMember, StaffStatus, Truck

STATUS_LABELS = {
    StaffStatus.INVITED: "Pending",
    StaffStatus.ACTIVE: "Active",
    StaffStatus.DISABLED: "Disabled",
}


@dataclass
class StaffRow:
    id: int
    name: str
    email: str
    mobile: str
    role: str
    role_label: str
    status: str
    status_label: str
    is_owner: bool
    since: str
    trucks_label: str
    no_truck: bool


def staff_row(member: StaffMember, limited_to: list[Truck] | None = None) -> StaffRow:
    joined = member.accepted_at or member.created_at
    limited = member.role != Role.OWNER and bool(limited_to)
    trading = [t.name for t in limited_to or [] if not t.archived]
    if not limited:
        label = "All trucks"
    else:
        label = ", ".join(trading) if trading else "No truck: its trucks are archived"
    return StaffRow(
        id=member.id,
        name=member.name,
        email=member.email,
        mobile=member.mobile or "",
        role=member.role.value,
        role_label=member.role.label,
        status=member.status.value,
        status_label=STATUS_LABELS[member.status],
        is_owner=member.role == Role.OWNER,
        since=("Joined " if member.accepted_at else "Invited ") + joined.strftime("%d %b %Y"),
        trucks_label=label,
        no_truck=limited and not trading,
    )


@dataclass
class TruckChoice:
    id: int
    name: str
    chosen: bool
