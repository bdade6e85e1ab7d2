"""Signing in with an identity provider: GET /api/sso/<provider>/start and .../callback.

``start`` sends the browser to the provider with a fresh state, nonce and PKCE challenge, kept
in a signed, ten-minute, HttpOnly cookie that only these routes receive. ``callback`` checks
the provider's answer (cliqmenu.sso.flow), then opens a session and sets the same HttpOnly
``cliq_session`` cookie as the password sign-in (cliqmenu.api.session) and sends the member to their role's page; a
refusal goes back to /signin, whose page says why. The pending cookie is spent either way.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from cliqmenu.api.session import set_session_cookie
from cliqmenu.db import session_scope
from cliqmenu.models import Role
from cliqmenu.routes import SIGN_IN, home_for
from cliqmenu.services import staff
from cliqmenu.services.sign_in_refusals import SignInRefused
from cliqmenu.settings import get_settings
from cliqmenu.sso import flow, providers

log = logging.getLogger("cliqmenu.sso")


def _secure() -> bool:
    return get_settings().public_url.startswith("https://")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


def _unknown() -> Response:
    return JSONResponse({"error": "No such identity provider."}, status_code=404)


def _refused(provider: providers.Provider, refusal: SignInRefused) -> RedirectResponse:
    log.warning("sign-in with %s refused: %s %s", provider.key, refusal.reason, refusal.detail)
    query = urlencode({"sso_error": refusal.reason, "provider": provider.key})
    return _redirect(f"{SIGN_IN}?{query}")


async def start(request: Request) -> Response:
    provider = providers.find(request.path_params["provider"])
    if provider is None:
        return _unknown()
    try:
        started = await flow.start(provider)
    except SignInRefused as refusal:
        return _refused(provider, refusal)
    response = _redirect(started.authorize_url)
    response.set_cookie(
        flow.PENDING_COOKIE,
        started.pending,
        max_age=flow.PENDING_SECONDS,
        path=flow.ROUTES,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a cross-site navigation
        secure=_secure(),
    )
    return response


def _open_session(email: str, device: str) -> tuple[str, Role]:
    with session_scope() as session:
        signed_in = staff.sign_in_with_provider(session, email=email, device=device)
        return signed_in.token, signed_in.member.role


async def callback(request: Request) -> Response:
    provider = providers.find(request.path_params["provider"])
    if provider is None:
        return _unknown()
    try:
        email = await flow.finish(
            provider,
            params=dict(request.query_params),
            pending=request.cookies.get(flow.PENDING_COOKIE),
        )
        device = request.headers.get("user-agent", "")
        token, role = await asyncio.to_thread(_open_session, email, device)
    except SignInRefused as refusal:
        response = _refused(provider, refusal)
    else:
        response = _redirect(home_for(role))
        set_session_cookie(response, token)
    response.delete_cookie(flow.PENDING_COOKIE, path=flow.ROUTES, httponly=True, samesite="lax")
    return response


def routes() -> list[Route]:
    """The two routes; a half-configured provider stops the app here, at start."""
    providers.configured()
    return [
        Route(f"{flow.ROUTES}/{{provider}}/start", start, methods=["GET"]),
        Route(f"{flow.ROUTES}/{{provider}}/callback", callback, methods=["GET"]),
    ]
