"""The pickup board's view: numbers Preparing and Ready, first names only when the truck says
so, collected orders for two minutes, and never a price or a way to reach a customer."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session

from cliqmenu.models import Order, Stage
from cliqmenu.services import lifecycle
from cliqmenu.views import pickup_board as board_view
from cliqmenu.views.pickup_board import BoardTicket, PickupBoard, pickup_board, still_shown
from tests.factories import World, make_truck, place, to_stage


def _at(session: Session, world: World, stage: Stage, **request) -> Order:
    return to_stage(session, world, place(session, world=world, **request), stage)


def _numbers(tickets: list[BoardTicket]) -> list[int]:
    return [t.number for t in tickets]


def test_accepted_orders_are_preparing_ready_ones_ready_received_and_closed_ones_absent(
    session, world
):
    waiting = _at(session, world, Stage.RECEIVED)
    cooking = _at(session, world, Stage.IN_PROGRESS)
    cooked = _at(session, world, Stage.COOKING_DONE)
    ready = _at(session, world, Stage.READY_FOR_PICKUP)
    cancelled = _at(session, world, Stage.IN_PROGRESS)
    lifecycle.cancel(
        session, actor=world.manager, order_id=cancelled.id, expected=Stage.IN_PROGRESS, reason="x"
    )
    elsewhere = make_truck(session, business=world.business, name="Other")
    _at(session, world, Stage.READY_FOR_PICKUP, truck=elsewhere)

    board = pickup_board(session, world.truck.id)

    assert _numbers(board.preparing) == [cooking.number, cooked.number]
    assert _numbers(board.ready) == [ready.number]
    assert waiting.number not in _numbers(board.preparing + board.ready)
    assert (board.truck_name, board.found) == (world.truck.name, True)


def test_first_names_only_when_the_truck_turns_them_on(session, world):
    _at(session, world, Stage.READY_FOR_PICKUP, customer_name="Sam Smith-Jones")

    assert pickup_board(session, world.truck.id).ready[0].first_name == ""
    world.truck.board_first_names = True
    assert pickup_board(session, world.truck.id).ready[0].first_name == "Sam"


def test_a_delivered_order_stays_two_minutes_marked_collected_then_leaves(session, world):
    order = _at(session, world, Stage.DELIVERED)
    delivered = order.delivered_at

    board = pickup_board(session, world.truck.id, now=delivered + dt.timedelta(seconds=30))
    [collected] = board.ready
    assert collected.collected and collected.number == order.number
    leaves = int((delivered + board_view.KEEP_DELIVERED).timestamp() * 1000)
    assert collected.leaves_at_ms == leaves
    # The screen drops it itself once its time is over, without a new view.
    assert still_shown(board, leaves - 1).ready == [collected]
    assert still_shown(board, leaves).ready == []

    later = pickup_board(session, world.truck.id, now=delivered + dt.timedelta(minutes=3))
    assert later.ready == []


def test_ready_orders_come_before_collected_ones(session, world):
    collected = _at(session, world, Stage.DELIVERED)
    ready = _at(session, world, Stage.READY_FOR_PICKUP)

    board = pickup_board(session, world.truck.id)

    assert _numbers(board.ready) == [ready.number, collected.number]


def test_an_unknown_or_archived_truck_has_no_board(session, world):
    assert pickup_board(session, 9999).found is False
    world.truck.archived = True
    assert pickup_board(session, world.truck.id).found is False


MONEY_OR_CONTACT = (
    "cents",
    "total",
    "price",
    "amount",
    "email",
    "phone",
    "paid",
    "payment",
    "refund",
    "subtotal",
    "surcharge",
    "gst",
    "discount",
    "note",
    "contact",
    "customer_name",
    "address",
)


def test_the_board_view_holds_no_money_and_no_contact_field():
    """By the fields of the view's types, so a field added later is caught here."""
    names = [f.name for cls in (PickupBoard, BoardTicket) for f in dataclasses.fields(cls)]
    assert names
    assert [n for n in names if any(word in n for word in MONEY_OR_CONTACT)] == []


def test_nothing_of_an_orders_money_or_contact_reaches_the_board(session, world):
    world.truck.board_first_names = True
    order = _at(
        session,
        world,
        Stage.READY_FOR_PICKUP,
        customer_name="Robin Banks",
        customer_email="robin.banks@example.com",
        customer_phone="+61400111222",
    )
    text = repr(dataclasses.asdict(pickup_board(session, world.truck.id)))

    for secret in ("Banks", "robin.banks", "400111222", str(order.total_cents), "12.00"):
        assert secret not in text
    assert "Robin" in text
