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


def truck_choices(trading: list[Truck], chosen: set[int]) -> list[TruckChoice]:
    """A tick box per trading truck, ticked where the member works now."""
    return [TruckChoice(t.id, t.name, t.id in chosen) for t in trading]


def toggled(choices: list[TruckChoice], truck_id: int) -> list[TruckChoice]:
    """The same boxes with ``truck_id``'s flipped."""
    return [
        TruckChoice(c.id, c.name, not c.chosen if c.id == truck_id else c.chosen) for c in choices
    ]


@dataclass
class StaffList:
    rows: list[StaffRow]
    counts: dict[str, int]  # members per status label


STATUS_ORDER = {StaffStatus.ACTIVE: 0, StaffStatus.INVITED: 1, StaffStatus.DISABLED: 2}


def staff_list(members: list[StaffMember], limits: dict[int, list[Truck]]) -> StaffList:
    """The Owner first, then active, invited and disabled members by name; counts per status."""
    ordered = sorted(
        members, key=lambda m: (m.role != Role.OWNER, STATUS_ORDER[m.status], m.name.lower())
    )
    return StaffList(
        rows=[staff_row(m, limits.get(m.id)) for m in ordered],
        counts={
            label: sum(1 for m in members if m.status == status)
            for status, label in STATUS_LABELS.items()
        },
    )
