"""Invitation links that are expired, reused, tampered or forged open nothing; session tokens
are kept only as hashes.

The invitation page's state is driven as the browser drives it: the link's address is the
tab's URL, ``load`` shows what is wrong with it, ``set_password`` must write nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable

import pytest
import reflex as rx
from joserfc import jwt
from joserfc.jwk import OctKey
from reflex.istate.data import ReflexURL, URLData
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu.models import Role, StaffSession
from cliqmenu.services import staff
from cliqmenu.state.signin import InviteState, SignInState
from tests import factories
from tests.security.support import database_rows
from tests.state.support import sign_in_code, substate

NEW_PASSWORD = "a-new-strong-password"
NOT_VALID = "This invitation link is not valid."
EXPIRED = "This invitation has expired. Ask the owner to resend it."
USED = "This invitation link has already been used. Sign in instead."


def _claims(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _encode(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def forged_with_another_key(token: str) -> str:
    return jwt.encode({"alg": "HS256"}, _claims(token), OctKey.import_key("x" * 48))


def unsigned(token: str) -> str:
    """The same claims under ``alg: none``, no signature at all."""
    return f"{_encode({'alg': 'none'})}.{token.split('.')[1]}."


def for_the_owner(token: str) -> str:
    """The claims rewritten to name another member (the Owner, id 1), old signature kept."""
    header, _claims_part, signature = token.split(".")
    return f"{header}.{_encode({**_claims(token), 'sub': '1'})}.{signature}"


def open_link(root: rx.State, token: str) -> InviteState:
    """The invitation page as the link opens it."""
    root.rx_router_url = URLData.from_url(ReflexURL(f"http://cliq.test/invite?token={token}"))
    page = substate(root, InviteState)
    page.load()
    return page


def invitation_token(session: Session, world: factories.World, email: str) -> str:
    """The token of a new Kitchen Staff invitation, as its link carries it."""
    _member, link = staff.invite(
        session, actor=world.owner, email=email, name="New Cook", role=Role.KITCHEN_STAFF
    )
    session.commit()
    return link.split("token=", 1)[1]


@pytest.fixture
def invited(session: Session, world: factories.World) -> str:
    return invitation_token(session, world, "newcook@example.com")


TAMPERED: dict[str, Callable[[str], str]] = {
    "signature flipped": lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    "signed with another key": forged_with_another_key,
    "alg none": unsigned,
    "claims changed to another member": for_the_owner,
    "garbage": lambda t: "not.a.token",
}


@pytest.mark.parametrize("how", TAMPERED)
async def test_a_tampered_link_is_refused_and_sets_no_password(
    root: rx.State, app_engine: Engine, invited: str, how: str
) -> None:
    before = database_rows(app_engine)
    page = open_link(root, TAMPERED[how](invited))

    assert page.link_error == NOT_VALID
    assert page.invitee_email == ""  # who was invited stays unknown
    await page.set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.error == NOT_VALID
    assert database_rows(app_engine) == before  # no session, no sign-in code


async def test_a_used_link_is_refused_the_second_time(
    root: rx.State, app_engine: Engine, invited: str
) -> None:
    first = open_link(root, invited)
    assert first.link_error == "" and first.invitee_email == "newcook@example.com"
    await first.set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert first.error == ""
    before = database_rows(app_engine)

    again = open_link(root, invited)
    assert again.link_error == USED
    await again.set_password(
        {"password": "someone-elses-password", "confirm": "someone-elses-password"}
    )
    assert again.error == USED
    assert database_rows(app_engine) == before


async def test_an_expired_link_is_refused(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World, configure
) -> None:
    configure(invite_valid_hours=-1)
    token = invitation_token(session, world, "late@example.com")
    before = database_rows(app_engine)

    page = open_link(root, token)
    assert page.link_error == EXPIRED
    await page.set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.error == EXPIRED
    assert database_rows(app_engine) == before


async def test_the_database_holds_only_a_hash_of_the_session_token(
    root: rx.State, app_engine: Engine, world: factories.World, cookie_route
) -> None:
    signed_in = await substate(root, SignInState).sign_in(
        {"email": world.manager.email, "password": factories.DEFAULT_PASSWORD}
    )
    code = sign_in_code(signed_in)
    token = cookie_route.get(f"/api/session/{code}").cookies["cliq_session"]
    assert len(token) >= 32

    stored = json.dumps(database_rows(app_engine), default=str)
    assert token not in stored and code not in stored
    with Session(app_engine) as session:
        row = session.exec(select(StaffSession)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # The hash itself does not sign anyone in.
    with Session(app_engine) as session:
        assert staff.member_for_token(session, row.token_hash) is None
        assert staff.member_for_token(session, token).id == world.manager.id
