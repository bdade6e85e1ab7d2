"""The staff session cookie is HttpOnly: set and cleared only by HTTP routes, read only from the
request that opened the websocket.

The sign-in handlers are called as the browser calls them; what they send the page to
(GET /api/session/<code>) and the sign-out route run in-process (cookie_route).
"""

from __future__ import annotations

import datetime as dt

import reflex as rx
from reflex_base.utils import format
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from cliqmenu.models import Role, SessionHandoff, StaffSession, utcnow
from cliqmenu.services import staff
from cliqmenu.state.auth import SessionState
from cliqmenu.state.signin import InviteState, SignInState
from tests import factories
from tests.state.support import carry_token, outcome, sign_in, sign_in_code, substate

NEW_PASSWORD = "a-new-strong-password"


async def password_sign_in(root: rx.State, member) -> str:
    page = substate(root, SignInState)
    result = await page.sign_in({"email": member.email, "password": factories.DEFAULT_PASSWORD})
    assert page.error == ""
    return sign_in_code(result)


def member_behind(engine: Engine, token: str):
    with Session(engine) as session:
        return staff.member_for_token(session, token)


async def test_signing_in_sets_an_httponly_strict_cookie_and_lands_on_the_role_view(
    root: rx.State, app_engine: Engine, world: factories.World, cookie_route: TestClient
) -> None:
    for member, view in ((world.manager, "/manage"), (world.kitchen, "/kds")):
        code = await password_sign_in(root, member)
        answer = cookie_route.get(f"/api/session/{code}")

        assert answer.status_code == 302 and answer.headers["location"] == view
        set_cookie = answer.headers["set-cookie"]
        assert set_cookie.startswith("cliq_session=")
        attributes = {part.strip().lower() for part in set_cookie.split(";")}
        assert {"httponly", "samesite=strict", "path=/"} <= attributes
        assert "secure" not in attributes  # a plain-http install would lose it
        assert member_behind(app_engine, answer.cookies["cliq_session"]).id == member.id


async def test_a_sign_in_code_works_once(
    root: rx.State, app_engine: Engine, world: factories.World, cookie_route: TestClient
) -> None:
    code = await password_sign_in(root, world.manager)
    assert cookie_route.get(f"/api/session/{code}").status_code == 302

    again = TestClient(cookie_route.app, follow_redirects=False).get(f"/api/session/{code}")

    assert again.headers["location"] == "/signin"
    assert "cliq_session" not in again.cookies
    with Session(app_engine) as session:
        assert len(session.exec(select(StaffSession)).all()) == 1
    guessed = cookie_route.get("/api/session/not-a-code")
    assert guessed.headers["location"] == "/signin" and "set-cookie" not in guessed.headers


async def test_a_code_past_its_minute_opens_nothing_and_is_cleared_away(
    root: rx.State, app_engine: Engine, world: factories.World, cookie_route: TestClient
) -> None:
    code = await password_sign_in(root, world.manager)
    with Session(app_engine) as session:
        row = session.exec(select(SessionHandoff)).one()
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        session.add(row)
        session.commit()

    assert cookie_route.get(f"/api/session/{code}").headers["location"] == "/signin"
    await password_sign_in(root, world.kitchen)
    with Session(app_engine) as session:
        assert len(session.exec(select(SessionHandoff)).all()) == 1  # only the new one


async def test_a_member_disabled_before_the_code_is_used_is_not_signed_in(
    root: rx.State, session: Session, world: factories.World, cookie_route: TestClient
) -> None:
    code = await password_sign_in(root, world.kitchen)
    staff.set_enabled(session, actor=world.owner, staff_id=world.kitchen.id, enabled=False)
    session.commit()

    answer = cookie_route.get(f"/api/session/{code}")

    assert answer.headers["location"] == "/signin"
    assert "cliq_session" not in answer.cookies


async def test_the_cookie_is_secure_when_the_public_url_is_https(
    root: rx.State, world: factories.World, cookie_route: TestClient, configure
) -> None:
    configure(public_url="https://orders.example.com")
    code = await password_sign_in(root, world.owner)

    answer = cookie_route.get(f"/api/session/{code}")

    assert answer.headers["location"] == "/admin"
    assert "secure" in {part.strip().lower() for part in answer.headers["set-cookie"].split(";")}


async def test_accepting_an_invitation_signs_in_through_the_cookie(
    root: rx.State, app_engine: Engine, session: Session, world, cookie_route: TestClient
) -> None:
    _member, link = staff.invite(
        session, actor=world.owner, email="newcook@example.com", name="Nia", role=Role.KITCHEN_STAFF
    )
    session.commit()
    root.rx_router_url = rx.istate.data.URLData.from_url(
        rx.istate.data.ReflexURL(f"http://cliq.test/invite?{link.split('?', 1)[1]}")
    )
    page = substate(root, InviteState)
    page.load()

    result = await page.set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    answer = cookie_route.get(f"/api/session/{sign_in_code(result)}")

    assert answer.headers["location"] == "/kds"
    assert member_behind(app_engine, answer.cookies["cliq_session"]).email == "newcook@example.com"


async def test_only_the_websocket_cookie_signs_a_tab_in(
    root: rx.State, session: Session, world: factories.World
) -> None:
    token = sign_in(session, world.manager)
    session_state = substate(root, SessionState)
    assert session_state._session_token() == ""

    carry_token(root, token)

    assert session_state._member().id == world.manager.id
    assert session_state.member_name == world.manager.name
    # The state the browser is sent carries the request headers, never the cookie.
    sent = format.json_dumps(root.dict())
    assert world.manager.name in sent and token not in sent


async def test_signing_out_ends_the_session_and_clears_the_cookie(
    root: rx.State, app_engine: Engine, world: factories.World, cookie_route: TestClient
) -> None:
    code = await password_sign_in(root, world.manager)
    token = cookie_route.get(f"/api/session/{code}").cookies["cliq_session"]
    carry_token(root, token)

    kind, script = outcome(substate(root, SessionState).sign_out())

    assert kind == "script" and "/api/session/sign-out" in script and "/signin" in script
    assert member_behind(app_engine, token) is None  # every open screen falls back to sign-in
    cleared = cookie_route.post("/api/session/sign-out")
    assert cleared.status_code == 204
    assert cleared.headers["set-cookie"].startswith('cliq_session="";')
    assert "cliq_session" not in cookie_route.cookies


async def test_the_sign_out_route_alone_ends_the_session(
    root: rx.State, app_engine: Engine, world: factories.World, cookie_route: TestClient
) -> None:
    code = await password_sign_in(root, world.owner)
    token = cookie_route.get(f"/api/session/{code}").cookies["cliq_session"]

    refused = cookie_route.post("/api/session/sign-out", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert member_behind(app_engine, token) is not None

    assert cookie_route.post("/api/session/sign-out").status_code == 204
    assert member_behind(app_engine, token) is None
