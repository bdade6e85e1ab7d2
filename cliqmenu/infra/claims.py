"""Claiming one due row of a work table (outbox emails, push messages, print jobs) among many
workers.

Such a table has ``status``, ``attempts``, ``next_attempt_at`` and ``claimed_by``. A worker
takes a row with one conditional UPDATE that also moves its next attempt to the end of a lease:
only one worker's update matches, and a worker that dies leaves the row due again later.

``claim_round`` is the round each such worker runs: claim, send, record, until done.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from cliqmenu.models import utcnow

C = TypeVar("C")  # a claim: what a worker took
F = TypeVar("F")  # why a send failed
R = TypeVar("R")  # the outcome recorded


def due(model: Any, pending: Any, now: dt.datetime):
    """Rows of ``model`` waiting in status ``pending`` whose next attempt has come."""
    return (model.status == pending) & or_(
        col(model.next_attempt_at).is_(None), col(model.next_attempt_at) <= now
    )


def claim_due(
    session: Session,
    model: Any,
    pending: Any,
    *,
    now: dt.datetime,
    lease: dt.timedelta,
    also: Any = None,
) -> tuple[int, str] | None:
    """Claim the next due row: its id and the claim's token, or None when none is due.

    ``also``: a further condition a row must meet (checked again in the claiming UPDATE)."""
    condition = due(model, pending, now)
    if also is not None:
        condition = condition & also
    candidates = session.exec(
        select(model.id)
        .where(condition)
        .order_by(col(model.next_attempt_at), col(model.id))
        .limit(5)
    ).all()
    for row_id in candidates:
        token = secrets.token_hex(16)
        taken = session.connection().execute(
            update(model)
            .where(col(model.id) == row_id, condition)
            .values(claimed_by=token, attempts=model.attempts + 1, next_attempt_at=now + lease)
        )
        if taken.rowcount == 1:
            return row_id, token
    return None


def _never(_failure: Any) -> bool:
    return False


def claim_round(
    *,
    batch: int,
    claim: Callable[[dt.datetime], C | None],
    send: Callable[[C], F | None],
    record: Callable[[C, F | None, dt.datetime], R],
    done: Callable[[C, F | None, R], None],
    stop: Callable[[F], bool] = _never,
    now: dt.datetime | None = None,
) -> int:
    """One round of a delivery worker (emails, push messages, print jobs): ``claim`` the next
    due row, ``send`` it (None: it went, else why not), ``record`` the outcome (only the claim's
    holder does) and report it to ``done``; until none is due, ``batch`` rows are handled, or a
    failure for which ``stop`` is true (the server is in trouble: the rest waits for the next
    round). How many rows it handled.

    ``now`` is the round's clock (tests move it); without it each claim reads the app's clock.
    """
    handled = 0
    while handled < batch:
        moment = now or utcnow()
        taken = claim(moment)
        if taken is None:
            break
        failure = send(taken)
        done(taken, failure, record(taken, failure, moment))
        handled += 1
        if failure is not None and stop(failure):
            break
    return handled
