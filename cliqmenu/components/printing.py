"""The manager board's printing pieces: the banner of a printer that is down, and the print
buttons of an order."""

from __future__ import annotations

import reflex as rx

from cliqmenu.state.printing import OrderPrintState


def printer_banner(alerts: rx.Var[list[str]]) -> rx.Component:
    """One plain line per printer that is not answering; gone when it prints again."""
    return rx.cond(
        alerts.length() > 0,
        rx.vstack(
            rx.foreach(
                alerts,
                lambda alert: rx.callout(
                    alert,
                    icon="printer",
                    color_scheme="amber",
                    size="1",
                    width="100%",
                    class_name="printer-alert",
                ),
            ),
            spacing="2",
            padding="0 14px 8px",
            role="status",
            id="printer-alerts",
        ),
    )


def print_buttons(order_id: rx.Var[int]) -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("receipt", size=16),
            "Print receipt",
            on_click=OrderPrintState.print_receipt(order_id),
            variant="soft",
            color_scheme="gray",
            size="2",
            id="print-receipt",
        ),
        rx.button(
            rx.icon("printer", size=16),
            "Reprint ticket",
            on_click=OrderPrintState.reprint_ticket(order_id),
            variant="soft",
            color_scheme="gray",
            size="2",
            id="reprint-ticket",
        ),
        spacing="2",
        width="100%",
    )
