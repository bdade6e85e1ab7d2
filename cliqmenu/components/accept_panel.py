"""Before Accept: prep time, dining and payment method, discount, notes, and the new totals."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import labelled_select
from cliqmenu.components.receipt import money_rows
from cliqmenu.services.lifecycle import MAX_NOTE
from cliqmenu.state.accept_form import DINING_CHOICES, PREP_PICKS, AcceptFormState

F = AcceptFormState


def _label(text: str) -> rx.Component:
    return rx.text(text, weight="medium", size="2")


def prep_picker() -> rx.Component:
    return rx.vstack(
        _label("Prep time (minutes)"),
        rx.hstack(
            *[
                rx.button(
                    pick,
                    on_click=F.set_prep_minutes(pick),
                    variant=rx.cond(F.prep_minutes == pick, "solid", "outline"),
                    size="3",
                    aria_label=f"{pick} minutes",
                    type="button",
                )
                for pick in PREP_PICKS
            ],
            rx.input(
                value=F.prep_minutes,
                on_change=F.set_prep_minutes,
                type="number",
                min=1,
                max=180,
                size="3",
                width="5.5em",
                aria_label="Custom prep minutes",
                id="prep-minutes",
            ),
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(
            F.quoted != "",
            rx.text(F.quoted, size="2", color_scheme="gray", id="prep-quoted"),
        ),
        width="100%",
    )


def discount_row() -> rx.Component:
    return rx.vstack(
        _label("Discount"),
        rx.hstack(
            rx.segmented_control.root(
                rx.segmented_control.item("None", value="none"),
                rx.segmented_control.item("$", value="amount"),
                rx.segmented_control.item("%", value="percent"),
                value=F.discount_kind,
                on_change=F.set_discount_kind,
                size="3",
                id="discount-kind",
            ),
            rx.cond(
                F.discount_kind != "none",
                rx.input(
                    value=F.discount_text,
                    on_change=F.set_discount_text,
                    placeholder=rx.cond(F.discount_kind == "amount", "2.50", "10"),
                    input_mode="decimal",
                    size="3",
                    flex="1",
                    aria_label="Discount value",
                    id="discount-value",
                ),
            ),
            width="100%",
        ),
        width="100%",
        spacing="1",
    )


def totals_preview() -> rx.Component:
    p = F.preview
    return rx.card(
        rx.vstack(
            money_rows(
                p,
                total_row=rx.hstack(
                    rx.text("Total", weight="bold"),
                    rx.spacer(),
                    rx.cond(
                        F.before_total != p["total"],
                        rx.text(F.before_total, " → ", color_scheme="gray", id="total-before"),
                    ),
                    rx.text(p["total"], weight="bold", size="5", id="total-after"),
                    width="100%",
                    align="center",
                ),
            ),
            rx.cond(
                F.preview_error != "",
                rx.callout(
                    F.preview_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    role="alert",
                    width="100%",
                ),
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
        id="totals-preview",
    )


def accept_panel() -> rx.Component:
    return rx.vstack(
        prep_picker(),
        rx.hstack(
            labelled_select(
                "Dining method", F.dining, F.set_dining, DINING_CHOICES, "dining-method"
            ),
            rx.cond(
                F.paid,
                payment_paid(),
                labelled_select(
                    "Payment method", F.payment, F.set_payment, F.payment_choices, "payment-method"
                ),
            ),
            width="100%",
        ),
        discount_row(),
        rx.text_area(
            value=F.kitchen_note,
            on_change=F.set_kitchen_note,
            placeholder="Kitchen note (shown on the kitchen display)",
            aria_label="Kitchen note",
            id="kitchen-note",
            max_length=MAX_NOTE,
            width="100%",
        ),
        rx.text_area(
            value=F.internal_note,
            on_change=F.set_internal_note,
            placeholder="Internal note (not shown to the kitchen)",
            aria_label="Internal note",
            id="internal-note",
            max_length=MAX_NOTE,
            width="100%",
        ),
        rx.cond(
            F.note_error != "",
            rx.text(F.note_error, color_scheme="red", size="2", id="note-error", role="alert"),
            rx.text(f"Notes: up to {MAX_NOTE} characters each.", size="1", color_scheme="gray"),
        ),
        totals_preview(),
        rx.cond(F.refund_due != "", refund_due_panel(), accept_button()),
        width="100%",
        spacing="3",
    )


def payment_paid() -> rx.Component:
    """A paid order's payment method, read-only: the money is already taken."""
    return rx.vstack(
        rx.text("Payment method", size="2", weight="medium"),
        rx.hstack(
            rx.badge(F.payment_choices[0][1], size="3", color_scheme="gray"),
            rx.badge(F.paid_text, size="3", color_scheme="green"),
            id="payment-method-paid",
            wrap="wrap",
        ),
        width="100%",
        spacing="1",
    )


def accept_button() -> rx.Component:
    return rx.button(
        "Accept",
        on_click=F.accept,
        disabled=F.preview_error != "",
        size="4",
        color_scheme="green",
        width="100%",
        id="accept-order",
    )


def refund_due_panel() -> rx.Component:
    """A paid order at a lower total: the difference goes back in the same step as Accept."""
    return rx.vstack(
        rx.callout(
            "Refund due " + F.refund_due,
            icon="hand-coins",
            color_scheme="amber",
            size="2",
            width="100%",
            id="refund-due",
        ),
        rx.cond(
            F.refund_ways.length() > 0,
            labelled_select(
                "How the money goes back",
                F.refund_way,
                F.set_refund_way,
                F.refund_ways,
                "accept-refund-way",
            ),
        ),
        rx.button(
            "Accept and refund " + F.refund_due,
            on_click=F.accept_with_refund,
            loading=F.busy,
            size="4",
            color_scheme="green",
            width="100%",
            id="accept-order",
        ),
        width="100%",
        spacing="2",
    )
