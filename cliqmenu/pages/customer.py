"""Customer pages, phone first: /t/<truck> (menu, cart, checkout) and /o/<id> (live tracking)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import labelled_select
from cliqmenu.components.limited_input import limited_input
from cliqmenu.components.live import heartbeat, live_script
from cliqmenu.components.menu_picker import cart_line, category_pills, item_card, item_picker
from cliqmenu.components.owner_nav import error_callout
from cliqmenu.components.receipt import money_rows
from cliqmenu.realtime.registry import CUSTOMER_HEARTBEAT_MS
from cliqmenu.services import orders as order_rules
from cliqmenu.services.staff import MAX_EMAIL
from cliqmenu.state.cart import DINING_CHOICES
from cliqmenu.state.customer import CustomerMenuState, TrackerState
from cliqmenu.state.pickup import NOW
from cliqmenu.state.push import CustomerPushState
from cliqmenu.views.tracker import StageStep, TrackerLine

C = CustomerMenuState
T = TrackerState


def truck_header(business_name, truck_name, logo_url) -> rx.Component:
    return rx.hstack(
        rx.cond(
            logo_url != "",
            rx.image(src=logo_url, width="44px", height="44px", border_radius="10px", alt="Logo"),
            rx.box(rx.icon("chef-hat", size=24, color="white"), class_name="brand-mark big"),
        ),
        rx.vstack(
            rx.heading(business_name, size="5", as_="h1"),
            rx.text(truck_name, size="2", color_scheme="gray"),
            spacing="0",
        ),
        align="center",
        class_name="customer-header",
        width="100%",
    )


def diet_filter() -> rx.Component:
    return rx.cond(
        C.diets.length() > 0,
        rx.hstack(
            rx.icon("leaf", size=16, color="var(--green-9)"),
            rx.foreach(
                C.diets,
                lambda d: rx.button(
                    d,
                    on_click=C.set_diet(d),
                    size="1",
                    radius="full",
                    variant=rx.cond(C.diet == d, "solid", "outline"),
                    color_scheme="green",
                    aria_pressed=(C.diet == d).to_string(),
                ),
            ),
            class_name="stage-tabs",
            align="center",
        ),
    )


def pickup_time() -> rx.Component:
    """As soon as possible, or a slot later today; the next free slot when this one is full."""
    return rx.vstack(
        rx.cond(
            C.full_now,
            rx.callout(
                rx.cond(
                    C.offer_label != "",
                    "The kitchen is full right now. The next free pickup time is "
                    + C.offer_label
                    + ".",
                    "The kitchen is full and not taking more online orders today.",
                ),
                icon="clock",
                color_scheme="amber",
                width="100%",
                id="slot-full",
            ),
        ),
        rx.cond(
            (C.offer_label != "") & (C.pickup != C.offer_slot),
            rx.button(
                rx.icon("calendar-clock", size=16),
                "Order for " + C.offer_label,
                on_click=C.take_offer,
                variant="soft",
                color_scheme="amber",
                size="3",
                width="100%",
                id="take-offer",
            ),
        ),
        labelled_select("Pickup time", C.pickup, C.set_pickup, C.pickup_choices, "pickup-time"),
        spacing="2",
        width="100%",
    )


def checkout_sheet() -> rx.Component:
    t = C.totals
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title("Your order", margin="0"),
                rx.foreach(C.cart, lambda line, i: cart_line(line, i, C.remove_line)),
                rx.divider(),
                money_rows(t),
                rx.cond(  # a pre-order is ready at the pickup time chosen below
                    (C.ready_quote != "") & (C.pickup == NOW),
                    rx.hstack(
                        rx.icon("clock", size=18),
                        rx.text(C.ready_quote, size="3", weight="bold", id="ready-quote"),
                        align="center",
                        spacing="2",
                    ),
                ),
                limited_input(
                    C.customer_name,
                    order_rules.MAX_CUSTOMER_NAME,
                    on_change=C.set_customer_name,
                    placeholder="Your name (so we can call you)",
                    aria_label="Your name",
                    required=True,
                    size="3",
                    width="100%",
                    id="customer-name",
                    auto_complete="given-name",
                ),
                rx.input(
                    value=C.customer_email,
                    max_length=MAX_EMAIL,
                    on_change=C.set_customer_email,
                    type="email",
                    placeholder="Email for updates (optional)",
                    aria_label="Email",
                    size="3",
                    width="100%",
                    id="customer-email",
                    auto_complete="email",
                ),
                rx.text("How would you like it?", size="2", weight="medium"),
                rx.segmented_control.root(
                    *[
                        rx.segmented_control.item(label, value=value)
                        for value, label in DINING_CHOICES
                    ],
                    value=C.dining,
                    on_change=C.set_dining,
                    width="100%",
                    id="customer-dining",
                ),
                rx.text("How will you pay?", size="2", weight="medium"),
                rx.radio_group.root(
                    rx.vstack(
                        rx.foreach(
                            C.payment_choices,
                            lambda c: rx.el.label(
                                rx.radio_group.item(value=c[0], id="pay-" + c[0]),
                                rx.text(c[1], size="3"),
                                class_name="choice-row",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    value=C.payment,
                    on_change=C.set_payment,
                    aria_label="Payment method",
                    width="100%",
                ),
                pickup_time(),
                error_callout(C.cart_warning, "cart-warning"),
                error_callout(C.error, "checkout-error"),
                rx.button(
                    rx.cond(
                        C.payment == "online", "Pay " + t["total"], "Place order · " + t["total"]
                    ),
                    rx.cond(C.pickup_label != "", " · pickup " + C.pickup_label, ""),
                    on_click=C.place,
                    loading=C.placing,
                    size="4",
                    width="100%",
                    color_scheme="green",
                    id="place-order",
                ),
                spacing="3",
                width="100%",
            ),
            rx.dialog.close(
                rx.icon_button(
                    rx.icon("x"),
                    variant="ghost",
                    aria_label="Close",
                    on_click=C.close_checkout,
                    position="absolute",
                    top="12px",
                    right="12px",
                ),
            ),
            max_width="480px",
            position="relative",
        ),
        open=C.checkout_open,
        on_open_change=lambda _open: C.close_checkout,
    )


def cart_bar() -> rx.Component:
    return rx.cond(
        C.cart.length() > 0,
        rx.box(
            rx.button(
                rx.badge(C.cart_count, variant="solid", color_scheme="gray", radius="full"),
                "View order",
                rx.spacer(),
                C.totals["total"],
                on_click=C.open_checkout,
                size="4",
                width="100%",
                id="view-order",
            ),
            class_name="cart-bar",
        ),
    )


def not_found_notice() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.heading("This truck isn't here"),
            rx.text("Check the QR code or ask the crew."),
            align="center",
        ),
        min_height="80vh",
    )


def closed_notice() -> rx.Component:
    """An archived truck: its QR code may still be out there, so say so plainly."""
    return rx.box(
        truck_header(C.business_name, C.truck_name, C.logo_url),
        rx.center(
            rx.vstack(
                rx.icon("store", size=40, color="var(--gray-9)"),
                rx.heading(C.truck_name, " is not taking orders", text_align="center", as_="h2"),
                rx.text(
                    "This truck no longer takes orders here. Ask the crew, or look for "
                    + C.business_name
                    + "'s other trucks.",
                    color_scheme="gray",
                    text_align="center",
                ),
                align="center",
                spacing="3",
                max_width="420px",
                padding="0 20px",
                id="truck-closed",
            ),
            min_height="60vh",
        ),
    )


def menu_page() -> rx.Component:
    return rx.box(
        live_script(),
        heartbeat(C.heartbeat, CUSTOMER_HEARTBEAT_MS),
        rx.el.main(
            rx.cond(
                C.found & ~C.closed,
                rx.box(
                    truck_header(C.business_name, C.truck_name, C.logo_url),
                    rx.cond(
                        C.paused,
                        rx.callout(
                            "We're very busy and not taking new orders for a few minutes.",
                            icon="clock",
                            color_scheme="amber",
                            margin="0 14px",
                        ),
                    ),
                    rx.box(
                        category_pills(C.categories, C.category_id, C.choose_category),
                        diet_filter(),
                        class_name="sticky-tabs",
                    ),
                    rx.vstack(
                        rx.foreach(
                            C.shown_items_filtered, lambda item: item_card(item, C.open_item)
                        ),
                        rx.cond(
                            C.shown_items_filtered.length() == 0,
                            rx.text("Nothing here matches that filter.", color_scheme="gray"),
                        ),
                        spacing="3",
                        padding="0 14px 110px",
                        width="100%",
                    ),
                    item_picker(
                        C.picking,
                        C.picked,
                        C.pick_qty,
                        C.pick_note,
                        C.pick_error,
                        on_toggle=C.toggle_option,
                        on_qty=C.set_pick_qty,
                        on_note=C.set_pick_note,
                        on_add=C.add_to_cart,
                        on_close=C.close_item,
                    ),
                    checkout_sheet(),
                    cart_bar(),
                ),
                rx.cond(C.found, closed_notice(), not_found_notice()),
            ),
        ),
        class_name="customer-page",
    )


def stage_step(step: StageStep) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.cond(step.done, rx.icon("check", size=16, color="white")),
            class_name=rx.cond(
                step.current, "step-dot current", rx.cond(step.done, "step-dot done", "step-dot")
            ),
        ),
        rx.text(
            step.label,
            weight=rx.cond(step.current, "bold", "regular"),
            color_scheme=rx.cond(step.done, "gray", "gray"),
            size="4",
            class_name=rx.cond(step.done, "step-label done", "step-label"),
        ),
        align="center",
        class_name="step",
        # A screen reader hears which stage the order is at (the colour says it to the eye).
        aria_current=rx.cond(step.current, "step", "false"),
    )


def tracker_line(line: TrackerLine) -> rx.Component:
    return rx.hstack(
        rx.text(line.quantity, "×", weight="bold", min_width="2em"),
        rx.vstack(
            rx.text(line.name),
            rx.cond(line.options != "", rx.text(line.options, size="1", color_scheme="gray")),
            spacing="0",
            flex="1",
        ),
        rx.text(line.total),
        width="100%",
    )


def notify_me() -> rx.Component:
    """While the order is on its way to Ready for Pickup: ring this phone when it gets there."""
    v, n = T.view, CustomerPushState
    waiting = (
        ~v.closed & ~v.awaiting_payment & (v.stage != "ready_for_pickup") & (v.stage != "delivered")
    )
    return rx.cond(
        waiting | (n.notify_status != ""),
        rx.cond(
            n.notify_status == "",
            rx.button(
                rx.icon("bell-ring", size=18),
                "Notify me when it's ready",
                on_click=n.turn_on,
                size="3",
                variant="soft",
                color_scheme="orange",
                width="100%",
                id="notify-me",
            ),
            rx.callout(
                n.notify_words,
                icon=rx.cond(n.notify_status == "on", "bell-ring", "info"),
                color_scheme=rx.cond(n.notify_status == "on", "green", "gray"),
                width="100%",
                id="notify-status",
            ),
        ),
    )


def tracker_page() -> rx.Component:
    v = T.view
    return rx.box(
        live_script(),
        heartbeat(T.heartbeat, CUSTOMER_HEARTBEAT_MS),
        rx.el.main(
            rx.cond(
                v.found,
                rx.vstack(
                    rx.text(v.business_name, " · ", v.truck_name, size="2", color_scheme="gray"),
                    rx.text("Order", size="3", color_scheme="gray"),
                    rx.heading(
                        "#", v.number, size="9", class_name="tracker-number", id="tracker-number"
                    ),
                    rx.cond(
                        v.closed,
                        rx.callout(
                            v.stage_label
                            + rx.cond(v.close_reason != "", ": " + v.close_reason, ""),
                            icon="circle-x",
                            color_scheme="red",
                            size="3",
                            width="100%",
                            id="tracker-closed",
                        ),
                        rx.cond(
                            v.awaiting_payment,
                            rx.callout(
                                "Waiting for your payment to be confirmed…",
                                icon="credit-card",
                                color_scheme="amber",
                                width="100%",
                            ),
                            rx.vstack(
                                # Read out once each time it changes with the stage.
                                rx.el.div(
                                    rx.heading(
                                        v.expected_ready, as_="h2", size="5", id="expected-ready"
                                    ),
                                    role="status",
                                ),
                                rx.vstack(
                                    rx.foreach(v.steps, stage_step),
                                    spacing="3",
                                    class_name="steps",
                                    id="tracker-steps",
                                ),
                                width="100%",
                                spacing="4",
                            ),
                        ),
                    ),
                    rx.card(
                        rx.vstack(
                            rx.foreach(v.lines, tracker_line),
                            rx.divider(),
                            rx.box(money_rows(v.money), id="tracker-money", width="100%"),
                            rx.text(
                                v.dining_label,
                                " · ",
                                v.payment_label,
                                size="2",
                                color_scheme="gray",
                            ),
                            width="100%",
                        ),
                        width="100%",
                    ),
                    notify_me(),
                    rx.text(
                        "This page updates by itself. Keep it open or bookmark it.",
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="4",
                    padding="24px 18px",
                    max_width="520px",
                    margin="0 auto",
                    width="100%",
                ),
                rx.center(
                    rx.vstack(
                        rx.heading("Order not found"),
                        rx.text("Check the link from your confirmation."),
                        align="center",
                    ),
                    min_height="80vh",
                ),
            ),
        ),
        class_name="tracker-page",
    )
