"""/setup: first-run page of an empty install (closed once a business exists)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import field_label, labelled_select
from cliqmenu.components.layout import brand
from cliqmenu.components.owner_nav import error_callout
from cliqmenu.services.business import CURRENCIES, TIMEZONES
from cliqmenu.state.owner_setup import SetupState

S = SetupState


def field(label: str, name: str, *, type: str = "text", placeholder: str = "", hint: str = ""):
    return rx.vstack(
        field_label(label, f"setup-{name}"),
        rx.input(
            id=f"setup-{name}",
            name=name,
            type=type,
            placeholder=placeholder,
            required=True,
            size="3",
            width="100%",
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def setup_page() -> rx.Component:
    return rx.el.main(
        rx.center(
            rx.card(
                rx.form(
                    rx.vstack(
                        brand(),
                        rx.heading("Set up your business", size="7", as_="h1"),
                        rx.text(
                            "Welcome! Create your business and your Owner account. You can change "
                            "everything later on the owner pages.",
                            color_scheme="gray",
                            size="2",
                        ),
                        rx.heading("Business", size="3", as_="h2", padding_top="8px"),
                        field(
                            "Business name", "business_name", placeholder="Smoky Bros Street Food"
                        ),
                        labelled_select(
                            "Country", S.country, S.set_country, S.countries, "setup-country"
                        ),
                        rx.grid(
                            rx.vstack(
                                rx.text("Currency", size="2", weight="medium"),
                                rx.select.root(
                                    rx.select.trigger(
                                        aria_label="Currency", id="setup-currency", width="100%"
                                    ),
                                    rx.select.content(
                                        *[rx.select.item(c, value=c) for c in CURRENCIES]
                                    ),
                                    value=S.currency,
                                    on_change=S.set_currency,
                                    size="3",
                                ),
                                spacing="1",
                            ),
                            rx.vstack(
                                rx.text("Time zone", size="2", weight="medium"),
                                rx.select.root(
                                    rx.select.trigger(
                                        aria_label="Time zone", id="setup-timezone", width="100%"
                                    ),
                                    rx.select.content(
                                        *[rx.select.item(c, value=c) for c in TIMEZONES]
                                    ),
                                    value=S.timezone,
                                    on_change=S.set_timezone,
                                    size="3",
                                ),
                                spacing="1",
                            ),
                            columns=rx.breakpoints(initial="1", sm="2"),
                            spacing="3",
                            width="100%",
                        ),
                        rx.text(
                            rx.hstack(
                                rx.switch(
                                    checked=S.gst_registered,
                                    on_change=S.set_gst_registered,
                                    id="setup-gst",
                                    name="setup-gst",
                                ),
                                "Registered for GST (prices include GST)",
                                spacing="2",
                                align="center",
                            ),
                            as_="label",
                            size="2",
                        ),
                        rx.heading("Your Owner account", size="3", as_="h2", padding_top="8px"),
                        field("Your name", "owner_name", placeholder="Sam Smoky"),
                        field(
                            "Email",
                            "email",
                            type="email",
                            placeholder="you@example.com",
                            hint="You sign in with this email.",
                        ),
                        rx.grid(
                            field(
                                "Password",
                                "password",
                                type="password",
                                hint="At least 8 characters.",
                            ),
                            field("Repeat the password", "password_again", type="password"),
                            columns=rx.breakpoints(initial="1", sm="2"),
                            spacing="3",
                            width="100%",
                        ),
                        error_callout(S.error, "setup-error"),
                        rx.button(
                            "Create business and sign in",
                            type="submit",
                            size="3",
                            width="100%",
                            id="setup-submit",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.submit,
                    width="100%",
                ),
                size="4",
                width="100%",
                max_width="560px",
            ),
            class_name="auth-page",
            padding="24px 14px",
        )
    )
