"""/admin/trucks: each truck's menu address, QR code, payment methods, kitchen timer, reminders,
whose devices ring for it, busy pause, archive and restore."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import field_label
from cliqmenu.components.owner_nav import error_callout, owner_form_dialog, owner_frame
from cliqmenu.services.trucks import BUSY_CHOICES
from cliqmenu.state.owner_trucks import TrucksState
from cliqmenu.views.trucks import ArchivedTruck, CrewDevices, TruckCard

S = TrucksState


def fact(icon: str, text: rx.Component | str) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=16, color="var(--gray-10)", flex_shrink="0"),
        rx.text(text, size="2"),
        spacing="2",
        align="center",
    )


def qr_block(card: TruckCard) -> rx.Component:
    return rx.vstack(
        rx.image(
            src=card.qr_svg,
            alt="QR code for " + card.name,
            width="148px",
            height="148px",
            border="1px solid var(--gray-a5)",
            border_radius="8px",
            background="white",
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("download", size=14), "SVG", size="1", variant="soft"),
                href=card.qr_svg + "?download=1",
                download=card.slug + "-qr.svg",
                aria_label="Download QR code (SVG) for " + card.name,
            ),
            rx.link(
                rx.button(rx.icon("download", size=14), "PNG", size="1", variant="soft"),
                href=card.qr_png + "?download=1",
                download=card.slug + "-qr.png",
                aria_label="Download QR code (PNG) for " + card.name,
            ),
            spacing="2",
        ),
        align="center",
        spacing="2",
    )


def busy_controls(card: TruckCard) -> rx.Component:
    return rx.cond(
        card.busy,
        rx.hstack(
            rx.badge(
                rx.icon("circle-pause", size=14),
                "Paused until ",
                card.busy_until,
                color_scheme="amber",
                size="2",
            ),
            rx.button(
                "Resume now",
                size="2",
                variant="soft",
                color_scheme="green",
                on_click=S.resume(card.id),
                id="resume-" + card.id.to_string(),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.badge(
                rx.icon("circle-check", size=14), "Taking orders", color_scheme="green", size="2"
            ),
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        rx.icon("pause", size=14),
                        "Pause orders",
                        size="2",
                        variant="soft",
                        color_scheme="amber",
                        id="pause-" + card.id.to_string(),
                    )
                ),
                rx.menu.content(
                    *[
                        rx.menu.item(f"Pause for {m} minutes", on_click=S.pause(card.id, m))
                        for m in BUSY_CHOICES
                    ]
                ),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
    )


def crew_line(member: CrewDevices) -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.cond(
                member.rings,
                rx.icon("bell-ring", size=16, color="var(--green-10)", flex_shrink="0"),
                rx.icon("bell-off", size=16, color="var(--gray-9)", flex_shrink="0"),
            ),
            rx.text(
                rx.text.span(member.name, weight="medium"),
                rx.text.span(" · ", member.role, color_scheme="gray"),
                size="2",
            ),
            spacing="2",
            align="center",
            min_width="0",
        ),
        rx.badge(
            member.words,
            color_scheme=rx.cond(member.rings, "green", rx.cond(member.kitchen, "gray", "amber")),
            variant="soft",
        ),
        justify="between",
        align="center",
        gap="8px",
        wrap="wrap",
        width="100%",
    )


def ringing_block(card: TruckCard) -> rx.Component:
    """Whose devices ring for this truck's orders now, and a warning when no manager's does."""
    return rx.vstack(
        rx.text("Devices that ring for new orders", size="2", weight="bold"),
        error_callout(card.ring_warning, "ring-warning-" + card.slug),
        rx.foreach(card.crew, crew_line),
        spacing="2",
        width="100%",
        id="ringing-" + card.slug,
    )


def truck_card(card: TruckCard) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.icon("truck", size=22, color="var(--accent-9)"),
                    rx.heading(card.name, size="5", as_="h2"),
                    rx.spacer(),
                    rx.button(
                        rx.icon("pencil", size=14),
                        "Edit",
                        size="2",
                        variant="outline",
                        on_click=S.start_edit(card.id),
                        aria_label="Edit " + card.name,
                        id="edit-truck-" + card.slug,
                    ),
                    align="center",
                    width="100%",
                ),
                fact(
                    "link",
                    rx.link(
                        card.menu_url,
                        href=card.menu_url,
                        is_external=True,
                        id="menu-url-" + card.slug,
                    ),
                ),
                fact(
                    "credit-card",
                    rx.foreach(
                        card.methods, lambda m: rx.badge(m, variant="surface", margin_right="4px")
                    ),
                ),
                fact(
                    "timer",
                    rx.text("Default prep time ", rx.text.strong(card.prep_minutes, " min")),
                ),
                fact(
                    "chef-hat",
                    rx.text(
                        "Kitchen timer: amber at ",
                        rx.text.strong(card.amber_percent, "%"),
                        ", red at ",
                        rx.text.strong(card.red_percent, "%"),
                        " of the prep time",
                    ),
                ),
                fact("clock", card.zone),
                fact("bell", card.reminder),
                rx.separator(size="4"),
                ringing_block(card),
                rx.separator(size="4"),
                rx.flex(
                    busy_controls(card),
                    rx.button(
                        rx.icon("archive", size=14),
                        "Archive",
                        size="2",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=S.ask_archive(card.id),
                        aria_label="Archive " + card.name,
                        id="archive-truck-" + card.slug,
                    ),
                    justify="between",
                    align="center",
                    gap="12px",
                    wrap="wrap",
                    width="100%",
                ),
                spacing="3",
                flex="1",
                min_width="0",
            ),
            qr_block(card),
            direction=rx.breakpoints(initial="column-reverse", sm="row"),
            gap="20px",
            align=rx.breakpoints(initial="center", sm="start"),
        ),
        size="3",
        width="100%",
        id="truck-" + card.slug,
    )


def number_field(label: str, id: str, value, on_change, suffix: str, hint: str) -> rx.Component:
    return rx.vstack(
        field_label(label, id),
        rx.input(
            rx.input.slot(suffix, side="right"),
            id=id,
            name=id,
            value=value,
            on_change=on_change,
            inputmode="numeric",
            size="3",
            width="100%",
        ),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def method_switch(label: str, id: str, checked, on_change, hint) -> rx.Component:
    return rx.text(
        rx.hstack(
            rx.switch(checked=checked, on_change=on_change, id=id, name=id),
            rx.vstack(
                rx.text(label, weight="medium"),
                rx.text(hint, size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        as_="label",
        size="2",
    )


def truck_fields() -> list[rx.Component]:
    return [
        rx.grid(
            rx.vstack(
                field_label("Name", "truck-name-input"),
                rx.input(
                    id="truck-name-input",
                    name="truck-name-input",
                    value=S.f_name,
                    on_change=S.set_f_name,
                    placeholder="Smoky Bros Beach",
                    size="3",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                field_label("Menu address", "truck-slug"),
                rx.input(
                    rx.input.slot("/t/", side="left"),
                    id="truck-slug",
                    name="truck-slug",
                    value=S.f_slug,
                    on_change=S.set_f_slug,
                    placeholder="smoky-bros-beach",
                    size="3",
                    width="100%",
                ),
                rx.cond(
                    S.is_new,
                    rx.text("Lowercase letters, digits and dashes.", size="1", color_scheme="gray"),
                    rx.text(
                        "Changing it breaks QR codes already printed.",
                        size="1",
                        color_scheme="amber",
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.text("Payment methods", size="2", weight="bold"),
        rx.vstack(
            method_switch("Cash at Counter", "truck-cash", S.f_cash, S.set_f_cash, "No surcharge."),
            method_switch(
                "Card at Counter",
                "truck-card",
                S.f_card,
                S.set_f_card,
                "On the truck's EFTPOS terminal.",
            ),
            method_switch(
                "Online",
                "truck-online",
                S.f_online,
                S.set_f_online,
                rx.cond(
                    S.stripe_connected,
                    "Paid on Stripe before the kitchen sees the order.",
                    "Shown to customers once Stripe is connected.",
                ),
            ),
            spacing="2",
            padding_left="2px",
        ),
        rx.grid(
            number_field(
                "Default prep time",
                "truck-prep",
                S.f_prep,
                S.set_f_prep,
                "min",
                "1 to 180 minutes.",
            ),
            number_field(
                "Amber at",
                "truck-amber",
                S.f_amber,
                S.set_f_amber,
                "%",
                "Share of the prep time (10–200%).",
            ),
            number_field(
                "Red at", "truck-red", S.f_red, S.set_f_red, "%", "Above amber (20–300%)."
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        number_field(
            "Low portions warning",
            "truck-low-portions",
            S.f_low,
            S.set_f_low,
            "or fewer",
            'Customers see "Only 3 left" once an item\'s counted portions are this low '
            "(0 never shows it).",
        ),
        number_field(
            "Remind after",
            "truck-reminder",
            S.f_reminder,
            S.set_f_reminder,
            "min",
            "An order nobody accepted, rejected or cancelled after this long rings the "
            "Order Managers' phones again, and again every as many minutes. 1 to 60; 0 turns "
            "reminders off.",
        ),
        method_switch(
            "First names on the pickup board",
            "truck-board-names",
            S.f_board_names,
            S.set_f_board_names,
            "The board at /t/<url>/board shows the customer's first name beside the "
            "number; off, numbers only.",
        ),
        rx.hstack(
            number_field(
                "Orders per 15 minutes",
                "truck-slot-orders",
                S.f_slot_orders,
                S.set_f_slot_orders,
                "orders",
                "Empty: no limit. Online orders past it are offered a later time; "
                "pay-at-counter orders and walk-ins count but are never refused.",
            ),
            number_field(
                "Items per 15 minutes",
                "truck-slot-items",
                S.f_slot_items,
                S.set_f_slot_items,
                "items",
                "Empty: no limit.",
            ),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            rx.text("Time zone", size="2", weight="medium"),
            rx.select.root(
                rx.select.trigger(aria_label="Time zone", id="truck-timezone", width="100%"),
                rx.select.content(
                    rx.foreach(S.timezone_choices, lambda z: rx.select.item(z[1], value=z[0]))
                ),
                value=S.f_timezone,
                on_change=S.set_f_timezone,
                size="3",
            ),
            spacing="1",
            width="100%",
        ),
    ]


def truck_dialog() -> rx.Component:
    return owner_form_dialog(
        S,
        ("Add a truck", "Edit truck"),
        "Customers order at the menu address; its QR code goes on the truck.",
        truck_fields(),
        buttons=("Add truck", "Save truck"),
        id="truck",
        max_width="640px",
    )


def empty_state() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("truck", size=40, color="var(--accent-9)"),
            rx.heading("Add your first truck", size="5"),
            rx.text(
                "Each truck gets its own menu address and QR code, payment methods and kitchen timer.",
                color_scheme="gray",
                text_align="center",
            ),
            rx.button("Add a truck", size="3", on_click=S.start_new),
            align="center",
            spacing="3",
            padding="24px",
        ),
        width="100%",
    )


def archive_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Archive ", S.archive_name, "?"),
            rx.alert_dialog.description(
                rx.vstack(
                    rx.text(
                        "Customers can no longer order there: its menu address and QR code say "
                        "it is not taking orders, and the order API refuses it."
                    ),
                    rx.text(
                        "It leaves the crew's truck pickers (manager board, kitchen display, "
                        "stock). Its orders stay in reports and history."
                    ),
                    rx.text("You can restore it at any time."),
                    spacing="2",
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep trading", variant="soft", color_scheme="gray", size="3")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        rx.icon("archive", size=16),
                        "Archive truck",
                        color_scheme="red",
                        size="3",
                        on_click=S.archive,
                        id="confirm-archive",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
                wrap="wrap",
            ),
            max_width="480px",
        ),
        open=S.archive_open,
        on_open_change=S.set_archive_open,
    )


def archived_line(truck: ArchivedTruck) -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.icon("archive", size=18, color="var(--gray-9)", flex_shrink="0"),
            rx.vstack(
                rx.hstack(
                    rx.text(truck.name, weight="bold"),
                    rx.badge("Archived", color_scheme="gray"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    truck.menu_url,
                    " · not taking orders",
                    size="1",
                    color_scheme="gray",
                    style={"word_break": "break-all"},
                ),
                spacing="1",
                min_width="0",
            ),
            spacing="3",
            align="center",
            min_width="0",
        ),
        rx.button(
            rx.icon("archive-restore", size=14),
            "Restore",
            size="2",
            variant="soft",
            on_click=S.restore(truck.id),
            aria_label="Restore " + truck.name,
            id="restore-truck-" + truck.id.to_string(),
        ),
        justify="between",
        align="center",
        gap="12px",
        padding="12px 16px",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
    )


def archived_section() -> rx.Component:
    return rx.cond(
        S.archived.length() > 0,
        rx.vstack(
            rx.heading("Archived trucks", size="4", as_="h2"),
            rx.text(
                "No orders and not in the crew's truck pickers; their orders stay in reports "
                "and history. Restore one to trade with it again.",
                size="2",
                color_scheme="gray",
            ),
            rx.card(
                rx.vstack(rx.foreach(S.archived, archived_line), spacing="0", width="100%"),
                size="1",
                width="100%",
                style={"padding": "0"},
                id="archived-trucks",
            ),
            spacing="2",
            width="100%",
            margin_top="8px",
        ),
    )


def trucks_page() -> rx.Component:
    return owner_frame(
        "trucks",
        "Trucks",
        rx.cond(
            S.cards.length() > 0,
            rx.vstack(rx.foreach(S.cards, truck_card), spacing="4", width="100%"),
            empty_state(),
        ),
        archived_section(),
        truck_dialog(),
        archive_dialog(),
        actions=[
            rx.button(
                rx.icon("plus", size=16),
                "Add truck",
                size="3",
                on_click=S.start_new,
                id="add-truck",
            )
        ],
    )
