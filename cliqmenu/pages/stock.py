"""/manage/stock: stock and this truck's prices, one thumb on a phone, live across screens."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.layout import staff_header, truck_switcher
from cliqmenu.components.live import database_notice, heartbeat, live_badge, live_script
from cliqmenu.routes import MANAGE
from cliqmenu.state.stock import StockState
from cliqmenu.views.stock import STATUS_IN, STATUS_OUT, STATUS_TODAY, OptionLine, StockLine

S = StockState
STATUS_ITEMS = [
    (STATUS_IN, "In stock"),
    (STATUS_TODAY, "Out today"),
    (STATUS_OUT, "Sold out"),
]


def status_control(value, on_change, label, size: str = "2") -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(text, value=key) for key, text in STATUS_ITEMS],
        value=value,
        on_change=on_change,
        size=size,
        width="100%",
        aria_label=label,
    )


def hidden(name: str, value) -> rx.Component:
    return rx.el.input(type="hidden", name=name, value=value)


def override_form(
    *, on_submit, id_name, id_value, field, value, placeholder, label, master, on_clear, overridden
) -> rx.Component:
    """An override input with the master value beside it and a clear action."""
    return rx.form(
        rx.hstack(
            hidden(id_name, id_value),
            rx.input(
                name=field,
                default_value=value,
                placeholder=placeholder,
                aria_label=label,
                input_mode="decimal",
                size="2",
                width="6.5em",
            ),
            rx.button("Save", type="submit", size="2", variant="soft", aria_label="Save " + label),
            rx.vstack(
                rx.text("Master", size="1", color_scheme="gray"),
                rx.text(master, size="2", weight="medium"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.cond(
                overridden,
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    "Clear",
                    on_click=on_clear,
                    type="button",
                    size="2",
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Clear " + label,
                ),
            ),
            align="center",
            width="100%",
            spacing="2",
        ),
        on_submit=on_submit,
        # Re-mounted (showing the saved value) only when the saved value changes, here or on
        # another screen: a push about another item never wipes what is being typed.
        key=id_value.to_string() + "-" + value,
        width="100%",
    )


def option_block(line: StockLine, option: OptionLine) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.text(option.name, weight="medium", size="2"),
                rx.text(option.group, size="1", color_scheme="gray"),
                spacing="0",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.cond(
                option.status != STATUS_IN,
                rx.badge(
                    option.status_label,
                    color_scheme=rx.cond(option.status == STATUS_TODAY, "amber", "red"),
                ),
            ),
            rx.el.label(
                rx.text("Offered", size="1", color_scheme="gray"),
                rx.switch(
                    checked=option.offered,
                    on_change=lambda on: S.set_option_offered(option.id, on),
                    aria_label="Offer " + option.name + " here",
                ),
                class_name="switch-row",
            ),
            align="center",
            width="100%",
            spacing="2",
        ),
        rx.cond(
            option.offered,
            rx.vstack(
                status_control(
                    option.status,
                    lambda value: S.set_option_status(option.id, value),
                    "Stock of " + option.name,
                    size="1",
                ),
                override_form(
                    on_submit=S.save_option_delta,
                    id_name="option_id",
                    id_value=option.id,
                    field="delta",
                    value=option.delta_text,
                    placeholder="as master",
                    label="price change of " + option.name + " here",
                    master=option.master_delta,
                    on_clear=S.clear_option_delta(option.id),
                    overridden=option.overridden,
                ),
                width="100%",
                spacing="2",
            ),
        ),
        padding="10px 0",
        border_top="1px solid var(--gray-a4)",
        width="100%",
        spacing="2",
    )


def details(line: StockLine) -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.text("Offered at ", S.truck_name, size="2", weight="medium", flex="1"),
            rx.switch(
                checked=line.offered,
                on_change=lambda on: S.set_item_offered(line.id, on),
                aria_label="Offer " + line.name + " here",
                size="3",
            ),
            class_name="switch-row",
            width="100%",
        ),
        rx.cond(
            line.offered,
            rx.vstack(
                rx.text("Price here", size="2", weight="medium"),
                override_form(
                    on_submit=S.save_price,
                    id_name="item_id",
                    id_value=line.id,
                    field="price",
                    value=line.price_text,
                    placeholder="as master",
                    label="price of " + line.name + " here",
                    master=line.master_price,
                    on_clear=S.clear_price(line.id),
                    overridden=line.overridden,
                ),
                rx.text("Portions left", size="2", weight="medium"),
                rx.form(
                    rx.hstack(
                        hidden("item_id", line.id),
                        rx.input(
                            name="portions",
                            default_value=line.portions_text,
                            placeholder="off",
                            aria_label="Portions of " + line.name,
                            input_mode="numeric",
                            size="2",
                            width="6.5em",
                        ),
                        rx.button(
                            "Save",
                            type="submit",
                            size="2",
                            variant="soft",
                            aria_label="Save portions of " + line.name,
                        ),
                        rx.text(
                            "Counts down as orders are accepted; 0 is sold out. Empty: not counted.",
                            size="1",
                            color_scheme="gray",
                            flex="1",
                        ),
                        align="center",
                        width="100%",
                        spacing="2",
                    ),
                    on_submit=S.save_portions,
                    key="portions-" + line.id.to_string() + "-" + line.portions_text,
                    width="100%",
                ),
                rx.cond(
                    line.options.length() > 0,
                    rx.vstack(
                        rx.text("Options", size="2", weight="medium", padding_top="6px"),
                        rx.foreach(line.options, lambda o: option_block(line, o)),
                        width="100%",
                        spacing="0",
                    ),
                ),
                width="100%",
                spacing="2",
            ),
        ),
        width="100%",
        spacing="3",
        padding_top="10px",
        border_top="1px solid var(--gray-a5)",
    )


def stock_card(line: StockLine) -> rx.Component:
    is_open = S.open_id == line.id
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(line.name, weight="bold", size="3"),
                    rx.hstack(
                        rx.text(line.category, size="1", color_scheme="gray"),
                        rx.text("·", size="1", color_scheme="gray"),
                        rx.text(
                            line.price_here,
                            size="1",
                            weight=rx.cond(line.overridden, "bold", "regular"),
                            color_scheme=rx.cond(line.overridden, "orange", "gray"),
                        ),
                        rx.cond(
                            line.overridden,
                            rx.text(
                                "(master ", line.master_price, ")", size="1", color_scheme="gray"
                            ),
                        ),
                        spacing="1",
                        wrap="wrap",
                    ),
                    spacing="0",
                    align="start",
                    flex="1",
                    min_width="0",
                ),
                rx.badge(line.status_label, color_scheme=line.status_color, size="2"),
                align="center",
                width="100%",
            ),
            rx.cond(
                line.offered,
                status_control(
                    line.status,
                    lambda value: S.set_item_status(line.id, value),
                    "Stock of " + line.name,
                ),
            ),
            rx.button(
                rx.cond(
                    line.options_out > 0,
                    rx.text(line.options_out, " option(s) out or hidden", color_scheme="amber"),
                    rx.text("Price, portions and options"),
                ),
                rx.icon(rx.cond(is_open, "chevron-up", "chevron-down"), size=16),
                on_click=S.toggle_open(line.id),
                variant="ghost",
                size="2",
                width="100%",
                justify="between",
                aria_expanded=is_open.to_string(),
                aria_label="Details of " + line.name,
            ),
            rx.cond(is_open, details(line)),
            spacing="3",
            width="100%",
        ),
        width="100%",
        opacity=rx.cond(line.offered, "1", "0.7"),
        data_item=line.name,
    )


def stock_page() -> rx.Component:
    return rx.box(
        live_script(),
        heartbeat(S.heartbeat),
        staff_header(live_badge(S.last_sync_ms)),
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
                truck_switcher(S.truck_name, S.trucks, S.truck_id_text),
                rx.spacer(),
                rx.heading("Stock & prices", weight="medium", as_="h1", size="3"),
                class_name="truck-bar",
                width="100%",
                align="center",
            ),
            database_notice(S.database_notice),
            rx.box(
                rx.input(
                    rx.input.slot(rx.icon("search", size=16)),
                    value=S.query,
                    on_change=S.set_query,
                    placeholder="Search items or options",
                    aria_label="Search the menu",
                    type="search",
                    size="3",
                    width="100%",
                    id="stock-search",
                ),
                rx.hstack(
                    rx.text(S.lines.length(), " items", size="1", color_scheme="gray"),
                    rx.cond(
                        S.out_count > 0,
                        rx.text("· ", S.out_count, " out of stock", size="1", color_scheme="red"),
                    ),
                    spacing="1",
                    padding_top="6px",
                ),
                rx.text(
                    "Out today is back by itself on the next service day; Sold out stays out until "
                    "you mark it In stock.",
                    size="1",
                    color_scheme="gray",
                ),
                padding="10px 14px 6px",
                position="sticky",
                top="58px",
                background="var(--color-background)",
                z_index="5",
            ),
            rx.vstack(
                rx.foreach(S.lines, stock_card),
                rx.cond(
                    S.lines.length() == 0,
                    rx.center(
                        rx.text("Nothing on the menu matches.", color_scheme="gray"),
                        padding="40px 0",
                        width="100%",
                    ),
                ),
                spacing="3",
                padding="4px 14px",
                width="100%",
            ),
        ),
        class_name="manage-page",
    )
