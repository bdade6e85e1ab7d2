"""The staff session cookie, set and cleared over HTTP so that it can be HttpOnly.

GET /api/session/<code> spends a sign-in hand-off code (cliqmenu.services.session_handoff),
opens the session, sets ``cliq_session`` (HttpOnly, SameSite=Strict, Path=/, Secure when the
public URL is https) and sends the member to their role's view. POST /api/session/sign-out
ends the session the cookie names and clears it. The identity-provider callback sets the same
cookie through ``set_session_cookie``.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cliqmenu.db import session_scope
from cliqmenu.models import Role
from cliqmenu.routes import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    SESSION_ROUTE,
    SIGN_IN,
    SIGN_OUT_ROUTE,
    home_for,
)
from cliqmenu.services import session_handoff, staff
from cliqmenu.settings import get_settings


def _secure() -> bool:
    return get_settings().public_url.startswith("https://")


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(),
    )


def _redeem(code: str, device: str) -> tuple[str, Role] | None:
    with session_scope() as session:
        signed_in = session_handoff.redeem(session, code=code, device=device)
        return (signed_in.token, signed_in.member.role) if signed_in else None


async def start(request: Request) -> Response:
    device = request.headers.get("user-agent", "")
    found = await asyncio.to_thread(_redeem, request.path_params["code"], device)
    if found is None:
        # Spent, expired or unknown: the sign-in page (which goes on to the member's view if
        # this browser is signed in already).
        return redirect(SIGN_IN)
    token, role = found
    response = redirect(home_for(role))
    set_session_cookie(response, token)
    return response


def _sign_out(token: str) -> None:
    with session_scope() as session:
        staff.sign_out(session, token=token)


async def sign_out(request: Request) -> Response:
    # Another site's form may not sign anyone out (SameSite keeps the cookie from it anyway).
    if request.headers.get("sec-fetch-site") == "cross-site":
        return Response(status_code=403)
    if token := request.cookies.get(SESSION_COOKIE):
        await asyncio.to_thread(_sign_out, token)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure()
    )
    return response


routes = [
    Route(SIGN_OUT_ROUTE, sign_out, methods=["POST"]),
    Route(f"{SESSION_ROUTE}/{{code}}", start, methods=["GET"]),
]
