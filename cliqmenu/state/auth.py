"""Who is calling: the signed-in member behind this browser's session cookie, checked every call."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import read_scope, session_scope
from cliqmenu.models import Role, StaffMember
from cliqmenu.routes import ADMIN, KDS, MANAGE, SIGN_IN
from cliqmenu.services import staff
from cliqmenu.services.errors import DomainError, Forbidden

SESSION_COOKIE = "cliq_session"
SESSION_MAX_AGE = 30 * 24 * 3600

HOME_FOR_ROLE = {Role.OWNER: ADMIN, Role.ORDER_MANAGER: MANAGE, Role.KITCHEN_STAFF: KDS}
MANAGERS = (Role.ORDER_MANAGER,)
KITCHEN = (Role.ORDER_MANAGER, Role.KITCHEN_STAFF)
OWNER_ONLY = (Role.OWNER,)


class SessionState(rx.State):
    """The browser's session and chosen truck; the member is looked up again on every call."""

    session_token: str = rx.Cookie(
        "", name=SESSION_COOKIE, max_age=SESSION_MAX_AGE, same_site="strict"
    )
    truck_choice: str = rx.LocalStorage("", name="cliq_truck", sync=True)
    member_name: str = ""
    role: str = ""
    role_label: str = ""
    is_owner: bool = False

    def _member(self, *roles: Role) -> StaffMember:
        """The signed-in member with one of ``roles`` (Owner always passes), else Forbidden."""
        with read_scope() as session:
            member = staff.member_for_token(session, self.session_token)
        # Who is signed in is kept even when the role does not fit, so a page can send them
        # to their own view; a gone session clears it.
        self.member_name = member.name if member else ""
        self.role = member.role.value if member else ""
        self.role_label = member.role.label if member else ""
        self.is_owner = bool(member and member.role == Role.OWNER)
        return staff.require_role(member, *roles)

    def _chosen_truck_id(self) -> int | None:
        return int(self.truck_choice) if self.truck_choice.isdigit() else None

    @rx.event
    def sign_out(self):
        if self.session_token:
            with session_scope() as session:
                staff.sign_out(session, token=self.session_token)
        self.session_token = ""
        self.member_name = self.role = self.role_label = ""
        self.is_owner = False
        return rx.redirect(SIGN_IN)

    @rx.event
    def choose_truck(self, truck_id: str):
        self.truck_choice = truck_id
        return rx.call_script("window.location.reload()")


async def authorize(state: rx.State, roles: tuple[Role, ...]) -> StaffMember:
    """The caller of ``state``'s handler, if signed in with one of ``roles``; else Forbidden."""
    session_state = await state.get_state(SessionState)
    return session_state._member(*roles)


def refuse(error: DomainError):
    """What a handler returns when a rule refused the action: a message, or sign-in."""
    if isinstance(error, Forbidden) and str(error) == "Sign in first.":
        return rx.redirect(SIGN_IN)
    return rx.toast.error(str(error), duration=6000, close_button=True)


def home_for(role: Role) -> str:
    """Where a member lands after signing in: the role decides the view."""
    return HOME_FOR_ROLE[role]
