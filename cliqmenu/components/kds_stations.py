"""The kitchen display's station picker and the expo's order card."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec

from cliqmenu.components.kds_card import card_identity, kitchen_note, status_row
from cliqmenu.state.auth import SessionState
from cliqmenu.views.boards import ExpoCard, ExpoStation, KitchenLine

Handler = Callable[..., EventSpec]


def station_picker(choices: rx.Var, value: rx.Var | str) -> rx.Component:
    """All stations, each station, the expo: the device remembers the choice. Shown only on a
    truck that works by stations."""
    return rx.cond(
        choices.length() > 0,
        rx.select.root(
            rx.select.trigger(aria_label="Station", id="kds-station", class_name="kds-station"),
            rx.select.content(
                rx.foreach(choices, lambda c: rx.select.item(c[1], value=c[0])),
            ),
            value=value,
            on_change=SessionState.choose_station,
            size="3",
        ),
    )


def _station_chip(station: ExpoStation) -> rx.Component:
    """A station's state in colour, icon and word (colour-blind safe)."""
    return rx.el.li(
        rx.match(
            station.state,
            ("done", rx.icon("circle-check-big", size=22)),
            ("cooking", rx.icon("flame", size=22)),
            rx.icon("hourglass", size=22),
        ),
        rx.el.span(station.name, class_name="expo-station-name"),
        rx.el.span(
            rx.match(station.state, ("done", "DONE"), ("cooking", "COOKING"), "WAITING"),
            class_name="expo-station-word",
        ),
        class_name="expo-station",
        data_state=station.state,
    )


def _expo_line(line: KitchenLine) -> rx.Component:
    return rx.el.li(
        rx.el.span(line.quantity, "×", class_name="kds-qty"),
        rx.el.span(
            rx.el.span(line.name, class_name="expo-item"),
            rx.cond(
                line.options.length() > 0,
                rx.el.span(line.options.join(" · "), class_name="kds-options"),
            ),
            class_name="kds-line-text",
        ),
        class_name=rx.cond(line.done, "expo-line done", "expo-line"),
    )


def expo_card(expo: ExpoCard, on_bump: Handler) -> rx.Component:
    card = expo.card
    return rx.el.article(
        rx.el.header(
            *card_identity(card),
            rx.cond(expo.ready, rx.el.span("READY", class_name="expo-ready-tag")),
            class_name="kds-card-head",
        ),
        status_row(card),
        rx.el.ul(rx.foreach(expo.stations, _station_chip), class_name="expo-stations"),
        rx.el.ul(rx.foreach(card.lines, _expo_line), class_name="expo-lines"),
        kitchen_note(card),
        rx.cond(
            ~card.cancelled,
            rx.el.button(
                rx.cond(
                    expo.ready,
                    rx.fragment(rx.icon("chef-hat", size=24), "Cooking Done"),
                    rx.fragment(
                        rx.icon("hourglass", size=22),
                        "Stations ",
                        expo.stations_done,
                        "/",
                        expo.stations.length(),
                    ),
                ),
                on_click=on_bump(card.id),
                disabled=~expo.ready,
                class_name="kds-bump expo-bump",
                aria_label="Cooking Done #" + card.number.to_string(),
            ),
        ),
        class_name=rx.cond(
            card.cancelled,
            "kds-card expo-card cancelled",
            rx.cond(expo.ready, "kds-card expo-card ready", "kds-card expo-card"),
        ),
        key=card.id,
        data_timer_card="",
        data_timer=rx.cond(card.cancelled, "cancelled", "ok"),
        data_ready=expo.ready.to_string(),
        id="expo-order-" + card.number.to_string(),
        data_order_number=card.number,
    )
