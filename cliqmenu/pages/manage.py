"""/manage: the Order Manager's phone view."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.accept_panel import accept_panel
from cliqmenu.components.layout import staff_header, truck_switcher
from cliqmenu.components.live import (
    database_notice,
    heartbeat,
    live_badge,
    live_script,
    reconnect_cover,
)
from cliqmenu.components.more_time import all_more_time, order_more_time
from cliqmenu.components.notifications import notifications_bell, notifications_card
from cliqmenu.components.order_summary import order_summary
from cliqmenu.components.printing import print_buttons, printer_banner
from cliqmenu.components.refund_panel import (
    cancel_with_refund,
    paid_online,
    refund_section,
    reject_with_refund,
)
from cliqmenu.routes import HISTORY, STOCK, WALK_IN
from cliqmenu.services.trucks import BUSY_CHOICES
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.push import StaffPushState
from cliqmenu.views.boards import OrderCard, OrderRow

S = ManagerState
TAB_LABELS = [
    ("received", "Received"),
    ("in_progress", "In Progress"),
    ("cooking_done", "Cooking Done"),
    ("ready_for_pickup", "Ready for Pickup"),
    ("delivered", "Delivered"),
]
# The next move from each stage: (button words, stage it moves from).
NEXT_ACTION = {
    "in_progress": "Cooking Done",
    "cooking_done": "Ready for Pickup",
    "ready_for_pickup": "Delivered",
}


def stage_tabs() -> rx.Component:
    return rx.hstack(
        *[
            rx.button(
                label,
                rx.badge(
                    S.counts[key],
                    variant="solid",
                    radius="full",
                    color_scheme=rx.cond(S.tab == key, "gray", "orange"),
                ),
                on_click=S.select_tab(key),
                variant=rx.cond(S.tab == key, "solid", "soft"),
                color_scheme="orange",
                radius="full",
                size="2",
                id=f"tab-{key}",
                aria_pressed=rx.cond(S.tab == key, "true", "false"),
                class_name="stage-tab",
            )
            for key, label in TAB_LABELS
        ],
        class_name="stage-tabs",
        spacing="2",
    )


def next_action_button(card: OrderRow | OrderCard) -> rx.Component:
    return rx.match(
        card.stage,
        ("received", rx.button("Open", on_click=S.open_order(card.id), size="3", variant="soft")),
        *[
            (
                stage,
                rx.button(
                    words,
                    on_click=S.advance(card.id, stage).stop_propagation,
                    size="3",
                    color_scheme="orange",
                    white_space="nowrap",
                    aria_label=f"{words}",
                ),
            )
            for stage, words in NEXT_ACTION.items()
        ],
        rx.fragment(),
    )


def order_card(card: OrderRow) -> rx.Component:
    """The card opens the order on a tap anywhere; its words are a button, so Tab reaches it
    and Enter or Space opens it (the click goes up to the card)."""
    return rx.card(
        rx.hstack(
            rx.el.button(
                rx.vstack(
                    rx.hstack(
                        rx.text(
                            "#", card.number, weight="bold", size="6", class_name="order-number"
                        ),
                        rx.text(
                            card.customer_name,
                            weight="medium",
                            size="3",
                            min_width="0",
                            class_name="clamp-2",
                        ),
                        align="baseline",
                        spacing="2",
                        min_width="0",
                        max_width="100%",
                    ),
                    rx.hstack(
                        rx.cond(
                            card.scheduled != "",
                            rx.badge(
                                rx.icon("calendar-clock", size=12),
                                card.scheduled,
                                variant="solid",
                                color_scheme="violet",
                            ),
                        ),
                        rx.badge(card.dining_label, variant="soft", color_scheme="blue"),
                        rx.badge(card.payment_label, variant="soft", color_scheme="gray"),
                        rx.text("", data_age=card.placed_at_ms, size="1", color_scheme="gray"),
                        spacing="2",
                        wrap="wrap",
                    ),
                    spacing="1",
                    align="start",
                    min_width="0",
                    flex="1",
                ),
                type="button",
                class_name="order-open",
            ),
            rx.vstack(
                rx.text(card.total, weight="bold", size="4"),
                next_action_button(card),
                align="end",
                spacing="2",
            ),
            align="center",
            width="100%",
        ),
        on_click=S.open_order(card.id),
        class_name="order-card",
        # live.js reads this out once (a screen reader) while the order is new.
        data_announce=rx.cond(
            S.unseen.contains(card.id), "New order #" + card.number.to_string(), ""
        ),
        key=card.id,
        id=f"order-{card.number}",
        data_order_number=card.number,
        width="100%",
    )


def reason_input() -> rx.Component:
    return rx.input(
        value=S.reason,
        on_change=S.set_reason,
        placeholder="Reason (required)",
        aria_label="Reason",
        id="reason",
        size="3",
        width="100%",
    )


def reject_form(card: OrderCard) -> rx.Component:
    return rx.hstack(
        reason_input(),
        rx.cond(
            paid_online(card),
            reject_with_refund(card),
            rx.button(
                "Reject",
                on_click=S.reject(card.id),
                color_scheme="red",
                variant="soft",
                size="3",
                id="reject-order",
            ),
        ),
        width="100%",
    )


def moves_panel(card: OrderCard) -> rx.Component:
    return rx.vstack(
        rx.cond(
            card.stage != "delivered",
            rx.hstack(
                reason_input(),
                rx.cond(
                    paid_online(card),
                    cancel_with_refund(card),
                    rx.button(
                        "Cancel order",
                        on_click=S.cancel(card.id, card.stage),
                        color_scheme="red",
                        variant="soft",
                        size="3",
                        id="cancel-order",
                    ),
                ),
                width="100%",
            ),
        ),
        rx.cond(
            card.stage == "in_progress",
            rx.hstack(
                rx.icon("clock-arrow-up", size=20),
                rx.text("Need more time", weight="medium"),
                rx.spacer(),
                order_more_time(card.id, card.number, "manage-more-time"),
                width="100%",
                align="center",
                id="order-more-time",
            ),
        ),
        rx.cond(
            (card.stage != "delivered") & (card.stage != "received"),
            rx.button(
                "Undo last move",
                on_click=S.step_back(card.id, card.stage),
                variant="outline",
                size="3",
                width="100%",
                id="undo-move",
            ),
        ),
        width="100%",
    )


def order_detail(card: OrderCard) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            # Focus lands here when the detail opens from the keyboard (live.js).
            rx.heading("#", card.number, size="8", tab_index=-1, class_name="order-detail-heading"),
            rx.badge(card.stage_label, size="3", color_scheme="orange"),
            rx.cond(
                card.scheduled != "",
                rx.badge(card.scheduled, size="3", color_scheme="violet", id="detail-scheduled"),
            ),
            rx.spacer(),
            rx.icon_button(
                rx.icon("x"), on_click=S.close_order, variant="ghost", aria_label="Close", size="3"
            ),
            width="100%",
            align="center",
        ),
        order_summary(card),
        rx.cond(card.stage != "received", print_buttons(card.id)),
        refund_section(card),
        rx.divider(),
        rx.cond(
            card.stage == "received",
            rx.vstack(accept_panel(), reject_form(card), width="100%", spacing="3"),
            moves_panel(card),
        ),
        rx.cond(
            NEXT_ACTION_KEYS.contains(card.stage),
            next_action_button(card),
        ),
        spacing="3",
        width="100%",
        id="order-detail",
        class_name="order-detail",
        data_order_number=card.number,
    )


NEXT_ACTION_KEYS = rx.Var.create(list(NEXT_ACTION))


def empty_tab() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("inbox", size=36, color="var(--gray-8)"),
            rx.text("No orders here right now.", color_scheme="gray"),
            align="center",
        ),
        padding="3em",
    )


def new_order_alert() -> rx.Component:
    """Chimes (live.js) and stays until every new order has been opened."""
    return rx.cond(
        S.unseen.length() > 0,
        rx.button(
            rx.icon("bell-ring", size=20),
            rx.cond(
                S.unseen.length() == 1, "1 new order", S.unseen.length().to_string() + " new orders"
            ),
            " — tap to open",
            on_click=[S.select_tab("received"), S.open_order(S.unseen[0])],
            color_scheme="red",
            size="3",
            width="100%",
            class_name="new-order-alert",
            id="new-order-alert",
            data_alert="on",
        ),
    )


def stage_list(rows: rx.Var[list[OrderRow]]) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(rx.foreach(rows, order_card), spacing="3", width="100%"),
        rx.cond(S.loaded, empty_tab()),
    )


def scheduled_list() -> rx.Component:
    """Pre-orders waiting for their time: under Received, out of the new-order alarm; each
    goes to the kitchen by itself at its pickup time minus its prep time."""
    return rx.cond(
        S.scheduled.length() > 0,
        rx.vstack(
            rx.text(
                "Scheduled for later · to the kitchen by themselves",
                size="2",
                weight="medium",
                color_scheme="gray",
            ),
            rx.foreach(S.scheduled, order_card),
            spacing="3",
            width="100%",
            padding_top="12px",
            id="scheduled-orders",
        ),
    )


def open_tab() -> rx.Component:
    """The open tab's list, straight from its stage list: no copy of it is sent."""
    return rx.match(
        S.tab,
        ("received", rx.fragment(stage_list(S.received), scheduled_list())),
        *[(key, stage_list(getattr(S, key))) for key, _label in TAB_LABELS[1:]],
        rx.cond(S.loaded, empty_tab()),
    )


def pacing_bar() -> rx.Component:
    """The current slot's load at a glance, and the pause one tap away."""
    return rx.hstack(
        rx.cond(
            S.slot_words != "",
            rx.badge(
                rx.icon("gauge", size=14),
                S.slot_words,
                size="2",
                variant=rx.cond(S.slot_full, "solid", "soft"),
                color_scheme=rx.cond(S.slot_full, "red", "green"),
                id="slot-load",
            ),
        ),
        rx.spacer(),
        rx.cond(
            S.paused_until != "",
            rx.hstack(
                rx.text("Paused until ", S.paused_until, size="2", color_scheme="amber"),
                rx.button("Resume", on_click=S.resume, size="1", id="resume-orders"),
                align="center",
                spacing="2",
            ),
            rx.hstack(
                rx.text("Pause", size="2", color_scheme="gray"),
                *[
                    rx.button(
                        f"{minutes} min",
                        on_click=S.pause(minutes),
                        size="1",
                        variant="soft",
                        color_scheme="amber",
                        id=f"pause-{minutes}",
                    )
                    for minutes in BUSY_CHOICES
                ],
                align="center",
                spacing="1",
            ),
        ),
        align="center",
        width="100%",
        padding="4px 14px",
        wrap="wrap",
        id="pacing-bar",
    )


def board() -> rx.Component:
    return rx.box(
        rx.cond(
            S.selected.length() > 0,
            rx.foreach(S.selected, order_detail),
            open_tab(),
        ),
        reconnect_cover(),
        class_name="board",
    )


def unpaid_delivery_dialog() -> rx.Component:
    """Delivered on an order nobody marked paid: asked first, and recorded when confirmed."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Not paid"),
            rx.alert_dialog.description(S.unpaid_question, id="unpaid-question"),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Back", variant="soft", color_scheme="gray", size="3"),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Delivered unpaid",
                        on_click=S.deliver_unpaid,
                        color_scheme="red",
                        size="3",
                        id="deliver-unpaid",
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="420px",
        ),
        open=S.unpaid_order_id != 0,
        on_open_change=lambda _open: S.keep_undelivered(),
    )


def manage_page() -> rx.Component:
    return rx.box(
        live_script(),
        heartbeat(S.heartbeat),
        staff_header(notifications_bell(), live_badge(S.last_sync_ms)),
        rx.el.main(
            rx.heading("Orders", as_="h1", class_name="sr-only"),
            rx.hstack(
                rx.icon("truck", size=18),
                truck_switcher(S.truck_name, S.trucks, S.truck_id_text),
                rx.spacer(),
                all_more_time(S.truck_id_text, "manage-more-time-all"),
                rx.icon_button(
                    rx.icon("package", size=18),
                    on_click=rx.redirect(STOCK),
                    variant="soft",
                    size="2",
                    aria_label="Stock and truck prices",
                    id="open-stock",
                ),
                rx.icon_button(
                    rx.icon("history", size=18),
                    on_click=rx.redirect(HISTORY),
                    variant="soft",
                    size="2",
                    aria_label="History",
                    id="open-history",
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    "Walk-in",
                    on_click=rx.redirect(WALK_IN),
                    variant="soft",
                    size="2",
                    id="new-walk-in",
                ),
                align="center",
                class_name="truck-bar",
                width="100%",
            ),
            rx.box(notifications_card(), padding="8px 14px 0"),
            database_notice(S.database_notice),
            # The app icon's badge follows the orders waiting while this screen is open (push.js).
            rx.el.span(data_received=S.counts["received"], id="received-waiting", hidden=True),
            pacing_bar(),
            stage_tabs(),
            rx.box(new_order_alert(), padding="0 14px 8px"),
            printer_banner(S.printer_alerts),
            board(),
        ),
        unpaid_delivery_dialog(),
        class_name="manage-page",
        on_mount=StaffPushState.check,
    )
