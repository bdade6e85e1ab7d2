"""The frame every staff page shares: header with truck, connection and member."""

from __future__ import annotations

import reflex as rx
from reflex.style import color_mode, set_color_mode

from cliqmenu.state.auth import SessionState

# The staff views' theme: the device's (the default), or light or dark as chosen here; the
# browser remembers the choice (localStorage), per device.
THEMES = [("system", "Theme as this device"), ("light", "Light theme"), ("dark", "Dark theme")]


def theme_items() -> rx.Component:
    return rx.fragment(
        *[
            rx.menu.item(
                rx.icon("check", size=14, opacity=rx.cond(color_mode == mode, "1", "0")),
                words,
                on_click=set_color_mode(mode),
                # The one in use is marked (a tick to the eye, aria-current to a reader).
                aria_current=rx.cond(color_mode == mode, "true", "false"),
                id=f"theme-{mode}",
            )
            for mode, words in THEMES
        ]
    )


def brand() -> rx.Component:
    return rx.hstack(
        rx.box(rx.icon("chef-hat", size=20, color="white"), class_name="brand-mark"),
        rx.text("CliqMenu", weight="bold", size="4", white_space="nowrap"),
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


def member_menu(themes: bool = True) -> rx.Component:
    """The member's name and role, the theme (``themes``) and Sign out."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=20),
                variant="ghost",
                aria_label="Account",
                id="account-menu",
                class_name="touch-target",
            )
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
            theme_items() if themes else rx.fragment(),
            rx.menu.separator() if themes else rx.fragment(),
            rx.menu.item("Sign out", on_click=SessionState.sign_out, id="sign-out"),
        ),
    )


def staff_header(*middle: rx.Component) -> rx.Component:
    """The page's banner (a landmark: a screen reader jumps past it to the main content)."""
    return rx.el.header(
        rx.hstack(
            brand(),
            rx.spacer(),
            *middle,
            member_menu(),
            align="center",
            spacing="3",
            class_name="staff-header",
            width="100%",
        ),
        class_name="staff-banner",
    )
