"""/signin and /invite: staff never sign up; they are invited by the owner."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.layout import brand
from cliqmenu.state.signin import InviteState, SignInState


def auth_card(*children: rx.Component) -> rx.Component:
    return rx.el.main(
        rx.center(
            rx.card(
                rx.vstack(brand(), *children, spacing="4", width="100%"),
                size="4",
                width="100%",
                max_width="420px",
            ),
            class_name="auth-page",
            padding="1em",
        )
    )


def error_callout(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )


def sign_in_page() -> rx.Component:
    return auth_card(
        rx.heading("Sign in", size="6"),
        rx.text("Use the email your business owner invited.", color_scheme="gray", size="2"),
        rx.form(
            rx.vstack(
                rx.input(
                    name="email",
                    type="email",
                    placeholder="Email",
                    aria_label="Email",
                    required=True,
                    size="3",
                    width="100%",
                    id="email",
                    auto_complete="username",
                ),
                rx.input(
                    name="password",
                    type="password",
                    placeholder="Password",
                    aria_label="Password",
                    required=True,
                    size="3",
                    width="100%",
                    id="password",
                    auto_complete="current-password",
                ),
                error_callout(SignInState.error),
                rx.button("Sign in", type="submit", size="3", width="100%", id="sign-in"),
                spacing="3",
            ),
            on_submit=SignInState.sign_in,
        ),
        rx.cond(
            SignInState.providers.length() > 0,
            rx.vstack(
                rx.text("or", color_scheme="gray", size="2", align="center", width="100%"),
                rx.foreach(SignInState.providers, provider_button),
                spacing="2",
                width="100%",
            ),
        ),
    )


def provider_button(provider: rx.Var) -> rx.Component:
    """A link to /api/sso/<key>/start that loads the whole document: the route and the
    provider's page are not Reflex pages, so the client-side router must not take it."""
    return rx.button(
        rx.el.a("Continue with ", provider["name"], href=provider["href"], reload_document=True),
        as_child=True,
        variant="outline",
        size="3",
        width="100%",
        class_name="sso-button",
        id="sso-" + provider["key"].to(str),
    )


def invite_page() -> rx.Component:
    return auth_card(
        rx.cond(
            InviteState.link_error != "",
            rx.vstack(
                rx.heading("Invitation", size="6"),
                error_callout(InviteState.link_error),
                rx.link("Go to sign in", href="/signin"),
            ),
            rx.vstack(
                rx.heading("Welcome, ", InviteState.invitee_name, size="6"),
                rx.text(
                    "Choose a password for ",
                    InviteState.invitee_email,
                    size="2",
                    color_scheme="gray",
                ),
                rx.form(
                    rx.vstack(
                        rx.input(
                            name="password",
                            type="password",
                            placeholder="New password",
                            aria_label="New password",
                            required=True,
                            size="3",
                            width="100%",
                            id="new-password",
                            auto_complete="new-password",
                        ),
                        rx.input(
                            name="confirm",
                            type="password",
                            placeholder="Repeat password",
                            aria_label="Repeat password",
                            required=True,
                            size="3",
                            width="100%",
                            id="confirm-password",
                            auto_complete="new-password",
                        ),
                        error_callout(InviteState.error),
                        rx.button(
                            "Set password and sign in",
                            type="submit",
                            size="3",
                            width="100%",
                            id="set-password",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=InviteState.set_password,
                    width="100%",
                ),
                width="100%",
            ),
        ),
    )
