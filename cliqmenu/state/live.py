"""A screen that shows a live view of one truck: subscribe on load, heartbeat, take pushes."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import reflex as rx
from reflex.config import get_config

from cliqmenu.db import read_scope
from cliqmenu.models import Role, StaffMember
from cliqmenu.realtime import Audience, subscribe
from cliqmenu.routes import SIGN_IN
from cliqmenu.services import staff
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import SessionState, home_for

# What the page runs when its heartbeat is answered (assets/live.js marks the screen live).
BEAT_ANSWERED = "window.cliqSynced && window.cliqSynced()"


def keep_alive_seconds() -> float:
    """How often a beat writes the screen's state: well inside the state store's expiry."""
    return min(300.0, get_config().redis_token_expiration / 4)


class LiveScreen(rx.State, mixin=True):
    """Shared by the manager board and the kitchen display.

    Subclasses set ``audience_kind`` and ``roles`` and implement ``_build_view`` and ``_show``.
    Every method here is private: only a subclass's ``@rx.event`` handlers are callable.
    """

    truck_name: str = ""
    trucks: list[dict[str, str]] = []
    truck_id_text: str = ""
    last_sync_ms: int = 0
    loaded: bool = False
    _truck_id: int = 0
    _version: int = 0
    _kept_alive_at: float = 0.0

    audience_kind: ClassVar[str] = ""
    roles: ClassVar[tuple[Role, ...]] = ()

    def _audience(self) -> Audience:
        return Audience(self.audience_kind, self._truck_id)

    async def _enter(self) -> StaffMember | None:
        """Authorize, pick the truck, and rebuild the whole view from the database."""
        session_state = await self.get_state(SessionState)
        try:
            member = session_state._member(*self.roles)
        except DomainError:
            return None
        version = time.time_ns()
        with read_scope() as session:
            trucks = staff.trucks_for(session, member)
            truck = staff.truck_for(session, member, session_state._chosen_truck_id())
            view = self._build_view(session, truck.id)
        self.trucks = [{"id": str(t.id), "name": t.name} for t in trucks]
        self._truck_id, self.truck_name, self.truck_id_text = truck.id, truck.name, str(truck.id)
        self._version = version
        self._show(view)
        self.last_sync_ms = int(time.time() * 1000)
        self.loaded = True
        await subscribe(self._audience(), self.router.session.client_token)
        return member

    async def _load(self):
        session_state = await self.get_state(SessionState)
        if await self._enter() is None:
            if session_state.role:
                return rx.redirect(home_for(Role(session_state.role)))
            return rx.redirect(SIGN_IN)
        return None

    async def _heartbeat(self):
        """Re-checks the session, re-registers the screen, keeps its state from expiring.

        An answered beat changes no var of the screen (a changed var is sent and written to the
        state store: the whole board, every 5 s per screen); the page learns it is live from the
        script call, and the state is written only every ``keep_alive_seconds()``.
        """
        session_state = await self.get_state(SessionState)
        try:
            await session_state._still_signed_in(*self.roles)
        except DomainError:
            self.loaded = False
            return rx.redirect(SIGN_IN)
        if not self._truck_id:
            return await self._load()
        await subscribe(self._audience(), self.router.session.client_token)
        if time.time() - self._kept_alive_at > keep_alive_seconds():
            self._kept_alive_at = time.time()
        return rx.call_script(BEAT_ANSWERED)

    async def _receive_view(self, audience: Audience, view: Any, version: int) -> None:
        """A pushed view, taken only if it is for the truck shown and newer than the one shown."""
        if audience != self._audience() or version <= self._version:
            return
        self._version = version
        self._show(view)
        self.last_sync_ms = int(time.time() * 1000)

    def _build_view(self, session, truck_id: int) -> Any:
        raise NotImplementedError

    def _show(self, view: Any) -> None:
        raise NotImplementedError
