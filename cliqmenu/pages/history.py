"""/manage/history: find any order and read its audit trail."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import choices_select
from cliqmenu.components.layout import staff_header
from cliqmenu.components.order_summary import order_summary
from cliqmenu.routes import MANAGE
from cliqmenu.state.history import STAGE_FILTERS, HistoryState
from cliqmenu.views.boards import OrderCard
from cliqmenu.views.history import AuditRow, HistoryRow

H = HistoryState


def filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.input(
                value=H.text,
                on_change=H.set_text,
                placeholder="Order number, name or email",
                aria_label="Search",
                size="3",
                width="100%",
                id="history-search",
                type="search",
            ),
            rx.hstack(
                rx.input(
                    value=H.day,
                    on_change=H.set_day,
                    type="date",
                    size="3",
                    aria_label="Service date",
                    id="history-day",
                ),
                rx.select.root(
                    rx.select.trigger(aria_label="Stage", id="history-stage"),
                    rx.select.content(
                        *[rx.select.item(label, value=value) for value, label in STAGE_FILTERS]
                    ),
                    value=H.stage,
                    on_change=H.set_stage,
                    size="3",
                ),
                choices_select("Truck", "history-truck", H.truck, H.trucks, H.set_truck, "3"),
                wrap="wrap",
                width="100%",
            ),
            rx.hstack(
                rx.button("Search", type="submit", size="3", id="history-go"),
                rx.button(
                    "Any date",
                    type="button",
                    variant="soft",
                    size="3",
                    on_click=[H.set_day(""), H.search],
                ),
            ),
            width="100%",
        ),
        on_submit=lambda _form: H.search(),
        width="100%",
    )


def history_row(row: HistoryRow) -> rx.Component:
    """A tap anywhere opens the order; its words are a button for Tab, Enter and Space."""
    return rx.card(
        rx.el.button(
            rx.hstack(
                rx.text("#", row.number, weight="bold", size="5"),
                rx.vstack(
                    rx.text(row.customer, weight="medium"),
                    rx.text(row.day, " · ", row.stage_label, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                rx.spacer(),
                rx.text(row.total, weight="bold"),
                align="center",
                width="100%",
            ),
            type="button",
            class_name="order-open",
            width="100%",
        ),
        on_click=H.open(row.id),
        class_name="order-card",
        key=row.id,
        width="100%",
    )


def audit_entry(row: AuditRow) -> rx.Component:
    return rx.hstack(
        rx.box(class_name="audit-dot"),
        rx.vstack(
            rx.hstack(
                rx.text(row.what, weight="bold", size="2"),
                rx.spacer(),
                rx.text(row.when, size="1", color_scheme="gray"),
                width="100%",
            ),
            rx.text(row.who, size="1", color_scheme="gray"),
            rx.cond(row.change != "", rx.text(row.change, size="2")),
            rx.cond(
                row.reason != "", rx.text("Reason: ", row.reason, size="2", color_scheme="red")
            ),
            spacing="0",
            width="100%",
        ),
        width="100%",
        align="start",
        class_name="audit-entry",
    )


def detail(card: OrderCard) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("#", card.number, size="7"),
            rx.badge(card.stage_label, size="3", color_scheme="orange"),
            rx.spacer(),
            rx.icon_button(rx.icon("x"), on_click=H.close, variant="ghost", aria_label="Close"),
            width="100%",
            align="center",
        ),
        order_summary(card),
        rx.heading("Audit trail", size="4"),
        rx.vstack(rx.foreach(H.trail, audit_entry), width="100%", spacing="3", id="audit-trail"),
        width="100%",
        spacing="3",
    )


def history_page() -> rx.Component:
    return rx.box(
        staff_header(),
        rx.el.main(
            rx.hstack(
                rx.link(
                    rx.hstack(
                        rx.icon("arrow-left", size=18), "Orders", align="center", spacing="1"
                    ),
                    href=MANAGE,
                    weight="medium",
                    class_name="touch-link",
                ),
                rx.spacer(),
                rx.heading("History", weight="medium", as_="h1", size="3"),
                class_name="truck-bar",
                width="100%",
            ),
            rx.vstack(
                rx.cond(
                    H.detail.length() > 0,
                    rx.foreach(H.detail, detail),
                    rx.vstack(
                        filters(),
                        rx.cond(
                            H.rows.length() > 0,
                            rx.vstack(rx.foreach(H.rows, history_row), width="100%", spacing="2"),
                            rx.text("No orders match.", color_scheme="gray"),
                        ),
                        width="100%",
                        spacing="3",
                    ),
                ),
                padding="10px 14px",
                width="100%",
            ),
        ),
        class_name="manage-page",
    )
