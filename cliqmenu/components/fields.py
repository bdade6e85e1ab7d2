"""Form fields shared by the staff screens."""

from __future__ import annotations

import reflex as rx


def choices_select(
    label: str, element_id: str, value, choices, on_change, size: str = "2", **trigger
) -> rx.Component:
    """A select of ``choices`` ([value, label] pairs, a Var), named ``label`` for screen readers."""
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=element_id, **trigger),
        rx.select.content(rx.foreach(choices, lambda c: rx.select.item(c[1], value=c[0]))),
        value=value,
        on_change=on_change,
        size=size,
    )


def labelled_select(label: str, value, on_change, choices, element_id: str) -> rx.Component:
    """A label over a select of ``choices`` ([value, label] pairs); the label names it too."""
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        choices_select(label, element_id, value, choices, on_change, "3", width="100%"),
        width="100%",
        spacing="1",
    )


def field_label(label, html_for: str, size: str = "2") -> rx.Component:
    """A field's label tied to its input by id: screen readers name the input with it, and a
    tap on the words focuses it. (``rx.text(html_for=...)`` would put it in CSS, not on the
    label.)"""
    return rx.text(
        label, as_="label", size=size, weight="medium", custom_attrs={"htmlFor": html_for}
    )


def labelled(label: str, control: rx.Component, hint: str = "", html_for: str = "") -> rx.Component:
    """A label over ``control`` (tied to it when ``html_for`` names the control's id), and a
    hint under it."""
    return rx.vstack(
        field_label(label, html_for) if html_for else rx.text(label, size="2", weight="medium"),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )
