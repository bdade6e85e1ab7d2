"""/admin/staff: the team, its invitations and access."""

from __future__ import annotations

import reflex as rx

from cliqmenu.components.fields import field_label
from cliqmenu.components.owner_nav import error_callout, owner_frame
from cliqmenu.models import Role
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.staff_trucks import EVERY_TRUCK, SOME_TRUCKS, StaffTrucksState
from cliqmenu.views.staff import StaffRow, TruckChoice

S = OwnerHomeState
T = StaffTrucksState

STATUS_COLOR = ("active", "green"), ("invited", "amber"), "gray"


def text_field(label: str, name: str, *, type: str = "text", required: bool = True, hint: str = ""):
    return rx.vstack(
        field_label(label, f"invite-{name}"),
        rx.input(
            id=f"invite-{name}",
            name=name,
            type=type,
            required=required,
            size="3",
            width="100%",
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def role_choice(value: str, title: str, description: str) -> rx.Component:
    return rx.radio_cards.item(
        rx.vstack(
            rx.text(title, weight="bold", size="2"),
            rx.text(description, size="1", color_scheme="gray"),
            spacing="1",
            align="start",
        ),
        value=value,
        id=f"role-{value}",
    )


def invite_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Invite a team member"),
            rx.dialog.description(
                "They get an email with a link to set a password; they sign in with this email.",
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    text_field("Name", "name"),
                    text_field("Email", "email", type="email"),
                    text_field("Mobile", "mobile", type="tel", required=False, hint="Optional."),
                    rx.text("Role", size="2", weight="medium"),
                    rx.radio_cards.root(
                        role_choice(
                            Role.ORDER_MANAGER.value,
                            "Order Manager",
                            "Accepts orders, walk-ins, stock, refunds.",
                        ),
                        role_choice(
                            Role.KITCHEN_STAFF.value,
                            "Kitchen Staff",
                            "Kitchen display only: cooks and bumps orders.",
                        ),
                        value=S.invite_role,
                        on_value_change=S.set_invite_role,
                        columns=rx.breakpoints(initial="1", sm="2"),
                        width="100%",
                        aria_label="Role",
                    ),
                    error_callout(S.invite_error, "invite-error"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                "Cancel",
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                                size="3",
                            )
                        ),
                        rx.button("Send invitation", type="submit", size="3", id="send-invite"),
                        justify="end",
                        width="100%",
                        spacing="3",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.invite,
                reset_on_submit=False,
                width="100%",
            ),
            max_width="520px",
        ),
        open=S.invite_open,
        on_open_change=S.set_invite_open,
    )


def actions(row: StaffRow) -> rx.Component:
    return rx.cond(
        row.is_owner,
        rx.text("You", size="1", color_scheme="gray"),
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("ellipsis", size=16),
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Actions for " + row.name,
                    id="staff-actions-" + row.id.to_string(),
                )
            ),
            rx.menu.content(
                rx.cond(
                    row.status == "invited",
                    rx.menu.item(
                        rx.icon("send", size=14), "Resend invitation", on_click=S.resend(row.id)
                    ),
                ),
                rx.cond(
                    row.role == Role.KITCHEN_STAFF.value,
                    rx.menu.item(
                        rx.icon("clipboard-list", size=14),
                        "Make Order Manager",
                        on_click=S.change_role(row.id, Role.ORDER_MANAGER.value),
                    ),
                    rx.menu.item(
                        rx.icon("chef-hat", size=14),
                        "Make Kitchen Staff",
                        on_click=S.change_role(row.id, Role.KITCHEN_STAFF.value),
                    ),
                ),
                rx.menu.item(
                    rx.icon("truck", size=14),
                    "Choose trucks",
                    on_click=T.start(row.id),
                    id="trucks-" + row.id.to_string(),
                ),
                rx.menu.separator(),
                rx.cond(
                    row.status == "disabled",
                    rx.menu.item(
                        rx.icon("user-check", size=14),
                        "Enable access",
                        on_click=S.set_enabled(row.id, True),
                        id="enable-" + row.id.to_string(),
                    ),
                    rx.menu.item(
                        rx.icon("user-x", size=14),
                        "Disable access",
                        color="red",
                        on_click=S.set_enabled(row.id, False),
                        id="disable-" + row.id.to_string(),
                    ),
                ),
            ),
        ),
    )


def trucks_text(row: StaffRow, where: str) -> rx.Component:
    return rx.text(
        rx.icon("truck", size=12, display="inline", vertical_align="-1px", margin_right="4px"),
        row.trucks_label,
        size="1",
        color_scheme=rx.cond(row.no_truck, "red", "gray"),
        id=f"staff-trucks-{where}-" + row.id.to_string(),
    )


def truck_check(choice: TruckChoice) -> rx.Component:
    return rx.text(
        rx.hstack(
            rx.checkbox(
                checked=choice.chosen,
                on_change=lambda _value: T.toggle(choice.id),
                id="truck-choice-" + choice.id.to_string(),
            ),
            rx.text(choice.name),
            spacing="2",
            align="center",
        ),
        as_="label",
        size="2",
    )


def trucks_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Trucks for ", T.member_name),
            rx.dialog.description(
                "Where they may work. Saved changes hold from their next tap; a truck they "
                "may no longer use leaves their truck picker.",
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.vstack(
                rx.radio_group.root(
                    rx.vstack(
                        rx.text(
                            rx.hstack(
                                rx.radio_group.item(value=EVERY_TRUCK, id="trucks-every"),
                                rx.vstack(
                                    rx.text("All trucks", weight="medium"),
                                    rx.text(
                                        "Including trucks you add later.",
                                        size="1",
                                        color_scheme="gray",
                                    ),
                                    spacing="0",
                                ),
                                spacing="2",
                            ),
                            as_="label",
                            size="2",
                        ),
                        rx.text(
                            rx.hstack(
                                rx.radio_group.item(value=SOME_TRUCKS, id="trucks-some"),
                                rx.text("Only these trucks", weight="medium"),
                                spacing="2",
                            ),
                            as_="label",
                            size="2",
                        ),
                        spacing="3",
                    ),
                    value=T.scope,
                    on_change=T.set_scope,
                    aria_label="Trucks",
                ),
                rx.cond(
                    T.scope == SOME_TRUCKS,
                    rx.vstack(
                        rx.foreach(T.choices, truck_check),
                        spacing="2",
                        padding_left="28px",
                        id="truck-choices",
                    ),
                ),
                error_callout(T.error, "trucks-error"),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            "Cancel", type="button", variant="soft", color_scheme="gray", size="3"
                        )
                    ),
                    rx.button("Save trucks", size="3", on_click=T.save, id="save-trucks"),
                    justify="end",
                    width="100%",
                    spacing="3",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="460px",
        ),
        open=T.dialog_open,
        on_open_change=T.set_dialog_open,
    )


def avatar(row: StaffRow) -> rx.Component:
    return rx.avatar(
        fallback=row.name[0],
        size="3",
        radius="full",
        color_scheme=rx.cond(row.is_owner, "orange", "gray"),
    )


def staff_line(row: StaffRow) -> rx.Component:
    return rx.box(
        rx.hstack(
            avatar(row),
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, weight="bold"),
                    rx.badge(row.status_label, color_scheme=rx.match(row.status, *STATUS_COLOR)),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    row.email,
                    rx.cond(row.mobile != "", " · " + row.mobile, ""),
                    size="2",
                    color_scheme="gray",
                    style={"word_break": "break-all"},
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.text(row.role_label, size="2", weight="medium"),
                trucks_text(row, "wide"),
                rx.text(row.since, size="1", color_scheme="gray"),
                spacing="0",
                align="end",
                display=["none", "flex"],
                max_width="40%",
            ),
            actions(row),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.box(
            rx.text(row.role_label, " · ", row.since, size="1", color_scheme="gray"),
            trucks_text(row, "narrow"),
            display=["block", "none"],
            padding_left="48px",
        ),
        padding="14px 16px",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        opacity=rx.cond(row.status == "disabled", "0.6", "1"),
        id="staff-" + row.id.to_string(),
        class_name="staff-line",
    )


def summary() -> rx.Component:
    return rx.hstack(
        rx.foreach(
            S.counts,
            lambda pair: rx.badge(
                pair[0], ": ", pair[1], variant="surface", size="2", color_scheme="gray"
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def staff_page() -> rx.Component:
    return owner_frame(
        "staff",
        "Staff",
        rx.text(
            "Staff sign in with the email you invite. Disabling someone signs them out at once, "
            "on every screen they have open; changing a role signs them out so they land on the "
            "right view. Choose trucks limits a member to some of your trucks.",
            color_scheme="gray",
            size="2",
        ),
        summary(),
        rx.card(
            rx.vstack(
                rx.foreach(S.staff_rows, staff_line), spacing="0", width="100%", id="staff-table"
            ),
            size="1",
            width="100%",
            style={"padding": "0"},
        ),
        invite_dialog(),
        trucks_dialog(),
        actions=[
            rx.button(
                rx.icon("user-plus", size=16),
                "Invite",
                size="3",
                on_click=S.set_invite_open(True),
                id="open-invite",
            )
        ],
    )
