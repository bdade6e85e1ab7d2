"""An order as the Order Manager reads it: customer, items, money and notes."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.receipt import money_rows
from cliqmenu.views.boards import LineView, OrderCard


def line_row(line: LineView) -> rx.Component:
    return rx.hstack(
        rx.text(line.quantity, "×", weight="bold", min_width="2.2em"),
        rx.vstack(
            rx.text(line.name, weight="medium"),
            rx.cond(
                line.options.length() > 0,
                rx.text(line.options.join(", "), size="2", color_scheme="gray"),
            ),
            rx.cond(line.note != "", rx.text("Note: ", line.note, size="2", color_scheme="orange")),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.cond(line.done, rx.badge(rx.icon("check", size=12), "Done", color_scheme="green")),
        rx.text(line.total, size="2"),
        width="100%",
        align="start",
    )


def order_summary(card: OrderCard) -> rx.Component:
    return rx.vstack(
        rx.text(card.customer_name, weight="bold", size="4"),
        rx.hstack(
            rx.badge(card.dining_label, color_scheme="blue"),
            rx.badge(card.payment_label, color_scheme="gray"),
            rx.cond(card.customer_email != "", rx.text(card.customer_email, size="2")),
            rx.cond(card.customer_phone != "", rx.text(card.customer_phone, size="2")),
            wrap="wrap",
        ),
        rx.divider(),
        rx.foreach(card.lines, line_row),
        rx.divider(),
        money_rows(card.money),
        rx.cond(
            card.kitchen_note != "",
            rx.callout(card.kitchen_note, icon="chef-hat", size="1", width="100%"),
        ),
        rx.cond(
            card.internal_note != "",
            rx.callout(
                card.internal_note, icon="lock", size="1", color_scheme="gray", width="100%"
            ),
        ),
        rx.cond(
            card.close_reason != "",
            rx.callout(
                "Reason: " + card.close_reason,
                icon="ban",
                size="1",
                color_scheme="red",
                width="100%",
            ),
        ),
        rx.cond(
            card.refund_needed,
            rx.callout(
                "Paid: a refund is needed.",
                icon="undo-2",
                size="1",
                color_scheme="amber",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )
