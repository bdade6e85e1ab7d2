"""/admin/business: name, logo, currency, time zone, GST and surcharges."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import choices_select, labelled, labelled_select
from cliqmenu.components.owner_nav import error_callout, owner_frame, section_card
from cliqmenu.services.business import CURRENCIES
from cliqmenu.state.owner_business import BusinessState

S = BusinessState


def percent_input(id: str, value: rx.Var, on_change, label: str) -> rx.Component:
    return rx.input(
        rx.input.slot("%", side="right"),
        id=id,
        name=id,
        value=value,
        on_change=on_change,
        inputmode="decimal",
        aria_label=label,
        size="3",
        width="100%",
    )


def details_card() -> rx.Component:
    return section_card(
        "Business",
        rx.grid(
            labelled(
                "Business name",
                rx.input(
                    id="business-name",
                    name="business-name",
                    value=S.name,
                    on_change=S.set_name,
                    size="3",
                    width="100%",
                    max_length=120,
                ),
                html_for="business-name",
            ),
            labelled(
                "Logo address",
                rx.input(
                    id="business-logo",
                    name="business-logo",
                    value=S.logo_url,
                    on_change=S.set_logo_url,
                    placeholder="https://…/logo.png",
                    size="3",
                    width="100%",
                ),
                "A square image at a web address; shown on the customer menu.",
                html_for="business-logo",
            ),
            labelled(
                "Currency",
                choices_select(
                    "Currency",
                    "business-currency",
                    S.currency,
                    [[c, c] for c in CURRENCIES],
                    S.set_currency,
                    "3",
                    width="100%",
                ),
            ),
            labelled(
                "Time zone",
                choices_select(
                    "Time zone",
                    "business-timezone",
                    S.timezone,
                    S.timezone_choices,
                    S.set_timezone,
                    "3",
                    width="100%",
                ),
                "Service days, order numbers and reports follow it (a truck may have its own).",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        description="How your business appears to customers and on receipts.",
    )


def money_card() -> rx.Component:
    return section_card(
        "GST and surcharges",
        rx.box(
            labelled_select("Country", S.country, S.set_country, S.countries, "business-country"),
            max_width="20em",
            width="100%",
        ),
        rx.text(
            rx.hstack(
                rx.switch(
                    checked=S.gst_registered,
                    on_change=S.set_gst_registered,
                    id="business-gst",
                    name="business-gst",
                ),
                rx.vstack(
                    rx.text("Registered for GST", weight="medium"),
                    rx.text(S.gst_hint, size="1", color_scheme="gray", id="business-gst-hint"),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            as_="label",
            size="2",
        ),
        rx.separator(size="4"),
        rx.grid(
            labelled(
                "Cash at Counter",
                rx.input(
                    rx.input.slot("%", side="right"),
                    value="0",
                    disabled=True,
                    size="3",
                    width="100%",
                    aria_label="Cash at Counter surcharge",
                ),
                "Always 0%.",
            ),
            labelled(
                "Card at Counter",
                percent_input(
                    "surcharge-card",
                    S.card_surcharge,
                    S.set_card_surcharge,
                    "Card at Counter surcharge",
                ),
                "0% to 10%, e.g. 1.5 to cover EFTPOS fees.",
                html_for="surcharge-card",
            ),
            labelled(
                "Online",
                percent_input(
                    "surcharge-online",
                    S.online_surcharge,
                    S.set_online_surcharge,
                    "Online surcharge",
                ),
                "0% to 10%, e.g. 1.75 to cover Stripe fees.",
                html_for="surcharge-online",
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        rx.callout(
            "Surcharges are charged on the subtotal less any discount, the same at every truck. "
            "New rates apply to orders priced from now on; orders already placed keep theirs.",
            icon="info",
            size="1",
            color_scheme="gray",
            variant="surface",
        ),
        description="A percentage per payment method, to pass on payment fees.",
    )


def secret_input(id: str, value, on_change, placeholder: str, label: str) -> rx.Component:
    return rx.input(
        id=id,
        name=id,
        type="password",
        autocomplete="off",
        value=value,
        on_change=on_change,
        placeholder=placeholder,
        aria_label=label,
        size="3",
        width="100%",
    )


def stripe_status() -> rx.Component:
    return rx.match(
        S.stripe_source,
        (
            "business",
            rx.callout(
                rx.text(
                    "Connected with this business's keys (",
                    S.stripe_key_hint,
                    ").",
                    rx.cond(S.stripe_webhook_set, "", " The webhook secret is missing."),
                ),
                icon="circle-check",
                color_scheme="green",
                size="1",
            ),
        ),
        (
            "env",
            rx.callout(
                rx.text("Using the installation's Stripe keys (", S.stripe_key_hint, ")."),
                icon="info",
                color_scheme="blue",
                size="1",
            ),
        ),
        rx.callout(
            "Not connected: trucks cannot offer Online payment yet.",
            icon="circle-alert",
            color_scheme="amber",
            size="1",
        ),
    )


def stripe_card() -> rx.Component:
    return section_card(
        "Online payments (Stripe)",
        stripe_status(),
        rx.form(
            rx.vstack(
                rx.grid(
                    labelled(
                        "Secret key",
                        secret_input(
                            "stripe-secret", S.s_secret, S.set_s_secret, "sk_live_…", "Secret key"
                        ),
                        "Developers → API keys. Leave empty to keep the saved one.",
                        html_for="stripe-secret",
                    ),
                    labelled(
                        "Webhook signing secret",
                        secret_input(
                            "stripe-webhook",
                            S.s_webhook,
                            S.set_s_webhook,
                            "whsec_…",
                            "Webhook signing secret",
                        ),
                        "Developers → Webhooks → your endpoint (…/api/stripe/webhook).",
                        html_for="stripe-webhook",
                    ),
                    labelled(
                        "Publishable key",
                        secret_input(
                            "stripe-publishable",
                            S.s_publishable,
                            S.set_s_publishable,
                            "pk_live_…",
                            "Publishable key",
                        ),
                        "Optional.",
                        html_for="stripe-publishable",
                    ),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="4",
                    width="100%",
                ),
                error_callout(S.stripe_error, "stripe-error"),
                rx.hstack(
                    rx.cond(
                        S.stripe_source == "business",
                        rx.button(
                            "Disconnect",
                            type="button",
                            variant="soft",
                            color_scheme="red",
                            size="3",
                            on_click=S.disconnect_stripe,
                        ),
                    ),
                    rx.spacer(),
                    rx.button(
                        "Save Stripe keys",
                        type="submit",
                        size="3",
                        variant="outline",
                        id="stripe-save",
                    ),
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_stripe,
            width="100%",
        ),
        description="Customers pay on Stripe's page; card details never touch CliqMenu. "
        "Keys are stored for this business and never shown again.",
    )


def save_bar() -> rx.Component:
    return rx.vstack(
        error_callout(S.error, "business-error"),
        rx.hstack(
            rx.cond(
                S.dirty,
                rx.text("Unsaved changes", size="2", color_scheme="amber"),
            ),
            rx.spacer(),
            rx.button(
                "Discard",
                type="button",
                variant="soft",
                color_scheme="gray",
                size="3",
                on_click=S.discard,
                disabled=~S.dirty,
            ),
            rx.button("Save changes", type="submit", size="3", id="business-save"),
            width="100%",
            align="center",
        ),
        width="100%",
        spacing="3",
    )


def business_page() -> rx.Component:
    return owner_frame(
        "business",
        "Business details",
        rx.form(
            rx.vstack(details_card(), money_card(), save_bar(), spacing="4", width="100%"),
            on_submit=S.save,
            width="100%",
        ),
        stripe_card(),
    )
