"""Signing in with an identity provider, end to end in Chromium.

The module brings its own app, configured with one generic OpenID Connect provider, "Test ID":
the local provider of tests/oidc_provider.py (authlib's server components, on 127.0.0.1),
which approves at once as whoever the test says. The owner invites a member on /admin/staff;
the member presses "Continue with Test ID" on /signin and lands on their view. An email that
was never invited, an unverified email, an ID token with another nonce, a changed or replayed
state, an error from the provider and a disabled member are each refused, with a message on
the sign-in page.

Run in a pytest process of its own (scripts/test.sh does):
``pytest tests/e2e/test_oidc_sign_in.py -m e2e -p no:asyncio``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from cliqmenu import demo_data
from cliqmenu.services.sign_in_refusals import MESSAGES
from tests.e2e.conftest import AppServer, app_base_url, own_app_server
from tests.e2e.helpers import (
    at,
    disable_member,
    invite_kitchen_member,
    loads,
    sign_in,
    unique,
    visit,
    wait_loaded,
)
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, Misbehave, TestUser

pytestmark = pytest.mark.e2e

PROVIDER_NAME = "Test ID"
CALLBACK = re.compile(r"/api/sso/testid/callback\?")


@pytest.fixture(scope="module")
def provider_and_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LocalProvider, AppServer]]:
    base_url = app_base_url()
    # The provider is another site (localhost; the app is 127.0.0.1) whose own page sends the
    # browser back, as Google's does: the cookies must survive that cross-site navigation.
    callback = f"{base_url}/api/sso/testid/callback"
    with LocalProvider(callback, host="localhost", approve_in_page=True) as provider:
        settings = {
            "CLIQMENU_OIDC_TESTID_DISCOVERY_URL": provider.discovery_url,
            "CLIQMENU_OIDC_TESTID_CLIENT_ID": CLIENT_ID,
            "CLIQMENU_OIDC_TESTID_CLIENT_SECRET": CLIENT_SECRET,
            "CLIQMENU_OIDC_TESTID_NAME": PROVIDER_NAME,
        }
        with own_app_server(tmp_path_factory.mktemp("oidc"), base_url, settings) as server:
            yield provider, server


@pytest.fixture(scope="module")
def app_server(provider_and_server: tuple[LocalProvider, AppServer]) -> AppServer:
    """This module's app replaces the session's, for ``browser``, ``screen`` and the log check."""
    return provider_and_server[1]


@pytest.fixture
def provider(provider_and_server: tuple[LocalProvider, AppServer]) -> LocalProvider:
    """The provider, answering honestly unless the test says otherwise."""
    running = provider_and_server[0]
    running.misbehave = Misbehave()
    return running


def continue_with_provider(page: Page) -> int:
    """Open /signin and press "Continue with Test ID"; the page-load count before the press."""
    visit(page, "/signin")
    since = loads(page)
    page.get_by_role("link", name=f"Continue with {PROVIDER_NAME}").click()
    return since


def refused_with(page: Page, reason: str) -> None:
    """The sign-in page is back, saying why, and nobody is signed in."""
    expect(page).to_have_url(at("/signin"))
    message = MESSAGES[reason].format(provider=PROVIDER_NAME)
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page.locator("#email")).to_be_visible()


def test_an_invited_member_signs_in_with_the_provider_and_lands_on_their_view(
    screen, provider: LocalProvider
) -> None:
    owner = screen(name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    name = unique("Nia")
    email = f"{name.lower()}@crew.example.test"
    invite_kitchen_member(owner, name=name, email=email)

    member = screen(name="member")
    callbacks: list[str] = []
    member.on("request", lambda r: callbacks.append(r.url) if CALLBACK.search(r.url) else None)
    provider.user = TestUser(email.upper(), name=name)  # the provider's case differs
    since = continue_with_provider(member)
    expect(member).to_have_url(at("/kds"))
    wait_loaded(member, since)
    expect(member.locator("#kds-count")).to_be_visible()

    visit(owner, "/admin/staff")
    expect(owner.locator("#staff-table .staff-line").filter(has_text=email)).not_to_contain_text(
        "Pending"
    )

    # The provider's answer works once: the same callback again, in another browser, is refused.
    assert len(callbacks) == 1
    replay = screen(name="replay")
    replay.goto(callbacks[0])
    refused_with(replay, "expired")


@pytest.mark.parametrize(
    ("user", "misbehave", "reason"),
    [
        (TestUser("stranger@elsewhere.example.test"), Misbehave(), "not_invited"),
        (TestUser(demo_data.MANAGER_EMAIL, email_verified=False), Misbehave(), "unverified"),
        (TestUser(demo_data.MANAGER_EMAIL), Misbehave(wrong_nonce=True), "nonce"),
        (TestUser(demo_data.MANAGER_EMAIL), Misbehave(changed_state=True), "state"),
        (TestUser(demo_data.MANAGER_EMAIL), Misbehave(error="access_denied"), "provider_error"),
    ],
    ids=["never invited", "unverified email", "another nonce", "changed state", "provider error"],
)
def test_a_sign_in_that_cannot_be_trusted_is_refused_with_a_message(
    screen, provider: LocalProvider, user: TestUser, misbehave: Misbehave, reason: str
) -> None:
    page = screen()
    provider.user, provider.misbehave = user, misbehave
    continue_with_provider(page)
    refused_with(page, reason)


def test_a_disabled_member_is_refused(screen, provider: LocalProvider) -> None:
    owner = screen(name="owner")
    sign_in(owner, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    disable_member(owner, demo_data.KITCHEN_EMAIL)

    page = screen(name="kitchen")
    provider.user = TestUser(demo_data.KITCHEN_EMAIL)
    continue_with_provider(page)
    refused_with(page, "disabled")


def test_the_sign_in_page_offers_exactly_the_configured_provider(screen) -> None:
    page = screen()
    visit(page, "/signin")
    expect(page.locator(".sso-button")).to_have_count(1)
    expect(page.locator("#sso-testid")).to_have_text(f"Continue with {PROVIDER_NAME}")
