"""/admin/outbox: the emails the system sent or would send, newest first."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.owner_nav import owner_frame
from cliqmenu.state.owner_outbox import OutboxState
from cliqmenu.views.outbox import EmailRow

S = OutboxState


def note(value: rx.Var[str], **props) -> rx.Component:
    """A small line under the email's heading, shown only when it has something to say."""
    return rx.cond(value != "", rx.text(value, size="1", text_align="left", **props))


def email_item(row: EmailRow) -> rx.Component:
    return rx.accordion.item(
        header=rx.hstack(
            rx.vstack(
                rx.text(row.subject, weight="bold", size="2", text_align="left"),
                rx.text(
                    row.kind,
                    " · to ",
                    row.recipient,
                    " · ",
                    row.created,
                    size="1",
                    color_scheme="gray",
                    text_align="left",
                ),
                note(row.delivery, class_name="delivery"),
                note(row.error, color_scheme="red", class_name="error"),
                spacing="1",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.badge(
                row.status_label,
                # Its words in the darkest step: readable on the item's tint when open or hovered.
                high_contrast=True,
                color_scheme=rx.match(
                    row.status,
                    ("sent", "green"),
                    ("failed", "red"),
                    ("pending", "amber"),
                    ("retrying", "amber"),
                    "gray",
                ),
            ),
            width="100%",
            align="center",
            spacing="3",
        ),
        content=rx.vstack(
            rx.cond(
                (row.status == "failed") & S.delivering,
                rx.button(
                    rx.icon("send", size=14),
                    "Send again",
                    on_click=S.send_again(row.id),
                    size="1",
                    variant="soft",
                    class_name="send-again",
                ),
            ),
            rx.el.pre(
                row.body,
                style={
                    "white_space": "pre-wrap",
                    "word_break": "break-word",
                    "font_size": "13px",
                    "background": "var(--gray-2)",
                    "padding": "12px",
                    "border_radius": "8px",
                    "margin": "0",
                    "width": "100%",
                },
            ),
            width="100%",
        ),
        value=row.id.to_string(),
        class_name="outbox-email",
    )


def outbox_page() -> rx.Component:
    return owner_frame(
        "outbox",
        "Outbox",
        rx.text(
            "Every email the system sent or would send: invitations, order confirmations and "
            "Ready for Pickup notices. With an email server set they are delivered, and retried "
            "while it cannot be reached; without one they are printed to the log.",
            color_scheme="gray",
            size="2",
        ),
        # Each email's header is an h3 (Radix's accordion): an h2 above them keeps the order.
        rx.heading("Emails", as_="h2", class_name="sr-only"),
        rx.cond(
            S.emails.length() > 0,
            rx.accordion.root(
                rx.foreach(S.emails, email_item),
                collapsible=True,
                type="multiple",
                variant="surface",
                width="100%",
                id="outbox-list",
            ),
            rx.card(
                rx.center(rx.text("No emails yet.", color_scheme="gray"), padding="32px"),
                width="100%",
            ),
        ),
    )
