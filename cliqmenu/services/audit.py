"""The audit trail: who, what, when, before/after, reason, in the same transaction as the change.

The Owner reads it on the audit page (``audit_trail.trail``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from cliqmenu.models import AuditEvent, StaffMember


def record(
    session: Session,
    *,
    business_id: int,
    actor: StaffMember | None,
    action: str,
    order_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        business_id=business_id,
        order_id=order_id,
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (f"{actor.name} ({actor.role.label})" if actor else "System"),
        action=action,
        before=before or {},
        after=after or {},
        reason=reason,
    )
    session.add(event)
    return event
