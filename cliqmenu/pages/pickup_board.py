"""/t/<slug>/board: the pickup board for a TV or tablet at the serving window (no sign-in)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.live import heartbeat, live_script, reconnect_cover
from cliqmenu.realtime.registry import CUSTOMER_HEARTBEAT_MS
from cliqmenu.state.pickup_board import PickupBoardState
from cliqmenu.views.pickup_board import BoardTicket

B = PickupBoardState


def ticket(item: BoardTicket, column: str) -> rx.Component:
    """A number as big as the column allows; the state is its column's icon, word and shape
    (outlined while preparing, filled when ready), never its colour alone."""
    return rx.el.li(
        rx.el.span(item.number, class_name="board-number"),
        rx.cond(item.first_name != "", rx.el.span(item.first_name, class_name="board-name")),
        rx.cond(
            item.collected,
            rx.el.span(rx.icon("check", size=28), "Collected", class_name="board-collected"),
        ),
        class_name=rx.cond(
            item.collected, f"board-ticket {column} collected", f"board-ticket {column}"
        ),
        data_ready_number=rx.cond((column == "ready") & ~item.collected, item.number, ""),
        id=f"board-{column}-" + item.number.to_string(),
        key=item.number,
    )


def column(title: str, icon: str, key: str, items: rx.Var[list[BoardTicket]], empty: str):
    return rx.el.section(
        rx.el.h2(rx.icon(icon, size=56), title, class_name="board-heading"),
        rx.cond(
            items.length() > 0,
            rx.el.ul(rx.foreach(items, lambda item: ticket(item, key)), class_name="board-list"),
            rx.el.p(empty, class_name="board-empty"),
        ),
        class_name=f"board-column {key}",
        id=f"board-{key}",
        aria_live="polite",
    )


def pickup_board_page() -> rx.Component:
    return rx.box(
        live_script(),
        heartbeat(B.heartbeat, CUSTOMER_HEARTBEAT_MS),
        rx.cond(
            B.found,
            rx.el.div(
                rx.el.header(
                    rx.el.span(B.business_name, " · ", B.truck_name, class_name="board-title"),
                    rx.el.button(
                        rx.icon("volume-2", size=24),
                        "Tap for sound",
                        class_name="board-sound",
                        data_board_sound="",
                        type="button",
                    ),
                    class_name="board-top",
                ),
                rx.el.div(
                    column("Preparing", "chef-hat", "preparing", B.preparing, "Nothing cooking."),
                    column("Ready", "circle-check-big", "ready", B.ready, "Nothing waiting."),
                    class_name="board-columns",
                ),
                class_name="pickup-board",
                id="pickup-board",
            ),
            rx.center(
                rx.el.p("This truck isn't here.", class_name="board-empty"),
                class_name="pickup-board",
            ),
        ),
        reconnect_cover(),
    )
