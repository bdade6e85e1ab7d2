"""Guessing passwords is slowed down without locking the real member out: per email and
client address together with a growing delay, and per client address, across workers.

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

FREE = 3
PER_ADDRESS = 5


@pytest.fixture(autouse=True)
def small_limits(configure) -> None:
    configure(
        sign_in_free_failures=FREE,
        sign_in_first_delay_seconds=30,
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


async def test_guessing_a_members_password_does_not_lock_the_member_out(
    root: rx.State, app_engine: Engine, world: factories.World
) -> None:
    """The finding: five wrong passwords locked the member out for 15 minutes from any
    address. Now the guesser waits, the member elsewhere signs in."""
    email = world.manager.email
    for _ in range(FREE):
        assert await attempt(root, email, "wrong", address="203.0.113.5") == SIGN_IN_FAILED

    # From the guesser's address even the right password waits ...
    refused = await attempt(root, email, factories.DEFAULT_PASSWORD, address="203.0.113.5")
    assert refused == "Too many attempts, try again in 30 seconds."
    assert sessions_opened(app_engine) == 0
    # ... the member at their own address signs in at once.
    assert await attempt(root, email, factories.DEFAULT_PASSWORD, address="198.51.100.9") == ""
    assert sessions_opened(app_engine) == 1


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


async def test_a_right_password_clears_the_count_of_its_address(
    root: rx.State, world: factories.World
) -> None:
    email = world.manager.email
    for _ in range(FREE - 1):
        assert await attempt(root, email, "wrong", address="192.0.2.1") == SIGN_IN_FAILED
    assert await attempt(root, email, factories.DEFAULT_PASSWORD, address="192.0.2.1") == ""
    # The count starts again: FREE - 1 more wrong passwords do not make anyone wait.
    for _ in range(FREE - 1):
        assert await attempt(root, email, "wrong", address="192.0.2.1") == SIGN_IN_FAILED
    assert await attempt(root, email, factories.DEFAULT_PASSWORD, address="192.0.2.1") == ""


def test_each_failure_past_the_free_ones_doubles_the_wait(session: Session, configure) -> None:
    configure(sign_in_failures_per_address=100)  # the address limit has its own test
    start = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    email, address = "Mia@Example.com ", "203.0.113.5"

    def fail(at: dt.timedelta) -> None:
        sign_in_limits.record_failure(session, email=email, address=address, now=start + at)
        session.commit()

    def message(at: dt.timedelta, *, who: str = "mia@example.com", where: str = address) -> str:
        try:
            sign_in_limits.check(session, email=who, address=where, now=start + at)
        except sign_in_limits.TooManyAttempts as error:
            return str(error)
        return ""

    for second in range(FREE):
        fail(dt.timedelta(seconds=second))
    last = dt.timedelta(seconds=FREE - 1)
    assert message(last + dt.timedelta(seconds=1)) == "Too many attempts, try again in 29 seconds."
    assert message(last + dt.timedelta(seconds=30)) == ""
    fail(last := last + dt.timedelta(seconds=30))  # 4th failure: 60 s
    assert message(last) == "Too many attempts, try again in 60 seconds."
    fail(last := last + dt.timedelta(seconds=60))  # 5th: 120 s
    assert message(last) == "Too many attempts, try again in 2 minutes."
    fail(last := last + dt.timedelta(seconds=120))  # 6th: 240 s
    assert message(last) == "Too many attempts, try again in 4 minutes."
    # Another address (the member) and another email from this address are not held up.
    assert message(last, where="198.51.100.9") == ""
    assert message(last, who="kai@example.com") == ""
    # Once every failure has left the 15-minute window, the count starts again.
    assert message(last + dt.timedelta(minutes=15)) == ""


def test_the_table_holds_no_email_or_address(session: Session) -> None:
    sign_in_limits.record_failure(session, email="mia@example.com", address="203.0.113.5")
    session.commit()
    stored = " ".join(session.exec(select(SignInFailure.key_hash)))
    assert len(session.exec(select(SignInFailure)).all()) == 2
    assert "mia" not in stored and "203.0.113" not in stored
