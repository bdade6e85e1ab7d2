"""Sign-in limits that slow a guesser without locking the real member out.

- Per email *and* client address together: ``sign_in_free_failures`` failures, then every
  further try waits a growing delay after the last failure (``sign_in_first_delay_seconds``,
  doubling, at most the window). Someone guessing a member's password from their own address
  waits longer and longer; the member, from their address, signs in as usual.
- Per client address: ``sign_in_failures_per_address`` failures in the window (one address
  trying many emails), then it waits until the oldest counted failure leaves the window.

Failures are rows in the database, so every worker counts the same attempts. Keys are stored
as SHA-256 hashes: the table holds no email addresses or IP addresses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from sqlmodel import Session, col, delete, select

from cliqmenu.models import SignInFailure, utcnow
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings


class TooManyAttempts(DomainError):
    status_code = 429


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def pair_key(email: str, address: str) -> str:
    """The key counting one email's failures from one address."""
    return _hash("email+address", f"{email.strip().lower()}|{address}")


def address_key(address: str) -> str:
    """The key counting one address's failures, whatever the email."""
    return _hash("address", address)


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=get_settings().sign_in_window_minutes)


def _recent(session: Session, key_hash: str, since: dt.datetime) -> list[dt.datetime]:
    return list(
        session.exec(
            select(SignInFailure.failed_at)
            .where(SignInFailure.key_hash == key_hash, col(SignInFailure.failed_at) > since)
            .order_by(col(SignInFailure.failed_at))
        )
    )


def wait_message(seconds: float) -> str:
    if seconds < 120:
        whole = max(1, math.ceil(seconds))
        return f"Too many attempts, try again in {whole} second{'' if whole == 1 else 's'}."
    minutes = math.ceil(seconds / 60)
    return f"Too many attempts, try again in {minutes} minutes."


def delay_after(failures: int) -> dt.timedelta:
    """How long a try waits after the last failure, with ``failures`` in the window."""
    settings = get_settings()
    extra = failures - settings.sign_in_free_failures
    if extra < 0:
        return dt.timedelta(0)
    seconds = settings.sign_in_first_delay_seconds * 2 ** min(extra, 20)
    return min(_window(), dt.timedelta(seconds=seconds))


def check(session: Session, *, email: str, address: str, now: dt.datetime | None = None) -> None:
    """Refuse with TooManyAttempts while the address is over its limit, or this email from
    this address must still wait."""
    now = now or utcnow()
    window = _window()
    if address:
        allowed = get_settings().sign_in_failures_per_address
        failures = _recent(session, address_key(address), now - window)
        if len(failures) >= allowed:
            # Below the limit again when this failure leaves the window.
            frees_at = failures[len(failures) - allowed] + window
            raise TooManyAttempts(wait_message((frees_at - now).total_seconds()))
    failures = _recent(session, pair_key(email, address), now - window)
    if failures:
        ready_at = failures[-1] + delay_after(len(failures))
        if ready_at > now:
            raise TooManyAttempts(wait_message((ready_at - now).total_seconds()))


def record_failure(
    session: Session, *, email: str, address: str, now: dt.datetime | None = None
) -> None:
    """Count one failed sign-in against the email from this address and against the address;
    forget expired ones."""
    now = now or utcnow()
    session.exec(delete(SignInFailure).where(col(SignInFailure.failed_at) <= now - _window()))
    session.add(SignInFailure(key_hash=pair_key(email, address), failed_at=now))
    if address:
        session.add(SignInFailure(key_hash=address_key(address), failed_at=now))


def forget(session: Session, *, email: str, address: str) -> None:
    """A right password clears the email's failures from this address (the address keeps its
    count)."""
    session.exec(
        delete(SignInFailure).where(col(SignInFailure.key_hash) == pair_key(email, address))
    )
