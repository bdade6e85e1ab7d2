"""One order card on the kitchen display: what to cook, how late it is, tick and bump."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec

from cliqmenu.views.boards import KitchenCard, KitchenLine

Handler = Callable[..., EventSpec]


def dining_icon(method: rx.Var) -> rx.Component:
    return rx.match(
        method,
        ("dine_in", rx.icon("utensils", size=20)),
        ("delivery", rx.icon("bike", size=20)),
        rx.icon("shopping-bag", size=20),
    )


def timer_row(card: KitchenCard, more_time: rx.Component | None = None) -> rx.Component:
    """Time since accepted against the prep time; live.js sets data-timer on the card.

    The state shows as colour, icon, word and (when late) a striped head: colour-blind safe.
    """
    return rx.el.div(
        rx.icon("timer", size=26, class_name="kds-timer-icon kds-icon-ok"),
        rx.icon("triangle-alert", size=26, class_name="kds-timer-icon kds-icon-warn"),
        rx.icon("flame", size=26, class_name="kds-timer-icon kds-icon-late"),
        rx.el.span(
            "",
            data_since=card.accepted_at_ms,
            data_warn=card.warn_ms,
            data_late=card.late_ms,
            class_name="kds-elapsed",
        ),
        rx.el.span("/ ", card.prep_minutes, " min", class_name="kds-prep"),
        *([more_time] if more_time is not None else []),
        rx.el.span(class_name="kds-timer-word"),
        class_name="kds-timer",
    )


def kitchen_line(card: KitchenCard, line: KitchenLine, on_tick: Handler) -> rx.Component:
    return rx.el.li(
        rx.el.button(
            rx.el.span(
                rx.cond(
                    line.done, rx.icon("square-check-big", size=28), rx.icon("square", size=28)
                ),
                class_name="kds-check",
            ),
            rx.el.span(line.quantity, "×", class_name="kds-qty"),
            rx.el.span(
                rx.el.span(line.name, class_name="kds-item"),
                rx.cond(
                    line.options.length() > 0,
                    rx.el.span(line.options.join(" · "), class_name="kds-options"),
                ),
                rx.cond(line.note != "", rx.el.span("“", line.note, "”", class_name="kds-note")),
                rx.cond(
                    line.allergens.length() > 0,
                    rx.el.span(
                        rx.icon("triangle-alert", size=18),
                        line.allergens.join(", "),
                        class_name="kds-allergens",
                    ),
                ),
                class_name="kds-line-text",
            ),
            on_click=on_tick(card.id, line.id, ~line.done),
            disabled=card.cancelled,
            class_name="kds-line-button",
            aria_pressed=line.done.to_string(),
            aria_label=rx.cond(line.done, "Not done: ", "Done: ") + line.name,
        ),
        class_name=rx.cond(line.done, "kds-line done", "kds-line"),
    )


def card_identity(card: KitchenCard) -> list[rx.Component]:
    """The order number, the dining method (icon and word) and the first name to call out."""
    return [
        rx.el.span("#", card.number, class_name="kds-number"),
        rx.el.span(
            dining_icon(card.dining_method),
            card.dining_label,
            class_name="kds-dining",
            data_dining=card.dining_method,
        ),
        rx.el.span(card.customer_first_name, class_name="kds-name"),
    ]


def status_row(card: KitchenCard, more_time: rx.Component | None = None) -> rx.Component:
    """CANCELLED with the reason, or the timer."""
    return rx.cond(
        card.cancelled,
        rx.el.div(
            rx.icon("ban", size=26),
            rx.el.span("CANCELLED", class_name="kds-cancelled-word"),
            rx.cond(
                card.cancel_reason != "",
                rx.el.span(card.cancel_reason, class_name="kds-cancel-reason"),
            ),
            class_name="kds-cancelled-banner",
        ),
        timer_row(card, more_time),
    )


def kitchen_note(card: KitchenCard) -> rx.Component:
    return rx.cond(
        card.kitchen_note != "",
        rx.el.p(
            rx.icon("message-square-warning", size=22),
            card.kitchen_note,
            class_name="kds-kitchen-note",
        ),
    )


def kitchen_card(
    card: KitchenCard,
    position: rx.Var,
    is_new: rx.Var,
    on_tick: Handler,
    on_bump: Handler,
    on_acknowledge: Handler,
    more_time: rx.Component | None = None,
) -> rx.Component:
    return rx.el.article(
        rx.el.header(
            rx.el.span(position + 1, class_name="kds-pos", title="Key to select this card"),
            *card_identity(card),
            rx.cond(is_new, rx.el.span("NEW", class_name="kds-new-tag")),
            class_name="kds-card-head",
        ),
        status_row(card, more_time),
        rx.el.ul(
            rx.foreach(card.lines, lambda line: kitchen_line(card, line, on_tick)),
            class_name="kds-lines",
        ),
        kitchen_note(card),
        rx.cond(
            card.cancelled,
            rx.el.button(
                rx.icon("check", size=24),
                "Seen — remove",
                on_click=on_acknowledge(card.id),
                class_name="kds-bump kds-ack",
                data_primary="",
                aria_label="Seen, remove cancelled #" + card.number.to_string(),
            ),
            rx.el.button(
                rx.icon("chef-hat", size=24),
                "Cooking Done",
                rx.cond(
                    card.lines_done > 0,
                    rx.el.span(
                        card.lines_done, "/", card.lines.length(), class_name="kds-done-count"
                    ),
                ),
                on_click=on_bump(card.id),
                class_name="kds-bump",
                data_primary="",
                aria_label="Cooking Done #" + card.number.to_string(),
            ),
        ),
        class_name=rx.cond(
            card.cancelled,
            "kds-card cancelled",
            rx.cond(is_new, "kds-card new", "kds-card"),
        ),
        key=card.id,
        data_timer_card="",
        data_timer=rx.cond(card.cancelled, "cancelled", "ok"),
        data_kds_card=card.id,
        data_stage=card.stage,
        id="kds-order-" + card.number.to_string(),
        data_order_number=card.number,
        # live.js reads this out once (a screen reader): a new order, or one cancelled.
        data_announce=rx.cond(
            is_new,
            rx.cond(
                card.cancelled,
                "Order #" + card.number.to_string() + " cancelled",
                "New order #" + card.number.to_string(),
            ),
            "",
        ),
    )
