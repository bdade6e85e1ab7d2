"""/admin/printers: each truck's network receipt printers, what they print and whether they
answer (docs/printers.md)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import labelled_select
from cliqmenu.components.owner_nav import owner_form_dialog, owner_frame
from cliqmenu.pages.owner_trucks import method_switch
from cliqmenu.state.owner_printers import PrintersState
from cliqmenu.views.printers import PrinterRow

S = PrintersState


def printer_card(row: PrinterRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("printer", size=20, color="var(--accent-9)"),
                rx.heading(row.name, size="4", as_="h2"),
                rx.badge(row.truck_name, variant="soft", color_scheme="gray"),
                rx.spacer(),
                rx.badge(
                    rx.cond(row.status_color == "red", "Not answering", row.status),
                    color_scheme=row.status_color,
                    variant="soft",
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.text(row.address, " · ", row.prints, size="2", color_scheme="gray"),
            rx.cond(
                row.status_color == "red",
                rx.text(row.status, size="2", color_scheme="red"),
            ),
            rx.cond(row.waiting != "", rx.text(row.waiting, size="2", weight="medium")),
            rx.hstack(
                rx.button(
                    rx.icon("file-text", size=14),
                    "Print test page",
                    on_click=S.test_page(row.id),
                    variant="soft",
                    size="2",
                    class_name="printer-test",
                ),
                rx.button(
                    rx.icon("pencil", size=14),
                    "Edit",
                    on_click=S.start_edit(row.id),
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                ),
                rx.button(
                    rx.icon("trash-2", size=14),
                    "Remove",
                    on_click=S.ask_remove(row.id, row.name),
                    variant="soft",
                    color_scheme="red",
                    size="2",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="printer-card",
    )


def text_field(label: str, id: str, value, on_change, hint: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", html_for=id, size="2", weight="medium"),
        rx.input(id=id, name=id, value=value, on_change=on_change, size="3", width="100%", **props),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def printer_fields() -> list[rx.Component]:
    return [
        rx.cond(
            S.is_new,
            labelled_select("Truck", S.f_truck, S.set_f_truck, S.truck_choices, "printer-truck"),
        ),
        text_field("Name", "printer-name", S.f_name, S.set_f_name, "Kitchen, Counter, Drinks…"),
        rx.grid(
            text_field(
                "Address",
                "printer-host",
                S.f_host,
                S.set_f_host,
                "Its IP address on the truck's network, like 192.168.1.50.",
                autocomplete="off",
            ),
            text_field(
                "Port",
                "printer-port",
                S.f_port,
                S.set_f_port,
                "9100 for most network printers.",
                inputmode="numeric",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            method_switch(
                "Kitchen tickets",
                "printer-kitchen",
                S.f_kitchen,
                S.set_f_kitchen,
                "A ticket of every order when it is accepted: items, options, notes, "
                "allergens, no prices.",
            ),
            method_switch(
                "Customer receipts",
                "printer-receipts",
                S.f_receipts,
                S.set_f_receipts,
                "When a manager taps Print receipt on an order.",
            ),
            spacing="2",
        ),
        rx.cond(
            S.station_choices.length() > 0,
            labelled_select(
                "Kitchen tickets of",
                S.f_station,
                S.set_f_station,
                S.station_choices,
                "printer-station",
            ),
        ),
    ]


def printer_dialog() -> rx.Component:
    return owner_form_dialog(
        S,
        ("Add a printer", "Edit printer"),
        "A network receipt printer (ESC/POS) on the truck's Wi-Fi or cable.",
        printer_fields(),
        buttons=("Add printer", "Save printer"),
        id="printer",
        max_width="560px",
    )


def remove_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove ", S.remove_name, "?"),
            rx.alert_dialog.description(
                "Tickets still waiting for it are dropped.", size="2", color_scheme="gray"
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep it", variant="soft", color_scheme="gray", size="3")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Remove printer",
                        on_click=S.remove,
                        color_scheme="red",
                        size="3",
                        id="printer-remove",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="420px",
        ),
        open=S.remove_open,
        on_open_change=S.set_remove_open,
    )


def empty_state() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("printer", size=40, color="var(--accent-9)"),
            rx.heading("No printers yet", size="5"),
            rx.text(
                "Add a network receipt printer to print a kitchen ticket of every accepted "
                "order, and customer receipts on demand.",
                color_scheme="gray",
                text_align="center",
            ),
            align="center",
            spacing="3",
            padding="24px",
        ),
        width="100%",
    )


def printers_page() -> rx.Component:
    return owner_frame(
        "printers",
        "Printers",
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(rx.foreach(S.rows, printer_card), spacing="3", width="100%"),
            empty_state(),
        ),
        printer_dialog(),
        remove_dialog(),
        actions=[
            rx.button(
                rx.icon("refresh-cw", size=16),
                "Check again",
                size="3",
                variant="soft",
                color_scheme="gray",
                on_click=S.refresh,
                id="printers-refresh",
            ),
            rx.button(
                rx.icon("plus", size=16),
                "Add printer",
                size="3",
                on_click=S.start_new,
                id="add-printer",
            ),
        ],
    )
