"""/admin: the Owner's pages (staff and outbox for now)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.layout import staff_header
from cliqmenu.models import Role
from cliqmenu.state.admin import AdminState, EmailRow, StaffRow

S = AdminState


def invite_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Invite a team member", size="4"),
            rx.input(
                name="name",
                placeholder="Name",
                aria_label="Name",
                id="invite-name",
                required=True,
                size="3",
                width="100%",
            ),
            rx.input(
                name="email",
                type="email",
                placeholder="Email",
                aria_label="Email",
                id="invite-email",
                required=True,
                size="3",
                width="100%",
            ),
            rx.input(
                name="mobile",
                placeholder="Mobile (optional)",
                aria_label="Mobile",
                id="invite-mobile",
                size="3",
                width="100%",
            ),
            rx.radio_group.root(
                rx.hstack(
                    rx.radio_group.item(value=Role.ORDER_MANAGER.value, id="role-manager"),
                    rx.text("Order Manager"),
                    rx.radio_group.item(value=Role.KITCHEN_STAFF.value, id="role-kitchen"),
                    rx.text("Kitchen Staff"),
                    align="center",
                ),
                value=S.invite_role,
                on_change=S.set_invite_role,
                aria_label="Role",
            ),
            rx.cond(
                S.invite_error != "",
                rx.callout(
                    S.invite_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    role="alert",
                    width="100%",
                ),
            ),
            rx.button("Send invitation", type="submit", size="3", id="send-invite"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.invite,
        width="100%",
    )


def staff_row(row: StaffRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.name, weight="medium"),
                rx.text(row.email, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row.role_label),
        rx.table.cell(
            rx.badge(
                row.status,
                color_scheme=rx.match(row.status, ("active", "green"), ("invited", "amber"), "red"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row.status == "invited",
                    rx.button("Resend", size="1", variant="soft", on_click=S.resend(row.id)),
                ),
                rx.cond(
                    row.role_label != "Owner",
                    rx.cond(
                        row.status == "disabled",
                        rx.button(
                            "Enable", size="1", variant="soft", on_click=S.set_enabled(row.id, True)
                        ),
                        rx.button(
                            "Disable",
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            on_click=S.set_enabled(row.id, False),
                            id="disable-" + row.id.to_string(),
                        ),
                    ),
                ),
            )
        ),
    )


def email_row(row: EmailRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row.subject, weight="bold"), rx.spacer(), rx.badge(row.status), width="100%"
            ),
            rx.text("To ", row.recipient, " · ", row.created, size="1", color_scheme="gray"),
            rx.el.pre(row.body, class_name="email-body"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="outbox-email",
    )


def admin_page() -> rx.Component:
    return rx.box(
        staff_header(),
        rx.vstack(
            rx.heading("Staff", size="6"),
            rx.card(invite_form(), width="100%"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Member"),
                        rx.table.column_header_cell("Role"),
                        rx.table.column_header_cell("Status"),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.staff_rows, staff_row)),
                width="100%",
                id="staff-table",
            ),
            rx.heading("Outbox", size="6", id="outbox"),
            rx.text("Every email the system sent or would send.", color_scheme="gray", size="2"),
            rx.foreach(S.emails, email_row),
            spacing="4",
            width="100%",
        ),
        class_name="admin-page",
    )
