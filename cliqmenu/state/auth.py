"""Who is calling: the signed-in member behind this browser's session cookie, checked every call.

The cookie is HttpOnly: no script on the page can read it, so the page never sends it in an
event. The server reads it from the Cookie header of the request that opened the websocket
(``router.headers.cookie``, never sent to the browser); a reconnect is a new request with the
cookie as it is then. Signing in ends with the browser fetching the cookie from an HTTP route
(cliqmenu.api.session), which is also what signs out.
"""

from __future__ import annotations

import json
import time

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import read_scope, session_scope
from cliqmenu.infra import session_generation
from cliqmenu.models import Role, StaffMember, Truck
from cliqmenu.routes import KDS, KDS_EXPO, SESSION_COOKIE, SESSION_ROUTE, SIGN_IN, SIGN_OUT_ROUTE
from cliqmenu.services import staff
from cliqmenu.services.errors import DomainError, NotSignedIn

# A heartbeat trusts the session it last read for this long unless sessions changed meanwhile.
RECHECK_SECONDS = 60

MANAGERS = (Role.ORDER_MANAGER,)
KITCHEN = (Role.ORDER_MANAGER, Role.KITCHEN_STAFF)
OWNER_ONLY = (Role.OWNER,)


class SessionState(rx.State):
    """The browser's session and chosen truck; the member is looked up again on every call."""

    truck_choice: str = rx.LocalStorage("", name="cliq_truck", sync=True)
    # The kitchen station this device's kitchen display shows: "all", a station's id, "expo".
    station_choice: str = rx.LocalStorage("all", name="cliq_kds_station", sync=True)
    member_name: str = ""
    role: str = ""
    role_label: str = ""
    is_owner: bool = False

    # What the last database read found, for heartbeats (backend only, never sent).
    _checked_at: float = 0.0
    _checked_mark: str = ""
    _session_ends_at: float = 0.0
    # The session cookie this tab's state belongs to (a hash; state/session_binding.py).
    _bound_to: str = ""

    def _session_token(self) -> str:
        """The session cookie the browser sent when it opened this websocket."""
        return token_in(self.router.headers.cookie)

    def _member(self, *roles: Role) -> StaffMember:
        """The signed-in member with one of ``roles`` (Owner always passes), else Forbidden."""
        with read_scope() as session:
            found = staff.session_for_token(session, self._session_token())
        member = found[0] if found else None
        self._remember(member, found[1].timestamp() if found else 0.0)
        return staff.require_role(member, *roles)

    async def _still_signed_in(self, *roles: Role) -> None:
        """For heartbeats: the session as last read, unless any session changed since, it ended,
        or a minute went by; then read again. Handlers that act always use ``_member``."""
        mark = await session_generation.current()
        now = time.time()
        if (
            self.role
            and staff.role_allows(Role(self.role), *roles)
            and mark == self._checked_mark
            and now - self._checked_at < RECHECK_SECONDS
            and now < self._session_ends_at
        ):
            return
        self._checked_mark = mark
        self._member(*roles)

    def _remember(self, member: StaffMember | None, ends_at: float) -> None:
        # Who is signed in is kept even when the role does not fit, so a page can send them
        # to their own view; a gone session clears it. Assigned only when changed: an assigned
        # var is sent to the browser and written to the state store again.
        shown = (
            (member.name, member.role.value, member.role.label, member.role == Role.OWNER)
            if member
            else ("", "", "", False)
        )
        if shown != (self.member_name, self.role, self.role_label, self.is_owner):
            self.member_name, self.role, self.role_label, self.is_owner = shown
        self._checked_at, self._session_ends_at = time.time(), ends_at

    def _chosen_truck_id(self) -> int | None:
        return int(self.truck_choice) if self.truck_choice.isdigit() else None

    def _truck(self, session: Session, member: StaffMember) -> Truck:
        """The truck this tab's staff screens show: the one picked here, if the member works
        there, else their first (``staff.truck_for``)."""
        return staff.truck_for(session, member, self._chosen_truck_id())

    @rx.event
    def sign_out(self):
        """End the session here (every open screen of it falls back to sign-in), then let the
        HTTP route clear the cookie and load the sign-in page afresh, on a new websocket."""
        if token := self._session_token():
            with session_scope() as session:
                staff.sign_out(session, token=token)
        self.member_name = self.role = self.role_label = ""
        self.is_owner = False
        return rx.call_script(
            f"fetch({json.dumps(SIGN_OUT_ROUTE)}, {{method: 'POST'}})"
            f".finally(() => window.location.replace({json.dumps(SIGN_IN)}))"
        )

    @rx.event
    def choose_truck(self, truck_id: str):
        self.truck_choice = truck_id
        return rx.call_script("window.location.reload()")

    @rx.event
    def choose_station(self, choice: str):
        """The kitchen display shows a station, the whole kitchen ("all") or the expo; the
        device remembers it."""
        self.station_choice = choice if choice in ("all", "expo") or choice.isdigit() else "all"
        page = KDS_EXPO if self.station_choice == "expo" else KDS
        return rx.call_script(f"window.location.assign({json.dumps(page)})")


async def authorize(state: rx.State, roles: tuple[Role, ...]) -> StaffMember:
    """The caller of ``state``'s handler, if signed in with one of ``roles``; else Forbidden."""
    session_state = await state.get_state(SessionState)
    return session_state._member(*roles)


def token_in(cookie_header: str) -> str:
    """The session token in a Cookie header ("" when there is none)."""
    for pair in cookie_header.split(";"):
        name, _, value = pair.strip().partition("=")
        if name == SESSION_COOKIE:
            return value.strip('"')
    return ""


def complete_sign_in(code: str):
    """What a handler returns once a member proved who they are (``code`` from
    ``session_handoff.offer``): the page fetches the HttpOnly cookie from
    GET /api/session/<code>, which sends it on to the role's view."""
    return rx.call_script(f"window.location.replace({json.dumps(f'{SESSION_ROUTE}/{code}')})")


def refuse(error: DomainError):
    """What a handler returns when a rule refused the action: a message, or sign-in."""
    if isinstance(error, NotSignedIn):
        return rx.redirect(SIGN_IN)
    return rx.toast.error(str(error), duration=6000, close_button=True)
