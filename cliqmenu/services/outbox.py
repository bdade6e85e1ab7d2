"""Outgoing email: stored in the outbox in the same transaction, printed to the log."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from cliqmenu.models import EmailStatus, OutboxEmail

log = logging.getLogger("cliqmenu.outbox")


def queue_email(
    session: Session,
    *,
    business_id: int | None,
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
) -> OutboxEmail:
    """Store an email; without SMTP settings it is printed and marked printed."""
    email = OutboxEmail(
        business_id=business_id,
        kind=kind,
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        status=EmailStatus.PRINTED,
    )
    session.add(email)
    log.info("email to %s: %s\n%s", to, subject, body_text)
    return email


def list_outbox(session: Session, *, business_id: int, limit: int = 200) -> list[OutboxEmail]:
    """The newest emails of a business (and system emails with no business)."""
    query = (
        select(OutboxEmail)
        .where((OutboxEmail.business_id == business_id) | (col(OutboxEmail.business_id).is_(None)))
        .order_by(col(OutboxEmail.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))
