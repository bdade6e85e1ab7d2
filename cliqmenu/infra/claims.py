"""Claiming one due row of a work table (outbox emails, push messages, print jobs) among many
workers.

Such a table has ``status``, ``attempts``, ``next_attempt_at`` and ``claimed_by``. A worker
takes a row with one conditional UPDATE that also moves its next attempt to the end of a lease:
only one worker's update matches, and a worker that dies leaves the row due again later.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select


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
