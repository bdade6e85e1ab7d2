"""Pacing and pre-orders through the screens' handlers: the checkout offers the next free slot
and orders for it, an Online order for now is refused with that offer, the counter schedules a
phone order for later, and the manager's board shows the slot's load and pauses in one tap."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from cliqmenu.models import Order, PaymentMethod
from cliqmenu.realtime import drain
from cliqmenu.services import slots
from cliqmenu.services.menu import truck_zone
from cliqmenu.state.customer import CustomerMenuState
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.walk_in import WalkInState
from tests import factories
from tests.factories import cart_line
from tests.services.test_slots import midday_zone
from tests.state.support import Screens, at_path, outcome, substate


def _paced(session: Session, world: factories.World, *, online: bool = False) -> None:
    world.truck.timezone = midday_zone()
    world.truck.slot_order_limit = 1
    if online:
        world.business.stripe_secret_key = "sk_test_pacing"
        world.truck.accepts_online = True
    session.commit()
    factories.place(session, world=world)  # the current slot is full
    session.commit()


def _next_slot() -> dt.datetime:
    return slots.slot_start(dt.datetime.now(dt.UTC)) + slots.SLOT


async def _checkout(screens: Screens, world: factories.World) -> CustomerMenuState:
    menu = substate(at_path(screens.open(), f"/t/{world.truck.slug}"), CustomerMenuState)
    await menu.load()
    menu.cart = [cart_line(world.menu.fries)]
    menu.customer_name = "Pat"
    menu.open_checkout()
    return menu


def _label(session: Session, world: factories.World, when: dt.datetime) -> str:
    return slots.label(when, truck_zone(session, world.truck))


async def test_the_checkout_offers_the_next_free_slot_and_orders_for_it(
    screens: Screens, session: Session, world: factories.World
) -> None:
    _paced(session, world)
    menu = await _checkout(screens, world)
    free = _next_slot()

    assert menu.full_now
    assert (menu.offer_slot, menu.offer_label) == (free.isoformat(), _label(session, world, free))
    assert menu.pickup_choices[0] == ["now", "As soon as possible"]
    assert free.isoformat() in [choice[0] for choice in menu.pickup_choices]

    menu.take_offer()
    assert menu.pickup == free.isoformat()
    kind, path = outcome(await menu.place())
    assert kind == "redirect" and path.startswith("/o/")
    order = session.exec(select(Order).where(Order.public_id == path[3:])).one()
    assert order.pickup_at == free
    assert menu.pickup == "now"  # the next order starts from "as soon as possible"


async def test_an_online_order_for_a_full_slot_is_refused_with_the_offer(
    screens: Screens, session: Session, world: factories.World
) -> None:
    _paced(session, world, online=True)
    menu = await _checkout(screens, world)
    menu.payment = PaymentMethod.ONLINE.value

    assert await menu.place() is None

    label = _label(session, world, _next_slot())
    assert menu.error == (
        "Taco Truck is not taking online orders right now: the kitchen is full. "
        f"The next free time is {label}: you can order for then."
    )
    assert menu.offer_label == label
    assert session.exec(select(Order).where(Order.payment_method == "online")).all() == []


async def test_the_counter_schedules_a_phone_order_for_later(
    screens: Screens, session: Session, world: factories.World
) -> None:
    _paced(session, world)
    counter = substate(screens.open(session, world.manager), WalkInState)
    await counter.load()
    later = _next_slot() + slots.SLOT
    label = _label(session, world, later)
    # The crew sees every later slot with what is booked, full ones too.
    assert [later.isoformat(), f"{label} · 0 booked"] in counter.pickup_choices

    counter.cart = [cart_line(world.menu.fries)]
    counter.customer_name = "Phone Phil"
    counter.set_pickup(later.isoformat())
    result = await counter.place()
    await drain()

    assert f"scheduled for {label}" in outcome(result[0])[1]
    order = session.exec(select(Order).where(Order.customer_name == "Phone Phil")).one()
    assert (order.pickup_at, order.stage.value) == (later, "received")


async def test_the_board_shows_the_slot_load_and_pauses_in_one_tap(
    screens: Screens, session: Session, world: factories.World
) -> None:
    _paced(session, world)
    board = substate(screens.open(session, world.manager), ManagerState)
    await board.load()
    now_label = _label(session, world, slots.slot_start(dt.datetime.now(dt.UTC)))
    session.rollback()  # the test's read must not hold SQLite's write lock over the handlers
    assert (board.slot_words, board.slot_full) == (f"Slot {now_label}: 1 of 1 orders", True)
    assert board.paused_until == ""

    assert outcome(await board.pause(15))[0] == "toast"
    await drain()
    assert board.paused_until != ""
    session.expire_all()
    assert session.get(type(world.truck), world.truck.id).busy_until is not None
    session.rollback()

    assert outcome(await board.resume())[0] == "toast"
    await drain()
    assert board.paused_until == ""
