"""/admin/reports: sales per day and truck, ticket times, top items, orders by hour, CSV."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.owner_nav import error_callout, export_csv_button, owner_frame
from cliqmenu.state.owner_reports import QUICK_RANGES, ReportsState
from cliqmenu.views.reports import HourBar, RefunderView, RowView, Tile, TopItemView

S = ReportsState
COLUMNS = [
    "Date",
    "Truck",
    "Orders",
    "Cancelled",
    "Gross sales",
    "Discounts",
    "Surcharges",
    S.tax_column,
    "Refunds",
    "Net",
]


def filters() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                *[
                    rx.button(
                        label,
                        size="2",
                        variant=rx.cond(S.quick == key, "solid", "soft"),
                        color_scheme=rx.cond(S.quick == key, "orange", "gray"),
                        on_click=S.pick(key),
                        id=f"range-{key}",
                    )
                    for key, label in QUICK_RANGES
                ],
                spacing="2",
                wrap="wrap",
            ),
            rx.form(
                rx.hstack(
                    rx.vstack(
                        rx.text("From", size="1", color_scheme="gray"),
                        rx.input(
                            type="date",
                            value=S.start,
                            on_change=S.set_start,
                            aria_label="From",
                            id="report-start",
                            name="report-start",
                            size="2",
                        ),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.text("To", size="1", color_scheme="gray"),
                        rx.input(
                            type="date",
                            value=S.end,
                            on_change=S.set_end,
                            aria_label="To",
                            id="report-end",
                            name="report-end",
                            size="2",
                        ),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.text("Truck", size="1", color_scheme="gray"),
                        rx.select.root(
                            rx.select.trigger(
                                aria_label="Truck", id="report-truck", min_width="160px"
                            ),
                            rx.select.content(
                                rx.foreach(S.trucks, lambda t: rx.select.item(t[1], value=t[0]))
                            ),
                            value=S.truck,
                            on_change=S.set_truck,
                            size="2",
                        ),
                        spacing="1",
                    ),
                    rx.button(
                        rx.icon("refresh-cw", size=14),
                        "Show",
                        type="submit",
                        size="2",
                        id="report-run",
                    ),
                    align="end",
                    spacing="3",
                    wrap="wrap",
                ),
                on_submit=S.run,
            ),
            error_callout(S.error, "report-error"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def tile(t: Tile) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(t.label, size="1", color_scheme="gray", weight="medium"),
            rx.text(
                t.value, size="6", weight="bold", style={"font_variant_numeric": "tabular-nums"}
            ),
            rx.text(t.hint, size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def hour_bar(bar: HourBar) -> rx.Component:
    return rx.vstack(
        rx.text(rx.cond(bar.count > 0, bar.count.to_string(), ""), size="1", color_scheme="gray"),
        rx.box(
            height=bar.percent.to_string() + "%",
            min_height=rx.cond(bar.count > 0, "4px", "1px"),
            width="100%",
            background=rx.cond(bar.count > 0, "var(--accent-9)", "var(--gray-a5)"),
            border_radius="4px 4px 0 0",
            title=bar.label + ": " + bar.count.to_string() + " orders",
        ),
        rx.text(bar.label, size="1", color_scheme="gray", style={"white_space": "nowrap"}),
        justify="end",
        align="center",
        spacing="1",
        height="100%",
        flex="1",
        min_width="0",
    )


def hours_chart() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Orders by hour", size="3", as_="h2"),
            rx.hstack(
                rx.foreach(S.hours, hour_bar),
                height="180px",
                width="100%",
                spacing="1",
                align="end",
                id="orders-by-hour",
                aria_label="Orders by hour of the day",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def top_item(item: TopItemView) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(item.name, size="2", weight="medium"),
            rx.spacer(),
            rx.text(item.quantity, " sold · ", item.sales, size="2", color_scheme="gray"),
            width="100%",
        ),
        rx.progress(value=item.percent, size="1", width="100%", aria_label="Share of " + item.name),
        spacing="1",
        width="100%",
    )


def top_items() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Top items", size="3", as_="h2"),
            rx.cond(
                S.top_items.length() > 0,
                rx.vstack(rx.foreach(S.top_items, top_item), spacing="3", width="100%"),
                rx.text("Nothing sold in this range.", color_scheme="gray", size="2"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def cells(row: RowView, bold: bool = False) -> list[rx.Component]:
    weight = "bold" if bold else None
    values = [
        row.day,
        row.truck,
        row.orders,
        row.cancelled,
        row.gross,
        row.discounts,
        row.surcharges,
        row.gst,
        row.refunds,
        row.net,
    ]
    return [
        rx.table.cell(
            rx.text(v, weight=weight, size="2"),
            text_align="left" if i < 2 else "right",
            style={"white_space": "nowrap", "font_variant_numeric": "tabular-nums"},
        )
        for i, v in enumerate(values)
    ]


def day_table() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("By day and truck", size="3", as_="h2"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(
                                    c,
                                    text_align="left" if i < 2 else "right",
                                    style={"white_space": "nowrap"},
                                )
                                for i, c in enumerate(COLUMNS)
                            ]
                        )
                    ),
                    rx.table.body(
                        rx.foreach(S.rows, lambda r: rx.table.row(*cells(r))),
                        rx.foreach(
                            S.total,
                            lambda r: rx.table.row(
                                *cells(r, bold=True), background="var(--gray-a2)"
                            ),
                        ),
                    ),
                    size="1",
                    width="100%",
                    id="report-table",
                ),
                overflow_x="auto",
                width="100%",
                # Scrolls sideways on a phone: a keyboard can focus it and scroll it too.
                tab_index=0,
                role="region",
                aria_label="By day and truck",
                class_name="report-scroll",
            ),
            rx.text(
                "Gross sales are item prices before discounts. Net = gross − discounts + surcharges − refunds, "
                "GST included. Refunds count on the day they were made.",
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def refunder(line: RefunderView) -> rx.Component:
    return rx.hstack(
        rx.text(line.name, size="2", weight="medium"),
        rx.spacer(),
        rx.text(line.count, " · ", line.amount, size="2", color_scheme="gray"),
        width="100%",
        class_name="refunder",
    )


def refunds_by_member() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Refunds by member", size="3", as_="h2"),
            rx.vstack(rx.foreach(S.refunders, refunder), spacing="2", width="100%"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="refunds-by-member",
    )


def reports_page() -> rx.Component:
    return owner_frame(
        "reports",
        "Reports",
        filters(),
        rx.text(S.title, weight="medium", color_scheme="gray", id="report-title"),
        rx.grid(
            rx.foreach(S.tiles, tile),
            columns=rx.breakpoints(initial="2", md="3", lg="6"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            S.has_orders,
            rx.vstack(
                rx.grid(
                    hours_chart(),
                    top_items(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    align="start",
                    spacing="4",
                    width="100%",
                ),
                rx.cond(S.refunders.length() > 0, refunds_by_member()),
                day_table(),
                spacing="4",
                width="100%",
            ),
            rx.card(
                rx.center(rx.text("No orders in this range.", color_scheme="gray"), padding="32px"),
                width="100%",
            ),
        ),
        actions=[export_csv_button(S.export_csv, "export-csv")],
    )
