"""Screens that show a live view: join the audience on load, check in with every heartbeat,
take pushes. ``Watching`` is any such screen (customer pages too); ``LiveScreen`` a staff screen
of one truck."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import reflex as rx
from reflex.config import get_config

from cliqmenu.db import read_scope
from cliqmenu.models import Role, StaffMember
from cliqmenu.realtime import Audience, subscribe
from cliqmenu.realtime.hub import check_in, current_change
from cliqmenu.routes import SIGN_IN, home_for
from cliqmenu.services import staff
from cliqmenu.services.errors import DomainError, NotSignedIn
from cliqmenu.state.auth import SessionState
from cliqmenu.state.faults import database_notice
from cliqmenu.views.trucks import truck_switcher

# What the page runs when its heartbeat is answered (assets/live.js marks the screen live).
BEAT_ANSWERED = "window.cliqSynced && window.cliqSynced()"


def keep_alive_seconds() -> float:
    """How often a beat writes the screen's state: well inside the state store's expiry."""
    return min(300.0, get_config().redis_token_expiration / 4)


class Watching(rx.State, mixin=True):
    """A screen in a live audience that is never shown out of date for longer than a beat.

    Subclasses implement ``_watched`` (the audience) and ``_rebuild(mark)`` (read the view
    now and show it with ``_stamp``).
    """

    _version: int = 0  # when the view shown was read (orders pushes from concurrent rounds)
    _mark: int = 0  # the audience's change mark when the view shown was read
    _waited: bool = False  # a beat found a change missing, and no push came since

    def _watched(self) -> Audience:
        raise NotImplementedError

    def _screen_member(self) -> int | None:
        """The member of staff whose screen this is (None: a customer's)."""
        return None

    async def _rebuild(self, mark: int) -> None:
        raise NotImplementedError

    def _stamp(self, version: int, mark: int) -> None:
        self._version, self._mark, self._waited = version, mark, False

    def _is_newer(self, audience: Audience, version: int) -> bool:
        """A pushed view is taken only if it is for the audience shown and read later."""
        return audience == self._watched() and version > self._version

    async def _check_in(self) -> bool:
        """Re-register with the audience; True when the screen now holds its latest view (it
        is rebuilt here if it lapsed or missed a push)."""
        token = self.router.session.client_token
        found = await check_in(
            self._watched(),
            token,
            shown=self._mark,
            waited=self._waited,
            member=self._screen_member(),
        )
        if found.action == "wait":
            self._waited = True
            return False
        if found.action == "rebuild":
            await self._rebuild(found.change)
        return True


class LiveScreen(Watching, mixin=True):
    """Shared by the manager board and the kitchen display.

    Subclasses set ``audience_kind`` and ``roles`` and implement ``_build_view`` and ``_show``.
    Every method here is private: only a subclass's ``@rx.event`` handlers are callable.
    """

    truck_name: str = ""
    # What the screen says while its heartbeat finds the database away (state/faults.py).
    database_notice: str = ""
    trucks: list[dict[str, str]] = []
    truck_id_text: str = ""
    last_sync_ms: int = 0
    loaded: bool = False
    _truck_id: int = 0
    _kept_alive_at: float = 0.0
    _member_id: int = 0
    # The member's access changed since this screen loaded (realtime.hub.end_access): it takes
    # no push and goes to sign-in, until a load authorizes it again.
    _access_ended: bool = False

    audience_kind: ClassVar[str] = ""
    roles: ClassVar[tuple[Role, ...]] = ()

    def _audience(self) -> Audience:
        return Audience(self.audience_kind, self._truck_id)

    def _watched(self) -> Audience:
        return self._audience()

    def _screen_member(self) -> int | None:
        return self._member_id or None

    def _end_access(self) -> None:
        """Show nothing of the truck any more (the page is sent to sign-in next)."""
        self.reset()
        self._access_ended = True

    async def _enter(self, registered: Audience | None = None) -> StaffMember | None:
        """Authorize, pick the truck, rebuild the whole view from the database and register the
        screen, unless ``registered`` (the audience a beat just registered it with) is already
        the audience of the truck it shows now."""
        session_state = await self.get_state(SessionState)
        try:
            member = session_state._member(*self.roles)
        except DomainError:
            return None
        with read_scope() as session:
            trucks = staff.trucks_for(session, member)
            truck = session_state._truck(session, member)
        self.trucks = truck_switcher(trucks)
        self._truck_id, self.truck_name, self.truck_id_text = truck.id, truck.name, str(truck.id)
        self._member_id, self._access_ended = member.id, False
        self._within_truck(session_state)
        await self._show_truck(await current_change(self._audience()))
        self.loaded = True
        if self._audience() != registered:
            await subscribe(self._audience(), self.router.session.client_token, member.id)
        return member

    async def _rebuild(self, mark: int) -> None:
        """Back in its audience after a lapse: who may see which truck may have changed
        meanwhile (a limit set while the screen was away), so the screen enters again. The beat
        registered it with its audience already: only a screen that moved to another truck
        registers again."""
        if await self._enter(registered=self._audience()) is None:
            raise NotSignedIn("Sign in again.")

    def _read_view(self) -> tuple[Any, int]:
        """The truck's view read from the database now, and its version (taken before the read,
        so a push read later wins)."""
        version = time.time_ns()
        with read_scope() as session:
            return self._build_view(session, self._truck_id), version

    async def _show_truck(self, mark: int) -> None:
        """Show the truck's view read now; ``mark`` is the audience's change mark read before."""
        view, version = self._read_view()
        self._take(view, version, mark)

    def _take(self, view: Any, version: int, mark: int) -> None:
        self._stamp(version, mark)
        self._show(view)
        self.last_sync_ms = int(time.time() * 1000)

    async def _load(self):
        session_state = await self.get_state(SessionState)
        if await self._enter() is None:
            if session_state.role:
                return rx.redirect(home_for(Role(session_state.role)))
            return rx.redirect(SIGN_IN)
        return None

    async def _heartbeat(self):
        """Re-checks the session, re-registers the screen, brings it up to date if it lapsed or
        missed a change, keeps its state from expiring; says so while the database is away
        (``database_notice``), before anyone presses a button.

        An answered beat of a screen that is up to date changes no var (a changed var is sent
        and written to the state store: the whole board, every 5 s per screen); the page learns
        it is live from the script call, which is sent only when the screen holds the latest
        view, and the state is written only every ``keep_alive_seconds()``.
        """
        if self._access_ended:
            return rx.redirect(SIGN_IN)
        notice = await database_notice()
        if notice != self.database_notice:
            self.database_notice = notice
        if notice:
            return None  # not live: nothing can be read or saved until the database is back
        session_state = await self.get_state(SessionState)
        try:
            await session_state._still_signed_in(*self.roles)
        except DomainError:
            self.loaded = False
            return rx.redirect(SIGN_IN)
        if not self._truck_id:
            return await self._load()
        try:
            current = await self._check_in()
        except DomainError:  # no longer allowed to see the board it was away from
            self.loaded = False
            return rx.redirect(SIGN_IN)
        if not current:
            return None  # not confirmed live: a push is on its way, or the next beat rebuilds
        if time.time() - self._kept_alive_at > keep_alive_seconds():
            self._kept_alive_at = time.time()
        return rx.call_script(BEAT_ANSWERED)

    async def _receive_view(
        self, audience: Audience, view: Any, version: int, mark: int = 0
    ) -> None:
        if self._is_newer(audience, version) and not self._access_ended:
            self._take(view, version, mark)

    def _within_truck(self, session_state: SessionState) -> None:
        """The truck is chosen: what this device shows of it (a kitchen station), before the
        view is read and the screen registered."""

    def _build_view(self, session, truck_id: int) -> Any:
        raise NotImplementedError

    def _show(self, view: Any) -> None:
        raise NotImplementedError
