"""/admin/outbox: every email the system sent or would send."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business, EmailStatus, OutboxEmail
from cliqmenu.services import mail_delivery, outbox
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect

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
WHEN = "%d %b %Y, %H:%M"


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
    attempts: int
    delivery: str
    error: str


class OutboxState(rx.State):
    emails: list[EmailRow] = []
    delivering: bool = False  # an email server is set, so failed emails can be sent again

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self._refresh(member.business_id)
        return None

    @rx.event
    async def send_again(self, email_id: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                to = mail_delivery.send_again(session, actor=actor, email_id=int(email_id)).to
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return rx.toast.success(f"The email to {to} is queued to be sent again.")

    def _refresh(self, business_id: int) -> None:
        self.delivering = get_settings().smtp_enabled
        with session_scope() as session:
            zone = ZoneInfo(session.get(Business, business_id).timezone)
            self.emails = [
                email_row(e, zone) for e in outbox.list_outbox(session, business_id=business_id)
            ]


def email_row(email: OutboxEmail, zone: ZoneInfo) -> EmailRow:
    """One line of the outbox, with its delivery told in words."""
    retrying = email.status == EmailStatus.PENDING and email.attempts > 0
    return EmailRow(
        id=email.id,
        kind=KIND_LABELS.get(email.kind, email.kind.replace("_", " ").capitalize()),
        recipient=email.to,
        subject=email.subject,
        body=email.body_text,
        status="retrying" if retrying else email.status.value,
        status_label="Retrying" if retrying else STATUS_LABELS.get(email.status, email.status),
        created=email.created_at.astimezone(zone).strftime(WHEN),
        attempts=email.attempts,
        delivery=delivery_text(email, zone),
        error=email.last_error,
    )


def delivery_text(email: OutboxEmail, zone: ZoneInfo) -> str:
    """What happened to the email so far: "Sent 27 Nov 2026, 14:02 (attempt 1)" and the like."""
    tries = f"{email.attempts} attempt{'' if email.attempts == 1 else 's'}"
    if email.status == EmailStatus.SENT and email.sent_at:
        return f"Sent {email.sent_at.astimezone(zone).strftime(WHEN)} after {tries}"
    if email.status == EmailStatus.FAILED:
        return f"Not delivered after {tries}"
    if email.status == EmailStatus.PENDING and email.next_attempt_at:
        at = email.next_attempt_at.astimezone(zone).strftime("%H:%M:%S")
        return f"{tries.capitalize()} so far; next attempt at {at}" if email.attempts else ""
    return ""
