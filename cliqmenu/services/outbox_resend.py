"""The Owner sends a failed email again: it goes back in line for the delivery worker."""

from __future__ import annotations

from sqlmodel import Session, select

from cliqmenu.models import EmailStatus, OutboxEmail, Role, StaffMember, utcnow
from cliqmenu.services import audit
from cliqmenu.services.errors import Conflict, DomainError, NotFound
from cliqmenu.services.staff import require_role
from cliqmenu.settings import get_settings


def send_again(session: Session, *, actor: StaffMember, email_id: int) -> OutboxEmail:
    """The Owner puts a failed email back in line, for a fresh round of attempts."""
    require_role(actor, Role.OWNER)
    email = session.exec(
        select(OutboxEmail).where(OutboxEmail.id == email_id).with_for_update()
    ).first()
    if email is None or email.business_id != actor.business_id:
        raise NotFound("No such email.")
    if not get_settings().smtp_enabled:
        raise DomainError("No email server is set: emails are printed to the log, not sent.")
    if email.status != EmailStatus.FAILED:
        raise Conflict("Only an email that failed can be sent again.")
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="email.sent_again",
        before={"status": email.status.value, "attempts": email.attempts},
        after={"status": EmailStatus.PENDING.value},
        reason=email.last_error,
    )
    email.status, email.attempts, email.last_error = EmailStatus.PENDING, 0, ""
    email.next_attempt_at, email.claimed_by = utcnow(), None
    return email
