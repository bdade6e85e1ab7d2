"""Journey: an invitation really goes out by SMTP, the invitee joins from the email itself."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Locator, Page, expect

from cliqmenu import demo_data
from tests.e2e.helpers import (
    INVITE_LINK,
    accept_invitation,
    invite_kitchen_member,
    sign_in,
    unique,
    visit,
)
from tests.smtp_server import MailServer, Received

pytestmark = pytest.mark.e2e


def wait_for_mail(mail_server: MailServer, address: str, timeout_s: float = 60) -> Received:
    """The first email the mail server got for ``address`` (the app's worker sends it)."""
    deadline = time.monotonic() + timeout_s
    while not (arrived := mail_server.inbox.to(address)):
        if time.monotonic() > deadline:
            raise AssertionError(f"no email reached {address} in {timeout_s:.0f} s")
        time.sleep(0.2)
    return arrived[0]


def outbox_item(owner: Page, email: str, *, once: str) -> Locator:
    """The email's line on /admin/outbox, reloaded a few times until it shows ``once``.

    The page shows the outbox as it was when it loaded; the worker records "sent" just after
    the mail server took the email.
    """
    for _ in range(10):
        visit(owner, "/admin/outbox")
        item = owner.locator(".outbox-email").filter(has_text=email)
        if once in item.inner_text():
            break
        owner.wait_for_timeout(300)
    return item


def test_invitation_arrives_by_smtp_and_the_outbox_says_sent(screen, app_server, mail_server):
    owner = screen(1280, 900, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    name = unique("Sol Smtp")
    email = f"{unique('sol')}@e2e.cliqmenu.test"

    outbox_link = invite_kitchen_member(owner, name=name, email=email)

    received = wait_for_mail(mail_server, email)
    assert received.recipients == [email]
    assert received.subject == f"You're invited to {demo_data.BUSINESS_NAME} on CliqMenu"
    found = INVITE_LINK.search(received.body("plain"))
    assert found and found.group(0) == outbox_link
    assert outbox_link.replace("&", "&amp;") in received.body("html")

    item = outbox_item(owner, email, once="Sent")
    expect(item).to_contain_text("Sent")
    expect(item.locator(".delivery")).to_contain_text("after 1 attempt")

    invitee = screen(1280, 800, name="invitee")
    accept_invitation(invitee, found.group(0), name=name)
    assert len(mail_server.inbox.to(email)) == 1  # one app worker or two: sent once
