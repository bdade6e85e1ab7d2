"""The Order Manager's notifications control: a card until this device rings, then a bell."""

from __future__ import annotations

import reflex as rx

from cliqmenu.state.push import StaffPushState

P = StaffPushState


def notifications_card() -> rx.Component:
    """Shown while this device does not ring: what it is for, and the one button."""
    return rx.cond(
        (P.push_status != "") & (P.push_status != "on"),
        rx.card(
            rx.hstack(
                rx.icon("bell-off", size=22, color="var(--orange-10)", flex_shrink="0"),
                rx.vstack(
                    rx.text("Never miss an order", weight="bold", size="3"),
                    rx.text(P.push_words, size="2", color_scheme="gray", id="push-words"),
                    rx.cond(
                        (P.push_status == "off")
                        | (P.push_status == "denied")
                        | (P.push_status == "error"),
                        rx.button(
                            rx.icon("bell-ring", size=16),
                            "Turn on notifications",
                            on_click=P.turn_on,
                            color_scheme="orange",
                            size="3",
                            id="turn-on-notifications",
                        ),
                    ),
                    spacing="2",
                    align="start",
                ),
                spacing="3",
                align="start",
            ),
            class_name="push-card",
            id="push-card",
        ),
    )


def notifications_bell() -> rx.Component:
    """Shown once this device rings: says so, sends a test, turns it off."""
    return rx.cond(
        P.push_status == "on",
        rx.popover.root(
            rx.popover.trigger(
                rx.icon_button(
                    rx.icon("bell-ring", size=18),
                    variant="soft",
                    color_scheme="green",
                    size="2",
                    aria_label="Notifications are on",
                    id="push-bell",
                ),
            ),
            rx.popover.content(
                rx.vstack(
                    rx.text(P.push_words, size="2", weight="medium", id="push-words"),
                    rx.text(
                        "New orders, cancellations of orders in the kitchen and failed refunds "
                        "ring here while you are signed in.",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.hstack(
                        rx.button(
                            "Send me a test",
                            on_click=P.send_test,
                            variant="soft",
                            size="2",
                            id="push-test",
                        ),
                        rx.button(
                            "Turn off",
                            on_click=P.turn_off,
                            variant="soft",
                            color_scheme="gray",
                            size="2",
                            id="push-off",
                        ),
                        spacing="2",
                    ),
                    spacing="3",
                ),
                max_width="300px",
            ),
        ),
    )
