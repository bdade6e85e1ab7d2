""" "Need more time": +5 / +10 minutes on one order, or on every order In Progress at once."""

from __future__ import annotations

import reflex as rx

from cliqmenu.state.more_time import MoreTimeState

MINUTES = (5, 10)


def order_more_time(order_id: rx.Var, number: rx.Var, class_name: str = "") -> rx.Component:
    """Two buttons on a card (kitchen) or in the order detail (manager)."""
    return rx.el.span(
        *[
            rx.el.button(
                f"+{minutes}",
                rx.el.span(" min", class_name="more-time-unit"),
                on_click=MoreTimeState.add(order_id, minutes),
                class_name="more-time-button",
                type="button",
                aria_label=f"Need more time: add {minutes} minutes to #" + number.to_string(),
                data_more_time=str(minutes),
            )
            for minutes in MINUTES
        ],
        class_name="more-time " + class_name,
    )


def all_more_time(truck_id_text: rx.Var, button_class: str) -> rx.Component:
    """ "Need more time" for every order In Progress (the grill went down), behind one more tap."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.el.button(
                rx.icon("clock-arrow-up", size=22),
                "More time",
                class_name=button_class,
                id="more-time-all",
                type="button",
            ),
        ),
        rx.popover.content(
            rx.vstack(
                rx.text("Every order In Progress needs more time", weight="bold"),
                rx.text("The customers are told the new ready time.", size="2"),
                rx.hstack(
                    *[
                        rx.popover.close(
                            rx.button(
                                f"+{minutes} min to all",
                                on_click=MoreTimeState.add_to_all(truck_id_text, minutes),
                                size="3",
                                id=f"more-time-all-{minutes}",
                            )
                        )
                        for minutes in MINUTES
                    ],
                    spacing="3",
                ),
                spacing="2",
            ),
        ),
    )
