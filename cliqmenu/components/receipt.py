"""The money lines of a receipt-like place: subtotal, discount, surcharge, total, GST included.

Every screen that shows an order's or a cart's money renders these rows from the dict that
``views.receipt.money_lines`` builds, so the lines and their words are the same everywhere.
"""

from __future__ import annotations

import reflex as rx


def money_row(label, value, strong: bool = False, **props) -> rx.Component:
    weight = "bold" if strong else "regular"
    return rx.hstack(
        rx.text(label, weight=weight),
        rx.spacer(),
        rx.text(value, weight=weight),
        width="100%",
        **props,
    )


def tax_row(lines) -> rx.Component:
    """ "Includes GST (10%) $1.00": the tax inside the total, shown, never added."""
    return rx.cond(
        lines["gst"] != "",
        rx.text(
            lines["tax_label"], " ", lines["gst"], size="1", color_scheme="gray", class_name="tax"
        ),
    )


def money_rows(lines, total_row: rx.Component | None = None) -> rx.Component:
    """Rows for a ``money_lines`` dict; ``total_row`` replaces the plain Total row."""
    return rx.vstack(
        money_row("Subtotal", lines["subtotal"]),
        rx.cond(lines["discount"] != "", money_row("Discount", "-" + lines["discount"])),
        rx.cond(
            lines["surcharge"] != "",
            money_row("Surcharge (" + lines["surcharge_rate"] + ")", lines["surcharge"]),
        ),
        total_row if total_row is not None else money_row("Total", lines["total"], strong=True),
        tax_row(lines),
        spacing="1",
        width="100%",
        class_name="money-lines",
    )
