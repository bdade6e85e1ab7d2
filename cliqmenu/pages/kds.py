"""/kds: the fullscreen kitchen display for a TV or tablet."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.layout import member_menu, truck_switcher
from cliqmenu.components.live import heartbeat, live_badge, live_script, reconnect_cover
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.views import KitchenCard, LineView

S = KitchenState


def kitchen_line(card: KitchenCard, line: LineView) -> rx.Component:
    return rx.el.li(
        rx.el.button(
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
                    rx.el.span("⚠ ", line.allergens.join(", "), class_name="kds-allergens"),
                ),
                class_name="kds-line-text",
            ),
            on_click=S.tick(card.id, line.id, ~line.done),
            disabled=card.cancelled,
            class_name="kds-line-button",
            aria_pressed=line.done.to_string(),
        ),
        class_name=rx.cond(line.done, "kds-line done", "kds-line"),
    )


def kitchen_card(card: KitchenCard) -> rx.Component:
    return rx.el.article(
        rx.el.header(
            rx.el.span("#", card.number, class_name="kds-number"),
            rx.el.span(card.dining_label, class_name="kds-dining"),
            rx.el.span(card.customer_first_name, class_name="kds-name"),
            rx.cond(
                card.cancelled,
                rx.el.span("CANCELLED", class_name="kds-cancelled-tag"),
                rx.el.span(
                    rx.icon("timer", size=22, class_name="kds-timer-icon"),
                    rx.el.span(
                        "",
                        data_since=card.accepted_at_ms,
                        data_warn=card.warn_ms,
                        data_late=card.late_ms,
                        class_name="kds-elapsed",
                    ),
                    rx.el.span("/", card.prep_minutes, "m", class_name="kds-prep"),
                    class_name="kds-timer",
                ),
            ),
            class_name="kds-card-head",
        ),
        rx.el.ul(
            rx.foreach(card.lines, lambda line: kitchen_line(card, line)), class_name="kds-lines"
        ),
        rx.cond(
            card.kitchen_note != "",
            rx.el.p(
                rx.icon("message-square-warning", size=20),
                card.kitchen_note,
                class_name="kds-kitchen-note",
            ),
        ),
        rx.cond(
            card.cancelled,
            rx.el.button(
                "Got it — remove", on_click=S.acknowledge(card.id), class_name="kds-bump kds-ack"
            ),
            rx.el.button(
                "Cooking Done",
                on_click=S.bump(card.id),
                class_name="kds-bump",
                aria_label="Cooking Done",
            ),
        ),
        class_name=rx.cond(card.cancelled, "kds-card cancelled", "kds-card"),
        key=card.id,
        data_timer_card="",
        data_timer="ok",
        id="kds-order-" + card.number.to_string(),
        data_order_number=card.number,
    )


def kds_page() -> rx.Component:
    return rx.theme(
        rx.box(
            live_script(),
            heartbeat(S.heartbeat),
            rx.el.header(
                rx.el.span("Kitchen", class_name="kds-title"),
                truck_switcher(S.truck_name, S.trucks, S.truck_id_text),
                rx.el.span(S.open_count, " to cook", class_name="kds-count", id="kds-count"),
                rx.spacer(),
                rx.el.button(
                    rx.icon("undo-2", size=22),
                    "Recall",
                    on_click=S.recall,
                    class_name="kds-top-button",
                    id="kds-recall",
                ),
                live_badge(S.last_sync_ms),
                member_menu(),
                class_name="kds-topbar",
            ),
            rx.el.main(
                rx.cond(
                    S.cards.length() > 0,
                    rx.el.div(rx.foreach(S.cards, kitchen_card), class_name="kds-grid"),
                    rx.cond(
                        S.loaded,
                        rx.center(
                            rx.vstack(
                                rx.icon("circle-check-big", size=64),
                                rx.el.p(
                                    "No orders to cook. New orders appear here.",
                                    class_name="kds-empty-text",
                                ),
                                align="center",
                            ),
                            class_name="kds-empty",
                        ),
                    ),
                ),
                reconnect_cover(),
                class_name="kds-main",
            ),
            class_name="kds-page",
        ),
        appearance="dark",
        accent_color="orange",
        has_background=False,
    )
