"""/admin/reports: sales per day and truck, ticket times, top items, orders by hour, CSV."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.filters import choice_filter, date_filter, filter_card, run_button
from cliqmenu.components.owner_nav import export_csv_button, owner_frame
from cliqmenu.services.reports import QUICK_RANGES
from cliqmenu.state.owner_reports import ReportsState
from cliqmenu.views.on_time import OnTimeRowView
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
    quick = rx.hstack(
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
    )
    return filter_card(
        date_filter("From", "report-start", S.start, S.set_start),
        date_filter("To", "report-end", S.end, S.set_end),
        choice_filter("Truck", "report-truck", S.truck, S.trucks, S.set_truck, "160px"),
        run_button("refresh-cw", "report-run"),
        on_submit=S.run,
        error=S.error,
        error_id="report-error",
        above=quick,
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


def slots_chart() -> rx.Component:
    """Orders per 15-minute slot over the day (an SVG bar chart by Recharts): the lunch rush
    at a glance, to set the truck's pacing limit."""
    return rx.card(
        rx.vstack(
            rx.heading("Orders per 15 minutes", size="3", as_="h2"),
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(data_key="label", interval="preserveStartEnd", font_size=11),
                rx.recharts.y_axis(allow_decimals=False, width=28, font_size=11),
                rx.recharts.graphing_tooltip(),
                rx.recharts.bar(
                    data_key="orders",
                    name="Orders",
                    fill="var(--accent-9)",
                    radius=[3, 3, 0, 0],
                    is_animation_active=False,
                ),
                data=S.slots,
                width="100%",
                height=220,
            ),
            rx.text(
                "A pre-order counts in its pickup slot; the truck's time.",
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
            id="orders-per-slot",
        ),
        width="100%",
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


def number_cells(values: list, bold: bool = False) -> list[rx.Component]:
    """A report table's row: the first two cells (day, truck) left, the figures right."""
    return [
        rx.table.cell(
            rx.text(v, weight="bold" if bold else None, size="2"),
            text_align="left" if i < 2 else "right",
            style={"white_space": "nowrap", "font_variant_numeric": "tabular-nums"},
        )
        for i, v in enumerate(values)
    ]


def cells(row: RowView, bold: bool = False) -> list[rx.Component]:
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
    return number_cells(values, bold)


def report_table(columns: list, rows: rx.Var, total: rx.Var, row_cells, table_id: str, name: str):
    """A table of rows per day and truck with a total row, scrolling sideways on a phone (a
    named region a keyboard can focus and scroll too)."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            c,
                            text_align="left" if i < 2 else "right",
                            style={"white_space": "nowrap"},
                        )
                        for i, c in enumerate(columns)
                    ]
                )
            ),
            rx.table.body(
                rx.foreach(rows, lambda r: rx.table.row(*row_cells(r))),
                rx.foreach(
                    total,
                    lambda r: rx.table.row(*row_cells(r, bold=True), background="var(--gray-a2)"),
                ),
            ),
            size="1",
            width="100%",
            id=table_id,
        ),
        overflow_x="auto",
        width="100%",
        tab_index=0,
        role="region",
        aria_label=name,
        class_name="report-scroll",
    )


def day_table() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("By day and truck", size="3", as_="h2"),
            report_table(COLUMNS, S.rows, S.total, cells, "report-table", "By day and truck"),
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


ON_TIME_COLUMNS = ["Date", "Truck", "Ready", "On time", "Average ticket", "90% within"]


def on_time_cells(row: OnTimeRowView, bold: bool = False) -> list[rx.Component]:
    return number_cells([row.day, row.truck, row.orders, row.rate, row.average, row.p90], bold)


def on_time_table() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("On time", size="3", as_="h2"),
            rx.cond(
                S.on_time_rows.length() > 0,
                report_table(
                    ON_TIME_COLUMNS,
                    S.on_time_rows,
                    S.on_time_total,
                    on_time_cells,
                    "on-time-table",
                    "On time",
                ),
                rx.text(
                    "No order was Ready for Pickup in this range.", color_scheme="gray", size="2"
                ),
            ),
            rx.text(
                "On time: Ready for Pickup by the time the customer was quoted when ordering "
                "(more time asked for later does not move it). Ticket time: from the order to "
                "Ready for Pickup; 90% of orders were ready within the last column.",
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="on-time",
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
                    slots_chart(),
                    top_items(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    align="start",
                    spacing="4",
                    width="100%",
                ),
                rx.cond(S.refunders.length() > 0, refunds_by_member()),
                day_table(),
                on_time_table(),
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
