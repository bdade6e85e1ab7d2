"""/admin: the Owner's overview (set-up steps and today at each truck)."""

from __future__ import annotations

import reflex as rx

from cliqmenu import routes
from cliqmenu.components.owner_nav import owner_frame
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.views.owner_overview import Step, TruckToday

S = OwnerHomeState


def step_row(step: Step) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.cond(
                step.done,
                rx.icon("circle-check", size=22, color="var(--green-9)"),
                rx.icon("circle", size=22, color="var(--gray-8)"),
            ),
            rx.vstack(
                rx.text(
                    step.title,
                    weight="medium",
                    size="2",
                    color=rx.cond(step.done, "var(--gray-10)", "var(--gray-12)"),
                    text_decoration=rx.cond(step.done, "line-through", "none"),
                ),
                rx.text(step.detail, size="1", color_scheme="gray"),
                spacing="0",
                flex="1",
            ),
            rx.icon("chevron-right", size=16, color="var(--gray-9)"),
            align="center",
            spacing="3",
            padding="10px 4px",
            width="100%",
        ),
        href=step.href,
        underline="none",
        width="100%",
        border_bottom="1px solid var(--gray-a4)",
    )


def checklist() -> rx.Component:
    return rx.cond(
        S.steps_left > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Get ready for service", size="4", as_="h2"),
                    rx.spacer(),
                    rx.badge(S.steps_left, " to go", color_scheme="orange"),
                    width="100%",
                    align="center",
                ),
                rx.vstack(rx.foreach(S.steps, step_row), spacing="0", width="100%"),
                spacing="2",
                width="100%",
            ),
            size="3",
            width="100%",
            id="setup-checklist",
        ),
    )


def truck_today(t: TruckToday) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("truck", size=18, color="var(--accent-9)"),
                rx.text(t.name, weight="bold"),
                rx.spacer(),
                rx.cond(
                    t.busy,
                    rx.badge("Paused", color_scheme="amber"),
                    rx.badge("Taking orders", color_scheme="green"),
                ),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.vstack(
                    rx.text("Orders", size="1", color_scheme="gray"),
                    rx.text(t.orders, size="6", weight="bold"),
                    spacing="0",
                ),
                rx.vstack(
                    rx.text("Net sales", size="1", color_scheme="gray"),
                    rx.text(t.net, size="6", weight="bold"),
                    spacing="0",
                ),
                spacing="6",
            ),
            rx.link("/t/" + t.slug, href="/t/" + t.slug, is_external=True, size="1"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def shortcuts() -> rx.Component:
    def shortcut(icon: str, title: str, href: str) -> rx.Component:
        return rx.link(
            rx.card(
                rx.hstack(
                    rx.icon(icon, size=18),
                    rx.text(title, weight="medium", size="2"),
                    align="center",
                ),
                width="100%",
            ),
            href=href,
            underline="none",
            color="inherit",
        )

    return rx.grid(
        shortcut("clipboard-list", "Open the Order Manager", routes.MANAGE),
        shortcut("monitor", "Open the Kitchen Display", routes.KDS),
        shortcut("chart-column", "See reports", routes.ADMIN_REPORTS),
        shortcut("user-plus", "Invite staff", routes.ADMIN_STAFF),
        columns=rx.breakpoints(initial="1", sm="2", md="4"),
        spacing="3",
        width="100%",
    )


def overview_page() -> rx.Component:
    return owner_frame(
        "overview",
        "Overview",
        rx.text(S.business_name, color_scheme="gray", margin_top="-12px"),
        checklist(),
        rx.heading("Today · ", S.today_label, size="4", as_="h2"),
        rx.cond(
            S.today.length() > 0,
            rx.grid(
                rx.foreach(S.today, truck_today),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
            ),
            rx.text("No trucks yet.", color_scheme="gray"),
        ),
        shortcuts(),
    )
