"""Order history and the audit trail, scoped to the member's business and trucks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from cliqmenu.models import AuditEvent, Order, Role, StaffMember, Stage
from cliqmenu.services import access
from cliqmenu.services.staff import require_role, trucks_for

MAX_RESULTS = 100


def search_orders(
    session: Session,
    *,
    actor: StaffMember,
    text: str = "",
    day: dt.date | None = None,
    stage: Stage | None = None,
    truck_id: int | None = None,
) -> list[Order]:
    """Newest first: by order number, customer name or email; by service date, stage, truck."""
    require_role(actor, Role.ORDER_MANAGER)
    # An archived truck's orders stay findable.
    allowed = [t.id for t in trucks_for(session, actor, including_archived=True)]
    query = select(Order).where(
        Order.business_id == actor.business_id, col(Order.truck_id).in_(allowed)
    )
    text = (text or "").strip().lstrip("#")
    if text:
        pattern = f"%{text.lower()}%"
        matches: list[ColumnElement[bool]] = [
            func.lower(Order.customer_name).like(pattern),
            func.lower(func.coalesce(Order.customer_email, "")).like(pattern),
        ]
        if text.isdigit():
            matches.append(col(Order.number) == int(text))
        query = query.where(or_(*matches))
    if day:
        query = query.where(Order.service_date == day)
    if stage:
        query = query.where(Order.stage == stage)
    else:
        query = query.where(Order.stage != Stage.AWAITING_PAYMENT)
    if truck_id:
        query = query.where(Order.truck_id == truck_id)
    query = query.order_by(col(Order.placed_at).desc(), col(Order.id).desc()).limit(MAX_RESULTS)
    return list(session.exec(query))


def audit_trail(session: Session, *, actor: StaffMember, order_id: int) -> list[AuditEvent]:
    require_role(actor, Role.ORDER_MANAGER)
    access.order_for(session, actor=actor, order_id=order_id, including_archived=True)
    query = select(AuditEvent).where(AuditEvent.order_id == order_id).order_by(col(AuditEvent.id))
    return list(session.exec(query))
