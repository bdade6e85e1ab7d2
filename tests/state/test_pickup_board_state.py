"""The pickup board screen: opened by its truck's address, pushed every stage move, back up to
date after a lapse, and a collected order leaving on its own heartbeat."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from cliqmenu.models import Stage
from cliqmenu.realtime import Audience, drain, publish
from cliqmenu.state import pickup_board as board_state
from cliqmenu.state.pickup_board import PickupBoardState
from cliqmenu.views.pickup_board import KEEP_DELIVERED
from tests import factories
from tests.state.support import Screens, accept_now, at_path, substate
from tests.state.test_screen_rejoin import GONE


async def open_board(screens: Screens, slug: str) -> PickupBoardState:
    board = substate(at_path(screens.open(), f"/t/{slug}/board"), PickupBoardState)
    await board.load()
    return board


def numbers(tickets) -> list[int]:
    return [t.number for t in tickets]


async def test_the_board_opens_at_its_address_and_follows_each_move(
    screens: Screens, session: Session, world: factories.World
) -> None:
    order = factories.place(session, world=world)
    session.commit()
    board = await open_board(screens, world.truck.slug)
    assert (board.found, board.truck_name, board.preparing) == (True, world.truck.name, [])

    accept_now(session, world=world, order=order)
    await publish(Audience("board", world.truck.id))
    await drain()
    assert numbers(board.preparing) == [order.number]

    factories.to_stage(session, world, order, Stage.READY_FOR_PICKUP)
    session.commit()
    await publish(Audience("board", world.truck.id))
    await drain()
    assert (numbers(board.preparing), numbers(board.ready)) == ([], [order.number])


async def test_an_unknown_address_shows_no_board(screens: Screens) -> None:
    board = await open_board(screens, "no-such-truck")
    assert board.found is False


@pytest.mark.parametrize("gone", GONE)
async def test_a_board_back_in_its_audience_shows_what_it_missed(
    screens: Screens, session: Session, world: factories.World, gone: str
) -> None:
    order = factories.place(session, world=world)
    session.commit()
    board = await open_board(screens, world.truck.slug)
    await GONE[gone](Audience("board", world.truck.id), board.parent_state)

    accept_now(session, world=world, order=order)
    await publish(Audience("board", world.truck.id))
    await drain()
    assert board.preparing == []

    await board.heartbeat()
    assert numbers(board.preparing) == [order.number]


async def test_a_collected_order_leaves_on_the_heartbeat_after_its_time(
    screens: Screens, session: Session, world: factories.World, monkeypatch
) -> None:
    order = factories.to_stage(
        session, world, factories.place(session, world=world), Stage.DELIVERED
    )
    session.commit()
    board = await open_board(screens, world.truck.slug)
    assert [(t.number, t.collected) for t in board.ready] == [(order.number, True)]

    later = (order.delivered_at + KEEP_DELIVERED).timestamp() * 1000 + 1
    monkeypatch.setattr(board_state, "now_ms", lambda: int(later))
    await board.heartbeat()
    assert board.ready == []
