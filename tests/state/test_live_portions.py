"""Counted portions reach open customer menus and stock screens without a reload: an order that
takes the last portions, or leaves few enough that customers are told, and a cancellation that
gives them back."""

from __future__ import annotations

from sqlmodel import Session

from cliqmenu.models import Stage
from cliqmenu.realtime import drain
from cliqmenu.services import stock
from cliqmenu.state.customer import CustomerMenuState
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.walk_in import WalkInState
from cliqmenu.views.menu import CartLine, ItemView
from tests import factories
from tests.state.support import Screens, at_path, outcome, substate


async def customer_menu(screens: Screens, world: factories.World) -> CustomerMenuState:
    menu = substate(at_path(screens.open(), f"/t/{world.truck.slug}"), CustomerMenuState)
    await menu.load()
    return menu


def fries(menu: CustomerMenuState) -> ItemView:
    [found] = [i for c in menu.categories for i in c.items if i.name == "Fries"]
    return found


async def walk_in_fries(screens: Screens, session: Session, world, quantity: int) -> None:
    counter = substate(screens.open(session, world.manager), WalkInState)
    counter._truck_id, counter.prep_minutes, counter.customer_name = world.truck.id, "10", "Wes"
    counter.cart = [
        CartLine(
            item_id=world.menu.fries.id,
            name="Fries",
            option_ids=[],
            options="",
            quantity=quantity,
            note="",
            total="",
            total_cents=500 * quantity,
        )
    ]
    assert outcome(await counter.place()) == ("redirect", "/manage")
    await drain()


async def test_a_low_count_and_the_last_portion_show_on_open_customer_menus(
    screens: Screens, session: Session, world: factories.World
) -> None:
    world.truck.low_portions_at = 3
    stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, portions=6
    )
    session.commit()
    phone = await customer_menu(screens, world)
    assert (fries(phone).in_stock, fries(phone).left_note) == (True, "")

    await walk_in_fries(screens, session, world, 4)
    assert (fries(phone).in_stock, fries(phone).left_note) == (True, "Only 2 left")

    await walk_in_fries(screens, session, world, 2)
    assert (fries(phone).in_stock, fries(phone).left_note) == (False, "")


async def test_cancelling_gives_portions_back_to_open_customer_menus(
    screens: Screens, session: Session, world: factories.World
) -> None:
    stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, portions=1
    )
    order = factories.place(session, world=world, lines=[factories.line(world.menu.fries)])
    session.commit()
    phone = await customer_menu(screens, world)
    assert fries(phone).in_stock is False

    board = substate(screens.open(session, world.manager), ManagerState)
    await board.load()
    board.reason = "Customer left"
    assert await board.reject(order.id) is None
    await drain()

    assert (fries(phone).in_stock, fries(phone).left_note) == (True, "Only 1 left")
    session.expire_all()
    assert session.get(type(order), order.id).stage == Stage.REJECTED
