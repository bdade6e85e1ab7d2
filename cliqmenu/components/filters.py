"""The filter row of the Owner's list pages (reports, audit): labelled fields side by side, a
button that runs the filter, and the filter's error under them."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import choices_select
from cliqmenu.components.owner_nav import error_callout


def labelled(label: str, control: rx.Component) -> rx.Component:
    """A small grey label over a filter's field."""
    return rx.vstack(rx.text(label, size="1", color_scheme="gray"), control, spacing="1")


def date_filter(label: str, element_id: str, value, on_change) -> rx.Component:
    return labelled(
        label,
        rx.input(
            type="date",
            value=value,
            on_change=on_change,
            aria_label=label,
            id=element_id,
            name=element_id,
            size="2",
        ),
    )


def choice_filter(
    label: str, element_id: str, value, choices, on_change, min_width: str = "170px"
) -> rx.Component:
    """A select of ``choices`` ([value, label] pairs)."""
    return labelled(
        label, choices_select(label, element_id, value, choices, on_change, min_width=min_width)
    )


def run_button(icon: str, element_id: str) -> rx.Component:
    return rx.button(rx.icon(icon, size=14), "Show", type="submit", size="2", id=element_id)


def filter_card(
    *fields: rx.Component,
    on_submit,
    error: rx.Var,
    error_id: str,
    above: rx.Component | None = None,
) -> rx.Component:
    """``fields`` (and their buttons) in one wrapping row of a form, ``above`` it an optional
    row (quick choices), the filter's error below."""
    return rx.card(
        rx.vstack(
            *([above] if above is not None else []),
            rx.form(
                rx.hstack(*fields, align="end", spacing="3", wrap="wrap"),
                on_submit=on_submit,
            ),
            error_callout(error, error_id),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
