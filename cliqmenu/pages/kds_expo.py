"""/kds/expo: the expo of a truck that works by stations (a TV or tablet at the pass)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.kds_panels import empty_queue, page_class, recall_button, theme_button
from cliqmenu.components.kds_stations import expo_card, station_picker
from cliqmenu.components.layout import member_menu, truck_switcher
from cliqmenu.components.live import heartbeat, live_badge, live_script, reconnect_cover
from cliqmenu.state.expo import ExpoState

S = ExpoState


def top_bar() -> rx.Component:
    return rx.el.header(
        rx.el.span("Expo", class_name="kds-title"),
        truck_switcher(S.truck_name, S.trucks, S.truck_id_text),
        station_picker(S.station_choices, "expo"),
        rx.el.span(S.open_count, " in the kitchen", class_name="kds-count", id="expo-count"),
        rx.el.span(S.ready_count, " ready", class_name="expo-ready-count", id="expo-ready-count"),
        rx.spacer(),
        recall_button(S.recall_label, S.recallable, S.recall),
        theme_button(S.kds_theme, S.toggle_theme),
        live_badge(S.last_sync_ms),
        member_menu(themes=False),
        class_name="kds-topbar",
    )


def queue() -> rx.Component:
    return rx.cond(
        S.cards.length() > 0,
        rx.el.div(
            rx.foreach(S.cards, lambda card: expo_card(card, on_bump=S.bump)),
            class_name="kds-grid",
            id="expo-queue",
        ),
        empty_queue(S.loaded, "Nothing in the kitchen.", "expo-empty"),
    )


def expo_page() -> rx.Component:
    return rx.theme(
        rx.box(
            live_script(),
            heartbeat(S.heartbeat),
            top_bar(),
            rx.el.main(
                rx.el.div(
                    rx.el.div(queue(), class_name="kds-queue-area", id="kds-queue-area"),
                    class_name="kds-queue-wrap",
                ),
                reconnect_cover(),
                class_name="kds-main",
            ),
            class_name=page_class(S.kds_theme),
            id="expo-page",
        ),
        accent_color="orange",
        has_background=False,
    )
