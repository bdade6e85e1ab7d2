"""/kds: the fullscreen kitchen display for a TV or tablet."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.kds_card import kitchen_card
from cliqmenu.components.kds_panels import (
    all_day_panel,
    help_button,
    help_overlay,
    new_order_alert,
    service_strip,
    start_service_button,
)
from cliqmenu.components.layout import member_menu, truck_switcher
from cliqmenu.components.live import (
    database_notice,
    heartbeat,
    live_badge,
    live_script,
    reconnect_cover,
)
from cliqmenu.components.more_time import all_more_time, order_more_time
from cliqmenu.state.kitchen import KitchenState

S = KitchenState


def top_bar() -> rx.Component:
    return rx.el.header(
        rx.el.span("Kitchen", class_name="kds-title"),
        truck_switcher(S.truck_name, S.trucks, S.truck_id_text),
        rx.el.span(S.open_count, " to cook", class_name="kds-count", id="kds-count"),
        new_order_alert(S.unseen, S.silence),
        rx.spacer(),
        rx.el.button(
            rx.icon("undo-2", size=22),
            "Recall",
            rx.el.span(S.recall_label, class_name="kds-recall-number"),
            on_click=S.recall,
            disabled=S.recallable.length() == 0,
            class_name="kds-top-button",
            id="kds-recall",
            aria_label="Recall",
        ),
        rx.el.button(
            rx.icon("list-ordered", size=22),
            "All day",
            on_click=S.toggle_all_day,
            class_name="kds-top-button",
            id="kds-all-day-toggle",
            aria_pressed=S.show_all_day.to_string(),
        ),
        all_more_time(S.truck_id_text, "kds-top-button"),
        rx.el.button(
            rx.icon(rx.cond(S.kds_theme == "light", "sun", "moon"), size=22),
            rx.cond(S.kds_theme == "light", "Light", "Dark"),
            on_click=S.toggle_theme,
            class_name="kds-top-button",
            id="kds-theme",
            aria_label="Light display",
            aria_pressed=(S.kds_theme == "light").to_string(),
        ),
        help_button(),
        start_service_button(),
        live_badge(S.last_sync_ms),
        member_menu(themes=False),
        class_name="kds-topbar",
    )


def queue() -> rx.Component:
    return rx.cond(
        S.cards.length() > 0,
        rx.el.div(
            rx.foreach(
                S.cards,
                lambda card, index: kitchen_card(
                    card,
                    index,
                    S.unseen.contains(card.id),
                    on_tick=S.tick,
                    on_bump=S.bump,
                    on_acknowledge=S.acknowledge,
                    more_time=order_more_time(card.id, card.number, "kds-more-time"),
                ),
            ),
            class_name="kds-grid",
            id="kds-queue",
        ),
        # Only once loaded: while disconnected the cover hides the queue, never "all done".
        rx.cond(
            S.loaded,
            rx.center(
                rx.vstack(
                    rx.icon("circle-check-big", size=64),
                    rx.el.p(
                        "No orders to cook. New orders appear here.", class_name="kds-empty-text"
                    ),
                    align="center",
                ),
                class_name="kds-empty",
                id="kds-empty",
            ),
        ),
    )


def kds_page() -> rx.Component:
    return rx.theme(
        rx.box(
            live_script(),
            heartbeat(S.heartbeat),
            top_bar(),
            service_strip(),
            database_notice(S.database_notice),
            rx.el.main(
                rx.el.div(
                    rx.el.div(queue(), class_name="kds-queue-area", id="kds-queue-area"),
                    # live.js counts the cards scrolled out of sight: none is ever hidden silently.
                    rx.el.button(
                        rx.el.span(data_more_label=""),
                        rx.icon("chevrons-right", size=24),
                        class_name="kds-more",
                        id="kds-more",
                        data_count="0",
                        aria_label="More orders",
                    ),
                    class_name="kds-queue-wrap",
                ),
                rx.cond(S.show_all_day, all_day_panel(S.all_day)),
                reconnect_cover(),
                class_name="kds-main",
            ),
            help_overlay(),
            # Radix's own light/dark colour steps follow the class (its theme's appearance
            # prop is dropped by Reflex, which sets the app's colour mode instead).
            class_name=rx.cond(
                S.kds_theme == "light", "kds-page kds-light light-theme", "kds-page dark-theme"
            ),
            id="kds-page",
        ),
        accent_color="orange",
        has_background=False,
    )
