"""Station displays and the expo as live screens: each in its own audience, pushed only when a
change touches it; a station's bump and recall, the expo's bump, the device's choice."""

from __future__ import annotations

from sqlmodel import Session

from cliqmenu.models import Order, Stage
from cliqmenu.realtime import Audience, drain
from cliqmenu.services import stations
from cliqmenu.state.auth import SessionState
from cliqmenu.state.board_actions import publish_truck
from cliqmenu.state.expo import ExpoState
from cliqmenu.state.kitchen import KitchenState
from tests import factories
from tests.factories import line, make_stations, place
from tests.state.support import Screens, accept_now, outcome, substate


async def _kitchen_screen(
    screens: Screens, session: Session, world: factories.World, choice: str
) -> KitchenState:
    root = screens.open(session, world.kitchen)
    substate(root, SessionState).station_choice = choice
    screen = substate(root, KitchenState)
    assert await screen.load() is None
    return screen


def _lines(screen: KitchenState) -> list[list[str]]:
    return [[ln.name for ln in card.lines] for card in screen.cards]


async def _accepted(session: Session, world: factories.World, *lines) -> Order:
    order = accept_now(session, world=world, order=place(session, world=world, lines=list(lines)))
    publish_truck(world.truck.id)
    await drain()
    return order


async def test_each_station_shows_and_bumps_its_own_and_the_expo_hands_out(
    screens: Screens, session: Session, world: factories.World
) -> None:
    kitchen = make_stations(session, world=world)
    grill = await _kitchen_screen(screens, session, world, str(kitchen.grill.id))
    drinks = await _kitchen_screen(screens, session, world, str(kitchen.drinks.id))
    whole = await _kitchen_screen(screens, session, world, "all")
    expo = substate(screens.open(session, world.kitchen), ExpoState)
    assert await expo.load() is None
    assert grill._audience() == Audience("station", kitchen.grill.id)
    assert (grill.station_value, drinks.station_value, whole.station_value) == (
        str(kitchen.grill.id),
        str(kitchen.drinks.id),
        "all",
    )
    assert [c[1] for c in grill.station_choices] == ["All stations", "Grill", "Drinks", "Expo"]

    order = await _accepted(
        session, world, line(world.menu.burger, world.menu.beef), line(kitchen.lemonade)
    )
    assert _lines(grill) == [["Burger"]] and _lines(drinks) == [["Lemonade"]]
    assert _lines(whole) == [["Burger", "Lemonade"]]
    assert [s.state for s in expo.cards[0].stations] == ["waiting", "waiting"]

    # The expo's bump waits for every station.
    kind, words = outcome(await expo.bump(order.id))
    assert kind == "toast" and "Grill and Drinks still to bump" in words

    assert await drinks.bump(order.id) is None
    await drain()
    assert drinks.cards == [] and drinks.recallable_numbers == [order.number]
    assert [s.state for s in expo.cards[0].stations] == ["waiting", "done"]
    assert await grill.bump(order.id) is None
    await drain()
    assert expo.cards[0].ready and expo.ready_count == 1

    # A station's recall takes back only its own bump.
    assert await grill.recall() is None
    await drain()
    assert _lines(grill) == [["Burger"]] and not expo.cards[0].ready
    assert await grill.bump(order.id) is None
    await drain()

    assert await expo.bump(order.id) is None
    await drain()
    session.refresh(order)
    assert order.stage == Stage.COOKING_DONE
    assert expo.cards == [] and whole.cards == [] and grill.cards == []
    assert expo.recallable == [order.id]


async def test_a_change_is_pushed_only_to_the_stations_it_touches(
    screens: Screens, session: Session, world: factories.World
) -> None:
    kitchen = make_stations(session, world=world)
    grill = await _kitchen_screen(screens, session, world, str(kitchen.grill.id))
    drinks = await _kitchen_screen(screens, session, world, str(kitchen.drinks.id))
    burger = await _accepted(session, world, line(world.menu.burger, world.menu.beef))
    drinks_version = drinks._version

    assert await grill.bump(burger.id) is None
    await drain()
    assert grill.cards == []
    assert drinks._version == drinks_version  # nothing of it is made at Drinks: no push there


async def test_a_device_that_chose_the_expo_opens_it_and_a_foreign_station_means_all(
    screens: Screens, session: Session, world: factories.World
) -> None:
    kitchen = make_stations(session, world=world)
    root = screens.open(session, world.kitchen)
    substate(root, SessionState).station_choice = "expo"
    assert outcome(await substate(root, KitchenState).load()) == ("redirect", "/kds/expo")

    # A station id that is not one of this truck's (removed, or another truck's): all.
    screen = await _kitchen_screen(screens, session, world, str(kitchen.grill.id + 100))
    assert screen.station_value == "all"
    assert screen._audience() == Audience("kitchen", world.truck.id)


async def test_with_one_station_the_display_works_as_today(
    screens: Screens, session: Session, world: factories.World
) -> None:
    only = stations.add_station(session, actor=world.owner, truck_id=world.truck.id, name="Line")
    session.commit()
    screen = await _kitchen_screen(screens, session, world, str(only.id))
    assert screen.station_choices == [] and screen.station_value == "all"
    order = await _accepted(session, world, line(world.menu.burger, world.menu.beef))
    assert await screen.bump(order.id) is None
    await drain()
    session.refresh(order)
    assert order.stage == Stage.COOKING_DONE and screen.recallable == [order.id]
