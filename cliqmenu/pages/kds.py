"""/kds: the fullscreen kitchen display for a TV or tablet."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.kds_card import kitchen_card
from cliqmenu.components.kds_panels import (
    all_day_panel,
    empty_queue,
    help_button,
    help_overlay,
    new_order_alert,
    page_class,
    recall_button,
    service_strip,
    start_service_button,
    theme_button,
)
from cliqmenu.components.kds_stations import station_picker
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
        rx.el.h1("Kitchen", class_name="kds-title"),
        truck_switcher(S.truck_name, S.trucks, S.truck_id_text),
        station_picker(S.station_choices, S.station_value),
        rx.el.span(S.open_count, " to cook", class_name="kds-count", id="kds-count"),
        new_order_alert(S.unseen, S.silence),
        rx.spacer(),
        recall_button(S.recall_label, S.recallable, S.recall),
        rx.el.button(
            rx.icon("list-ordered", size=22),
            "All day",
            on_click=S.toggle_all_day,
            class_name="kds-top-button",
            id="kds-all-day-toggle",
            aria_pressed=S.show_all_day.to_string(),
        ),
        all_more_time(S.truck_id_text, "kds-top-button"),
        theme_button(S.kds_theme, S.toggle_theme),
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
        empty_queue(S.loaded, "No orders to cook. New orders appear here.", "kds-empty"),
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
            class_name=page_class(S.kds_theme),
            id="kds-page",
        ),
        accent_color="orange",
        has_background=False,
    )
