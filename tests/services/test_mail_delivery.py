"""SMTP delivery of the outbox, against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import threading
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu import cli, db
from cliqmenu.infra.mail_delivery import (
    DeliveryReport,
    claim_next,
    deliver_due,
    delivery_worker,
    record_outcome,
)
from cliqmenu.infra.smtp import SmtpServer
from cliqmenu.models import AuditEvent, EmailStatus, OutboxEmail, Role, Stage, utcnow
from cliqmenu.services import lifecycle, outbox, staff
from cliqmenu.services.errors import Conflict, DomainError, Forbidden, NotFound
from cliqmenu.services.lifecycle import AcceptChanges, tracking_url
from cliqmenu.services.outbox_resend import send_again
from cliqmenu.settings import get_settings
from tests import factories
from tests.smtp_server import SENDER, MailServer, Tls, make_certificate

SECONDS = dt.timedelta(seconds=1)
# The TLS-from-the-start server checks logins without STARTTLS, which aiosmtpd warns about.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def mail(configure: Callable[..., None]) -> Iterator[MailServer]:
    """A running SMTP server, and the app's settings pointed at it."""
    server = MailServer()
    configure(**server.settings())
    server.start()
    yield server
    server.stop()


def smtp() -> SmtpServer:
    return SmtpServer.from_settings(get_settings())


def deliver(engine: Engine, *, at: dt.datetime | None = None) -> DeliveryReport:
    return deliver_due(smtp(), engine=engine, now=at)


def deliver_all(engine: Engine, *, at: dt.datetime) -> list[DeliveryReport]:
    """Rounds at ``at`` until one finds nothing due (a round stops at a temporary failure)."""
    reports = [deliver(engine, at=at)]
    while reports[-1].handled:
        reports.append(deliver(engine, at=at))
    return reports


def outbox_to(engine: Engine, address: str) -> list[OutboxEmail]:
    with Session(engine) as session:
        query = select(OutboxEmail).where(OutboxEmail.to == address).order_by(OutboxEmail.id)
        return list(session.exec(query))


def invite_nina(session: Session, world: factories.World) -> str:
    _, link = staff.invite(
        session, actor=world.owner, email="nina@example.com", name="Nina", role=Role.KITCHEN_STAFF
    )
    session.commit()
    return link


def ready_for_pickup(session: Session, world: factories.World, email: str) -> str:
    """An order with ``email`` walked to Ready for Pickup; returns its tracking link."""
    order = factories.place(session, world=world, customer_email=email)
    session.commit()
    changes = AcceptChanges(prep_minutes=10)
    lifecycle.accept(session, actor=world.manager, order_id=order.id, changes=changes)
    for stage in (Stage.IN_PROGRESS, Stage.COOKING_DONE):
        lifecycle.advance(
            session, actor=world.manager, order_id=order.id, expected=stage, deliver_unpaid=True
        )
    session.commit()
    assert order.stage == Stage.READY_FOR_PICKUP
    return tracking_url(order)


def queue(session: Session, *addresses: str) -> None:
    for address in addresses:
        outbox.queue_email(
            session,
            business_id=None,
            kind="invitation",
            to=address,
            subject=f"Hello {address}",
            body_text="Hi",
        )
    session.commit()


def test_invitation_arrives_with_its_link_in_both_bodies(session, world, engine, mail):
    link = invite_nina(session, world)

    assert deliver(engine).sent == 1

    [received] = mail.inbox.to("nina@example.com")
    assert received.recipients == ["nina@example.com"]
    assert received.sender == SENDER
    assert received.message["From"] == f"Cliq Tacos <{SENDER}>"
    assert received.subject == "You're invited to Cliq Tacos on CliqMenu"
    assert received.message.get_content_type() == "multipart/alternative"
    assert link in received.body("plain")
    assert f'<a href="{html.escape(link)}">' in received.body("html")
    [stored] = outbox_to(engine, "nina@example.com")
    assert (stored.status, stored.attempts, stored.last_error) == (EmailStatus.SENT, 1, "")
    assert stored.sent_at is not None and stored.claimed_by is None


@pytest.fixture(params=["starttls", "tls"])
def secure_mail(request, tmp_path, configure) -> Iterator[MailServer]:
    """A server that only takes mail after TLS (STARTTLS or TLS from the start) and a login."""
    certificate, key = make_certificate(tmp_path)
    server = MailServer(Tls(request.param, certificate, key, login=("crew@cliq.test", "s3cret")))
    configure(**server.settings())
    server.start()
    yield server
    server.stop()


def test_invitation_goes_over_tls_with_a_login(session, world, engine, secure_mail):
    link = invite_nina(session, world)

    assert deliver(engine).sent == 1

    [received] = secure_mail.inbox.to("nina@example.com")
    assert (received.encrypted, received.login) == (True, "crew@cliq.test")
    assert link in received.body("plain")


def test_a_wrong_password_keeps_the_email_for_a_retry(
    session, world, engine, secure_mail, configure
):
    configure(smtp_password="wrong")
    invite_nina(session, world)

    assert deliver(engine).retrying == 1

    [email] = outbox_to(engine, "nina@example.com")
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.last_error.startswith("535 ")
    assert secure_mail.inbox.received == []


def test_ready_for_pickup_email_arrives_with_the_tracking_link(session, world, engine, mail):
    link = ready_for_pickup(session, world, "sam@example.com")

    assert deliver(engine).sent == 2  # the order confirmation, then Ready for Pickup

    subjects = [item.subject for item in mail.inbox.to("sam@example.com")]
    assert subjects == [
        "Cliq Tacos: order #1 received",
        "Cliq Tacos: order #1 is ready for pickup",
    ]
    ready = mail.inbox.to("sam@example.com")[1]
    assert ready.recipients == ["sam@example.com"]
    assert "ready for pickup at Taco Truck" in ready.body("plain")
    assert link in ready.body("plain")
    assert f'<a href="{html.escape(link)}">' in ready.body("html")


def test_html_body_escapes_what_people_typed(session, engine, mail):
    outbox.queue_email(
        session,
        business_id=None,
        kind="order_confirmation",
        to="sam@example.com",
        subject="Your order",
        body_text="Hi <b>Sam</b> & co,\n\nFollow it: https://cliq.test/o/a?x=1&y=<2>.",
    )
    session.commit()

    deliver(engine)

    [received] = mail.inbox.to("sam@example.com")
    assert "Hi <b>Sam</b> & co," in received.body("plain")
    page = received.body("html")
    assert "<p>Hi &lt;b&gt;Sam&lt;/b&gt; &amp; co,</p>" in page
    assert '<a href="https://cliq.test/o/a?x=1&amp;y=">https://cliq.test/o/a?x=1&amp;y=</a>' in page
    assert "&lt;2&gt;." in page and "<b>" not in page


def test_mail_server_down_keeps_the_emails_and_sends_them_when_it_is_back(
    session, world, engine, mail
):
    mail.stop()
    invite_link = invite_nina(session, world)
    ready_link = ready_for_pickup(session, world, "sam@example.com")
    failed_at = utcnow()

    reports = deliver_all(engine, at=failed_at)

    assert sum(report.retrying for report in reports) == 3
    waiting = outbox_to(engine, "nina@example.com") + outbox_to(engine, "sam@example.com")
    for email in waiting:
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
        assert email.next_attempt_at == failed_at + 30 * SECONDS
        assert "Mail server unreachable" in email.last_error
        assert "refused" in email.last_error.lower()

    mail.start()
    assert deliver(engine, at=failed_at + 10 * SECONDS).handled == 0  # not due yet
    assert mail.inbox.received == []

    assert deliver(engine, at=failed_at + 31 * SECONDS).sent == 3
    assert invite_link in mail.inbox.to("nina@example.com")[0].body("plain")
    assert ready_link in mail.inbox.to("sam@example.com")[1].body("html").replace("&amp;", "&")
    for email in outbox_to(engine, "nina@example.com") + outbox_to(engine, "sam@example.com"):
        assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")


def test_temporary_rejection_is_retried_with_doubling_waits_then_given_up(
    session, engine, mail, configure
):
    configure(mail_max_attempts=3)
    mail.inbox.answers["busy@example.com"] = "450 4.2.1 Mailbox busy, try later"
    queue(session, "busy@example.com")
    start = utcnow()

    deliver(engine, at=start)
    [email] = outbox_to(engine, "busy@example.com")
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.next_attempt_at == start + 30 * SECONDS
    assert email.last_error == "450 4.2.1 Mailbox busy, try later"

    deliver(engine, at=start + 31 * SECONDS)
    [email] = outbox_to(engine, "busy@example.com")
    assert email.attempts == 2
    assert email.next_attempt_at == start + 91 * SECONDS

    assert deliver(engine, at=start + 92 * SECONDS).failed == 1
    [email] = outbox_to(engine, "busy@example.com")
    assert (email.status, email.attempts, email.next_attempt_at) == (EmailStatus.FAILED, 3, None)
    assert email.last_error == "Gave up after 3 attempts: 450 4.2.1 Mailbox busy, try later"
    assert deliver(engine, at=start + dt.timedelta(days=1)).handled == 0
    assert mail.inbox.received == []


def test_permanent_rejection_fails_at_once_and_the_round_goes_on(session, engine, mail):
    mail.inbox.answers["nobody@example.com"] = "550 5.1.1 No such mailbox here"
    queue(session, "nobody@example.com", "nina@example.com")

    report = deliver(engine)

    assert (report.failed, report.sent) == (1, 1)
    [refused] = outbox_to(engine, "nobody@example.com")
    assert (refused.status, refused.attempts) == (EmailStatus.FAILED, 1)
    assert refused.last_error == "550 5.1.1 No such mailbox here"
    assert [item.recipients for item in mail.inbox.received] == [["nina@example.com"]]
    assert deliver(engine, at=utcnow() + dt.timedelta(days=1)).handled == 0


def test_an_email_that_cannot_be_written_fails_with_the_reason(session, engine, mail):
    outbox.queue_email(
        session,
        business_id=None,
        kind="invitation",
        to="nina@example.com",
        subject="Hello\nBcc: everyone@example.com",
        body_text="Hi",
    )
    session.commit()

    assert deliver(engine).failed == 1

    [email] = outbox_to(engine, "nina@example.com")
    assert email.status == EmailStatus.FAILED
    assert email.last_error.startswith("The email cannot be sent: Header values may not contain")
    assert mail.inbox.received == []


def test_two_workers_at_once_send_every_email_exactly_once(session, engine, mail):
    addresses = [f"guest{n}@example.com" for n in range(12)]
    queue(session, *addresses)
    mail.inbox.data_delay = 0.02  # each send takes a while, so the two workers overlap
    start = threading.Barrier(2)
    reports: list[DeliveryReport] = []

    def worker() -> None:
        start.wait()
        reports.append(deliver(engine))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(report.sent for report in reports) == 12
    delivered = Counter(r for item in mail.inbox.received for r in item.recipients)
    assert delivered == Counter(addresses)
    with Session(engine) as check:
        stored = check.exec(select(OutboxEmail)).all()
    assert {(e.status, e.attempts) for e in stored} == {(EmailStatus.SENT, 1)}


def test_a_claimed_email_is_not_claimed_again_until_its_lease_lapses(session, engine, mail):
    queue(session, "nina@example.com")
    now, lease = utcnow(), dt.timedelta(minutes=5)

    first = claim_next(engine, lease=lease, now=now)
    assert first is not None
    assert claim_next(engine, lease=lease, now=now + 4 * 60 * SECONDS) is None

    # The first worker died; after the lease another one takes the email over.
    second = claim_next(engine, lease=lease, now=now + 6 * 60 * SECONDS)
    assert second is not None and second.token != first.token
    record_outcome(engine, first, None, settings=get_settings())  # too late: changes nothing
    [email] = outbox_to(engine, "nina@example.com")
    assert (email.status, email.attempts, email.claimed_by) == (
        EmailStatus.PENDING,
        2,
        second.token,
    )
    record_outcome(engine, second, None, settings=get_settings())
    assert outbox_to(engine, "nina@example.com")[0].status == EmailStatus.SENT


def test_without_smtp_settings_emails_are_printed_and_no_worker_runs(session, world, engine):
    invite_nina(session, world)

    [email] = outbox_to(engine, "nina@example.com")
    assert email.status == EmailStatus.PRINTED
    assert "/invite?token=" in email.body_html
    assert asyncio.run(asyncio.wait_for(delivery_worker(), timeout=30)) is None


async def test_the_app_worker_delivers_what_is_queued(
    session, world, engine, mail, configure, app_database
):
    configure(mail_poll_seconds=0.05)
    worker = asyncio.create_task(delivery_worker())
    try:
        link = invite_nina(session, world)
        for _ in range(600):
            if mail.inbox.to("nina@example.com") or worker.done():
                break
            await asyncio.sleep(0.05)
    finally:
        worker.cancel()
    assert link in mail.inbox.to("nina@example.com")[0].body("plain")


def test_cli_delivers_once(tmp_path, monkeypatch, mail, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REFLEX_DB_URL", url)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    try:
        assert cli.main(["migrate"]) == 0
        with db.session_scope() as session:
            queue(session, "nina@example.com", "sam@example.com")

        assert cli.main(["deliver-mail"]) == 0
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()

    assert f"Sent 2, 0 to retry later, 0 failed (via 127.0.0.1:{mail.port})." in (
        capsys.readouterr().out
    )
    assert len(mail.inbox.received) == 2


def test_cli_without_smtp_settings_says_what_to_set(capsys):
    assert cli.main(["deliver-mail"]) == 1
    assert "No email server is set (CLIQMENU_SMTP_HOST)" in capsys.readouterr().err


def test_owner_sends_a_failed_email_again_once_the_address_works(session, world, engine, mail):
    mail.inbox.answers["nina@example.com"] = "550 5.2.1 Mailbox disabled"
    invite_nina(session, world)
    deliver(engine)
    [email] = outbox_to(engine, "nina@example.com")
    assert email.status == EmailStatus.FAILED

    del mail.inbox.answers["nina@example.com"]
    again = send_again(session, actor=world.owner, email_id=email.id)
    session.commit()

    assert (again.status, again.attempts, again.last_error) == (EmailStatus.PENDING, 0, "")
    assert deliver(engine).sent == 1
    assert len(mail.inbox.to("nina@example.com")) == 1
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "email.sent_again")).one()
    assert (event.before, event.reason) == (
        {"status": "failed", "attempts": 1},
        "550 5.2.1 Mailbox disabled",
    )


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("kitchen", Forbidden, "Your role cannot do that."),
        ("other owner", NotFound, "No such email."),
        ("owner", Conflict, "Only an email that failed can be sent again."),
    ],
)
def test_send_again_is_refused_and_changes_nothing(
    session, world, engine, mail, who, error, message
):
    other_owner = factories.make_world(session, business_name="Other Eats").owner
    invite_nina(session, world)
    deliver(engine)  # sent: not failed
    actor = {"kitchen": world.kitchen, "owner": world.owner, "other owner": other_owner}[who]
    [before] = outbox_to(engine, "nina@example.com")

    with pytest.raises(error, match=message):
        send_again(session, actor=actor, email_id=before.id)
    session.rollback()

    [after] = outbox_to(engine, "nina@example.com")
    assert (after.status, after.attempts, after.sent_at) == (
        before.status,
        before.attempts,
        before.sent_at,
    )


def test_send_again_without_an_email_server_says_so(session, world, engine, mail, configure):
    mail.inbox.answers["nina@example.com"] = "550 5.2.1 Mailbox disabled"
    invite_nina(session, world)
    deliver(engine)
    [email] = outbox_to(engine, "nina@example.com")
    configure(smtp_host="")

    with pytest.raises(DomainError, match="No email server is set"):
        send_again(session, actor=world.owner, email_id=email.id)
    session.rollback()

    assert outbox_to(engine, "nina@example.com")[0].status == EmailStatus.FAILED


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "Set CLIQMENU_SMTP_FROM to the address emails are sent from."),
        ({"smtp_from": "a@b.c", "smtp_ca_file": "/nowhere.pem"}, "/nowhere.pem is not a file."),
        ({"smtp_from": "a@b.c", "smtp_password": "x"}, "CLIQMENU_SMTP_USER is not"),
    ],
)
def test_settings_that_cannot_work_are_named(configure, capsys, caplog, settings, message):
    configure(smtp_host="mail.example.com", **settings)

    assert cli.main(["deliver-mail"]) == 1
    assert message in capsys.readouterr().err
    assert asyncio.run(asyncio.wait_for(delivery_worker(), timeout=30)) is None
    assert message in caplog.text
