"""Sending stored print jobs to the trucks' network printers: a worker in every app process, and
``cliqmenu print-tickets``.

Built like push and mail delivery: a worker claims one job with a conditional UPDATE that also
moves its next attempt past a lease (infra/claims.py), so one worker sends each job however many
run. A job is claimed only when no earlier job of the same printer is still waiting: a printer
prints its tickets in the order they were made, and a printer that is down is tried once per
backoff (its first ticket's), not once per ticket.

A printer that does not answer is marked (``Printer.failing_since``) and its jobs wait, retried
with a doubling wait up to a minute; the first ticket it takes clears the mark. Either change is
published to the truck's manager board, whose banner says which printer is not answering and how
many tickets wait for it.

At least once, like the other workers: a worker that dies after the printer took the bytes and
before the job is marked printed leaves it to print again when its lease lapses (the lease is a
few times the send timeout, so this needs a crash in that instant).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import exists, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from cliqmenu.db import get_engine
from cliqmenu.infra import escpos_printer
from cliqmenu.infra.claims import claim_due, claim_round
from cliqmenu.jobs import drain
from cliqmenu.models import Printer, PrintJob, PrintStatus
from cliqmenu.realtime import Audience, publish
from cliqmenu.settings import Settings, get_settings

log = logging.getLogger("cliqmenu.printing")

LONGEST_WAIT = dt.timedelta(minutes=1)
BATCH = 50


@dataclass
class PrintReport:
    """What one round did, and the trucks whose printers went down or came back."""

    printed: int = 0
    retrying: int = 0
    changed_trucks: set[int] = field(default_factory=set)

    @property
    def handled(self) -> int:
        return self.printed + self.retrying


@dataclass(frozen=True)
class Claim:
    job_id: int
    title: str
    attempts: int
    data: bytes
    printer_id: int
    printer_name: str
    host: str
    port: int
    token: str


def retry_delay(attempts: int, settings: Settings) -> dt.timedelta:
    seconds = settings.print_retry_seconds * 2 ** min(attempts - 1, 30)
    return min(dt.timedelta(seconds=seconds), LONGEST_WAIT)


def _first_in_line():
    """No earlier job of the same printer is still waiting."""
    earlier = aliased(PrintJob)
    return ~exists().where(
        earlier.printer_id == PrintJob.printer_id,
        earlier.status == PrintStatus.PENDING,
        earlier.id < PrintJob.id,
    )


def claim_next(engine: Engine, *, lease: dt.timedelta, now: dt.datetime) -> Claim | None:
    """Take the next due job for this worker, or None when none is due."""
    with Session(engine, expire_on_commit=False) as session:
        claimed = claim_due(
            session, PrintJob, PrintStatus.PENDING, now=now, lease=lease, also=_first_in_line()
        )
        job = session.get(PrintJob, claimed[0]) if claimed else None
        printer = session.get(Printer, job.printer_id) if job else None
        session.commit()
    if not claimed or job is None or printer is None:
        return None
    return Claim(
        job_id=job.id,
        title=job.title,
        attempts=job.attempts,
        data=job.data,
        printer_id=printer.id,
        printer_name=printer.name,
        host=printer.host,
        port=printer.port,
        token=claimed[1],
    )


def record_outcome(
    engine: Engine, claim: Claim, failure: str | None, *, settings: Settings, now: dt.datetime
) -> int | None:
    """Mark the job printed, or due again later; and the printer answering or not. The truck id
    when the printer went down or came back (its manager board shows it), else None."""
    with Session(engine) as session:
        mine = (col(PrintJob.id) == claim.job_id) & (PrintJob.claimed_by == claim.token)
        if failure is None:
            values = {"status": PrintStatus.PRINTED, "printed_at": now, "next_attempt_at": None}
            values["last_error"] = ""
        else:
            values = {"next_attempt_at": now + retry_delay(claim.attempts, settings)}
            values["last_error"] = failure
        done = session.connection().execute(
            update(PrintJob).where(mine).values(claimed_by=None, **values)
        )
        printer = session.get(Printer, claim.printer_id)
        flipped = None
        if done.rowcount == 1 and printer is not None:
            was_down = printer.failing_since is not None
            if failure is None:
                printer.failing_since, printer.last_error = None, ""
                printer.last_printed_at = now
            else:
                printer.failing_since = printer.failing_since or now
                printer.last_error = failure
            session.add(printer)
            if was_down != (failure is not None):
                flipped = printer.truck_id
        session.commit()
    return flipped


def print_due(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> PrintReport:
    """One round: send due jobs until none is left or a batch is done.

    ``now`` is the round's clock (tests move it; the worker leaves it to the real one).
    """
    engine = engine or get_engine()
    settings = settings or get_settings()
    report = PrintReport()
    lease = dt.timedelta(seconds=3 * settings.print_timeout_seconds)

    def send(claim: Claim) -> str | None:
        timeout = settings.print_timeout_seconds
        return escpos_printer.send(claim.host, claim.port, claim.data, timeout=timeout)

    def record(claim: Claim, failure: str | None, moment: dt.datetime) -> int | None:
        return record_outcome(engine, claim, failure, settings=settings, now=moment)

    def done(claim: Claim, failure: str | None, truck_id: int | None) -> None:
        if truck_id is not None:
            report.changed_trucks.add(truck_id)
        what = f"{claim.title} (job {claim.job_id}) on printer {claim.printer_name}"
        if failure is None:
            report.printed += 1
            log.info("%s printed", what)
        else:
            report.retrying += 1
            log.warning("%s not printed, will retry: %s", what, failure)

    claim_round(
        batch=BATCH,
        claim=lambda moment: claim_next(engine, lease=lease, now=moment),
        send=send,
        record=record,
        done=done,
        now=now,
    )
    return report


async def print_and_publish(settings: Settings | None = None) -> PrintReport:
    """One round in a thread, then the manager boards of trucks whose printers changed."""
    report = await asyncio.to_thread(print_due, settings=settings)
    for truck_id in report.changed_trucks:
        try:
            await publish(Audience("manager", truck_id))
        except Exception:  # the board catches up on its next heartbeat
            log.exception("publishing the printer state of truck %s failed", truck_id)
    return report


async def print_worker() -> None:
    """The app's background task: print stored jobs for as long as the app runs.

    Outside every Reflex state lock; the blocking socket and database work runs in a thread.
    """
    settings = get_settings()

    async def one_round() -> int:
        return (await print_and_publish(settings)).handled

    await drain(
        one_round,
        batch=BATCH,
        poll_seconds=settings.print_poll_seconds,
        log=log,
        failed="print round failed",
    )
