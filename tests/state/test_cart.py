"""The customer's cart: a line is priced and checked against the menu as it is now when it is
added (out of stock: refused), and when the menu changes (out of stock: flagged, kept)."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from cliqmenu.services import stock
from cliqmenu.services.stock import Until
from cliqmenu.state.customer import CustomerMenuState
from tests import factories
from tests.state.support import at_path, substate


async def menu_page(root: rx.State, world: factories.World) -> CustomerMenuState:
    page = substate(at_path(root, f"/t/{world.truck.slug}"), CustomerMenuState)
    await page.load()
    return page


def pick_burger_with_bacon(page: CustomerMenuState, world: factories.World) -> None:
    menu = world.menu
    page.open_item(menu.burger.id)
    [patty, extras] = page.picking[0].groups
    page.toggle_option(patty.id, menu.chicken.id)
    page.toggle_option(extras.id, menu.bacon.id)


def bacon_out(session: Session, world: factories.World) -> None:
    stock.set_option_stock(
        session,
        actor=world.manager,
        truck=world.truck,
        option_id=world.menu.bacon.id,
        in_stock=False,
        until=Until.TODAY,
    )
    session.commit()


async def test_adding_a_choice_that_went_out_of_stock_is_refused(
    root: rx.State, session: Session, world: factories.World
) -> None:
    page = await menu_page(root, world)
    pick_burger_with_bacon(page, world)
    bacon_out(session, world)  # after the menu was shown, before the tap

    page.add_to_cart()

    assert page.cart == []
    assert page.pick_error == "Sorry, Burger cannot be made that way now: Bacon out of stock."


async def test_a_line_in_the_cart_is_flagged_when_its_choice_goes_out(
    root: rx.State, session: Session, world: factories.World
) -> None:
    page = await menu_page(root, world)
    pick_burger_with_bacon(page, world)
    page.add_to_cart()
    assert [(line.options, line.problem) for line in page.cart] == [("Chicken, Bacon", "")]

    bacon_out(session, world)
    await page.load()  # the menu as shown now (a push does the same)

    assert [(line.options, line.problem) for line in page.cart] == [
        ("Chicken, Bacon", "Bacon out of stock")
    ]
