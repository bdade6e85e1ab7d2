"""Signing in with email and password, and setting a password from an invitation link."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.routes import SETUP, SIGN_IN, home_for
from cliqmenu.services import first_run, session_handoff, sign_in_limits, sign_in_refusals, staff
from cliqmenu.services.errors import DomainError
from cliqmenu.sso import flow, providers
from cliqmenu.state.auth import SessionState, complete_sign_in


class SignInState(rx.State):
    error: str = ""
    # The "Continue with ..." buttons: one {"name", "href"} per configured identity provider.
    providers: list[dict[str, str]] = []

    def _show_provider_refusal(self) -> None:
        """The message for a provider sign-in that came back refused (?sso_error=<reason>)."""
        query = self.router.url.query_parameters
        reason = query.get("sso_error", "")
        if not reason:
            return
        provider = providers.find(query.get("provider", ""))
        self.error = sign_in_refusals.message(reason, provider.name if provider else "")

    @rx.event
    async def load(self):
        """An empty install goes to set-up; a member already signed in, to their view."""
        with session_scope() as session:
            if first_run.needs_setup(session):
                return rx.redirect(SETUP)
        self.providers = [
            {"name": p.name, "href": flow.start_url(p), "key": p.key}
            for p in providers.configured()
        ]
        self.error = ""
        self._show_provider_refusal()
        session_state = await self.get_state(SessionState)
        try:
            member = session_state._member()
        except DomainError:
            return None
        return rx.redirect(home_for(member.role))

    @rx.event
    async def sign_in(self, form: dict):
        """Sign in, unless this email from this address, or this address, failed too often."""
        email = str(form.get("email", ""))[:254]
        # Reflex resolves the address, honouring X-Forwarded-For only from trusted proxies
        # (REFLEX_TRUSTED_PROXY_HOPS).
        address = self.router.session.client_ip
        try:
            with session_scope() as session:
                sign_in_limits.check(session, email=email, address=address)
                member = staff.check_password(
                    session, email=email, password=str(form.get("password", ""))
                )
                sign_in_limits.forget(session, email=email, address=address)
                code = session_handoff.offer(session, member=member)
        except sign_in_limits.TooManyAttempts as error:
            self.error = str(error)
            return None
        except DomainError as error:
            with session_scope() as session:
                sign_in_limits.record_failure(session, email=email, address=address)
            self.error = str(error)
            return None
        self.error = ""
        return complete_sign_in(code)


class InviteState(rx.State):
    """The page an invitation link opens."""

    invitee_name: str = ""
    invitee_email: str = ""
    link_error: str = ""
    error: str = ""

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    @rx.event
    def load(self):
        self.error = ""
        try:
            with session_scope() as session:
                member = staff.describe_invitation(session, token=self._token())
                self.invitee_name, self.invitee_email = member.name, member.email
                self.link_error = ""
        except DomainError as error:
            self.link_error = str(error)

    @rx.event
    async def set_password(self, form: dict):
        password = str(form.get("password", ""))
        if password != str(form.get("confirm", "")):
            self.error = "The two passwords are not the same."
            return None
        try:
            with session_scope() as session:
                member = staff.accept_invitation(session, token=self._token(), password=password)
                code = session_handoff.offer(session, member=member)
        except DomainError as error:
            self.error = str(error)
            return None
        return complete_sign_in(code)


__all__ = ["SIGN_IN", "InviteState", "SignInState"]
