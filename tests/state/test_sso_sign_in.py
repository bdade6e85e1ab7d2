"""Signing in with an identity provider, against a real local OpenID Connect provider.

The app's /api/sso routes run in-process (Starlette's TestClient, which keeps cookies like a
browser); the provider (tests/oidc_provider.py) serves on 127.0.0.1 and the app talks to it
over real HTTP for discovery, the JWKS and the code exchange.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select
from starlette.testclient import TestClient

from cliqmenu.api import build_api
from cliqmenu.models import AuditEvent, Invitation, Role, StaffSession, StaffStatus
from cliqmenu.services import staff
from cliqmenu.services.sign_in_refusals import MESSAGES
from cliqmenu.settings import get_settings
from cliqmenu.sso import flow
from tests import factories
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, Misbehave, TestUser

APP = "http://testserver"
CALLBACK = f"{APP}/api/sso/testid/callback"


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    with LocalProvider(CALLBACK) as running:
        yield running


@pytest.fixture
def app(provider: LocalProvider, configure, app_engine: Engine) -> Iterator[TestClient]:
    """The app's HTTP routes with the local provider configured as "Test ID"."""
    configure(
        public_url=APP,
        oidc_testid_discovery_url=provider.discovery_url,
        oidc_testid_client_id=CLIENT_ID,
        oidc_testid_client_secret=CLIENT_SECRET,
        oidc_testid_name="Test ID",
    )
    flow._discovered.clear()
    with TestClient(build_api(), base_url=APP, follow_redirects=False) as client:
        yield client


def go_through_provider(app: TestClient) -> str:
    """Press "Continue with Test ID"; the URL the provider sends the browser back to."""
    started = app.get("/api/sso/testid/start")
    assert started.status_code == 302
    assert "cliq_sso" in app.cookies
    answer = httpx.get(started.headers["location"])
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def sign_in(app: TestClient) -> httpx.Response:
    return app.get(go_through_provider(app))


def refusal(response: httpx.Response) -> str:
    """The reason the app sent back to /signin with (and the pending cookie is gone)."""
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/signin"
    assert "cliq_session" not in response.cookies
    return parse_qs(location.query)["sso_error"][0]


def invited(session: Session, world: factories.World, email: str) -> int:
    member, _link = staff.invite(
        session, actor=world.owner, email=email, name="Nia", role=Role.KITCHEN_STAFF
    )
    session.commit()
    return member.id


def sessions(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(StaffSession)).one()


def test_an_invited_member_signs_in_accepts_the_invitation_and_lands_on_their_view(
    app: TestClient, provider: LocalProvider, session: Session, world, engine: Engine
) -> None:
    member_id = invited(session, world, "nia@cliq-tacos.example.com")
    provider.user = TestUser("Nia@Cliq-Tacos.example.com")  # the provider's case differs

    answer = sign_in(app)

    assert answer.status_code == 302
    assert answer.headers["location"] == "/kds"
    token = answer.cookies["cliq_session"]
    assert "cliq_sso" not in app.cookies  # the pending sign-in is spent
    with Session(engine) as fresh:
        member = staff.member_for_token(fresh, token)
        assert member is not None and member.id == member_id
        assert member.status == StaffStatus.ACTIVE and member.password_hash is None
        links = fresh.exec(select(Invitation).where(Invitation.staff_id == member_id)).all()
        assert links and all(link.used_at is not None for link in links)
        actions = fresh.exec(select(AuditEvent.action)).all()
        assert "staff.accepted_invitation" in actions


def test_an_active_member_lands_on_their_role_page_and_no_provider_token_is_stored(
    app: TestClient, provider: LocalProvider, world, engine: Engine
) -> None:
    provider.user = TestUser(world.manager.email)

    answer = sign_in(app)

    assert answer.headers["location"] == "/manage"
    assert provider.issued, "the app exchanged the code for tokens"
    with Session(engine) as fresh:
        stored = " ".join(
            str(row)
            for table in SQLModel.metadata.sorted_tables
            for row in fresh.connection().execute(select(table))
        )
    assert world.manager.email in stored
    assert not any(token in stored for token in provider.issued)


def test_an_email_that_was_never_invited_is_refused(
    app: TestClient, provider: LocalProvider, world, engine: Engine
) -> None:
    provider.user = TestUser("stranger@example.com")
    assert refusal(sign_in(app)) == "not_invited"
    assert sessions(engine) == 0


def test_an_unverified_email_is_refused_even_when_invited(
    app: TestClient, provider: LocalProvider, world, engine: Engine
) -> None:
    provider.user = TestUser(world.manager.email, email_verified=False)
    assert refusal(sign_in(app)) == "unverified"
    assert sessions(engine) == 0


def test_a_disabled_member_is_refused(
    app: TestClient, provider: LocalProvider, session: Session, world, engine: Engine
) -> None:
    staff.set_enabled(session, actor=world.owner, staff_id=world.kitchen.id, enabled=False)
    session.commit()
    provider.user = TestUser(world.kitchen.email)
    assert refusal(sign_in(app)) == "disabled"
    assert sessions(engine) == 0


@pytest.mark.parametrize(
    ("misbehave", "reason"),
    [
        (Misbehave(wrong_nonce=True), "nonce"),
        (Misbehave(audience="someone-else"), "invalid_token"),
        (Misbehave(changed_state=True), "state"),
        (Misbehave(error="access_denied"), "provider_error"),
    ],
    ids=["another nonce", "another client's ID token", "changed state", "provider error"],
)
def test_an_answer_that_does_not_belong_to_this_sign_in_is_refused(
    app: TestClient, provider: LocalProvider, world, engine: Engine, misbehave, reason: str
) -> None:
    provider.user = TestUser(world.manager.email)
    provider.misbehave = misbehave
    assert refusal(sign_in(app)) == reason
    assert sessions(engine) == 0


def test_a_replayed_callback_is_refused(
    app: TestClient, provider: LocalProvider, world, engine: Engine
) -> None:
    provider.user = TestUser(world.manager.email)
    back = go_through_provider(app)
    pending = app.cookies["cliq_sso"]
    assert app.get(back).headers["location"] == "/manage"

    assert refusal(app.get(back)) == "expired"  # this browser's pending sign-in is spent
    app.cookies.set("cliq_sso", pending, path="/api/sso")  # a copy kept by someone else
    assert refusal(app.get(back)) == "provider_error"  # the provider takes a code only once
    assert sessions(engine) == 1


def test_a_pending_sign_in_that_is_missing_forged_or_stale_is_refused(
    app: TestClient, provider: LocalProvider, world, engine: Engine
) -> None:
    provider.user = TestUser(world.manager.email)
    back = go_through_provider(app)
    key = OctKey.import_key(get_settings().signing_key())
    claims = jwt.decode(app.cookies["cliq_sso"], key).claims
    assert claims["exp"] - time.time() == pytest.approx(flow.PENDING_SECONDS, abs=60)
    forged = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key("x" * 48))
    stale = jwt.encode({"alg": "HS256"}, {**claims, "exp": int(time.time()) - 1}, key)

    app.cookies.clear()
    assert refusal(app.get(back)) == "expired"
    for pending in (forged, stale):
        app.cookies.set("cliq_sso", pending, path="/api/sso")
        assert refusal(app.get(back)) == "expired"
    assert sessions(engine) == 0


def test_an_unknown_provider_is_not_found(app: TestClient) -> None:
    assert app.get("/api/sso/nobody/start").status_code == 404
    assert app.get("/api/sso/nobody/callback?code=x&state=y").status_code == 404


def test_every_refusal_has_a_message() -> None:
    for reason, text in MESSAGES.items():
        assert text.format(provider="Test ID").endswith("."), reason
