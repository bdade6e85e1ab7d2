"""Choosing from a truck's menu: category pills, item cards, and the customization picker."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.limited_input import limited_input
from cliqmenu.services.orders import MAX_NOTE
from cliqmenu.views.menu import CartLine, CategoryView, GroupView, ItemView, OptionView


def category_pills(categories, selected, on_choose) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            categories,
            lambda c: rx.button(
                c.name,
                on_click=on_choose(c.id),
                variant=rx.cond(selected == c.id, "solid", "soft"),
                radius="full",
                size="2",
                class_name="stage-tab",
            ),
        ),
        class_name="stage-tabs",
        spacing="2",
    )


def item_card(item: ItemView, on_open) -> rx.Component:
    """A menu item: a button (a tap, Enter or Space opens its picker), drawn as a card."""
    return rx.card(
        rx.el.button(
            rx.hstack(
                rx.cond(
                    item.photo_url != "",
                    rx.image(
                        src=item.photo_url, alt=item.name, class_name="item-photo", loading="lazy"
                    ),
                ),
                rx.vstack(
                    rx.text(item.name, weight="bold", size="3"),
                    rx.cond(
                        item.description != "",
                        rx.text(
                            item.description, size="1", color_scheme="gray", class_name="clamp-2"
                        ),
                    ),
                    rx.hstack(
                        rx.foreach(
                            item.dietary_tags,
                            lambda t: rx.badge(t, variant="soft", color_scheme="green"),
                        ),
                        spacing="1",
                        wrap="wrap",
                    ),
                    spacing="1",
                    align="start",
                    min_width="0",
                ),
                rx.spacer(),
                rx.cond(
                    item.in_stock,
                    rx.vstack(
                        rx.text(item.price, weight="bold"),
                        rx.cond(
                            item.left_note != "",
                            rx.badge(item.left_note, color_scheme="amber", class_name="left-note"),
                        ),
                        spacing="1",
                        align="end",
                    ),
                    rx.badge("Out of stock", color_scheme="red"),
                ),
                align="center",
                width="100%",
            ),
            type="button",
            on_click=on_open(item.id),
            class_name=rx.cond(item.in_stock, "menu-item", "menu-item out"),
            data_item=item.name,
            data_item_id=item.id,
        ),
        as_child=True,
        width="100%",
    )


def option_row(group: GroupView, option: OptionView, picked, on_toggle) -> rx.Component:
    chosen = picked[group.id.to_string()].to(list[int]).contains(option.id)
    return rx.button(
        rx.icon(
            rx.cond(
                chosen,
                rx.cond(group.single, "circle-dot", "square-check"),
                rx.cond(group.single, "circle", "square"),
            ),
            size=20,
        ),
        rx.text(option.name, flex="1", text_align="left"),
        rx.cond(
            option.in_stock,
            rx.text(option.delta, color_scheme="gray"),
            rx.badge("Out", color_scheme="red"),
        ),
        on_click=on_toggle(group.id, option.id),
        disabled=~option.in_stock,
        variant=rx.cond(chosen, "soft", "outline"),
        size="3",
        width="100%",
        type="button",
        aria_pressed=chosen.to_string(),
        aria_label=option.name,
        class_name="option-row",
    )


def group_block(group: GroupView, picked, on_toggle) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(group.name, weight="bold"),
            rx.spacer(),
            rx.badge(group.rule, color_scheme=rx.cond(group.required, "orange", "gray")),
            width="100%",
        ),
        rx.foreach(group.options, lambda o: option_row(group, o, picked, on_toggle)),
        width="100%",
        spacing="2",
    )


def item_picker(
    picking, picked, qty, note, error, *, on_toggle, on_qty, on_note, on_add, on_close
) -> rx.Component:
    """A dialog for the item being customized (``picking`` is a list of zero or one item)."""

    def body(item: ItemView) -> rx.Component:
        return rx.vstack(
            rx.cond(
                item.photo_url != "",
                rx.image(src=item.photo_url, alt=item.name, class_name="item-photo-large"),
            ),
            rx.hstack(
                rx.dialog.title(item.name, margin="0"),
                rx.spacer(),
                rx.text(item.price, weight="bold"),
                width="100%",
            ),
            rx.cond(
                item.description != "", rx.text(item.description, size="2", color_scheme="gray")
            ),
            rx.cond(
                item.allergens.length() > 0,
                rx.text("Contains: ", item.allergens.join(", "), size="2", color_scheme="orange"),
            ),
            rx.foreach(item.groups, lambda g: group_block(g, picked, on_toggle)),
            limited_input(
                note,
                MAX_NOTE,
                on_change=on_note,
                placeholder="Note for the kitchen (optional)",
                aria_label="Item note",
                size="3",
                width="100%",
                id="item-note",
            ),
            rx.cond(
                error != "",
                rx.callout(
                    error, icon="triangle-alert", color_scheme="red", role="alert", width="100%"
                ),
            ),
            rx.hstack(
                rx.icon_button(
                    rx.icon("minus"),
                    on_click=on_qty(-1),
                    size="3",
                    variant="soft",
                    aria_label="One less",
                    type="button",
                ),
                rx.text(
                    qty,
                    size="5",
                    weight="bold",
                    min_width="2em",
                    text_align="center",
                    id="pick-qty",
                ),
                rx.icon_button(
                    rx.icon("plus"),
                    on_click=on_qty(1),
                    size="3",
                    variant="soft",
                    aria_label="One more",
                    type="button",
                ),
                rx.button("Add", on_click=on_add, size="3", flex="1", id="add-to-order"),
                width="100%",
                align="center",
            ),
            spacing="3",
            width="100%",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.foreach(picking, body),
            rx.dialog.close(
                rx.icon_button(
                    rx.icon("x"),
                    variant="ghost",
                    aria_label="Close",
                    on_click=on_close,
                    position="absolute",
                    top="12px",
                    right="12px",
                ),
            ),
            max_width="480px",
            position="relative",
        ),
        open=picking.length() > 0,
        on_open_change=lambda _open: on_close,
    )


def cart_line(line: CartLine, index, on_remove) -> rx.Component:
    """One line of a cart, with a remove button."""
    return rx.hstack(
        rx.text(line.quantity, "×", weight="bold", min_width="2.2em"),
        rx.vstack(
            rx.text(line.name, weight="medium"),
            rx.cond(line.options != "", rx.text(line.options, size="1", color_scheme="gray")),
            rx.cond(line.note != "", rx.text(line.note, size="1", color_scheme="orange")),
            rx.cond(
                line.problem != "",
                rx.badge(rx.icon("circle-alert", size=12), line.problem, color_scheme="red"),
            ),
            spacing="1",
            align="start",
            flex="1",
            min_width="0",
        ),
        rx.text(line.total, white_space="nowrap"),
        rx.icon_button(
            rx.icon("trash-2", size=18),
            on_click=on_remove(index),
            variant="soft",
            color_scheme="red",
            size="3",
            aria_label="Remove " + line.name,
        ),
        width="100%",
        align="start",
        class_name="cart-line",
    )


__all__ = ["CategoryView", "cart_line", "category_pills", "item_card", "item_picker"]
