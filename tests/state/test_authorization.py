"""Every handler authorizes its own caller: the websocket lets any tab call any handler.

The states are made directly and their handlers called as methods (no browser) on a real
database; a refused call must leave the order, its audit trail and the staff list as they were.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu.models import (
    Order,
    OutboxEmail,
    Role,
    StaffMember,
    StaffSession,
    StaffStatus,
    Stage,
    utcnow,
)
from cliqmenu.realtime import registry
from cliqmenu.services import lifecycle, staff
from cliqmenu.services.errors import Forbidden, NotSignedIn
from cliqmenu.state import auth
from cliqmenu.state.accept_form import AcceptFormState
from cliqmenu.state.history import HistoryState
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.live import BEAT_ANSWERED as BEAT_SCRIPT
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.walk_in import WalkInState
from cliqmenu.views.menu import CartLine
from tests import factories
from tests.state.support import (
    ROLE_REFUSED,
    accept_now,
    assert_refused,
    carry_token,
    outcome,
    sign_in,
    substate,
    trace,
)


@dataclass
class Board:
    """Orders of the world's truck, one per move a manager could make on it."""

    received: Order
    in_progress: Order
    cooking_done: Order


@pytest.fixture
def board(session: Session, world: factories.World) -> Board:
    received = factories.place(session, world=world, customer_name="Rita Received")
    in_progress = factories.place(session, world=world, customer_name="Ivan Inprogress")
    cooking_done = factories.place(session, world=world, customer_name="Cora Cooked")
    session.commit()
    accept_now(session, world=world, order=in_progress)
    accept_now(session, world=world, order=cooking_done)
    lifecycle.advance(
        session, actor=world.kitchen, order_id=cooking_done.id, expected=Stage.IN_PROGRESS
    )
    session.commit()
    return Board(received=received, in_progress=in_progress, cooking_done=cooking_done)


def fill_accept_form(root: rx.State, order: Order) -> AcceptFormState:
    """The accept form as ``AcceptFormState.start`` fills it for a manager."""
    form = substate(root, AcceptFormState)
    form.order_id = order.id
    form.prep_minutes = "10"
    form.dining = order.dining_method.value
    form.payment = order.payment_method.value
    return form


async def call(root: rx.State, action: str, order: Order, expected: str):
    """Call one order handler of a screen's state, the way its button does."""
    manager = substate(root, ManagerState)
    manager.reason = "Ran out of buns"
    if action == "accept":
        return await fill_accept_form(root, order).accept()
    if action == "start_accept":
        return await substate(root, AcceptFormState).start(order.id)
    if action == "reject":
        return await manager.reject(order.id)
    if action == "cancel":
        return await manager.cancel(order.id, expected)
    if action == "advance":
        return await manager.advance(order.id, expected)
    if action == "step_back":
        return await manager.step_back(order.id, expected)
    raise AssertionError(action)


# (handler, which order, the stage the button sends). The Received order gets every handler:
# advance and step_back would be refused there even for a manager, so for a caller who is not
# one only the message ("Your role cannot do that.", or sign-in) shows the handler checked them
# first. The last three rows are moves a manager may make, checked by the control test below.
MANAGER_MOVES = [
    ("accept", "received", "received"),
    ("start_accept", "received", "received"),
    ("reject", "received", "received"),
    ("cancel", "received", "received"),
    ("advance", "received", "received"),
    ("step_back", "received", "received"),
    ("advance", "cooking_done", "cooking_done"),
    ("step_back", "in_progress", "in_progress"),
    ("cancel", "in_progress", "in_progress"),
]


def caller_token(kind: str, session: Session, world: factories.World) -> tuple[str, str]:
    """A session cookie for a kind of caller, and how the app must refuse it."""
    if kind == "anonymous":
        return "", "sign-in"
    if kind == "made-up token":
        return "not-a-real-session-token", "sign-in"
    if kind == "kitchen staff":
        return sign_in(session, world.kitchen), ROLE_REFUSED
    if kind == "signed out manager":
        token = sign_in(session, world.manager)
        staff.sign_out(session, token=token)
        session.commit()
        return token, "sign-in"
    if kind == "manager of another business":
        other = factories.make_world(session, business_name="Other Grill")
        session.commit()
        # A manager, so only the business check can refuse; the message depends on the move.
        return sign_in(session, other.manager), ""
    raise AssertionError(kind)


CALLERS = [
    "anonymous",
    "made-up token",
    "kitchen staff",
    "signed out manager",
    "manager of another business",
]


@pytest.mark.parametrize("kind", CALLERS)
async def test_manager_moves_refuse_a_caller_who_is_not_a_manager_here(
    root: rx.State,
    app_engine: Engine,
    session: Session,
    world: factories.World,
    board: Board,
    kind: str,
) -> None:
    token, refusal = caller_token(kind, session, world)
    carry_token(root, token)
    wrong = []
    for action, which, expected in MANAGER_MOVES:
        order = getattr(board, which)
        before = trace(app_engine, order.id)

        result = await call(root, action, order, expected)

        try:
            assert_refused(result, by=refusal)
            assert trace(app_engine, order.id) == before
            assert substate(root, AcceptFormState).before_total == ""  # nothing leaked
        except AssertionError as error:
            wrong.append(f"{action}({which}, expected={expected}): {error}")
    assert not wrong, "\n".join(wrong)


async def test_kitchen_staff_signed_in_with_a_password_cannot_accept(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World, board: Board
) -> None:
    """The whole sign-in path once: a token from ``staff.sign_in`` itself."""
    carry_token(root, sign_in(session, world.kitchen, check_password=True))
    before = trace(app_engine, board.received.id)

    assert_refused(await call(root, "accept", board.received, "received"), by=ROLE_REFUSED)
    assert_refused(await call(root, "start_accept", board.received, "received"), by=ROLE_REFUSED)
    assert trace(app_engine, board.received.id) == before


@pytest.mark.parametrize(
    ("action", "which", "expected", "moved_to"),
    [
        ("accept", "received", "received", Stage.IN_PROGRESS),
        ("reject", "received", "received", Stage.REJECTED),
        ("cancel", "received", "received", Stage.CANCELLED),
        ("advance", "cooking_done", "cooking_done", Stage.READY_FOR_PICKUP),
        ("step_back", "in_progress", "in_progress", Stage.RECEIVED),
    ],
)
async def test_the_same_moves_work_for_the_truck_manager(
    root: rx.State,
    app_engine: Engine,
    session: Session,
    world: factories.World,
    board: Board,
    action: str,
    which: str,
    expected: str,
    moved_to: Stage,
) -> None:
    """The control: the refusals above come from who is calling, not from the arguments."""
    order = getattr(board, which)
    carry_token(root, sign_in(session, world.manager))
    before = trace(app_engine, order.id)

    result = await call(root, action, order, expected)

    assert result is None
    after = trace(app_engine, order.id)
    assert after.stage == moved_to.value
    assert after.audit_events > before.audit_events


async def test_start_accept_fills_the_form_for_a_manager(
    root: rx.State, session: Session, world: factories.World, board: Board
) -> None:
    carry_token(root, sign_in(session, world.manager))

    assert await substate(root, AcceptFormState).start(board.received.id) is None

    form = substate(root, AcceptFormState)
    assert form.order_id == board.received.id
    assert form.before_total.startswith("$")


async def test_kitchen_staff_can_bump_an_order_in_progress(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World, board: Board
) -> None:
    carry_token(root, sign_in(session, world.kitchen))

    result = await substate(root, KitchenState).bump(board.in_progress.id)

    assert result is None
    assert trace(app_engine, board.in_progress.id).stage == Stage.COOKING_DONE.value


@pytest.mark.parametrize("kind", ["anonymous", "made-up token", "signed out manager"])
async def test_bump_refuses_a_caller_who_is_not_signed_in(
    root: rx.State,
    app_engine: Engine,
    session: Session,
    world: factories.World,
    board: Board,
    kind: str,
) -> None:
    carry_token(root, caller_token(kind, session, world)[0])
    before = trace(app_engine, board.in_progress.id)

    result = await substate(root, KitchenState).bump(board.in_progress.id)

    assert_refused(result, by="sign-in")
    assert trace(app_engine, board.in_progress.id) == before


async def test_kitchen_staff_of_another_business_cannot_bump(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World, board: Board
) -> None:
    other = factories.make_world(session, business_name="Other Grill")
    session.commit()
    carry_token(root, sign_in(session, other.kitchen))
    before = trace(app_engine, board.in_progress.id)

    result = await substate(root, KitchenState).bump(board.in_progress.id)

    assert_refused(result, by="No such order.")
    assert trace(app_engine, board.in_progress.id) == before


def staff_and_outbox(engine: Engine) -> tuple[list[tuple[str, str]], int]:
    with Session(engine) as session:
        members = [(m.email, m.status.value) for m in session.exec(select(StaffMember))]
        emails = len(session.exec(select(OutboxEmail)).all())
    return sorted(members), emails


INVITE_FORM = {"email": "newcook@example.com", "name": "New Cook", "mobile": ""}


@pytest.mark.parametrize(
    ("kind", "message"),
    [("order manager", ROLE_REFUSED), ("kitchen staff", ROLE_REFUSED), ("anonymous", "sign-in")],
)
async def test_invite_is_refused_for_anyone_but_the_owner(
    root: rx.State,
    app_engine: Engine,
    session: Session,
    world: factories.World,
    kind: str,
    message: str,
) -> None:
    member = {"order manager": world.manager, "kitchen staff": world.kitchen}.get(kind)
    carry_token(root, sign_in(session, member) if member else "")
    admin = substate(root, OwnerHomeState)
    admin.invite_role = Role.ORDER_MANAGER.value
    before = staff_and_outbox(app_engine)

    result = await admin.invite(INVITE_FORM)

    assert_refused(result, by=message)
    assert staff_and_outbox(app_engine) == before
    assert admin.staff_rows == []  # the staff list of the business was not shown either


async def test_invite_works_for_the_owner(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World
) -> None:
    carry_token(root, sign_in(session, world.owner))
    admin = substate(root, OwnerHomeState)
    members, emails = staff_and_outbox(app_engine)

    result = await admin.invite(INVITE_FORM)

    assert admin.invite_error == ""
    assert outcome(result)[0] == "toast"
    after_members, after_emails = staff_and_outbox(app_engine)
    assert ("newcook@example.com", StaffStatus.INVITED.value) in after_members
    assert len(after_members) == len(members) + 1
    assert after_emails == emails + 1


async def test_a_manager_cannot_disable_staff(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World
) -> None:
    carry_token(root, sign_in(session, world.manager))
    before = staff_and_outbox(app_engine)

    result = await substate(root, OwnerHomeState).set_enabled(world.kitchen.id, False)

    assert_refused(result, by=ROLE_REFUSED)
    assert staff_and_outbox(app_engine) == before


async def test_a_disabled_members_token_is_refused(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World, board: Board
) -> None:
    """The owner disables a manager whose tab still holds a filled accept form."""
    carry_token(root, sign_in(session, world.manager))
    assert await substate(root, AcceptFormState).start(board.received.id) is None
    staff.set_enabled(session, actor=world.owner, staff_id=world.manager.id, enabled=False)
    session.commit()
    before = trace(app_engine, board.received.id)

    assert_refused(await substate(root, AcceptFormState).accept(), by="sign-in")
    assert_refused(await call(root, "reject", board.received, "received"), by="sign-in")
    assert_refused(await substate(root, KitchenState).bump(board.in_progress.id), by="sign-in")
    assert trace(app_engine, board.received.id) == before


async def test_a_disabled_member_is_refused_even_if_a_session_row_stayed_open(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World, board: Board
) -> None:
    """member_for_token checks the member's status, not only the session row."""
    carry_token(root, sign_in(session, world.kitchen))
    kitchen = session.get(StaffMember, world.kitchen.id)
    kitchen.status = StaffStatus.DISABLED
    session.commit()
    before = trace(app_engine, board.in_progress.id)

    assert_refused(await substate(root, KitchenState).bump(board.in_progress.id), by="sign-in")
    assert trace(app_engine, board.in_progress.id) == before


async def test_board_load_refuses_who_may_not_see_the_board(
    root: rx.State, session: Session, world: factories.World, board: Board
) -> None:
    manager_board = substate(root, ManagerState)

    assert outcome(await manager_board.load()) == ("redirect", "/signin")
    assert not manager_board.loaded

    carry_token(root, sign_in(session, world.kitchen))
    kind, where = outcome(await manager_board.load())
    # A fresh tab knows no role yet: /signin, whose own on_load then sends the member to /kds.
    assert kind == "redirect" and where in ("/kds", "/signin")
    assert not manager_board.loaded
    assert manager_board.received == []  # the kitchen never sees payment or contact fields
    assert await registry.get_registry().tokens(f"manager:{world.truck.id}") == []


async def test_board_load_shows_a_manager_the_received_orders_and_subscribes_the_tab(
    root: rx.State, session: Session, world: factories.World, board: Board
) -> None:
    carry_token(root, sign_in(session, world.manager))
    manager_board = substate(root, ManagerState)

    assert await manager_board.load() is None

    assert manager_board.loaded
    assert [card.customer_name for card in manager_board.received] == ["Rita Received"]
    assert [card.customer_name for card in manager_board.in_progress] == ["Ivan Inprogress"]
    tokens = await registry.get_registry().tokens(f"manager:{world.truck.id}")
    assert tokens == [root.router.session.client_token]


async def test_a_disabled_managers_reload_goes_to_sign_in_not_round_in_a_loop(
    root: rx.State, session: Session, world: factories.World, board: Board
) -> None:
    carry_token(root, sign_in(session, world.manager))
    manager_board = substate(root, ManagerState)
    assert await manager_board.load() is None
    staff.set_enabled(session, actor=world.owner, staff_id=world.manager.id, enabled=False)
    session.commit()

    # The tab reloads /manage (same tab token, so the same state): on_load runs again.
    assert outcome(await manager_board.load()) == ("redirect", "/signin")


async def test_an_open_screen_falls_back_to_sign_in_once_its_member_is_disabled(
    root: rx.State, session: Session, world: factories.World, board: Board
) -> None:
    carry_token(root, sign_in(session, world.manager))
    manager_board = substate(root, ManagerState)
    assert await manager_board.load() is None
    assert outcome(await manager_board.heartbeat()) == BEAT_ANSWERED

    staff.set_enabled(session, actor=world.owner, staff_id=world.manager.id, enabled=False)
    session.commit()

    assert outcome(await manager_board.heartbeat()) == ("redirect", "/signin")
    assert not manager_board.loaded


BEAT_ANSWERED = ("script", BEAT_SCRIPT)


def end_session(session: Session, token: str, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "signed out":
        staff.sign_out(session, token=token)
    elif how == "role changed":
        manager = staff.member_for_token(session, token)
        owner = session.exec(select(StaffMember).where(StaffMember.role == Role.OWNER)).one()
        staff.change_role(session, actor=owner, staff_id=manager.id, role=Role.KITCHEN_STAFF)
    else:  # expired: the session's 30 days pass
        for row in session.exec(select(StaffSession)):
            row.expires_at = utcnow() - dt.timedelta(seconds=1)
        later = time.time() + 31 * 24 * 3600
        monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: later))
    session.commit()


@pytest.mark.parametrize("how", ["signed out", "expired", "role changed"])
async def test_an_open_screen_falls_back_to_sign_in_once_its_session_ends(
    root: rx.State,
    session: Session,
    world: factories.World,
    board: Board,
    how: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Also when its last beats were answered from what the screen remembered of its session."""
    token = sign_in(session, world.manager)
    carry_token(root, token)
    manager_board = substate(root, ManagerState)
    assert await manager_board.load() is None
    assert outcome(await manager_board.heartbeat()) == BEAT_ANSWERED
    assert outcome(await manager_board.heartbeat()) == BEAT_ANSWERED

    end_session(session, token, how, monkeypatch)

    assert outcome(await manager_board.heartbeat()) == ("redirect", "/signin")
    assert not manager_board.loaded


async def test_a_session_ended_behind_the_apps_back_is_noticed_within_a_minute(
    root: rx.State, session: Session, world: factories.World, board: Board, monkeypatch
) -> None:
    """A row changed outside the app (an operator's SQL) moves no mark: the minute bounds it."""
    token = sign_in(session, world.manager)
    carry_token(root, token)
    manager_board = substate(root, ManagerState)
    assert await manager_board.load() is None
    assert outcome(await manager_board.heartbeat()) == BEAT_ANSWERED
    for row in session.exec(select(StaffSession)):
        row.revoked_at = utcnow()
    session.commit()

    later = time.time() + auth.RECHECK_SECONDS + 1
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: later))

    assert outcome(await manager_board.heartbeat()) == ("redirect", "/signin")


async def test_a_heartbeat_is_answered_while_an_order_is_being_written(
    root: rx.State, session: Session, world: factories.World, board: Board, app_engine: Engine
) -> None:
    """The session check only reads: it does not queue behind SQLite's write lock."""
    if app_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    carry_token(root, sign_in(session, world.manager))
    manager_board = substate(root, ManagerState)
    assert await manager_board.load() is None

    with app_engine.connect() as writer:
        writer.exec_driver_sql("UPDATE staffmember SET name = name")  # BEGIN IMMEDIATE, held
        assert outcome(await manager_board.heartbeat()) == BEAT_ANSWERED
        writer.rollback()
    assert manager_board.loaded


def orders_of(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return sorted((o.customer_name, o.stage.value) for o in session.exec(select(Order)))


@pytest.mark.parametrize("kind", ["anonymous", "kitchen staff", "manager of another business"])
async def test_order_history_shows_nothing_to_who_is_not_a_manager_here(
    root: rx.State, session: Session, world: factories.World, board: Board, kind: str
) -> None:
    """The history carries customer contact, payment and the audit trail."""
    token, refusal = caller_token(kind, session, world)
    carry_token(root, token)
    history = substate(root, HistoryState)

    assert_refused(await history.open(board.received.id), by=refusal or "No such order.")
    assert history.detail == [] and history.trail == []
    if kind == "manager of another business":
        assert await history.search() is None  # their own business's orders only
    else:
        assert_refused(await history.search(), by=refusal)
    assert "Rita Received" not in {row.customer for row in history.rows}


async def test_order_history_shows_the_trail_to_the_truck_manager(
    root: rx.State, session: Session, world: factories.World, board: Board
) -> None:
    carry_token(root, sign_in(session, world.manager))
    history = substate(root, HistoryState)

    assert await history.open(board.cooking_done.id) is None

    assert [card.customer_name for card in history.detail] == ["Cora Cooked"]
    assert [row.what for row in history.trail][-1] == "Cooking Done"


def walk_in_tab(root: rx.State, world: factories.World) -> WalkInState:
    """A counter screen whose cart already holds a burger, as a manager's tab would."""
    counter = substate(root, WalkInState)
    counter._truck_id = world.truck.id
    counter.prep_minutes = "10"
    counter.customer_name = "Walter Walkin"
    counter.cart = [
        CartLine(
            item_id=world.menu.fries.id,
            name="Fries",
            option_ids=[],
            options="",
            quantity=1,
            note="",
            total="$5.00",
            total_cents=500,
        )
    ]
    return counter


@pytest.mark.parametrize(
    ("kind", "message"), [("anonymous", "sign-in"), ("kitchen staff", ROLE_REFUSED)]
)
async def test_a_walk_in_order_cannot_be_sent_by_who_is_not_a_manager(
    root: rx.State,
    app_engine: Engine,
    session: Session,
    world: factories.World,
    kind: str,
    message: str,
) -> None:
    carry_token(root, caller_token(kind, session, world)[0])
    counter = walk_in_tab(root, world)
    before = orders_of(app_engine)

    assert_refused(await counter.place(), by=message)

    assert orders_of(app_engine) == before


async def test_a_walk_in_order_goes_to_the_kitchen_for_a_manager(
    root: rx.State, app_engine: Engine, session: Session, world: factories.World
) -> None:
    carry_token(root, sign_in(session, world.manager))

    result = await walk_in_tab(root, world).place()

    assert outcome(result) == ("redirect", "/manage")
    assert ("Walter Walkin", Stage.IN_PROGRESS.value) in orders_of(app_engine)


def test_who_is_sent_to_sign_in_is_decided_by_the_error_type_not_its_words() -> None:
    """A signed-out caller goes to sign-in whatever the message says; a refusal that only
    happens to use the same words stays a message on the screen."""
    assert_refused(auth.refuse(NotSignedIn("Your session has ended.")), by="sign-in")
    assert_refused(auth.refuse(Forbidden("Sign in first.")), by="Sign in first.")
    with pytest.raises(NotSignedIn):
        staff.require_role(None, Role.ORDER_MANAGER)
