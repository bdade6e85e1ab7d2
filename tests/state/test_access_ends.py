"""Access ends at once: when the Owner disables a member, changes their role or limits their
trucks, every open screen of theirs leaves its audience, shows nothing more and is sent to
sign-in before the Owner's handler returns; an order accepted right after never reaches it.

Real publish rounds on the registry the run uses: in memory, or the real Redis (in the
PostgreSQL + Redis run), where the audiences and the member's screens are shared by workers.
"""

from __future__ import annotations

import pytest
import reflex as rx
from sqlmodel import Session

from cliqmenu.models import Role
from cliqmenu.realtime import Audience, drain, hub, registry
from cliqmenu.routes import SIGN_IN
from cliqmenu.services import lifecycle
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.live import LiveScreen
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.staff_trucks import SOME_TRUCKS, StaffTrucksState
from cliqmenu.state.stock import StockState
from cliqmenu.views.boards import manager_board
from tests import factories
from tests.state.support import Screens, outcome, substate


async def change_access(
    screens: Screens, session: Session, world: factories.World, how: str, member_id: int
) -> None:
    """The Owner, in their own tab, makes the change through the staff page's handler."""
    owner_tab = screens.open(session, world.owner)
    if how == "disabled":
        result = await substate(owner_tab, OwnerHomeState).set_enabled(member_id, False)
    elif how == "role changed":
        result = await substate(owner_tab, OwnerHomeState).change_role(
            member_id, Role.KITCHEN_STAFF.value
        )
    else:
        beach = factories.make_truck(session, business=world.business, name="Beach")
        session.commit()
        dialog = substate(owner_tab, StaffTrucksState)
        assert await dialog.start(member_id) is None
        dialog.scope = SOME_TRUCKS
        dialog.toggle(beach.id)
        result = await dialog.save()
    assert outcome(result)[0] == "toast" and "success" in outcome(result)[1], result


async def open_board(
    screens: Screens, session: Session, world: factories.World
) -> tuple[rx.State, ManagerState]:
    """The manager's board, loaded in a tab of its own."""
    tab = screens.open(session, world.manager)
    board = substate(tab, ManagerState)
    assert await board.load() is None
    return tab, board


def redirected_to_sign_in(screens: Screens, tab: rx.State) -> bool:
    sent = screens.sent.get(tab.router.session.client_token, [])
    return any(event.name == "_redirect" and event.payload.get("path") == SIGN_IN for event in sent)


async def registered(kind: str, world: factories.World) -> list[str]:
    return await registry.get_registry().tokens(f"{kind}:{world.truck.id}")


@pytest.mark.parametrize("how", ["disabled", "role changed", "trucks limited"])
async def test_the_members_screens_end_before_the_change_returns(
    screens: Screens, session: Session, world: factories.World, how: str
) -> None:
    waiting = factories.place(session, world=world, customer_name="Wanda Waiting")
    session.commit()
    board_tab = screens.open(session, world.manager)
    kitchen_tab = screens.open(session, world.manager)
    stock_tab = screens.open(session, world.manager)
    colleague_tab = screens.open(session, world.owner)  # the control: not the member's
    board = substate(board_tab, ManagerState)
    for tab, cls in [
        (board_tab, ManagerState),
        (kitchen_tab, KitchenState),
        (stock_tab, StockState),
        (colleague_tab, ManagerState),
    ]:
        assert await substate(tab, cls).load() is None
    assert [row.customer_name for row in board.received] == ["Wanda Waiting"]
    member_tokens = {t.router.session.client_token for t in (board_tab, kitchen_tab, stock_tab)}

    await change_access(screens, session, world, how, world.manager.id)

    # Before the handler returned: out of every audience, nothing shown, sent to sign-in.
    for kind in ("manager", "kitchen", "stock"):
        assert not member_tokens & set(await registered(kind, world)), kind
    assert colleague_tab.router.session.client_token in await registered("manager", world)
    for tab in (board_tab, kitchen_tab, stock_tab):
        assert redirected_to_sign_in(screens, tab)
    assert not redirected_to_sign_in(screens, colleague_tab)
    assert (board.received, board._cards, board.loaded) == ([], {}, False)

    # An order accepted right after reaches the colleague's board, never the old screen.
    lifecycle.accept(
        session, actor=world.owner, order_id=waiting.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    await hub.publish(Audience("manager", world.truck.id))
    await hub.publish(Audience("kitchen", world.truck.id))
    await drain()
    colleague = substate(colleague_tab, ManagerState)
    assert [row.customer_name for row in colleague.in_progress] == ["Wanda Waiting"]
    assert (board.received, board.in_progress, board._cards) == ([], [], {})
    assert substate(kitchen_tab, KitchenState).cards == []

    # Its next beat sends it to sign-in again and registers nothing.
    assert outcome(await board.heartbeat()) == ("redirect", SIGN_IN)
    assert board_tab.router.session.client_token not in await registered("manager", world)


async def test_a_push_from_a_round_that_read_the_audience_before_is_refused(
    screens: Screens, session: Session, world: factories.World
) -> None:
    """A round already under way holds the old list of screens: the screen itself says no."""
    board_tab, board = await open_board(screens, session, world)
    token = board_tab.router.session.client_token
    stale = await registered("manager", world)
    assert token in stale

    await change_access(screens, session, world, "disabled", world.manager.id)
    order = factories.place(session, world=world, customer_name="Late Larry")
    session.commit()
    with session.begin_nested():
        view = manager_board(session, world.truck.id)
    await hub._push_to(stale, ManagerState, Audience("manager", world.truck.id), view, (2**62, 1))

    assert board.received == [] and order.id not in board._cards


async def test_signing_in_again_shows_the_screen_again(
    screens: Screens, session: Session, world: factories.World
) -> None:
    """The tab keeps its token: a later authorized load clears the ended mark."""
    board_tab, board = await open_board(screens, session, world)
    await change_access(screens, session, world, "trucks limited", world.manager.id)
    assert board._access_ended

    # Limited to the Beach truck: the reload (via sign-in) shows the Beach truck's board.
    assert await board.load() is None
    assert (board.loaded, board.truck_name, board._access_ended) == (True, "Beach", False)
    assert outcome(await board.heartbeat())[0] == "script"


def test_every_live_screen_is_ended_the_same_way() -> None:
    """The audiences end_access can find are those of LiveScreen states only."""
    for kind in ("manager", "kitchen", "stock"):
        assert issubclass(hub._VIEWS[kind][0], LiveScreen), kind
