"""Journey: each role sees only its own views; visitors who are not signed in see sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cliqmenu import demo_data
from tests.e2e.helpers import at, sign_in, visit

pytestmark = pytest.mark.e2e


def test_kitchen_staff_cannot_open_the_manager_view(screen):
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    kitchen.goto("/manage")
    expect(kitchen).to_have_url(at("/kds"))
    expect(kitchen.locator("#kds-count")).to_be_visible()
    expect(kitchen.locator("#accept-order")).to_have_count(0)


def test_order_manager_cannot_open_the_owner_pages(screen):
    manager = screen(390, 844, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    manager.goto("/admin")
    expect(manager).to_have_url(at("/manage"))
    expect(manager.locator("#send-invite")).to_have_count(0)


@pytest.mark.parametrize("path", ["/manage", "/kds", "/admin"])
def test_visitors_who_are_not_signed_in_land_on_sign_in(screen, path):
    visitor = screen(1280, 800, name="visitor")
    visitor.goto(path)
    expect(visitor).to_have_url(at("/signin"))
    expect(visitor.locator("#email")).to_be_visible()


def test_the_sign_in_page_offers_no_identity_provider_when_none_is_configured(screen):
    visitor = screen(390, 844, name="visitor")
    visit(visitor, "/signin")
    expect(visitor.locator("#sign-in")).to_be_visible()
    expect(visitor.locator(".sso-button")).to_have_count(0)


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "cliq_session"), None)


def test_no_script_can_read_the_session_cookie_and_sign_out_clears_it(screen):
    manager = screen(390, 844, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")

    cookie = session_cookie(manager)
    assert (
        cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    )
    assert "cliq_session" not in manager.evaluate("document.cookie")
    assert cookie["value"] not in manager.content()
    # A reload opens a new websocket: the browser sends the cookie again and the board stays.
    manager.reload()
    expect(manager.locator("#tab-received")).to_be_visible()

    manager.get_by_role("button", name="Account").click()
    manager.locator("#sign-out").click()
    expect(manager).to_have_url(at("/signin"))
    expect(manager.locator("#email")).to_be_visible()
    assert session_cookie(manager) is None
    manager.goto("/manage")
    expect(manager).to_have_url(at("/signin"))
