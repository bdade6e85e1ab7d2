"""A tab's state belongs to the session cookie that filled it.

Reflex finds a tab's state by its client token, which the page keeps in sessionStorage and
sends when its socket connects: on its own the token would be a credential. Every event
compares the session cookie of the socket it came on (its handshake's Cookie header) with the
one the state was last used with; when they differ (a signed-out tab, a token reused by
another browser or an anonymous socket) every screen's state is reset before the event runs,
so nothing the earlier session read reaches the new caller. Uploads, which arrive over HTTP,
are held to the same binding by ``upload_guard``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import reflex as rx
from reflex.middleware import Middleware

from cliqmenu.db import read_scope
from cliqmenu.services import staff
from cliqmenu.state.auth import SessionState, token_in

UPLOAD_PATH = "/_upload"


def fingerprint(cookie_header: str) -> str:
    """What the state keeps of the session cookie: a hash ("" without one), never the token."""
    token = token_in(cookie_header or "")
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


async def bind_to_cookie(root: rx.State) -> None:
    """Reset every screen of the tab if its socket's session cookie is not the state's own."""
    session_state = await root.get_state(SessionState)
    presented = fingerprint(root.router.headers.cookie)
    if session_state._bound_to == presented:
        return
    truck_choice = session_state.truck_choice  # the device's choice, kept in its storage
    for cls in type(root).get_substates():
        if cls.__module__.startswith("cliqmenu."):  # the app's screens, not Reflex's own
            (await root.get_state(cls)).reset()
    session_state.truck_choice = truck_choice
    session_state._bound_to = presented


@dataclasses.dataclass
class BindToSessionCookie(Middleware):
    """Runs ``bind_to_cookie`` before every event (the hydrate event that sends the page its
    whole state included)."""

    async def preprocess(self, app: Any, state: rx.State, event: Any) -> None:
        await bind_to_cookie(state)
        return None


def _tab_token(scope: dict) -> str:
    for name, value in scope.get("headers", []):
        if name == b"reflex-client-token":
            return value.decode("latin-1")
    return ""


def _cookie(scope: dict) -> str:
    return "; ".join(
        value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"cookie"
    )


async def _upload_allowed(scope: dict) -> bool:
    """The upload's own cookie is a live session, and the one the tab's state belongs to."""
    from reflex.utils.prerequisites import get_and_validate_app

    cookie, token = _cookie(scope), _tab_token(scope)
    if not fingerprint(cookie) or not token:
        return False
    with read_scope() as session:
        if staff.session_for_token(session, token_in(cookie)) is None:
            return False
    app = get_and_validate_app().app
    root = await app.state_manager.get_state(rx.BaseStateToken(ident=token, cls=SessionState))
    session_state = await root.get_state(SessionState)
    return session_state._bound_to == fingerprint(cookie)


async def _discard_body(receive: Any) -> None:
    while True:
        message = await receive()
        if message.get("type") != "http.request" or not message.get("more_body"):
            return


def upload_guard(asgi_app: Any) -> Any:
    """Refuse ``POST /_upload`` (403) unless the request carries the session cookie of the tab
    it names: the tab token alone uploads nothing."""

    async def guarded(scope: dict, receive: Any, send: Any) -> None:
        upload = scope.get("type") == "http" and scope.get("path") == UPLOAD_PATH
        if upload and scope.get("method") == "POST" and not await _upload_allowed(scope):
            await _discard_body(receive)  # an answer before the body is read resets the client
            body = json.dumps({"detail": "Sign in first."}).encode()
            start = {"type": "http.response.start", "status": 403}
            await send({**start, "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        await asgi_app(scope, receive, send)

    return guarded
