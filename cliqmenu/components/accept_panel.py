"""Before Accept: prep time, dining and payment method, discount, notes, and the new totals."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import labelled_select
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


def _money(label: str, value, strong: bool = False) -> rx.Component:
    weight = "bold" if strong else "regular"
    return rx.hstack(
        rx.text(label, weight=weight), rx.spacer(), rx.text(value, weight=weight), width="100%"
    )


def totals_preview() -> rx.Component:
    p = F.preview
    return rx.card(
        rx.vstack(
            _money("Subtotal", p["subtotal"]),
            rx.cond(p["discount"] != "", _money("Discount", "-" + p["discount"])),
            rx.cond(
                p["surcharge"] != "",
                _money("Surcharge (" + p["surcharge_rate"] + ")", p["surcharge"]),
            ),
            rx.hstack(
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
            rx.cond(
                p["gst"] != "", rx.text("Includes GST ", p["gst"], size="1", color_scheme="gray")
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
            labelled_select(
                "Payment method", F.payment, F.set_payment, F.payment_choices, "payment-method"
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
            width="100%",
        ),
        rx.text_area(
            value=F.internal_note,
            on_change=F.set_internal_note,
            placeholder="Internal note (not shown to the kitchen)",
            aria_label="Internal note",
            id="internal-note",
            width="100%",
        ),
        totals_preview(),
        rx.button(
            "Accept",
            on_click=F.accept,
            size="4",
            color_scheme="green",
            width="100%",
            id="accept-order",
        ),
        width="100%",
        spacing="3",
    )
