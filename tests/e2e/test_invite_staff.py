"""Journey: the owner invites a Kitchen Staff member, who joins through the emailed link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cliqmenu import demo_data
from tests.e2e.helpers import accept_invitation, at, invite_kitchen_member, sign_in, unique

pytestmark = pytest.mark.e2e


def test_invited_kitchen_member_joins_by_link_that_works_once(screen, app_server):
    owner = screen(1280, 900, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")

    name = unique("Kira Cook")
    email = f"{unique('kira')}@e2e.cliqmenu.test"
    link = invite_kitchen_member(owner, name=name, email=email)
    assert link.startswith(app_server.base_url + "/invite"), link

    invitee = screen(1280, 800, name="invitee")
    accept_invitation(invitee, link, name=name)
    invitee.get_by_role("button", name="Account").click()
    expect(invitee.get_by_role("menu")).to_contain_text(name)
    expect(invitee.get_by_role("menu")).to_contain_text("Kitchen Staff")
    invitee.keyboard.press("Escape")

    again = screen(1280, 800, name="again")
    again.goto(link)
    expect(again.get_by_role("alert")).to_contain_text("already been used")
    expect(again.locator("#set-password")).to_have_count(0)
    expect(again).to_have_url(at("/invite"))
