"""Journey: disabling a member ends their open kitchen screen at once, by itself: it goes to
sign-in within a second, and an order accepted right after never reaches it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from cliqmenu import demo_data
from tests.e2e.helpers import (
    NEW_PASSWORD,
    accept_invitation,
    at,
    disable_member,
    invite_kitchen_member,
    place,
    sign_in,
    unique,
)
from tests.e2e.test_kitchen_display import accept_on_manager

pytestmark = pytest.mark.e2e


# Records whether a kitchen card of order ``number`` is ever put on the page, from now on.
WATCH_FOR_CARD = """number => {
    window.cliqCardSeen = false;
    new MutationObserver(() => {
        if (document.getElementById(`kds-order-${number}`)) window.cliqCardSeen = true;
    }).observe(document.body, {childList: true, subtree: true});
}"""


def test_disabled_member_open_kds_falls_back_to_sign_in(screen, app_server):
    owner = screen(1280, 900, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    name = unique("Dan Dishes")
    email = f"{unique('dan')}@e2e.cliqmenu.test"
    link = invite_kitchen_member(owner, name=name, email=email)

    kitchen = screen(1920, 1080, name="kitchen")
    accept_invitation(kitchen, link, name=name)
    expect(kitchen.locator("#live-badge[data-state='live']")).to_be_visible()
    number = place(app_server, unique("Ada Afterwards"))
    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    kitchen.evaluate(WATCH_FOR_CARD, number)

    disable_member(owner, email)
    disabled_at = time.monotonic()
    accept_on_manager(manager, number)  # right after the change, before the kitchen moved

    # No click, no reload by the kitchen: the server sends it to sign-in (the heartbeat took up
    # to ~17 s); the half second beyond "within a second" is for a busy CI machine.
    expect(kitchen).to_have_url(at("/signin"), timeout=1_500)
    print(f"the disabled member's screen fell back after {time.monotonic() - disabled_at:.1f} s")
    expect(manager.locator("#tab-received")).to_be_visible()
    expect(manager.locator(f"#order-{number}")).to_have_count(0)  # accepted: off Received
    kitchen.wait_for_timeout(1_000)  # a push on its way would land meanwhile
    assert kitchen.evaluate("window.cliqCardSeen") is not True
    expect(kitchen.locator(f"#kds-order-{number}")).to_have_count(0)

    kitchen.locator("#email").fill(email)
    kitchen.locator("#password").fill(NEW_PASSWORD)
    kitchen.locator("#sign-in").click()
    expect(kitchen.get_by_role("alert")).to_contain_text("turned off")
    expect(kitchen).to_have_url(at("/signin"))
