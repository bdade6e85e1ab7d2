"""Form fields shared by the staff screens."""

from __future__ import annotations

import reflex as rx


def labelled_select(label: str, value, on_change, choices, element_id: str) -> rx.Component:
    """A label over a select of ``choices`` ([value, label] pairs); the label names it too."""
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", aria_label=label, id=element_id),
            rx.select.content(rx.foreach(choices, lambda c: rx.select.item(c[1], value=c[0]))),
            value=value,
            on_change=on_change,
            size="3",
        ),
        width="100%",
        spacing="1",
    )
