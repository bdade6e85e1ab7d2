"""Guessing passwords is slowed down: per email and per client address, across workers.

The sign-in page's handler is called as the browser would, from a given client address; the
failures live in the database, which every worker shares.
"""

from __future__ import annotations

import datetime as dt

import pytest
import reflex as rx
from reflex.istate.data import SessionData
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cliqmenu.models import SessionHandoff, SignInFailure
from cliqmenu.services import sign_in_limits
from cliqmenu.services.staff import SIGN_IN_FAILED
from cliqmenu.state.signin import SignInState
from tests import factories
from tests.state.support import substate

PER_EMAIL = 3
PER_ADDRESS = 5


@pytest.fixture(autouse=True)
def small_limits(configure) -> None:
    configure(
        sign_in_failures_per_email=PER_EMAIL,
        sign_in_failures_per_address=PER_ADDRESS,
        sign_in_window_minutes=15,
    )


async def attempt(root: rx.State, email: str, password: str, *, address: str) -> str:
    """Submit the sign-in form from ``address``; the message shown, "" when signed in."""
    root.rx_router_session = SessionData(
        client_token=root.rx_router_session.client_token, client_ip=address, session_id="sid"
    )
    page = substate(root, SignInState)
    await page.sign_in({"email": email, "password": password})
    return page.error


def sessions_opened(engine: Engine) -> int:
    """Sign-ins let through: each hands the browser a code for its session cookie."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(SessionHandoff)).one()


async def test_an_email_is_locked_after_too_many_wrong_passwords(
    root: rx.State, app_engine: Engine, world: factories.World
) -> None:
    email = world.manager.email
    for _ in range(PER_EMAIL):
        assert await attempt(root, email, "wrong", address="203.0.113.5") == SIGN_IN_FAILED

    # Even the right password, and from another address: the email waits.
    refused = await attempt(root, email, factories.DEFAULT_PASSWORD, address="198.51.100.9")

    assert refused == "Too many attempts, try again in 15 minutes."
    assert sessions_opened(app_engine) == 0
    # Another member signs in from the same address: the email limit is per email.
    assert (
        await attempt(root, world.kitchen.email, factories.DEFAULT_PASSWORD, address="203.0.113.5")
        == ""
    )


async def test_one_address_trying_many_emails_is_locked(
    root: rx.State, app_engine: Engine, world: factories.World
) -> None:
    address = "203.0.113.77"
    for number in range(PER_ADDRESS):
        failed = await attempt(root, f"guess{number}@example.com", "wrong", address=address)
        assert failed == SIGN_IN_FAILED

    refused = await attempt(root, world.owner.email, factories.DEFAULT_PASSWORD, address=address)

    assert refused == "Too many attempts, try again in 15 minutes."
    assert sessions_opened(app_engine) == 0
    assert await attempt(root, world.owner.email, factories.DEFAULT_PASSWORD, address="::1") == ""
    assert sessions_opened(app_engine) == 1


async def test_a_right_password_clears_the_emails_count(
    root: rx.State, world: factories.World
) -> None:
    email = world.manager.email
    for _ in range(PER_EMAIL - 1):
        assert await attempt(root, email, "wrong", address="192.0.2.1") == SIGN_IN_FAILED
    assert await attempt(root, email, factories.DEFAULT_PASSWORD, address="192.0.2.1") == ""
    # The count starts again: one more wrong password is not yet the limit.
    assert await attempt(root, email, "wrong", address="192.0.2.2") == SIGN_IN_FAILED
    assert await attempt(root, email, factories.DEFAULT_PASSWORD, address="192.0.2.2") == ""


def test_the_wait_is_counted_from_the_oldest_failure_in_the_window(session: Session) -> None:
    start = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    for minute in range(PER_EMAIL):
        sign_in_limits.record_failure(
            session,
            email="Mia@Example.com ",
            address="203.0.113.5",
            now=start + dt.timedelta(minutes=minute),
        )
    session.commit()

    def message(at: dt.timedelta) -> str:
        try:
            sign_in_limits.check(
                session, email="mia@example.com", address="192.0.2.1", now=start + at
            )
        except sign_in_limits.TooManyAttempts as error:
            return str(error)
        return ""

    assert message(dt.timedelta(minutes=2)) == "Too many attempts, try again in 13 minutes."
    assert message(dt.timedelta(minutes=14, seconds=1)) == (
        "Too many attempts, try again in 1 minute."
    )
    # The first failure has left the 15-minute window: one below the limit again.
    assert message(dt.timedelta(minutes=15)) == ""


def test_the_table_holds_no_email_or_address(session: Session) -> None:
    sign_in_limits.record_failure(session, email="mia@example.com", address="203.0.113.5")
    session.commit()
    stored = " ".join(session.exec(select(SignInFailure.key_hash)))
    assert len(session.exec(select(SignInFailure)).all()) == 2
    assert "mia" not in stored and "203.0.113" not in stored
