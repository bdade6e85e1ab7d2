"""/admin/business: the Owner's business details and surcharges."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Business
from cliqmenu.payments import stripe_config
from cliqmenu.services import business as business_service
from cliqmenu.services.business import (
    CURRENCIES,
    TIMEZONES,
    BusinessDetails,
    StripeKeys,
    masked,
)
from cliqmenu.services.errors import DomainError, Forbidden
from cliqmenu.services.money import COUNTRIES, percent_text
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect


class BusinessState(rx.State):
    name: str = ""
    logo_url: str = ""
    currency: str = "AUD"
    timezone: str = TIMEZONES[0]
    timezones: list[str] = list(TIMEZONES)
    gst_registered: bool = True
    country: str = "AU"
    countries: list[list[str]] = [[c.code, c.name] for c in COUNTRIES.values()]
    card_surcharge: str = "0"
    online_surcharge: str = "0"
    error: str = ""
    dirty: bool = False
    # Stripe: only a status and a masked key reach the browser; typed keys are write-only.
    stripe_source: str = "none"  # "business", "env" or "none"
    stripe_key_hint: str = ""
    stripe_webhook_set: bool = False
    stripe_error: str = ""
    s_secret: str = ""
    s_publishable: str = ""
    s_webhook: str = ""

    @rx.var
    def timezone_choices(self) -> list[list[str]]:
        return [[zone, zone] for zone in self.timezones]

    def _show(self, business: Business) -> None:
        self.name = business.name
        self.logo_url = business.logo_url or ""
        self.currency = business.currency
        self.timezone = business.timezone
        # A zone set from the shell may not be in the short list; keep it selectable.
        self.timezones = list(TIMEZONES) + (
            [business.timezone] if business.timezone not in TIMEZONES else []
        )
        self.gst_registered = business.gst_registered
        self.country = business.country
        self.card_surcharge = percent_text(business.card_surcharge_bp)
        self.online_surcharge = percent_text(business.online_surcharge_bp)
        self.error = ""
        self.dirty = False
        config = stripe_config(business)
        self.stripe_source = config.source if config else "none"
        self.stripe_key_hint = masked(config.secret_key) if config else ""
        self.stripe_webhook_set = bool(config and config.webhook_secret)
        self.s_secret = self.s_publishable = self.s_webhook = ""
        self.stripe_error = ""

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        with session_scope() as session:
            self._show(business_service.get_business(session, business_id=member.business_id))
        return None

    def _changed(self) -> None:
        self.dirty = True

    @rx.event
    def set_name(self, value: str):
        self.name = str(value)[:200]
        self._changed()

    @rx.event
    def set_logo_url(self, value: str):
        self.logo_url = str(value)[:600]
        self._changed()

    @rx.event
    def set_currency(self, value: str):
        if value in CURRENCIES:
            self.currency = value
            self._changed()

    @rx.event
    def set_timezone(self, value: str):
        if value in self.timezones:
            self.timezone = value
            self._changed()

    @rx.event
    def set_country(self, value: str):
        if value in COUNTRIES:
            self.country = value
            self._changed()

    @rx.var
    def gst_hint(self) -> str:
        rate = percent_text(COUNTRIES.get(self.country, COUNTRIES["AU"]).gst_bp)
        return f"Prices include {rate}% GST; receipts show it as a line, never added on top."

    @rx.event
    def set_gst_registered(self, value: bool):
        self.gst_registered = bool(value)
        self._changed()

    @rx.event
    def set_card_surcharge(self, value: str):
        self.card_surcharge = str(value)[:10]
        self._changed()

    @rx.event
    def set_online_surcharge(self, value: str):
        self.online_surcharge = str(value)[:10]
        self._changed()

    @rx.event
    async def save(self, _form: dict | None = None):
        details = BusinessDetails(
            name=self.name,
            currency=self.currency,
            timezone=self.timezone,
            gst_registered=self.gst_registered,
            country=self.country,
            card_surcharge=self.card_surcharge,
            online_surcharge=self.online_surcharge,
            logo_url=self.logo_url,
        )
        try:
            actor = await owner(self)
            with session_scope() as session:
                saved = business_service.update_business(session, actor=actor, details=details)
                self._show(saved)
        except DomainError as error:
            if isinstance(error, Forbidden):
                return refuse(error)
            self.error = str(error)
            return None
        return rx.toast.success("Business details saved.")

    @rx.event
    def set_s_secret(self, value: str):
        self.s_secret = str(value)[:250]

    @rx.event
    def set_s_publishable(self, value: str):
        self.s_publishable = str(value)[:250]

    @rx.event
    def set_s_webhook(self, value: str):
        self.s_webhook = str(value)[:250]

    @rx.event
    async def save_stripe(self, _form: dict | None = None):
        keys = StripeKeys(
            secret_key=self.s_secret,
            publishable_key=self.s_publishable,
            webhook_secret=self.s_webhook,
        )
        try:
            actor = await owner(self)
            with session_scope() as session:
                self._show(business_service.set_stripe_keys(session, actor=actor, keys=keys))
        except DomainError as error:
            if isinstance(error, Forbidden):
                return refuse(error)
            self.stripe_error = str(error)
            return None
        return rx.toast.success("Stripe is connected: trucks can offer Online payment.")

    @rx.event
    async def disconnect_stripe(self):
        try:
            actor = await owner(self)
            with session_scope() as session:
                self._show(business_service.disconnect_stripe(session, actor=actor))
        except DomainError as error:
            return refuse(error)
        return rx.toast.success("The business's Stripe keys were removed.")

    @rx.event
    async def discard(self):
        return await self.load()
