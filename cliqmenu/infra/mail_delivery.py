"""Delivering the outbox by SMTP: claim a due email, send it, record sent / retry / failed.

Any number of workers may run (one per app process, plus ``cliqmenu deliver-mail``): a worker
claims an email with one conditional UPDATE that also pushes its next attempt past the claim's
lease, so a second worker finds nothing to take. Only the claim's holder records the outcome.
A worker that dies mid-send leaves the email to be picked up again when the lease lapses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from cliqmenu.db import get_engine, log_failure
from cliqmenu.infra.claims import claim_due, claim_round
from cliqmenu.infra.smtp import Failure, Mailer, SmtpServer
from cliqmenu.models import EmailStatus, OutboxEmail, utcnow
from cliqmenu.settings import Settings, get_settings

log = logging.getLogger("cliqmenu.mail")

LONGEST_WAIT = dt.timedelta(hours=1)
BATCH = 50


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class Claim:
    """An email this worker holds; ``token`` proves it when the outcome is recorded."""

    email: OutboxEmail
    token: str


def retry_delay(attempts: int, settings: Settings) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, at most an hour."""
    seconds = settings.mail_retry_seconds * 2 ** min(attempts - 1, 30)
    return min(dt.timedelta(seconds=seconds), LONGEST_WAIT)


def claim_next(
    engine: Engine, *, lease: dt.timedelta, now: dt.datetime | None = None
) -> Claim | None:
    """Take the next due email for this worker, or None when none is due."""
    now = now or utcnow()
    with Session(engine, expire_on_commit=False) as session:
        claimed = claim_due(session, OutboxEmail, EmailStatus.PENDING, now=now, lease=lease)
        email = session.get(OutboxEmail, claimed[0]) if claimed else None
        session.commit()
    if claimed is None or email is None:
        return None
    return Claim(email=email, token=claimed[1])


def record_outcome(
    engine: Engine,
    claim: Claim,
    failure: Failure | None,
    *,
    settings: Settings,
    now: dt.datetime | None = None,
) -> EmailStatus:
    """Mark the claimed email sent, due again later, or failed; returns its new status."""
    now, attempts = now or utcnow(), claim.email.attempts
    values: dict[str, object]
    if failure is None:
        status = EmailStatus.SENT
        values = {"sent_at": now, "next_attempt_at": None, "last_error": ""}
    elif failure.permanent or attempts >= settings.mail_max_attempts:
        status = EmailStatus.FAILED
        values = {"next_attempt_at": None, "last_error": _failed_because(failure, attempts)}
    else:
        status = EmailStatus.PENDING
        values = {
            "next_attempt_at": now + retry_delay(attempts, settings),
            "last_error": failure.message,
        }
    with Session(engine) as session:
        session.connection().execute(
            update(OutboxEmail)
            .where(
                col(OutboxEmail.id) == claim.email.id, col(OutboxEmail.claimed_by) == claim.token
            )
            .values(status=status, claimed_by=None, **values)
        )
        session.commit()
    return status


def _failed_because(failure: Failure, attempts: int) -> str:
    if failure.permanent:
        return failure.message
    return f"Gave up after {attempts} attempts: {failure.message}"


def deliver_due(
    server: SmtpServer,
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> DeliveryReport:
    """One round: send due emails until none is left, a batch is done or the server fails.

    ``now`` is the round's clock (tests move it; the worker leaves it to the real one).
    """
    engine = engine or get_engine()
    settings = settings or get_settings()
    report = DeliveryReport()
    lease = dt.timedelta(seconds=10 * server.timeout)

    def done(claim: Claim, failure: Failure | None, status: EmailStatus) -> None:
        _count(report, status)
        _log(claim.email, status, failure)

    with Mailer(server) as mailer:
        claim_round(
            batch=BATCH,
            claim=lambda moment: claim_next(engine, lease=lease, now=moment),
            send=lambda claim: mailer.send(claim.email),
            record=lambda claim, failure, moment: record_outcome(
                engine, claim, failure, settings=settings, now=moment
            ),
            done=done,
            # A temporary failure: the server is in trouble, the rest waits for the next round.
            stop=lambda failure: not failure.permanent,
            now=now,
        )
    return report


def _count(report: DeliveryReport, status: EmailStatus) -> None:
    if status == EmailStatus.SENT:
        report.sent += 1
    elif status == EmailStatus.FAILED:
        report.failed += 1
    else:
        report.retrying += 1


def _log(email: OutboxEmail, status: EmailStatus, failure: Failure | None) -> None:
    if failure is None:
        log.info("sent email %s to %s: %s", email.id, email.to, email.subject)
    else:
        log.warning("email %s to %s %s: %s", email.id, email.to, status.value, failure.message)


async def delivery_worker() -> None:
    """The app's background task: deliver the outbox for as long as the app runs.

    Runs outside every Reflex state lock; the blocking SMTP and database work goes to a thread.
    Without SMTP settings it returns at once and emails stay printed to the log.
    """
    settings = get_settings()
    if not settings.smtp_enabled:
        return
    try:
        server = SmtpServer.from_settings(settings)
    except ValueError as error:
        log.error("emails are not delivered: %s", error)
        return
    log.info("delivering email through %s:%s (%s)", server.host, server.port, server.security)
    while True:
        try:
            report = await asyncio.to_thread(deliver_due, server, settings=settings)
        except Exception:  # the database may be away for a moment; the outbox keeps everything
            log_failure(log, "email delivery round failed")
            report = DeliveryReport()
        if report.handled < BATCH:
            await asyncio.sleep(settings.mail_poll_seconds)
