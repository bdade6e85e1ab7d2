"""Journey: disabling a member ends their open kitchen screen by itself."""

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
    sign_in,
    unique,
)

pytestmark = pytest.mark.e2e


def test_disabled_member_open_kds_falls_back_to_sign_in(screen):
    owner = screen(1280, 900, name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    name = unique("Dan Dishes")
    email = f"{unique('dan')}@e2e.cliqmenu.test"
    link = invite_kitchen_member(owner, name=name, email=email)

    kitchen = screen(1920, 1080, name="kitchen")
    accept_invitation(kitchen, link, name=name)
    expect(kitchen.locator("#live-badge[data-state='live']")).to_be_visible()

    disable_member(owner, email)
    disabled_at = time.monotonic()

    # No click, no reload by the kitchen: the screen notices by its heartbeat (every 5 s); the
    # 2 s beyond "about 10 s" are for a busy CI machine.
    expect(kitchen).to_have_url(at("/signin"), timeout=12_000)
    print(f"the disabled member's screen fell back after {time.monotonic() - disabled_at:.1f} s")

    kitchen.locator("#email").fill(email)
    kitchen.locator("#password").fill(NEW_PASSWORD)
    kitchen.locator("#sign-in").click()
    expect(kitchen.get_by_role("alert")).to_contain_text("turned off")
    expect(kitchen).to_have_url(at("/signin"))
