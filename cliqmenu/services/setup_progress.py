"""How far a business is with setting up: the Owner's first steps, each done or not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from cliqmenu.models import AuditEvent, MenuItem, Order, Role, StaffMember, Truck


@dataclass(frozen=True)
class SetupProgress:
    reviewed_details: bool
    has_truck: bool
    has_menu: bool
    has_team: bool
    has_order: bool


def setup_progress(session: Session, *, business_id: int) -> SetupProgress:
    """Which first steps the business has taken (each is one indexed look-up)."""

    def any_row(query) -> bool:
        return session.exec(query.limit(1)).first() is not None

    return SetupProgress(
        reviewed_details=any_row(
            select(AuditEvent.id).where(
                AuditEvent.business_id == business_id, AuditEvent.action == "business.updated"
            )
        ),
        has_truck=any_row(
            select(Truck.id).where(Truck.business_id == business_id, col(Truck.archived).is_(False))
        ),
        has_menu=any_row(
            select(MenuItem.id).where(
                MenuItem.business_id == business_id, col(MenuItem.archived).is_(False)
            )
        ),
        has_team=any_row(
            select(StaffMember.id).where(
                StaffMember.business_id == business_id, StaffMember.role != Role.OWNER
            )
        ),
        has_order=any_row(select(Order.id).where(Order.business_id == business_id)),
    )
