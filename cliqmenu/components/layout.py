"""The frame every staff page shares: header with truck, connection and member."""

from __future__ import annotations

import reflex as rx

from cliqmenu.state.auth import SessionState


def brand() -> rx.Component:
    return rx.hstack(
        rx.box(rx.icon("chef-hat", size=20, color="white"), class_name="brand-mark"),
        rx.text("CliqMenu", weight="bold", size="4"),
        align="center",
        spacing="2",
    )


def truck_switcher(truck_name: rx.Var, trucks: rx.Var, truck_id_text: rx.Var) -> rx.Component:
    return rx.cond(
        trucks.length() > 1,
        rx.select.root(
            rx.select.trigger(aria_label="Truck", id="truck-switcher", variant="soft"),
            rx.select.content(
                rx.foreach(trucks, lambda t: rx.select.item(t["name"], value=t["id"]))
            ),
            value=truck_id_text,
            on_change=SessionState.choose_truck,
            size="2",
        ),
        rx.text(truck_name, weight="medium", id="truck-name"),
    )


def member_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(rx.icon("circle-user", size=18), variant="ghost", aria_label="Account")
        ),
        rx.menu.content(
            rx.box(
                rx.text(SessionState.member_name, weight="bold", size="2"),
                rx.text(SessionState.role_label, size="1", color_scheme="gray"),
                padding="6px 12px",
            ),
            rx.cond(
                SessionState.is_owner,
                rx.fragment(
                    rx.menu.item("Owner pages", on_click=rx.redirect("/admin")),
                    rx.menu.item("Order Manager", on_click=rx.redirect("/manage")),
                    rx.menu.item("Kitchen Display", on_click=rx.redirect("/kds")),
                ),
            ),
            rx.menu.separator(),
            rx.menu.item("Sign out", on_click=SessionState.sign_out, id="sign-out"),
        ),
    )


def staff_header(*middle: rx.Component) -> rx.Component:
    return rx.hstack(
        brand(),
        rx.spacer(),
        *middle,
        member_menu(),
        align="center",
        spacing="3",
        class_name="staff-header",
        width="100%",
    )
