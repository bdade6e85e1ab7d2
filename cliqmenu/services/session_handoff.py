"""Handing a session opened over the websocket to the browser's HttpOnly cookie.

A sign-in that runs in a Reflex handler (password, invitation, first-run set-up) answers over
the websocket and cannot set an HttpOnly cookie. It leaves a one-minute, single-use code
instead; the page takes it to GET /api/session/<code> (cliqmenu.api.session), which opens the
session and sets the cookie. Only a hash of the code is stored, like session tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from cliqmenu.models import SessionHandoff, StaffMember, StaffStatus, utcnow
from cliqmenu.services import staff

HANDOFF_SECONDS = 60


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def offer(session: Session, *, member: StaffMember) -> str:
    """A fresh code that signs ``member`` in once, within a minute. Codes past their minute are
    deleted here, so the table holds only the last minute's sign-ins."""
    now = utcnow()
    session.exec(delete(SessionHandoff).where(col(SessionHandoff.expires_at) <= now))
    code = secrets.token_urlsafe(32)
    session.add(
        SessionHandoff(
            staff_id=member.id,
            code_hash=_hash(code),
            expires_at=now + dt.timedelta(seconds=HANDOFF_SECONDS),
        )
    )
    return code


def redeem(session: Session, *, code: str, device: str = "") -> staff.SignedIn | None:
    """The session a code opens, or None when it is unknown, spent, expired or the member was
    disabled meanwhile. The code is spent by a conditional update: two tabs racing with the
    same code get one session between them."""
    now = utcnow()
    spent = session.exec(
        update(SessionHandoff)
        .where(
            col(SessionHandoff.code_hash) == _hash(code),
            col(SessionHandoff.used_at).is_(None),
            col(SessionHandoff.expires_at) > now,
        )
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        return None
    member = session.exec(
        select(StaffMember)
        .join(SessionHandoff, col(SessionHandoff.staff_id) == StaffMember.id)
        .where(SessionHandoff.code_hash == _hash(code))
    ).one()
    if member.status != StaffStatus.ACTIVE:
        return None
    return staff.open_session(session, member=member, device=device)
