"""/setup: the first person on an empty install creates the business and its Owner."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.routes import SIGN_IN
from cliqmenu.services import first_run, money, session_handoff
from cliqmenu.services.business import CURRENCIES, TIMEZONES
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import complete_sign_in


class SetupState(rx.State):
    error: str = ""
    currency: str = "AUD"
    timezone: str = TIMEZONES[0]
    gst_registered: bool = True
    country: str = money.DEFAULT_COUNTRY
    countries: list[list[str]] = [[c.code, c.name] for c in money.COUNTRIES.values()]

    @rx.event
    def load(self):
        """Open only on an empty install; afterwards the path leads to sign-in."""
        with session_scope() as session:
            if not first_run.needs_setup(session):
                return rx.redirect(SIGN_IN)
        self.error = ""
        return None

    @rx.event
    def set_currency(self, value: str):
        if value in CURRENCIES:
            self.currency = value

    @rx.event
    def set_timezone(self, value: str):
        if value in TIMEZONES:
            self.timezone = value

    @rx.event
    def set_country(self, value: str):
        """The country sets the GST rate; its own currency is the likely one too."""
        if value in money.COUNTRIES:
            self.country = value
            self.currency = money.COUNTRIES[value].currency

    @rx.event
    def set_gst_registered(self, value: bool):
        self.gst_registered = bool(value)

    @rx.event
    async def submit(self, form: dict):
        request = first_run.SetupRequest(
            business_name=str(form.get("business_name", ""))[:200],
            owner_name=str(form.get("owner_name", ""))[:200],
            email=str(form.get("email", ""))[:254],
            password=str(form.get("password", ""))[:200],
            password_again=str(form.get("password_again", ""))[:200],
            currency=self.currency,
            timezone=self.timezone,
            gst_registered=self.gst_registered,
            country=self.country,
        )
        try:
            with session_scope() as session:
                owner = first_run.set_up(session, request=request)
                code = session_handoff.offer(session, member=owner)
        except DomainError as error:
            self.error = str(error)
            return None
        self.error = ""
        return complete_sign_in(code)
