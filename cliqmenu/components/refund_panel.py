"""Payment and refunds on the Order Manager's order detail (never on the kitchen display)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.state.refunds import COUNTER_WAYS, RefundState
from cliqmenu.views.boards import OrderCard
from cliqmenu.views.refunds import RefundDetail, RefundLineChoice, RefundView

R = RefundState
STATUS_COLORS = {"pending": "amber", "succeeded": "green", "failed": "red"}
PAYMENT_COLORS = {
    "unpaid": "gray",
    "paid": "green",
    "partially_refunded": "amber",
    "refunded": "blue",
}
PAYMENT_LABELS = {
    "unpaid": "Unpaid",
    "paid": "Paid",
    "partially_refunded": "Partially refunded",
    "refunded": "Refunded",
}
CLOSED = ["rejected", "cancelled", "expired"]


def _paid(card: OrderCard):
    return (card.payment_status == "paid") | (card.payment_status == "partially_refunded")


def paid_online(card: OrderCard):
    """A paid Online order: closing it offers the full refund in the same step."""
    return _paid(card) & (card.payment_method == "online")


def payment_badge(card: OrderCard) -> rx.Component:
    return rx.badge(
        rx.match(card.payment_status, *PAYMENT_LABELS.items(), card.payment_status),
        color_scheme=rx.match(card.payment_status, *PAYMENT_COLORS.items(), "gray"),
        variant="soft",
        size="2",
        id="payment-status",
    )


def refund_row(refund: RefundView) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(refund.amount, weight="bold"),
                rx.badge(
                    refund.status_label,
                    color_scheme=rx.match(refund.status, *STATUS_COLORS.items(), "gray"),
                ),
                rx.text(refund.method_label, size="1", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.cond(refund.item_names != "", rx.text(refund.item_names, size="1")),
            rx.cond(refund.reason != "", rx.text(refund.reason, size="1", color_scheme="gray")),
            rx.cond(refund.error != "", rx.text(refund.error, size="1", color_scheme="red")),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.text("", data_age=refund.created_at_ms, size="1", color_scheme="gray"),
        width="100%",
        class_name="refund-row",
        data_refund_status=refund.status,
    )


def line_choice(line: RefundLineChoice) -> rx.Component:
    qty = R.line_qty.get(line.id.to_string(), 0)
    return rx.hstack(
        rx.vstack(
            rx.text(line.name, weight="medium"),
            rx.text(line.left, " left · ", line.unit, " each", size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.icon_button(
            rx.icon("minus"),
            on_click=R.change_line(line.id, -1),
            variant="soft",
            size="2",
            aria_label="One less " + line.name,
            type="button",
        ),
        rx.text(qty, min_width="1.5em", text_align="center", weight="bold"),
        rx.icon_button(
            rx.icon("plus"),
            on_click=R.change_line(line.id, 1),
            variant="soft",
            size="2",
            aria_label="One more " + line.name,
            type="button",
        ),
        width="100%",
        align="center",
    )


def refund_form(detail: RefundDetail) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Paid ", detail.paid, size="2"),
            rx.text("Refunded ", detail.refunded, size="2"),
            rx.cond(detail.pending != "$0.00", rx.text("Pending ", detail.pending, size="2")),
            rx.text("Can refund ", detail.refundable, size="2", weight="bold", id="refundable"),
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            detail.refundable_cents > 0,
            rx.vstack(
                rx.segmented_control.root(
                    rx.segmented_control.item("Full", value="full"),
                    rx.segmented_control.item("Amount", value="amount"),
                    rx.segmented_control.item("Items", value="lines"),
                    value=R.mode,
                    on_change=R.set_mode,
                    size="2",
                    id="refund-mode",
                ),
                rx.match(
                    R.mode,
                    (
                        "amount",
                        rx.input(
                            value=R.amount_text,
                            on_change=R.set_amount_text,
                            placeholder="Amount, e.g. 5.00",
                            input_mode="decimal",
                            aria_label="Refund amount",
                            id="refund-amount",
                            size="3",
                            width="100%",
                        ),
                    ),
                    (
                        "lines",
                        rx.vstack(rx.foreach(detail.lines, line_choice), width="100%"),
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    ~detail.online,
                    rx.radio_group.root(
                        rx.foreach(
                            COUNTER_WAYS,
                            lambda way: rx.radio_group.item(way[1], value=way[0]),
                        ),
                        value=R.way,
                        on_change=R.set_way,
                        direction="column",
                        aria_label="How the money went back",
                        id="refund-way",
                    ),
                ),
                rx.input(
                    value=R.reason,
                    on_change=R.set_reason,
                    placeholder="Reason (optional)",
                    aria_label="Refund reason",
                    id="refund-reason",
                    size="3",
                    width="100%",
                ),
                rx.cond(
                    R.error != "",
                    rx.text(R.error, color_scheme="red", size="2", role="alert", id="refund-error"),
                ),
                rx.button(
                    rx.cond(R.busy, rx.spinner(size="2"), rx.icon("undo-2", size=16)),
                    R.refund_total_label,
                    on_click=R.submit,
                    disabled=R.busy,
                    color_scheme="red",
                    size="3",
                    width="100%",
                    id="confirm-refund",
                ),
                width="100%",
                spacing="2",
            ),
            rx.text("Nothing left to refund.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            detail.refunds.length() > 0,
            rx.vstack(
                rx.text("Refunds", weight="medium", size="2"),
                rx.foreach(detail.refunds, refund_row),
                width="100%",
                spacing="2",
                id="refund-list",
            ),
        ),
        width="100%",
        spacing="3",
    )


def refund_section(card: OrderCard) -> rx.Component:
    """Payment status, and for a paid order a Refund button opening the panel."""
    open_here = R.panel_open & (R.order_id == card.id)
    return rx.vstack(
        rx.hstack(
            rx.text("Payment", weight="medium", size="2"),
            payment_badge(card),
            rx.spacer(),
            rx.cond(
                (card.payment_status != "unpaid") & ~open_here,
                rx.button(
                    rx.icon("undo-2", size=16),
                    "Refund",
                    on_click=R.open_panel(card.id),
                    variant="soft",
                    color_scheme="red",
                    size="2",
                    id="open-refund",
                ),
            ),
            rx.cond(
                (card.payment_status == "unpaid")
                & (card.payment_method != "online")
                & ~rx.Var.create(CLOSED).contains(card.stage),
                rx.button(
                    "Mark paid",
                    on_click=R.mark_paid_at_counter(card.id),
                    variant="soft",
                    size="2",
                    id="mark-paid",
                    aria_label="Mark paid at the counter",
                ),
            ),
            rx.cond(
                open_here,
                rx.icon_button(
                    rx.icon("x"),
                    on_click=R.close_panel,
                    variant="ghost",
                    size="2",
                    aria_label="Close refund",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            open_here,
            rx.cond(
                R.detail.length() > 0,
                rx.foreach(R.detail, refund_form),
                rx.spinner(size="3"),
            ),
        ),
        width="100%",
        spacing="2",
        id="refund-section",
        class_name="refund-section",
    )


def refund_on_close_choice(card: OrderCard) -> rx.Component:
    return rx.checkbox(
        rx.cond(
            card.payment_status == "paid",
            "Refund " + card.total + " in full",
            "Refund what is left in full",
        ),
        checked=R.refund_on_close,
        on_change=R.set_refund_on_close,
        size="2",
        id="refund-on-close",
    )


def cancel_with_refund(card: OrderCard) -> rx.Component:
    """Cancel order for a paid online order: the full refund is offered in the same step."""
    return rx.vstack(
        refund_on_close_choice(card),
        rx.button(
            "Cancel order",
            on_click=R.cancel_order(card.id, card.stage),
            disabled=R.busy,
            color_scheme="red",
            variant="soft",
            size="3",
            id="cancel-order",
        ),
        align="end",
        spacing="1",
    )


def reject_with_refund(card: OrderCard) -> rx.Component:
    """Reject for a paid online order: the full refund is offered in the same step."""
    return rx.vstack(
        refund_on_close_choice(card),
        rx.button(
            "Reject",
            on_click=R.reject_order(card.id),
            disabled=R.busy,
            color_scheme="red",
            variant="soft",
            size="3",
            id="reject-order",
        ),
        align="end",
        spacing="1",
    )
