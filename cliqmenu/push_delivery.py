"""Sending stored notifications (PushMessage rows) to the browsers' push services.

Built like mail delivery (infra/mail_delivery.py): every app process runs a worker; a worker
claims one message with a conditional UPDATE that also moves its next attempt past a lease, so
one worker sends each message however many run. Only the claim's holder records the outcome.
Temporary failures (no answer, 429, 5xx) are retried with a doubling wait; 404/410 mean the
device unsubscribed and it is forgotten; other answers fail the message for good.

At least once: a worker that dies between the push service's answer and the record leaves the
message to be sent again when the lease lapses. The device shows it once all the same: the
notification carries a tag (a newer one replaces an older one) and its message id, and the
service worker skips an id it already shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cliqmenu.db import get_engine
from cliqmenu.infra import web_push
from cliqmenu.infra.claims import claim_due, claim_round
from cliqmenu.jobs import drain
from cliqmenu.models import PushMessage, PushStatus, PushSubscription, utcnow
from cliqmenu.services import notifications
from cliqmenu.settings import Settings, get_settings

log = logging.getLogger("cliqmenu.push")

LONGEST_WAIT = dt.timedelta(minutes=10)
BATCH = 100


@dataclass
class PushReport:
    """What one round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    gone: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.gone


@dataclass(frozen=True)
class Claim:
    message: PushMessage
    device: web_push.Device
    token: str


def contact(settings: Settings) -> str:
    """The VAPID ``sub`` claim: how a push service's operator can reach this installation."""
    given = settings.push_contact.strip()
    if given:
        return given if given.startswith(("mailto:", "https://")) else f"mailto:{given}"
    if settings.public_url.startswith("https://"):
        return settings.public_url.rstrip("/")
    return f"mailto:notifications@{urlsplit(settings.public_url).hostname or 'localhost'}"


def retry_delay(attempts: int, settings: Settings) -> dt.timedelta:
    seconds = settings.push_retry_seconds * 2 ** min(attempts - 1, 30)
    return min(dt.timedelta(seconds=seconds), LONGEST_WAIT)


def claim_next(engine: Engine, *, lease: dt.timedelta, now: dt.datetime) -> Claim | None:
    """Take the next due message for this worker, or None when none is due."""
    with Session(engine, expire_on_commit=False) as session:
        claimed = claim_due(session, PushMessage, PushStatus.PENDING, now=now, lease=lease)
        message = session.get(PushMessage, claimed[0]) if claimed else None
        sub = session.get(PushSubscription, message.subscription_id) if message else None
        session.commit()
    if not claimed:
        return None
    device = web_push.Device(endpoint=sub.endpoint, p256dh=sub.p256dh, auth=sub.auth)
    return Claim(message=message, device=device, token=claimed[1])


def record_outcome(
    engine: Engine,
    claim: Claim,
    failure: web_push.Failure | None,
    *,
    settings: Settings,
    now: dt.datetime,
) -> str:
    """Mark the message sent, due again later or failed (or forget a gone device)."""
    attempts = claim.message.attempts
    with Session(engine) as session:
        mine = (col(PushMessage.id) == claim.message.id) & (PushMessage.claimed_by == claim.token)
        if failure is not None and failure.gone:
            if session.exec(select(PushMessage.id).where(mine)).first() is not None:
                notifications.forget_subscription(
                    session, subscription_id=claim.message.subscription_id
                )
            session.commit()
            return "gone"
        if failure is None:
            status, values = PushStatus.SENT, {"sent_at": now, "next_attempt_at": None}
            values["last_error"] = ""
        elif failure.permanent or attempts >= settings.push_max_attempts:
            status, values = PushStatus.FAILED, {"next_attempt_at": None}
            values["last_error"] = failure.message
        else:
            status = PushStatus.PENDING
            values = {"next_attempt_at": now + retry_delay(attempts, settings)}
            values["last_error"] = failure.message
        done = session.connection().execute(
            update(PushMessage).where(mine).values(status=status, claimed_by=None, **values)
        )
        if done.rowcount == 1 and status != PushStatus.PENDING:
            _after_last_message(session, claim.message.subscription_id, sent=failure is None)
        session.commit()
    return status.value


def _after_last_message(session: Session, subscription_id: int, *, sent: bool) -> None:
    sub = session.get(PushSubscription, subscription_id)
    if sub is None:
        return
    if sent:
        sub.last_sent_at = utcnow()
    # A customer's device whose order ended keeps its row only until its last message is done.
    if sub.staff_id is None and sub.order_id is None:
        pending = session.exec(
            select(PushMessage.id).where(
                PushMessage.subscription_id == subscription_id,
                PushMessage.status == PushStatus.PENDING,
            )
        ).first()
        if pending is None:
            notifications.forget_subscription(session, subscription_id=subscription_id)


def deliver_due(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> PushReport:
    """One round: send due messages until none is left or a batch is done.

    ``now`` is the round's clock (tests move it; the worker leaves it to the real one).
    """
    engine = engine or get_engine()
    settings = settings or get_settings()
    report = PushReport()
    lease = dt.timedelta(seconds=3 * settings.push_timeout_seconds)
    with Session(engine, expire_on_commit=False) as session:
        key = notifications.vapid_key(session)
        session.commit()
    sub = contact(settings)

    def send(claim: Claim) -> web_push.Failure | None:
        return web_push.send(
            claim.device,
            {**claim.message.payload, "id": claim.message.id},
            private_key=key.private_key,
            contact=sub,
            ttl=claim.message.ttl_seconds,
            urgency=claim.message.urgency,
            timeout=settings.push_timeout_seconds,
        )

    def record(claim: Claim, failure: web_push.Failure | None, moment: dt.datetime) -> str:
        return record_outcome(engine, claim, failure, settings=settings, now=moment)

    def done(claim: Claim, failure: web_push.Failure | None, outcome: str) -> None:
        field = "retrying" if outcome == PushStatus.PENDING.value else outcome
        setattr(report, field, getattr(report, field) + 1)
        _log(claim, outcome, failure)

    claim_round(
        batch=BATCH,
        claim=lambda moment: claim_next(engine, lease=lease, now=moment),
        send=send,
        record=record,
        done=done,
        now=now,
    )
    return report


def _log(claim: Claim, outcome: str, failure: web_push.Failure | None) -> None:
    what = (
        f"push {claim.message.id} ({claim.message.kind}) to device {claim.message.subscription_id}"
    )
    if failure is None:
        log.info("%s sent", what)
    else:
        log.warning("%s %s: %s", what, outcome, failure.message)


async def push_worker() -> None:
    """The app's background task: send stored notifications for as long as the app runs.

    Outside every Reflex state lock; the blocking HTTP and database work runs in a thread. A
    push never depends on a page being open.
    """
    settings = get_settings()

    async def one_round() -> int:
        return (await asyncio.to_thread(deliver_due, settings=settings)).handled

    await drain(
        one_round,
        batch=BATCH,
        poll_seconds=settings.push_poll_seconds,
        log=log,
        failed="push round failed",
    )
