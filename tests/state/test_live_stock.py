"""Two stock screens of one truck: what one manager changes, the other sees without a reload.

Each screen is a whole state tree (a browser tab). The hub's real publish round runs; only the
app's state manager is stood in for by ``Screens``, which hands the hub the tab's own tree for
a token, as ``app.modify_state`` would.
"""

from __future__ import annotations

from sqlmodel import Session

from cliqmenu.models import StaffMember
from cliqmenu.realtime import drain, registry
from cliqmenu.services import stock
from cliqmenu.state.stock import StockState
from cliqmenu.state.walk_in import WalkInState
from cliqmenu.views.menu import CartLine
from cliqmenu.views.stock import StockLine
from tests import factories
from tests.state.support import Screens, outcome, substate


async def stock_screen(screens: Screens, session: Session, member: StaffMember) -> StockState:
    screen = substate(screens.open(session, member), StockState)
    assert await screen.load() is None
    return screen


def line(screen: StockState, name: str) -> StockLine:
    [found] = [item for item in screen.lines if item.name == name]
    return found


async def test_sold_out_on_one_screen_shows_on_the_other(
    screens: Screens, session: Session, world: factories.World
) -> None:
    a = await stock_screen(screens, session, world.manager)
    b = await stock_screen(screens, session, world.owner)
    assert line(b, "Fries").status_label == "In stock"
    tokens = await registry.get_registry().tokens(f"stock:{world.truck.id}")
    assert sorted(tokens) == sorted(screens.roots)

    kind, _ = outcome(await a.set_item_status(world.menu.fries.id, "out"))
    assert kind == "toast"
    await drain()

    assert (line(b, "Fries").status, line(b, "Fries").status_label) == ("out", "Sold out")
    assert b.out_count == 1


async def test_a_price_and_an_option_changed_on_one_screen_show_on_the_other(
    screens: Screens, session: Session, world: factories.World
) -> None:
    a = await stock_screen(screens, session, world.manager)
    b = await stock_screen(screens, session, world.owner)

    await a.save_price({"item_id": str(world.menu.burger.id), "price": "15.50"})
    await a.set_option_status(world.menu.bacon.id, "today")
    await drain()

    burger = line(b, "Burger")
    assert (burger.price_here, burger.overridden, burger.price_text) == ("$15.50", True, "15.50")
    [bacon] = [option for option in burger.options if option.name == "Bacon"]
    assert bacon.status_label.startswith("Out today")
    assert burger.options_out == 1


async def test_each_screen_keeps_its_own_search(
    screens: Screens, session: Session, world: factories.World
) -> None:
    a = await stock_screen(screens, session, world.manager)
    b = await stock_screen(screens, session, world.owner)
    await b.set_query("fri")
    assert [item.name for item in b.lines] == ["Fries"]

    await a.set_item_offered(world.menu.fries.id, False)
    await a.set_item_status(world.menu.burger.id, "out")
    await drain()

    assert [item.name for item in b.lines] == ["Fries"]
    assert line(b, "Fries").status_label == "Not offered here"
    assert [item.name for item in a.lines] == ["Burger", "Fries"]


async def test_a_walk_in_order_counts_portions_down_on_an_open_stock_screen(
    screens: Screens, session: Session, world: factories.World
) -> None:
    stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, portions=3
    )
    session.commit()
    shelf = await stock_screen(screens, session, world.owner)
    assert line(shelf, "Fries").status_label == "3 left"

    counter = substate(screens.open(session, world.manager), WalkInState)
    counter._truck_id, counter.prep_minutes, counter.customer_name = world.truck.id, "10", "Wes"
    counter.cart = [
        CartLine(
            item_id=world.menu.fries.id,
            name="Fries",
            option_ids=[],
            options="",
            quantity=3,
            note="",
            total="$15.00",
            total_cents=1500,
        )
    ]
    assert outcome(await counter.place()) == ("redirect", "/manage")
    await drain()

    assert (line(shelf, "Fries").status, line(shelf, "Fries").status_label) == (
        "out",
        "Sold out (0 left)",
    )
