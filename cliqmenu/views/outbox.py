"""The Owner's outbox (/admin/outbox): every email, with its delivery told in words."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cliqmenu.models import EmailStatus, OutboxEmail

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
