"""/admin/menu: the Owner's master menu editor (categories | items | the selected item)."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import labelled
from cliqmenu.components.layout import staff_header
from cliqmenu.components.owner_nav import owner_nav
from cliqmenu.state.menu_editor import MenuEditorState
from cliqmenu.views.menu_editor import CategoryRow, GroupRow, ItemRow, OptionRow

S = MenuEditorState
PHOTO_UPLOAD_ID = "item-photo"
PHOTO_TYPES = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]}


def arrows(on_up, on_down, label) -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("chevron-up", size=16),
            on_click=on_up,
            type="button",
            size="2",
            variant="ghost",
            color_scheme="gray",
            aria_label="Move up " + label,
        ),
        rx.icon_button(
            rx.icon("chevron-down", size=16),
            on_click=on_down,
            type="button",
            size="2",
            variant="ghost",
            color_scheme="gray",
            aria_label="Move down " + label,
        ),
        spacing="1",
    )


def archive_button(archived, on_archive, on_restore, label) -> rx.Component:
    return rx.cond(
        archived,
        rx.button(
            "Restore",
            on_click=on_restore,
            type="button",
            size="2",
            variant="soft",
            color_scheme="green",
        ),
        rx.icon_button(
            rx.icon("archive", size=16),
            on_click=on_archive,
            type="button",
            size="2",
            variant="ghost",
            color_scheme="red",
            aria_label="Archive " + label,
            title="Archive (hidden from every truck; past orders keep it)",
        ),
    )


def panel(title: str, *children, **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(
                title, size="1", weight="bold", color_scheme="gray", text_transform="uppercase"
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        **props,
    )


def category_row(row: CategoryRow) -> rx.Component:
    selected = S.category_id == row.id
    return rx.hstack(
        rx.button(
            rx.text(row.name, truncate=True, flex="1", text_align="left"),
            rx.badge(row.count, variant="soft", color_scheme="gray", radius="full"),
            on_click=S.select_category(row.id),
            variant=rx.cond(selected, "soft", "ghost"),
            color_scheme=rx.cond(selected, "orange", "gray"),
            flex="1",
            min_width="0",
            justify="start",
            size="2",
            opacity=rx.cond(row.archived, "0.5", "1"),
            aria_current=rx.cond(selected, "true", "false"),
            data_category=row.name,
        ),
        arrows(S.move_category(row.id, -1), S.move_category(row.id, 1), row.name),
        archive_button(
            row.archived,
            S.archive_category(row.id, True),
            S.archive_category(row.id, False),
            row.name,
        ),
        width="100%",
        align="center",
        spacing="1",
    )


def categories_panel() -> rx.Component:
    return panel(
        "Categories",
        rx.vstack(rx.foreach(S.categories, category_row), width="100%", spacing="1"),
        rx.form(
            rx.hstack(
                rx.input(
                    name="name",
                    placeholder="New category",
                    aria_label="New category name",
                    id="new-category",
                    size="2",
                    flex="1",
                ),
                rx.button(rx.icon("plus", size=16), "Add", type="submit", size="2"),
                width="100%",
            ),
            on_submit=S.add_category,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            S.category_id != 0,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="name",
                        default_value=S.category_name,
                        aria_label="Category name",
                        id="category-name",
                        size="2",
                        flex="1",
                    ),
                    rx.button("Rename", type="submit", size="2", variant="soft"),
                    width="100%",
                ),
                on_submit=S.rename_category,
                key=S.category_id.to_string() + "-" + S.version.to_string(),
                width="100%",
            ),
        ),
        rx.hstack(
            rx.switch(
                checked=S.show_archived,
                on_change=S.set_show_archived,
                id="show-archived",
                aria_label="Show archived",
            ),
            rx.text("Show archived", size="2", color_scheme="gray"),
            align="center",
        ),
    )


def thumb(url, size: str) -> rx.Component:
    return rx.cond(
        url != "",
        rx.image(
            src=url,
            width=size,
            height=size,
            object_fit="cover",
            border_radius="8px",
            flex_shrink="0",
            alt="",
        ),
        rx.center(
            rx.icon("image", size=18, color="var(--gray-8)"),
            width=size,
            height=size,
            border_radius="8px",
            background="var(--gray-3)",
            flex_shrink="0",
        ),
    )


def item_row(row: ItemRow) -> rx.Component:
    """The item's photo, name and price are one button that opens it in the editor (a click,
    Enter or Space); its move arrows sit beside it, not inside it."""
    selected = S.item_id == row.id
    return rx.hstack(
        rx.el.button(
            rx.hstack(
                thumb(row.photo_url, "44px"),
                rx.vstack(
                    rx.hstack(
                        rx.text(row.name, weight="bold", size="2", truncate=True),
                        rx.cond(row.archived, rx.badge("Archived", color_scheme="gray")),
                        spacing="2",
                        align="center",
                    ),
                    rx.hstack(
                        rx.text(row.price, size="2"),
                        rx.cond(
                            row.groups > 0,
                            rx.text(
                                "· ",
                                row.groups,
                                rx.cond(row.groups == 1, " choice group", " choice groups"),
                                size="1",
                                color_scheme="gray",
                            ),
                        ),
                        rx.foreach(
                            row.tags,
                            lambda t: rx.badge(t, variant="soft", color_scheme="green", size="1"),
                        ),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    spacing="0",
                    align="start",
                    flex="1",
                    min_width="0",
                ),
                align="center",
                width="100%",
                spacing="3",
            ),
            type="button",
            on_click=S.select_item(row.id),
            aria_current=rx.cond(selected, "true", "false"),
            class_name="editor-row",
            id="edit-item-" + row.id.to_string(),
        ),
        arrows(S.move_item(row.id, -1), S.move_item(row.id, 1), row.name),
        align="center",
        width="100%",
        spacing="3",
        padding="8px",
        border_radius="10px",
        background=rx.cond(selected, "var(--accent-3)", "transparent"),
        border=rx.cond(selected, "1px solid var(--accent-7)", "1px solid var(--gray-a4)"),
        opacity=rx.cond(row.archived, "0.6", "1"),
        data_item=row.name,
    )


def items_panel() -> rx.Component:
    return panel(
        "Items",
        rx.cond(
            S.category_id != 0,
            rx.heading(S.category_name, size="5"),
            rx.text("Add a category first.", color_scheme="gray"),
        ),
        rx.vstack(rx.foreach(S.items, item_row), width="100%", spacing="2"),
        rx.cond(
            (S.category_id != 0) & (S.items.length() == 0),
            rx.text("No items here yet: add the first one below.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            (S.category_id != 0) & ~S.category_archived,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="name",
                        placeholder="New item",
                        aria_label="New item name",
                        id="new-item-name",
                        size="2",
                        flex="1",
                    ),
                    rx.input(
                        name="price",
                        placeholder="Price",
                        aria_label="New item price",
                        id="new-item-price",
                        input_mode="decimal",
                        size="2",
                        width="6em",
                    ),
                    rx.button(rx.icon("plus", size=16), "Add", type="submit", size="2"),
                    width="100%",
                ),
                on_submit=S.add_item,
                width="100%",
            ),
        ),
    )


def named_upload(name: str, *children, **props) -> rx.Component:
    """``rx.upload`` whose file input has a name (a screen reader reads it; axe asks for it)."""
    upload = rx.upload(*children, **props)
    upload.children[0].children[0].custom_attrs["aria-label"] = name
    return upload


def photo_block() -> rx.Component:
    return rx.hstack(
        thumb(S.photo_url, "112px"),
        rx.vstack(
            named_upload(
                "Item photo",
                rx.vstack(
                    rx.icon("upload", size=20),
                    rx.text("Drop a photo or click to choose", size="2"),
                    rx.text("JPEG, PNG or WebP, up to 5 MB", size="1", color_scheme="gray"),
                    align="center",
                    spacing="1",
                ),
                id=PHOTO_UPLOAD_ID,
                accept=PHOTO_TYPES,
                max_files=1,
                multiple=False,
                max_size=5 * 1024 * 1024,
                on_drop=S.upload_photo(rx.upload_files(upload_id=PHOTO_UPLOAD_ID)),
                border="1px dashed var(--gray-a8)",
                border_radius="10px",
                padding="12px",
                width="100%",
                cursor="pointer",
            ),
            rx.cond(
                S.photo_url != "",
                rx.button(
                    "Remove photo",
                    on_click=S.remove_photo,
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                ),
            ),
            flex="1",
            spacing="2",
        ),
        width="100%",
        align="start",
        spacing="3",
    )


def item_form() -> rx.Component:
    f = S.item_form
    return rx.form(
        rx.vstack(
            rx.grid(
                labelled(
                    "Name",
                    rx.input(
                        name="name", default_value=f["name"], id="item-name", size="2", width="100%"
                    ),
                    html_for="item-name",
                ),
                labelled(
                    "Price",
                    rx.input(
                        name="price",
                        default_value=f["price"],
                        id="item-price",
                        width="100%",
                        input_mode="decimal",
                        size="2",
                    ),
                    html_for="item-price",
                ),
                labelled(
                    "Category",
                    rx.select.root(
                        rx.select.trigger(width="100%", id="item-category"),
                        rx.select.content(
                            rx.foreach(
                                S.category_choices, lambda c: rx.select.item(c[1], value=c[0])
                            )
                        ),
                        name="category_id",
                        default_value=f["category_id"],
                        size="2",
                    ),
                    html_for="item-category",
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            labelled(
                "Description",
                rx.text_area(
                    name="description",
                    default_value=f["description"],
                    id="item-description",
                    rows="3",
                    width="100%",
                ),
                html_for="item-description",
            ),
            rx.grid(
                labelled(
                    "Dietary tags",
                    rx.input(
                        name="dietary_tags",
                        default_value=f["dietary_tags"],
                        placeholder="vegan, gluten-free",
                        id="item-dietary",
                        width="100%",
                        size="2",
                    ),
                    "Comma-separated; customers filter by these.",
                    html_for="item-dietary",
                ),
                labelled(
                    "Allergens",
                    rx.input(
                        name="allergens",
                        default_value=f["allergens"],
                        placeholder="gluten, milk, peanut",
                        id="item-allergens",
                        width="100%",
                        size="2",
                    ),
                    "Shown to customers and highlighted in the kitchen.",
                    html_for="item-allergens",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button("Save item", type="submit", size="2", id="save-item"),
                rx.spacer(),
                archive_button(
                    S.item_archived,
                    S.archive_item(S.item_id, True),
                    S.archive_item(S.item_id, False),
                    f["name"],
                ),
                width="100%",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_item,
        key=S.item_id.to_string() + "-" + S.version.to_string(),
        width="100%",
    )


def hidden(name: str, value) -> rx.Component:
    return rx.el.input(type="hidden", name=name, value=value)


def rule_inputs(min_value, max_value, required) -> list[rx.Component]:
    return [
        rx.hstack(
            rx.text("Min", size="1"),
            rx.input(
                name="min_choices",
                default_value=min_value,
                type="number",
                min="0",
                size="1",
                width="4em",
                aria_label="Min choices",
            ),
            spacing="1",
            align="center",
        ),
        rx.hstack(
            rx.text("Max", size="1"),
            rx.input(
                name="max_choices",
                default_value=max_value,
                type="number",
                min="1",
                size="1",
                width="4em",
                aria_label="Max choices",
            ),
            spacing="1",
            align="center",
        ),
        rx.text(
            rx.flex(
                rx.checkbox(name="required", default_checked=required, aria_label="Required"),
                "Required",
                gap="1",
                align="center",
            ),
            as_="label",
            size="1",
        ),
    ]


def option_row(option: OptionRow) -> rx.Component:
    return rx.form(
        rx.hstack(
            hidden("option_id", option.id),
            rx.input(
                name="name",
                default_value=option.name,
                aria_label="Option name",
                size="1",
                flex="1",
            ),
            rx.input(
                name="delta",
                default_value=option.delta_text,
                aria_label="Price change for " + option.name,
                input_mode="decimal",
                size="1",
                width="5.5em",
                title="Price change, e.g. 1.50 or -1.00",
            ),
            rx.text(option.delta, size="1", color_scheme="gray", min_width="5.5em"),
            rx.icon_button(
                rx.icon("check", size=14),
                type="submit",
                size="1",
                variant="soft",
                aria_label="Save " + option.name,
            ),
            arrows(S.move_option(option.id, -1), S.move_option(option.id, 1), option.name),
            archive_button(
                option.archived,
                S.archive_option(option.id, True),
                S.archive_option(option.id, False),
                option.name,
            ),
            align="center",
            width="100%",
            spacing="2",
            opacity=rx.cond(option.archived, "0.55", "1"),
        ),
        on_submit=S.save_option,
        key=option.id.to_string() + "-" + S.version.to_string(),
        width="100%",
    )


def group_card(group: GroupRow) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.form(
                rx.hstack(
                    hidden("group_id", group.id),
                    rx.input(
                        name="name",
                        default_value=group.name,
                        aria_label="Group name",
                        size="2",
                        flex="1",
                        min_width="8em",
                        font_weight="bold",
                    ),
                    *rule_inputs(
                        group.min_choices.to_string(), group.max_choices.to_string(), group.required
                    ),
                    rx.button("Save", type="submit", size="1", variant="soft"),
                    arrows(S.move_group(group.id, -1), S.move_group(group.id, 1), group.name),
                    archive_button(
                        group.archived,
                        S.archive_group(group.id, True),
                        S.archive_group(group.id, False),
                        group.name,
                    ),
                    align="center",
                    width="100%",
                    spacing="2",
                    wrap="wrap",
                ),
                on_submit=S.save_group,
                key=group.id.to_string() + "-" + S.version.to_string(),
                width="100%",
            ),
            rx.hstack(
                rx.badge(group.rule, color_scheme=rx.cond(group.required, "orange", "gray")),
                rx.cond(group.archived, rx.badge("Archived", color_scheme="gray")),
                spacing="2",
            ),
            rx.cond(
                group.warning != "",
                rx.callout(group.warning, icon="triangle-alert", color_scheme="amber", size="1"),
            ),
            rx.vstack(rx.foreach(group.options, option_row), width="100%", spacing="1"),
            rx.form(
                rx.hstack(
                    hidden("group_id", group.id),
                    rx.input(
                        name="name",
                        placeholder="New option",
                        aria_label="New option for " + group.name,
                        size="1",
                        flex="1",
                    ),
                    rx.input(
                        name="delta",
                        placeholder="+0.00",
                        aria_label="Price change of the new option",
                        input_mode="decimal",
                        size="1",
                        width="5.5em",
                    ),
                    rx.button(rx.icon("plus", size=14), "Option", type="submit", size="1"),
                    width="100%",
                    align="center",
                ),
                on_submit=S.add_option,
                key="new-option-" + group.id.to_string() + "-" + S.version.to_string(),
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        padding="12px",
        border="1px solid var(--gray-a5)",
        border_radius="12px",
        width="100%",
        opacity=rx.cond(group.archived, "0.6", "1"),
    )


def new_group_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="name",
                placeholder="New group, e.g. Size or Extras",
                aria_label="New group name",
                size="2",
                flex="1",
                min_width="10em",
            ),
            *rule_inputs("0", "1", False),
            rx.button(rx.icon("plus", size=16), "Group", type="submit", size="2"),
            align="center",
            width="100%",
            spacing="2",
            wrap="wrap",
        ),
        on_submit=S.add_group,
        key="new-group-" + S.item_id.to_string() + "-" + S.version.to_string(),
        width="100%",
    )


def editor_panel() -> rx.Component:
    return panel(
        "Item",
        rx.cond(
            S.item_id != 0,
            rx.vstack(
                photo_block(),
                item_form(),
                rx.divider(),
                rx.hstack(
                    rx.heading("Customizations", size="4"),
                    rx.text("min / max choices per group", size="1", color_scheme="gray"),
                    align="baseline",
                    spacing="2",
                ),
                rx.foreach(S.groups, group_card),
                new_group_form(),
                spacing="4",
                width="100%",
            ),
            rx.text("Pick an item, or add one.", color_scheme="gray"),
        ),
        id="item-editor",
    )


def menu_editor_page() -> rx.Component:
    return rx.box(
        staff_header(),
        owner_nav("menu"),
        rx.el.main(
            rx.hstack(
                rx.heading("Master menu", size="7", as_="h1"),
                rx.text(S.business_name, color_scheme="gray"),
                align="baseline",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(
                "Changes reach every truck's menu at once. Prices and availability per truck "
                "are set by managers on their Stock & prices screen.",
                size="2",
                color_scheme="gray",
            ),
            rx.grid(
                rx.box(categories_panel()),
                rx.box(items_panel()),
                rx.box(editor_panel()),
                grid_template_columns=rx.breakpoints(
                    initial="minmax(0, 1fr)", md="240px 320px minmax(0, 1fr)"
                ),
                gap="16px",
                align_items="start",
                width="100%",
                padding_top="12px",
            ),
            style={"max_width": "1320px", "margin": "0 auto", "padding": "20px 16px 48px"},
        ),
        min_height="100vh",
        background="var(--gray-1)",
    )
