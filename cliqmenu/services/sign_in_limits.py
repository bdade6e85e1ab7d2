"""Sign-in limits: after too many failed sign-ins for one email, or from one client address,
sign-in waits until the oldest counted failure leaves the window.

Failures are rows in the database, so every worker counts the same attempts. Keys are stored
as SHA-256 hashes: the table holds no email addresses or IP addresses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from cliqmenu.models import SignInFailure, utcnow
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings


class TooManyAttempts(DomainError):
    status_code = 429


@dataclass(frozen=True)
class Limit:
    key_hash: str
    allowed: int


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=get_settings().sign_in_window_minutes)


def _limits(email: str, address: str) -> list[Limit]:
    settings = get_settings()
    limits = [Limit(_hash("email", email.strip().lower()), settings.sign_in_failures_per_email)]
    if address:
        limits.append(Limit(_hash("address", address), settings.sign_in_failures_per_address))
    return limits


def _recent(session: Session, key_hash: str, since: dt.datetime) -> list[dt.datetime]:
    return list(
        session.exec(
            select(SignInFailure.failed_at)
            .where(SignInFailure.key_hash == key_hash, col(SignInFailure.failed_at) > since)
            .order_by(col(SignInFailure.failed_at))
        )
    )


def wait_message(minutes: int) -> str:
    return f"Too many attempts, try again in {minutes} minute{'' if minutes == 1 else 's'}."


def check(session: Session, *, email: str, address: str, now: dt.datetime | None = None) -> None:
    """Refuse with TooManyAttempts while the email or the address is over its limit."""
    now = now or utcnow()
    window = _window()
    for limit in _limits(email, address):
        failures = _recent(session, limit.key_hash, now - window)
        if len(failures) >= limit.allowed:
            # Below the limit again when this failure leaves the window.
            frees_at = failures[len(failures) - limit.allowed] + window
            minutes = max(1, math.ceil((frees_at - now).total_seconds() / 60))
            raise TooManyAttempts(wait_message(minutes))


def record_failure(
    session: Session, *, email: str, address: str, now: dt.datetime | None = None
) -> None:
    """Count one failed sign-in against the email and the address; forget expired ones."""
    now = now or utcnow()
    session.exec(delete(SignInFailure).where(col(SignInFailure.failed_at) <= now - _window()))
    for limit in _limits(email, address):
        session.add(SignInFailure(key_hash=limit.key_hash, failed_at=now))


def forget_email(session: Session, *, email: str) -> None:
    """A right password clears the email's failures (the address keeps its count)."""
    key_hash = _limits(email, "")[0].key_hash
    session.exec(delete(SignInFailure).where(SignInFailure.key_hash == key_hash))
