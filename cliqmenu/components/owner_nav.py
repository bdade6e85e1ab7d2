"""The Owner's pages: one sub-navigation under the staff header, and the frame they share."""

from __future__ import annotations

import reflex as rx

from cliqmenu import routes
from cliqmenu.components.layout import staff_header
from cliqmenu.state.owner_form import OwnerForm

# (key, label, icon, route)
OWNER_SECTIONS = (
    ("overview", "Overview", "layout-dashboard", routes.ADMIN),
    ("business", "Business", "store", routes.ADMIN_BUSINESS),
    ("trucks", "Trucks", "truck", routes.ADMIN_TRUCKS),
    ("printers", "Printers", "printer", routes.ADMIN_PRINTERS),
    ("stations", "Stations", "chef-hat", routes.ADMIN_STATIONS),
    ("menu", "Menu", "utensils", routes.ADMIN_MENU),
    ("staff", "Staff", "users", routes.ADMIN_STAFF),
    ("reports", "Reports", "chart-column", routes.ADMIN_REPORTS),
    ("audit", "Audit", "history", routes.ADMIN_AUDIT),
    ("outbox", "Outbox", "mail", routes.ADMIN_OUTBOX),
)

_LINK = {
    "display": "inline-flex",
    "align_items": "center",
    "gap": "6px",
    "padding": "8px 12px",
    "border_radius": "999px",
    "white_space": "nowrap",
    "font_size": "14px",
    "text_decoration": "none",
}


def _section_link(key: str, label: str, icon: str, href: str, current: str) -> rx.Component:
    active = key == current
    return rx.link(
        rx.icon(icon, size=16),
        label,
        href=href,
        id=f"owner-nav-{key}",
        aria_current="page" if active else None,
        style={
            **_LINK,
            "font_weight": "600" if active else "500",
            "color": "var(--accent-11)" if active else "var(--gray-11)",
            "background": "var(--accent-a3)" if active else "transparent",
        },
        _hover={"background": "var(--accent-a3)" if active else "var(--gray-a3)"},
    )


def owner_nav(current: str) -> rx.Component:
    """Links to every owner page; ``current`` is the key of the page shown."""
    return rx.el.nav(
        rx.hstack(
            *[_section_link(*section, current=current) for section in OWNER_SECTIONS],
            spacing="1",
            style={"flex_wrap": "nowrap"},
        ),
        aria_label="Owner pages",
        style={
            "overflow_x": "auto",
            "scrollbar_width": "none",
            "padding": "8px 10px",
            "border_bottom": "1px solid var(--gray-a5)",
            "background": "var(--color-background)",
        },
    )


def owner_frame(current: str, title: str, *children: rx.Component, actions=None) -> rx.Component:
    """Header, owner navigation, a page title with optional actions, then the content."""
    return rx.box(
        staff_header(),
        owner_nav(current),
        rx.el.main(
            rx.vstack(
                rx.hstack(
                    rx.heading(title, size="7", as_="h1"),
                    rx.spacer(),
                    *(actions or []),
                    align="center",
                    width="100%",
                    wrap="wrap",
                    spacing="3",
                ),
                *children,
                spacing="5",
                width="100%",
            ),
            style={"max_width": "1080px", "margin": "0 auto", "padding": "20px 16px 48px"},
        ),
        min_height="100vh",
        background="var(--gray-1)",
    )


def section_card(
    title: str, *children: rx.Component, description: str = "", **props
) -> rx.Component:
    """A titled card for one group of settings."""
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading(title, size="4", as_="h2"),
                rx.text(description, size="2", color_scheme="gray")
                if description
                else rx.fragment(),
                spacing="1",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        **props,
    )


def error_callout(message: rx.Var, id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message, icon="triangle-alert", color_scheme="red", role="alert", width="100%", id=id
        ),
    )


def export_csv_button(on_click, id: str) -> rx.Component:
    """The page's "Export CSV" action (reports, audit)."""
    return rx.button(
        rx.icon("download", size=16),
        "Export CSV",
        size="3",
        variant="outline",
        on_click=on_click,
        id=id,
    )


def save_buttons(is_new: rx.Var[bool], add: str, save: str, id: str) -> rx.Component:
    """A settings form's Cancel (closes its dialog) and submit ("Add truck" / "Save truck")."""
    return rx.hstack(
        rx.dialog.close(
            rx.button("Cancel", type="button", variant="soft", color_scheme="gray", size="3")
        ),
        rx.button(rx.cond(is_new, add, save), type="submit", size="3", id=id),
        justify="end",
        width="100%",
        spacing="3",
    )


def form_dialog(
    title: rx.Component | str,
    description: str,
    form: rx.Component,
    *,
    open,
    on_open_change,
    max_width: str,
) -> rx.Component:
    """The dialog an owner page adds or edits one thing in."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", color_scheme="gray", margin_bottom="12px"),
            form,
            max_width=max_width,
        ),
        open=open,
        on_open_change=on_open_change,
    )


def owner_form_dialog(
    form: type[OwnerForm],
    titles: tuple[str, str],
    description: str,
    fields: list[rx.Component],
    *,
    buttons: tuple[str, str],
    id: str,
    max_width: str,
) -> rx.Component:
    """The dialog an Owner list page adds or edits one thing in (its state an ``OwnerForm``):
    the title for adding or editing, the fields, the form's error, Cancel and Add / Save."""
    return form_dialog(
        rx.cond(form.is_new, *titles),
        description,
        rx.form(
            rx.vstack(
                *fields,
                error_callout(form.form_error, f"{id}-error"),
                save_buttons(form.is_new, *buttons, f"{id}-save"),
                spacing="4",
                width="100%",
            ),
            on_submit=form.save,
            width="100%",
        ),
        open=form.editing,
        on_open_change=form.set_editing,
        max_width=max_width,
    )
