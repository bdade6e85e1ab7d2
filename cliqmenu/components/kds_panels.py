"""The kitchen display's panels: all-day counts, start of service, the keys and the alert."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler

from cliqmenu.views.boards import AllDayCount, AllDayVariant

# (keys, what they do): the help overlay and docs/kitchen-display.md list the same.
KEYS = [
    ("1 – 9", "Select card 1 to 9 (oldest first)"),
    ("← ↑  / → ↓", "Select the previous / next card"),
    (
        "Enter or Space",
        "Cooking Done for the selected card (the oldest if none); on a cancelled card: seen",
    ),
    ("R", "Recall the most recently bumped order (again: the one before it)"),
    ("?", "Show or hide these keys"),
    ("Esc", "Close this help"),
    ("Any key or touch", "Silence the new-order chime"),
]


def all_day_variant(variant: AllDayVariant) -> rx.Component:
    return rx.el.li(
        rx.el.span(variant.quantity, class_name="kds-allday-vqty"),
        rx.el.span(variant.label, class_name="kds-allday-vlabel"),
        class_name="kds-allday-variant",
    )


def all_day_item(count: AllDayCount) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.span(count.quantity, class_name="kds-allday-qty"),
            rx.el.span(count.name, class_name="kds-allday-name"),
            class_name="kds-allday-head",
        ),
        rx.el.ul(rx.foreach(count.variants, all_day_variant), class_name="kds-allday-variants"),
        class_name="kds-allday-item",
    )


def all_day_panel(counts: rx.Var) -> rx.Component:
    """How many of each item (split by options) are still to cook on the open orders."""
    return rx.el.aside(
        rx.el.h2("All day", class_name="kds-allday-title"),
        rx.cond(
            counts.length() > 0,
            rx.el.ul(rx.foreach(counts, all_day_item), class_name="kds-allday-list"),
            rx.el.p("Nothing to cook.", class_name="kds-allday-empty"),
        ),
        class_name="kds-allday",
        id="kds-all-day",
        aria_label="All-day counts",
    )


def start_service_button() -> rx.Component:
    """One tap: sound on, fullscreen, screen kept awake (live.js does it inside the tap)."""
    return rx.el.button(
        rx.el.span(rx.icon("play", size=22), "Start service", class_name="kds-when-idle"),
        rx.el.span(
            rx.icon("sun", size=22),
            rx.el.span("In service", data_service_label=""),
            class_name="kds-when-serving",
        ),
        class_name="kds-top-button kds-start",
        id="kds-start-service",
        data_start_service="",
        aria_label="Start service",
    )


def service_strip() -> rx.Component:
    """Shown until service starts: without the tap the browser keeps the chime silent."""
    return rx.el.section(
        rx.icon("volume-x", size=24),
        rx.el.span(
            "Sound is off and the screen may sleep. Tap Start service at the start of the shift."
        ),
        rx.el.button(
            rx.icon("play", size=22),
            "Start service",
            class_name="kds-top-button kds-start",
            data_start_service="",
            id="kds-start-service-strip",
        ),
        class_name="kds-service-strip",
        id="kds-service-strip",
        aria_label="Service",
    )


def new_order_alert(unseen: rx.Var, on_silence: EventHandler) -> rx.Component:
    """Chimes (live.js) while shown; any touch or key silences it through the hidden button."""
    return rx.fragment(
        rx.cond(
            unseen.length() > 0,
            rx.el.div(
                rx.icon("bell-ring", size=26),
                rx.cond(
                    unseen.length() == 1,
                    "1 new",
                    unseen.length().to_string() + " new",
                ),
                rx.el.span("touch to silence", class_name="kds-alert-hint"),
                class_name="kds-alert",
                id="kds-alert",
                data_alert="on",
                role="status",
            ),
        ),
        rx.el.button(
            "Silence",
            on_click=on_silence,
            id="kds-silence",
            class_name="kds-hidden",
            tab_index=-1,
            aria_hidden="true",
        ),
    )


def help_button() -> rx.Component:
    return rx.el.button(
        rx.icon("keyboard", size=22),
        "?",
        class_name="kds-top-button",
        id="kds-help-button",
        data_kds_help="toggle",
        aria_label="Keys",
    )


def help_overlay() -> rx.Component:
    """The keys of a keyboard or bump bar; opened with ? or the button, closed with Esc."""
    return rx.el.div(
        rx.el.div(
            rx.el.h2("Keys", class_name="kds-help-title"),
            rx.el.table(
                rx.el.tbody(
                    *[rx.el.tr(rx.el.th(rx.el.kbd(keys)), rx.el.td(what)) for keys, what in KEYS]
                ),
                class_name="kds-help-table",
            ),
            rx.el.button(
                "Close",
                class_name="kds-top-button",
                data_kds_help="close",
                id="kds-help-close",
            ),
            class_name="kds-help-box",
            role="dialog",
            aria_label="Keys",
        ),
        class_name="kds-help",
        id="kds-help",
    )


def recall_button(label: rx.Var, recallable: rx.Var, on_click) -> rx.Component:
    """Recall, naming the order it brings back."""
    return rx.el.button(
        rx.icon("undo-2", size=22),
        "Recall",
        rx.el.span(label, class_name="kds-recall-number"),
        on_click=on_click,
        disabled=recallable.length() == 0,
        class_name="kds-top-button",
        id="kds-recall",
        aria_label="Recall",
    )


def theme_button(theme: rx.Var, on_click) -> rx.Component:
    """Dark or Light, remembered by the screen's browser."""
    return rx.el.button(
        rx.icon(rx.cond(theme == "light", "sun", "moon"), size=22),
        rx.cond(theme == "light", "Light", "Dark"),
        on_click=on_click,
        class_name="kds-top-button",
        id="kds-theme",
        aria_label="Light display",
        aria_pressed=(theme == "light").to_string(),
    )


def empty_queue(loaded: rx.Var, words: str, element_id: str) -> rx.Component:
    """Only once loaded: while disconnected the cover hides the queue, never "all done"."""
    return rx.cond(
        loaded,
        rx.center(
            rx.vstack(
                rx.icon("circle-check-big", size=64),
                rx.el.p(words, class_name="kds-empty-text"),
                align="center",
            ),
            class_name="kds-empty",
            id=element_id,
        ),
    )


def page_class(theme: rx.Var) -> rx.Var:
    """Radix's own light/dark colour steps follow the class (its theme's appearance prop is
    dropped by Reflex, which sets the app's colour mode instead)."""
    return rx.cond(theme == "light", "kds-page kds-light light-theme", "kds-page dark-theme")
