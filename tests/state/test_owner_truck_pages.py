"""The Owner's handlers for archiving trucks and choosing a member's trucks, and what a
customer's phone shows for an archived truck."""

from __future__ import annotations

import pytest
import reflex as rx
from sqlmodel import Session, select

from cliqmenu.models import Order, StaffTruck, Truck
from cliqmenu.services import notifications, staff
from cliqmenu.state.customer import CustomerMenuState
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.owner_trucks import TrucksState
from cliqmenu.state.staff_trucks import SOME_TRUCKS, StaffTrucksState
from tests import factories
from tests.push_service import Browser
from tests.state.support import (
    ROLE_REFUSED,
    assert_refused,
    at_path,
    carry_token,
    outcome,
    sign_in,
    substate,
)


@pytest.fixture
def beach(session: Session, world: factories.World) -> Truck:
    truck = factories.make_truck(session, business=world.business, name="Beach Truck")
    session.commit()
    return truck


def fresh_truck(engine, truck_id: int) -> Truck:
    with Session(engine) as session:
        return session.get(Truck, truck_id)


async def test_the_owner_archives_and_restores_a_truck(root, session, world, beach, app_engine):
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, TrucksState)
    await page.load()
    assert [c.name for c in page.cards] == ["Taco Truck", "Beach Truck"]

    assert await page.ask_archive(beach.id) is None
    assert (page.archive_open, page.archive_name) == (True, "Beach Truck")
    kind, detail = outcome(await page.archive())

    assert kind == "toast" and "Beach Truck is archived" in detail
    assert [c.name for c in page.cards] == ["Taco Truck"]
    assert [(a.id, a.name) for a in page.archived] == [(beach.id, "Beach Truck")]
    assert fresh_truck(app_engine, beach.id).archived

    kind, detail = outcome(await page.restore(beach.id))
    assert kind == "toast" and "Beach Truck is back" in detail
    assert [c.name for c in page.cards] == ["Taco Truck", "Beach Truck"] and page.archived == []
    assert not fresh_truck(app_engine, beach.id).archived


async def test_archiving_the_last_trading_truck_is_refused_with_a_message(
    root, session, world, app_engine
):
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, TrucksState)
    await page.load()
    await page.ask_archive(world.truck.id)

    assert_refused(await page.archive(), by="Taco Truck is your only trading truck")
    assert [c.name for c in page.cards] == ["Taco Truck"]
    assert not fresh_truck(app_engine, world.truck.id).archived


async def test_staff_and_other_owners_cannot_archive(root, session, world, beach, app_engine):
    other = factories.make_world(session, business_name="Other Eats")
    session.commit()
    page = substate(root, TrucksState)

    carry_token(root, sign_in(session, world.manager))
    assert_refused(await page.ask_archive(beach.id), by=ROLE_REFUSED)
    page._archive_id = beach.id  # as if the dialog had been opened before the role changed
    assert_refused(await page.archive(), by=ROLE_REFUSED)
    assert_refused(await page.restore(beach.id), by=ROLE_REFUSED)

    carry_token(root, sign_in(session, other.owner))
    assert_refused(await page.ask_archive(beach.id), by="No such truck")
    page._archive_id = beach.id
    assert_refused(await page.archive(), by="No such truck")
    assert not fresh_truck(app_engine, beach.id).archived


def open_menu(root: rx.State, slug: str) -> CustomerMenuState:
    return substate(at_path(root, f"/t/{slug}"), CustomerMenuState)


async def test_a_customer_page_of_an_archived_truck_says_it_takes_no_orders(
    root, session, world, beach, app_engine
):
    phone = open_menu(root, beach.slug)
    await phone.load()
    assert (phone.found, phone.closed, phone.truck_name) == (True, False, "Beach Truck")
    carry_token(root, sign_in(session, world.owner))
    owner_page = substate(root, TrucksState)
    await owner_page.ask_archive(beach.id)
    await owner_page.archive()

    await phone.load()
    assert (phone.found, phone.closed, phone.truck_name) == (True, True, "Beach Truck")
    unknown = open_menu(root, "no-such-truck")
    await unknown.load()
    assert unknown.found is False


async def test_an_order_from_a_menu_opened_before_archiving_is_refused(
    root, session, world, beach, app_engine
):
    phone = open_menu(root, beach.slug)
    await phone.load()
    fries = next(i for c in phone.categories for i in c.items if i.name == "Fries")
    phone.open_item(fries.id)
    phone.add_to_cart()
    phone.customer_name = "Sam"
    assert phone.cart

    carry_token(root, sign_in(session, world.owner))
    owner_page = substate(root, TrucksState)
    await owner_page.ask_archive(beach.id)
    await owner_page.archive()

    assert await phone.place() is None
    assert phone.error == "Beach Truck is not taking orders."
    with Session(app_engine) as fresh:
        assert fresh.exec(select(Order)).all() == []


async def test_the_owner_limits_a_member_to_some_trucks(root, session, world, beach, app_engine):
    carry_token(root, sign_in(session, world.owner))
    admin = substate(root, OwnerHomeState)
    await admin.load()
    [kai] = [row for row in admin.staff_rows if row.id == world.kitchen.id]
    assert kai.trucks_label == "All trucks"

    dialog = substate(root, StaffTrucksState)
    assert await dialog.start(world.kitchen.id) is None
    assert (dialog.dialog_open, dialog.member_name, dialog.scope) == (True, "Kai", "all")
    assert [(c.name, c.chosen) for c in dialog.choices] == [
        ("Taco Truck", False),
        ("Beach Truck", False),
    ]
    dialog.set_scope(SOME_TRUCKS)
    assert await dialog.save() is None
    assert dialog.error == "Choose at least one truck, or All trucks."

    dialog.toggle(beach.id)
    kind, detail = outcome(await dialog.save())

    assert kind == "toast" and "Kai now works only at Beach Truck" in detail
    assert dialog.dialog_open is False
    [kai] = [row for row in admin.staff_rows if row.id == world.kitchen.id]
    assert kai.trucks_label == "Beach Truck"
    with Session(app_engine) as fresh:
        assert fresh.exec(select(StaffTruck.truck_id)).all() == [beach.id]

    await dialog.start(world.kitchen.id)
    assert (dialog.scope, [c.chosen for c in dialog.choices]) == (SOME_TRUCKS, [False, True])
    dialog.set_scope("all")
    kind, detail = outcome(await dialog.save())
    assert "Kai may work at every truck" in detail
    [kai] = [row for row in admin.staff_rows if row.id == world.kitchen.id]
    assert kai.trucks_label == "All trucks"


async def test_only_the_owner_of_the_business_chooses_trucks(
    root, session, world, beach, app_engine
):
    other = factories.make_world(session, business_name="Other Eats")
    session.commit()
    dialog = substate(root, StaffTrucksState)

    carry_token(root, sign_in(session, world.manager))
    assert_refused(await dialog.start(world.kitchen.id), by=ROLE_REFUSED)
    dialog._staff_id, dialog.scope = world.kitchen.id, SOME_TRUCKS
    dialog.choices = []
    assert_refused(await dialog.save(), by=ROLE_REFUSED)

    carry_token(root, sign_in(session, other.owner))
    assert_refused(await dialog.start(world.kitchen.id), by="No such staff member")
    assert_refused(await dialog.start(other.owner.id), by="The Owner works at every truck")
    with Session(app_engine) as fresh:
        assert fresh.exec(select(StaffTruck)).all() == []


def ring_on(session: Session, member, truck: Truck, name: str) -> None:
    """``member`` turned notifications on for ``truck`` on a device called ``name``."""
    signed_in = staff.open_session(session, member=member, device=name)
    session.flush()
    notifications.turn_on_for_staff(
        session,
        member=member,
        session_id=staff.session_id_for_token(session, signed_in.token),
        truck=truck,
        subscription=Browser(endpoint=f"https://fcm.googleapis.com/fcm/send/{name}").subscription(),
    )
    session.commit()


async def test_the_owner_sees_per_truck_whose_devices_ring_and_a_warning_when_no_manager_s_does(
    root, session, world, beach
):
    ring_on(session, world.manager, world.truck, "mia-phone")
    ring_on(session, world.manager, world.truck, "mia-tablet")
    ring_on(session, world.owner, beach, "olive-laptop")
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, TrucksState)
    await page.load()

    taco, beach_card = page.cards
    lines = [(m.name, m.role, m.words) for m in taco.crew]
    assert lines == [
        (world.owner.name, "Owner", "No device rings"),
        (world.manager.name, "Order Manager", "2 devices ring"),
        (world.kitchen.name, "Kitchen Staff", "No pushes: the kitchen display chimes"),
    ]
    assert taco.ring_warning == ""
    assert [(m.role, m.words) for m in beach_card.crew][:2] == [
        ("Owner", "1 device rings"),
        ("Order Manager", "No device rings"),
    ]
    assert beach_card.ring_warning.startswith(
        "No Order Manager's phone rings for new orders at Beach Truck (only yours does). "
    )
    assert "tap Turn on notifications" in beach_card.ring_warning
    assert taco.reminder == "Orders unaccepted after 3 min ring again, every 3 min"


async def test_the_owner_sets_a_truck_s_reminder_and_a_bad_one_is_refused_with_a_message(
    root, session, world, app_engine
):
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, TrucksState)
    await page.load()
    await page.start_edit(world.truck.id)
    assert page.f_reminder == "3"
    page.set_f_reminder("90")
    assert await page.save() is None
    assert page.form_error == "The reminder must be 1 to 60 minutes, or 0 to turn reminders off."
    assert fresh_truck(app_engine, world.truck.id).reminder_minutes == 3

    page.set_f_reminder("0")
    kind, _ = outcome(await page.save())
    assert kind == "toast"
    assert fresh_truck(app_engine, world.truck.id).reminder_minutes == 0
    assert page.cards[0].reminder == "No reminders for orders left waiting"
