"""Helpers for state tests: reach a substate, sign a tab in, read what a handler left behind."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import reflex as rx
from reflex.istate.data import HeaderData, SessionData, URLData, _url_from_router_data
from reflex_base.event import EventSpec
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cliqmenu.models import AuditEvent, Order, StaffMember
from cliqmenu.routes import SESSION_COOKIE
from cliqmenu.services import lifecycle, staff
from cliqmenu.state.auth import SessionState
from tests import factories

S = TypeVar("S", bound=rx.State)

ROLE_REFUSED = "Your role cannot do that."


def substate(root: rx.State, cls: type[S]) -> S:
    """The instance of ``cls`` in ``root``'s tree."""
    found = root.get_substate(cls._get_substate_path())
    assert isinstance(found, cls)
    return found


def sign_in(session: Session, member: StaffMember, *, check_password: bool = False) -> str:
    """A new session token for ``member``, as the sign-in page gets one.

    ``staff.sign_in`` checks the password with Argon2 (about half a second here) and then
    calls ``staff.open_session``; most tests skip the check, a few keep it.
    """
    if check_password:
        result = staff.sign_in(session, email=member.email, password=factories.DEFAULT_PASSWORD)
    else:
        result = staff.open_session(session, member=member, device="pytest")
    session.commit()
    return result.token


def carry_token(root: rx.State, token: str) -> SessionState:
    """Make ``root``'s browser tab send ``token`` as its session cookie: in the Cookie header of
    the request that opened its websocket, the only place the server reads it from."""
    cookie = f"{SESSION_COOKIE}={token}" if token else ""
    root.rx_router_headers = HeaderData.from_router_data({"headers": {"cookie": cookie}})
    return substate(root, SessionState)


@dataclass(frozen=True)
class Trace:
    """What a refused handler must leave as it was."""

    stage: str
    audit_events: int
    updated_at: dt.datetime | None


def trace(engine: Engine, order_id: int) -> Trace:
    """The order's stage, audit trail length and last change, read in a fresh unit of work."""
    with Session(engine) as session:
        order = session.get(Order, order_id)
        count = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.order_id == order_id)
        ).one()
        return Trace(order.stage.value, count, order.updated_at)


def outcome(result: Any) -> tuple[str, str]:
    """What a handler's return value does in the browser: ("redirect", path), ("toast", js),
    ("script", js)."""
    specs = result if isinstance(result, list) else [result]
    assert specs and all(isinstance(spec, EventSpec) for spec in specs), result
    spec = specs[-1]
    name = spec.handler.fn.__qualname__
    args = {str(key): value for key, value in spec.args}
    if name == "_redirect":
        return "redirect", args["path"]._var_value
    if name == "_call_script":
        return "script", args["javascript_code"]._var_value
    if name == "_call_function" and "__toast" in str(args["function"]):
        return "toast", str(args["function"])
    raise AssertionError(f"unexpected outcome {name}: {args}")


def sign_in_code(result: Any) -> str:
    """The code a successful sign-in handler sends the page to GET /api/session/<code> with."""
    kind, script = outcome(result)
    assert kind == "script", (kind, script)
    found = re.search(r"/api/session/([\w-]+)", script)
    assert found, script
    return found.group(1)


def assert_refused(result: Any, *, by: str) -> None:
    """``by``: "sign-in" (sent to the sign-in page) or a message shown in an error toast."""
    kind, detail = outcome(result)
    if by == "sign-in":
        assert (kind, detail) == ("redirect", "/signin")
    else:
        assert kind == "toast", detail
        assert '["error"]' in detail and by in detail, detail


def accept_now(session: Session, *, world: factories.World, order: Order) -> Order:
    """The manager accepts ``order`` (10 min); it goes In Progress."""
    order = lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10),
    )
    session.commit()
    return order


class Screens:
    """The open tabs by client token: what the hub's pushes reach (it stands in for the app's
    state manager, handing the hub the tab's own state tree as ``app.modify_state`` would)."""

    def __init__(self) -> None:
        self.roots: dict[str, rx.State] = {}
        # What was sent to each tab beside its state (events such as a redirect), by token.
        self.sent: dict[str, list[Any]] = {}
        self.event_namespace = self

    def open(self, session: Session | None = None, member: StaffMember | None = None) -> rx.State:
        """A new tab; signed in as ``member`` if given."""
        root = rx.State(_reflex_internal_init=True)
        token = str(uuid.uuid4())
        root.rx_router_session = SessionData(
            client_token=token, client_ip="127.0.0.1", session_id=f"sid-{token}"
        )
        if session is not None and member is not None:
            carry_token(root, sign_in(session, member))
        self.roots[token] = root
        return root

    @asynccontextmanager
    async def modify_state(self, token_key) -> AsyncIterator[rx.State]:
        yield self.roots[token_key.ident]

    async def emit_update(self, update: Any, token: str) -> None:
        self.sent.setdefault(token, []).extend(update.events)


def at_path(root: rx.State, path: str) -> rx.State:
    """The tab has loaded ``path`` (what a page's on_load reads from the router)."""
    root.rx_router_url = URLData.from_url(
        _url_from_router_data({"pathname": path, "asPath": path, "query": {}})
    )
    return root
