"""/admin/outbox: every email the system sent or would send."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business, EmailStatus
from cliqmenu.services import outbox
from cliqmenu.state.owner_access import owner_or_redirect

KIND_LABELS = {
    "invitation": "Invitation",
    "order_confirmation": "Order confirmation",
    "ready_for_pickup": "Ready for Pickup",
}
STATUS_LABELS = {
    EmailStatus.PENDING: "Waiting",
    EmailStatus.SENT: "Sent",
    EmailStatus.PRINTED: "Printed to the log",
    EmailStatus.FAILED: "Failed",
}


@dataclass
class EmailRow:
    id: int
    kind: str
    recipient: str
    subject: str
    body: str
    status: str
    status_label: str
    created: str
    error: str


class OutboxState(rx.State):
    emails: list[EmailRow] = []

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        with session_scope() as session:
            zone = ZoneInfo(session.get(Business, member.business_id).timezone)
            self.emails = [
                EmailRow(
                    id=e.id,
                    kind=KIND_LABELS.get(e.kind, e.kind.replace("_", " ").capitalize()),
                    recipient=e.to,
                    subject=e.subject,
                    body=e.body_text,
                    status=e.status.value,
                    status_label=STATUS_LABELS.get(e.status, e.status.value),
                    created=e.created_at.astimezone(zone).strftime("%d %b %Y, %H:%M"),
                    error=e.last_error,
                )
                for e in outbox.list_outbox(session, business_id=member.business_id)
            ]
        return None
