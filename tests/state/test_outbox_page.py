"""The Owner's outbox page tells how each email's delivery went (real SMTP server on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu.infra.mail_delivery import deliver_due
from cliqmenu.infra.smtp import SmtpServer
from cliqmenu.models import EmailStatus, OutboxEmail, Role, utcnow
from cliqmenu.services import staff
from cliqmenu.settings import get_settings
from cliqmenu.state.owner_outbox import OutboxState
from cliqmenu.views.outbox import EmailRow
from tests import factories
from tests.smtp_server import MailServer
from tests.state.support import (
    ROLE_REFUSED,
    assert_refused,
    carry_token,
    outcome,
    sign_in,
    substate,
)


@pytest.fixture
def mail(configure: Callable[..., None], app_engine: Engine) -> Iterator[MailServer]:
    server = MailServer()
    configure(**server.settings())
    server.start()
    yield server
    server.stop()


def invite(session: Session, world: factories.World, email: str) -> None:
    staff.invite(session, actor=world.owner, email=email, name="Nina", role=Role.KITCHEN_STAFF)
    session.commit()


def deliver(engine: Engine, at: dt.datetime | None = None) -> None:
    deliver_due(SmtpServer.from_settings(get_settings()), engine=engine, now=at)


async def test_outbox_shows_sent_retrying_and_failed_emails(root, session, world, app_engine, mail):
    mail.inbox.answers["nobody@example.com"] = "550 5.1.1 No such mailbox here"
    invite(session, world, "nina@example.com")
    invite(session, world, "nobody@example.com")
    deliver(app_engine)
    mail.stop()
    invite(session, world, "later@example.com")
    failed_at = utcnow() + dt.timedelta(minutes=1)
    retry_at = (failed_at + dt.timedelta(seconds=30)).astimezone(ZoneInfo(world.business.timezone))
    deliver(app_engine, at=failed_at)
    carry_token(root, sign_in(session, world.owner))

    page = substate(root, OutboxState)
    assert await page.load() is None

    rows: dict[str, EmailRow] = {row.recipient: row for row in page.emails}
    later, nobody, nina = (
        rows["later@example.com"],
        rows["nobody@example.com"],
        rows["nina@example.com"],
    )
    assert (later.status, later.status_label, later.attempts) == ("retrying", "Retrying", 1)
    assert later.delivery == f"1 attempt so far; next attempt at {retry_at:%H:%M:%S}"
    assert later.error.startswith("Mail server unreachable:")
    assert (nobody.status, nobody.status_label, nobody.attempts) == ("failed", "Failed", 1)
    assert nobody.delivery == "Not delivered after 1 attempt"
    assert nobody.error == "550 5.1.1 No such mailbox here"
    assert (nina.status, nina.status_label, nina.error) == ("sent", "Sent", "")
    assert nina.delivery.startswith("Sent ") and nina.delivery.endswith(" after 1 attempt")


async def test_outbox_without_an_email_server_says_printed(root, session, world, app_engine):
    invite(session, world, "nina@example.com")
    carry_token(root, sign_in(session, world.owner))

    page = substate(root, OutboxState)
    await page.load()

    [row] = [row for row in page.emails if row.recipient == "nina@example.com"]
    assert (row.status, row.status_label, row.delivery, row.error) == (
        "printed",
        "Printed to the log",
        "",
        "",
    )


async def test_send_again_puts_a_failed_email_back_in_line(root, session, world, app_engine, mail):
    mail.inbox.answers["nina@example.com"] = "550 5.2.1 Mailbox disabled"
    invite(session, world, "nina@example.com")
    deliver(app_engine)
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, OutboxState)
    await page.load()
    [failed] = page.emails
    assert (failed.status, page.delivering) == ("failed", True)

    kind, detail = outcome(await page.send_again(failed.id))

    assert kind == "toast" and "nina@example.com is queued to be sent again" in detail
    assert [(row.status, row.status_label, row.error) for row in page.emails] == [
        ("pending", "Waiting", "")
    ]


async def test_send_again_is_for_the_owner_only(root, session, world, app_engine, mail):
    mail.inbox.answers["nina@example.com"] = "550 5.2.1 Mailbox disabled"
    invite(session, world, "nina@example.com")
    deliver(app_engine)
    [email] = session.exec(select(OutboxEmail)).all()
    session.commit()
    carry_token(root, sign_in(session, world.manager))

    assert_refused(await substate(root, OutboxState).send_again(email.id), by=ROLE_REFUSED)

    session.refresh(email)
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
