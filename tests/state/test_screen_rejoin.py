"""A screen that dropped out of its audience, or missed a push, is up to date by its next beat.

A screen is pushed to only while its beats keep it registered. A throttled tab (a hidden or
busy tablet beats once a minute), a stalled event loop or a lost registry (a Redis flush) lets
it lapse, and pushes made meanwhile never reach it. The beat that brings it back must bring its
view up to date, and a beat confirms a screen live only when it holds the latest view.

Each screen is a whole state tree; the hub's real publish rounds run, on the in-memory registry
or on the real Redis (in the PostgreSQL + Redis run), against the test's real database.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlmodel import Session

from cliqmenu.models import Stage
from cliqmenu.realtime import Audience, drain, publish, registry
from cliqmenu.realtime.registry import MemoryRegistry
from cliqmenu.services import staff, stock
from cliqmenu.state.customer import CustomerMenuState, TrackerState
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.live import BEAT_ANSWERED
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.stock import StockState
from tests import factories
from tests.state.support import Screens, accept_now, at_path, outcome, substate


async def lapse(audience: Audience, root: Any) -> None:
    """The tab's last beat is an hour old, as after a throttled tab or a stalled event loop."""
    token, found = root.router.session.client_token, registry.get_registry()
    if isinstance(found, MemoryRegistry):
        found._seen[str(audience)][token] -= 3600
    else:
        await found._redis.zadd(found._key(str(audience)), {token: time.time() - 3600})


async def lose(audience: Audience, root: Any) -> None:
    """The registry lost the tab: a Redis flush or failover, a worker's memory gone."""
    await registry.get_registry().remove(str(audience), root.router.session.client_token)


GONE = {"lapsed": lapse, "lost": lose}


def confirmed_live(result: Any) -> bool:
    return result is not None and outcome(result) == ("script", BEAT_ANSWERED)


def received(board: ManagerState) -> list[str]:
    return [row.customer_name for row in board.received]


async def manager_board(screens: Screens, session: Session, world: factories.World):
    root = screens.open(session, world.manager)
    board = substate(root, ManagerState)
    assert await board.load() is None
    return root, board


async def order_published(session: Session, world: factories.World, name: str):
    order = factories.place(session, world=world, customer_name=name)
    session.commit()
    await publish(Audience("manager", world.truck.id))
    await publish(Audience("kitchen", world.truck.id))
    await drain()
    return order


@pytest.mark.parametrize("gone", GONE)
async def test_a_manager_screen_back_in_its_audience_shows_what_it_missed(
    screens: Screens, session: Session, world: factories.World, gone: str
) -> None:
    root, board = await manager_board(screens, session, world)
    await GONE[gone](Audience("manager", world.truck.id), root)

    await order_published(session, world, "Olive Offline")
    assert received(board) == []  # the push went to the screens registered, and not to this one

    assert confirmed_live(await board.heartbeat())
    assert received(board) == ["Olive Offline"]
    assert board.counts["received"] == 1

    await order_published(session, world, "Pia Pushed")  # registered again: pushes reach it
    assert received(board) == ["Olive Offline", "Pia Pushed"]


async def test_a_screen_that_stayed_in_its_audience_gets_no_rebuild(
    screens: Screens, session: Session, world: factories.World
) -> None:
    _root, board = await manager_board(screens, session, world)
    await order_published(session, world, "Pia Pushed")
    version = board._version

    assert confirmed_live(await board.heartbeat())
    assert board._version == version  # the view the push brought, not a read of its own


async def test_a_missed_push_is_shown_by_the_second_beat_and_not_confirmed_live_before(
    screens: Screens, session: Session, world: factories.World
) -> None:
    """The screen stayed registered but its push never came (it failed, or the announcement
    to its worker was lost): the first beat waits for it, the second rebuilds."""
    _root, board = await manager_board(screens, session, world)
    factories.place(session, world=world, customer_name="Lou Lost")
    session.commit()
    await registry.get_registry().announce("manager", world.truck.id)  # and no push

    assert await board.heartbeat() is None  # not confirmed live: a push may be on its way
    assert received(board) == []

    assert confirmed_live(await board.heartbeat())
    assert received(board) == ["Lou Lost"]


async def test_a_push_arriving_between_two_beats_ends_the_wait(
    screens: Screens, session: Session, world: factories.World
) -> None:
    _root, board = await manager_board(screens, session, world)
    factories.place(session, world=world, customer_name="Pia Pushed")
    session.commit()
    await registry.get_registry().announce("manager", world.truck.id)
    assert await board.heartbeat() is None

    await publish(Audience("manager", world.truck.id))
    await drain()
    version = board._version

    assert confirmed_live(await board.heartbeat())
    assert received(board) == ["Pia Pushed"] and board._version == version


@pytest.mark.parametrize("gone", GONE)
async def test_the_kitchen_display_back_in_its_audience_shows_what_it_missed(
    screens: Screens, session: Session, world: factories.World, gone: str
) -> None:
    root = screens.open(session, world.kitchen)
    kitchen = substate(root, KitchenState)
    assert await kitchen.load() is None
    order = await order_published(session, world, "Kai Kitchen")
    await GONE[gone](Audience("kitchen", world.truck.id), root)

    accept_now(session, world=world, order=order)
    await publish(Audience("kitchen", world.truck.id))
    await drain()
    assert kitchen.cards == []

    assert confirmed_live(await kitchen.heartbeat())
    assert [card.customer_first_name for card in kitchen.cards] == ["Kai"]


@pytest.mark.parametrize("gone", GONE)
async def test_the_stock_screen_back_in_its_audience_shows_what_it_missed(
    screens: Screens, session: Session, world: factories.World, gone: str
) -> None:
    a = substate(screens.open(session, world.manager), StockState)
    root_b = screens.open(session, world.owner)
    b = substate(root_b, StockState)
    assert await a.load() is None and await b.load() is None
    await GONE[gone](Audience("stock", world.truck.id), root_b)

    await a.set_item_status(world.menu.fries.id, "out")
    await drain()
    assert [line.status for line in b.lines if line.name == "Fries"] == ["in"]

    assert confirmed_live(await b.heartbeat())
    assert [line.status for line in b.lines if line.name == "Fries"] == ["out"]


@pytest.mark.parametrize("gone", GONE)
async def test_a_customer_menu_back_in_its_audience_shows_what_it_missed(
    screens: Screens, session: Session, world: factories.World, gone: str
) -> None:
    root = at_path(screens.open(), f"/t/{world.truck.slug}")
    menu = substate(root, CustomerMenuState)
    await menu.load()
    await GONE[gone](Audience("menu", world.truck.id), root)

    stock.set_item_stock(
        session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, in_stock=False
    )
    session.commit()
    await publish(Audience("menu", world.truck.id))
    await drain()
    fries = [i for c in menu.categories for i in c.items if i.name == "Fries"]
    assert [item.in_stock for item in fries] == [True]

    await menu.heartbeat()
    fries = [i for c in menu.categories for i in c.items if i.name == "Fries"]
    assert [item.in_stock for item in fries] == [False]


@pytest.mark.parametrize("gone", GONE)
async def test_a_tracking_page_back_in_its_audience_shows_what_it_missed(
    screens: Screens, session: Session, world: factories.World, gone: str
) -> None:
    order = factories.place(session, world=world, customer_name="Tess Tracker")
    session.commit()
    root = at_path(screens.open(), f"/o/{order.public_id}")
    tracker = substate(root, TrackerState)
    await tracker.load()
    assert tracker.view.stage == Stage.RECEIVED.value
    await GONE[gone](Audience("tracker", order.public_id), root)

    accept_now(session, world=world, order=order)
    await publish(Audience("tracker", order.public_id))
    await drain()
    assert tracker.view.stage == Stage.RECEIVED.value

    await tracker.heartbeat()
    assert tracker.view.stage == Stage.IN_PROGRESS.value


async def test_a_screen_back_after_its_trucks_were_limited_shows_only_a_truck_it_may_see(
    screens: Screens, session: Session, world: factories.World
) -> None:
    """The screen was away while the Owner limited its member to another truck (and the change
    could not reach it): rejoining enters again, so it never rebuilds a truck it may not see."""
    beach = factories.make_truck(session, business=world.business, name="Beach Truck")
    session.commit()
    root, board = await manager_board(screens, session, world)
    await lapse(Audience("manager", world.truck.id), root)
    staff.set_trucks(session, actor=world.owner, staff_id=world.manager.id, truck_ids=[beach.id])
    session.commit()
    await order_published(session, world, "Nora Notyours")

    assert confirmed_live(await board.heartbeat())
    assert board.truck_name == "Beach Truck"
    assert received(board) == []


@pytest.mark.parametrize("gone", GONE)
async def test_a_rejoining_screen_registers_once(
    screens: Screens, session: Session, world: factories.World, gone: str, monkeypatch
) -> None:
    """The beat that finds a staff screen out of its audience registers it, then rebuilds its
    view: the rebuild does not register it a second time."""
    root, board = await manager_board(screens, session, world)
    await GONE[gone](Audience("manager", world.truck.id), root)
    found = registry.get_registry()
    added: list[tuple[str, str]] = []
    add = found.add

    async def counted(audience: str, token: str, *args: Any, **kwargs: Any):
        added.append((audience, token))
        return await add(audience, token, *args, **kwargs)

    monkeypatch.setattr(found, "add", counted)

    assert confirmed_live(await board.heartbeat())
    assert added == [(f"manager:{world.truck.id}", root.router.session.client_token)]
