"""/admin/audit: every recorded change, newest first, with filters and a CSV export."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.filters import (
    choice_filter,
    date_filter,
    filter_card,
    labelled,
    run_button,
)
from cliqmenu.components.owner_nav import export_csv_button, owner_frame
from cliqmenu.state.owner_audit import AuditState
from cliqmenu.views.audit import AuditRow

S = AuditState


def filters() -> rx.Component:
    return filter_card(
        date_filter("Day", "audit-day", S.day, S.set_day),
        labelled(
            "Order",
            rx.input(
                placeholder="#12",
                value=S.order,
                on_change=S.set_order,
                aria_label="Order number",
                id="audit-order",
                name="audit-order",
                inputmode="numeric",
                size="2",
                width="90px",
            ),
        ),
        choice_filter("Who", "audit-member", S.member, S.members, S.set_member),
        choice_filter("Kind", "audit-kind", S.kind, S.kinds, S.set_kind),
        run_button("search", "audit-run"),
        rx.button(
            "All days",
            type="button",
            size="2",
            variant="soft",
            color_scheme="gray",
            on_click=S.all_days,
            id="audit-all-days",
        ),
        on_submit=S.run,
        error=S.error,
        error_id="audit-error",
    )


def audit_item(row: AuditRow) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(row.when, size="1", color_scheme="gray", class_name="audit-when"),
            rx.badge(row.kind, variant="soft", color_scheme="gray"),
            rx.cond(row.order != "", rx.badge(row.order, variant="soft", color_scheme="orange")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(rx.text.strong(row.who), " · ", rx.code(row.action, variant="ghost"), size="2"),
        rx.cond(
            row.changes != "",
            rx.text(row.changes, size="2", color_scheme="gray", class_name="audit-changes"),
        ),
        rx.cond(row.reason != "", rx.text("Reason: ", row.reason, size="2", as_="div")),
        class_name="audit-row",
        style={
            "padding": "12px 16px",
            "border_bottom": "1px solid var(--gray-a4)",
            "display": "flex",
            "flex_direction": "column",
            "gap": "4px",
            "overflow_wrap": "anywhere",
        },
    )


def audit_page() -> rx.Component:
    return owner_frame(
        "audit",
        "Audit",
        rx.text(
            "Every change anyone made, and what the system did by itself: who, what, when, "
            "before and after.",
            color_scheme="gray",
            size="2",
        ),
        filters(),
        rx.cond(
            S.rows.length() > 0,
            rx.card(
                rx.box(rx.foreach(S.rows, audit_item), id="audit-list"),
                rx.cond(
                    S.more,
                    rx.text(
                        "Showing the newest 300. Narrow the filters, or export the CSV for all.",
                        size="1",
                        color_scheme="gray",
                        padding="12px 16px",
                    ),
                ),
                width="100%",
                padding="0",
            ),
            rx.card(
                rx.center(rx.text("No changes match.", color_scheme="gray"), padding="32px"),
                width="100%",
            ),
        ),
        actions=[export_csv_button(S.export_csv, "audit-export-csv")],
    )
