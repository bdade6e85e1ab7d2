"""/manage/walk-in: the counter screen for orders taken in person."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import labelled_select
from cliqmenu.components.layout import staff_header
from cliqmenu.components.limited_input import limited_input
from cliqmenu.components.menu_picker import cart_line, category_pills, item_card, item_picker
from cliqmenu.components.receipt import money_rows
from cliqmenu.routes import MANAGE
from cliqmenu.services import orders as order_rules
from cliqmenu.services.staff import MAX_EMAIL
from cliqmenu.state.cart import DINING_CHOICES
from cliqmenu.state.walk_in import WalkInState

W = WalkInState


def order_panel() -> rx.Component:
    t = W.totals
    return rx.card(
        rx.vstack(
            rx.heading("This order", size="4"),
            rx.cond(
                W.cart.length() > 0,
                rx.vstack(
                    rx.foreach(W.cart, lambda line, i: cart_line(line, i, W.remove_line)),
                    width="100%",
                    spacing="2",
                ),
                rx.text("Tap items above to add them.", color_scheme="gray", size="2"),
            ),
            rx.divider(),
            limited_input(
                W.customer_name,
                order_rules.MAX_CUSTOMER_NAME,
                on_change=W.set_customer_name,
                placeholder="Customer name (optional)",
                aria_label="Customer name",
                size="3",
                width="100%",
                id="walk-in-name",
            ),
            rx.input(
                value=W.customer_email,
                max_length=MAX_EMAIL,
                on_change=W.set_customer_email,
                type="email",
                placeholder="Email for a receipt (optional)",
                aria_label="Customer email",
                size="3",
                width="100%",
                id="walk-in-email",
            ),
            rx.hstack(
                labelled_select(
                    "Dining method", W.dining, W.set_dining, DINING_CHOICES, "walk-in-dining"
                ),
                labelled_select(
                    "Payment", W.payment, W.set_payment, W.payment_choices, "walk-in-payment"
                ),
                width="100%",
            ),
            rx.hstack(
                rx.text("Prep time (min)", size="2", weight="medium"),
                rx.input(
                    value=W.prep_minutes,
                    on_change=W.set_prep_minutes,
                    type="number",
                    size="3",
                    width="6em",
                    aria_label="Prep minutes",
                    id="walk-in-prep",
                ),
                align="center",
            ),
            labelled_select(
                "Pickup time (a phone order for later)",
                W.pickup,
                W.set_pickup,
                W.pickup_choices,
                "walk-in-pickup",
            ),
            money_rows(
                t,
                total_row=rx.hstack(
                    rx.text("Total", weight="bold"),
                    rx.spacer(),
                    rx.text(t["total"], weight="bold", size="5", id="walk-in-total"),
                    width="100%",
                ),
            ),
            rx.cond(
                W.error != "",
                rx.callout(
                    W.error, icon="triangle-alert", color_scheme="red", role="alert", width="100%"
                ),
            ),
            rx.button(
                rx.cond(W.pickup_label != "", "Schedule for " + W.pickup_label, "Send to kitchen"),
                on_click=W.place,
                size="4",
                width="100%",
                color_scheme="green",
                disabled=W.cart.length() == 0,
                id="send-to-kitchen",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def walk_in_page() -> rx.Component:
    return rx.box(
        staff_header(),
        rx.el.main(
            rx.hstack(
                rx.link(
                    rx.hstack(
                        rx.icon("arrow-left", size=18), "Orders", align="center", spacing="1"
                    ),
                    href=MANAGE,
                    weight="medium",
                    class_name="touch-link",
                ),
                rx.spacer(),
                rx.text("Walk-in at ", W.truck_name, weight="medium"),
                class_name="truck-bar",
                width="100%",
                align="center",
            ),
            category_pills(W.categories, W.category_id, W.choose_category),
            rx.vstack(
                rx.foreach(W.shown_items, lambda item: item_card(item, W.open_item)),
                order_panel(),
                spacing="3",
                padding="0 14px",
                width="100%",
            ),
            item_picker(
                W.picking,
                W.picked,
                W.pick_qty,
                W.pick_note,
                W.pick_error,
                on_toggle=W.toggle_option,
                on_qty=W.set_pick_qty,
                on_note=W.set_pick_note,
                on_add=W.add_to_cart,
                on_close=W.close_item,
            ),
        ),
        class_name="manage-page",
    )
