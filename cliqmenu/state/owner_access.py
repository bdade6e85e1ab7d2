"""Shared by the Owner's page states: who may open them, and what a refused load does."""

from __future__ import annotations

import reflex as rx

from cliqmenu.models import Role, StaffMember
from cliqmenu.routes import SIGN_IN, home_for
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import OWNER_ONLY, SessionState, authorize


async def owner_or_redirect(state: rx.State) -> tuple[StaffMember | None, object]:
    """(the Owner, None), or (None, a redirect): sign-in for nobody, the own view for staff."""
    try:
        return await authorize(state, OWNER_ONLY), None
    except DomainError:
        session_state = await state.get_state(SessionState)
        if not session_state.role:
            return None, rx.redirect(SIGN_IN)
        return None, rx.redirect(home_for(Role(session_state.role)))


async def owner(state: rx.State) -> StaffMember:
    """The calling Owner, checked again on every handler call; Forbidden otherwise."""
    return await authorize(state, OWNER_ONLY)
