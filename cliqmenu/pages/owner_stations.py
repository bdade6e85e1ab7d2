"""/admin/stations: each truck's kitchen stations (Grill, Fryer, Drinks) and where its menu's
categories and items are made (docs/kitchen-display.md)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import choices_select
from cliqmenu.components.owner_nav import error_callout, form_dialog, owner_frame, save_buttons
from cliqmenu.state.owner_stations import StationsState
from cliqmenu.views.stations import RouteRow, StationChip, TruckStations

S = StationsState


def station_chip(truck: TruckStations, station: StationChip) -> rx.Component:
    return rx.hstack(
        rx.icon("chef-hat", size=16, color="var(--accent-9)"),
        rx.text(station.name, weight="bold", size="3"),
        rx.cond(
            station.is_default,
            rx.badge("Default", color_scheme="orange", variant="soft"),
            rx.button(
                "Make default",
                on_click=S.make_default(truck.truck_id, station.id),
                variant="ghost",
                size="1",
            ),
        ),
        rx.spacer(),
        rx.icon_button(
            rx.icon("pencil", size=14),
            on_click=S.start_rename(truck.truck_id, station.id, station.name),
            variant="soft",
            color_scheme="gray",
            size="2",
            aria_label="Rename " + station.name,
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            on_click=S.remove(truck.truck_id, station.id),
            variant="soft",
            color_scheme="red",
            size="2",
            aria_label="Remove " + station.name,
        ),
        align="center",
        spacing="2",
        width="100%",
        padding="6px 10px",
        border="1px solid var(--gray-a5)",
        border_radius="10px",
        class_name="station-chip",
    )


def route_row(truck: TruckStations, row: RouteRow) -> rx.Component:
    is_item = row.kind == "item"
    return rx.hstack(
        rx.text(
            row.name,
            weight=rx.cond(is_item, "regular", "bold"),
            size="2",
            padding_left=rx.cond(is_item, "18px", "0"),
            flex="1",
            min_width="0",
        ),
        choices_select(
            "Station for " + row.name,
            "route-" + row.kind + "-" + row.id.to_string(),
            row.value,
            rx.cond(is_item, truck.item_choices, truck.category_choices),
            lambda value: S.set_route(truck.truck_id, row.kind, row.id, value),
            "2",
            min_width="170px",
        ),
        align="center",
        width="100%",
        class_name="station-route",
    )


def truck_card(truck: TruckStations) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("truck", size=20, color="var(--accent-9)"),
                rx.heading(truck.truck_name, size="4", as_="h2"),
                rx.spacer(),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add station",
                    on_click=S.start_new(truck.truck_id, truck.truck_name),
                    size="2",
                    class_name="add-station",
                ),
                align="center",
                width="100%",
            ),
            rx.text(truck.mode, size="2", color_scheme="gray"),
            rx.cond(
                truck.stations.length() > 0,
                rx.vstack(
                    rx.foreach(truck.stations, lambda s: station_chip(truck, s)),
                    spacing="2",
                    width="100%",
                ),
            ),
            rx.cond(
                truck.routes.length() > 0,
                rx.vstack(
                    rx.text("Where the menu is made", weight="medium", size="3"),
                    rx.text(
                        "A category goes to one station; an item can go elsewhere. Anything "
                        "not sent elsewhere goes to the default station. Orders being cooked "
                        "keep their stations.",
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.foreach(truck.routes, lambda r: route_row(truck, r)),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="truck-stations",
        data_truck=truck.truck_name,
    )


def station_dialog() -> rx.Component:
    return form_dialog(
        rx.cond(S.is_new, "Add a station", "Rename station"),
        "A station of the truck's kitchen, like Grill, Fryer or Drinks.",
        rx.form(
            rx.vstack(
                rx.text("Name", as_="label", size="2", weight="medium"),
                rx.input(
                    id="station-name",
                    name="station-name",
                    value=S.f_name,
                    on_change=S.set_f_name,
                    size="3",
                    width="100%",
                ),
                error_callout(S.form_error, "station-error"),
                save_buttons(S.is_new, "Add station", "Save station", "station-save"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save,
            width="100%",
        ),
        open=S.editing,
        on_open_change=S.set_editing,
        max_width="460px",
    )


def stations_page() -> rx.Component:
    return owner_frame(
        "stations",
        "Kitchen stations",
        rx.text(
            "Split a truck's kitchen into stations: each station's display shows only its "
            "items, and an expo screen hands out orders once every station has bumped them.",
            size="2",
            color_scheme="gray",
        ),
        rx.vstack(rx.foreach(S.trucks, truck_card), spacing="3", width="100%"),
        station_dialog(),
    )
