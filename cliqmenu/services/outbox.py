"""Outgoing email: stored in the outbox in the same transaction as the change that sends it.

With SMTP settings an email waits as pending for the delivery worker (infra/mail_delivery.py);
without them (the embedded default) it is printed to the log and marked printed.
"""

from __future__ import annotations

import html
import logging
import re

from sqlmodel import Session, col, or_, select

from cliqmenu.models import EmailStatus, OutboxEmail, utcnow
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.outbox")

# A link in a plain-text body; trailing punctuation is left out of it.
LINK = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)]")
PAGE = (
    '<!doctype html><html><body style="font-family: -apple-system, Segoe UI, Roboto, '
    'sans-serif; font-size: 15px; line-height: 1.5; color: #1c1917">{}</body></html>'
)


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
    """Store an email (with an HTML body made from the text when none is given)."""
    delivered = get_settings().smtp_enabled
    email = OutboxEmail(
        business_id=business_id,
        kind=kind,
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html or html_from_text(body_text),
        status=EmailStatus.PENDING if delivered else EmailStatus.PRINTED,
        next_attempt_at=utcnow() if delivered else None,
    )
    session.add(email)
    if delivered:
        log.info("email to %s queued for delivery: %s", to, subject)
    else:
        log.info("email to %s: %s\n%s", to, subject, body_text)
    return email


def html_from_text(text: str) -> str:
    """The plain text as an HTML page: escaped, paragraphs kept, links clickable."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    body = "".join(f"<p>{_with_links(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return PAGE.format(body)


def _with_links(text: str) -> str:
    pieces, start = [], 0
    for found in LINK.finditer(text):
        link = html.escape(found.group(0))
        pieces += [html.escape(text[start : found.start()]), f'<a href="{link}">{link}</a>']
        start = found.end()
    pieces.append(html.escape(text[start:]))
    return "".join(pieces)


def list_outbox(session: Session, *, business_id: int, limit: int = 200) -> list[OutboxEmail]:
    """The newest emails of a business (and system emails with no business)."""
    query = (
        select(OutboxEmail)
        .where(
            or_(col(OutboxEmail.business_id) == business_id, col(OutboxEmail.business_id).is_(None))
        )
        .order_by(col(OutboxEmail.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))
