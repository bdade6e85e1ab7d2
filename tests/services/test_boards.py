"""The boards read plain rows (not ORM objects) for speed: every card must still show exactly
what the order and its lines hold, whatever the stage, options, notes and allergens."""

from __future__ import annotations

from sqlmodel import Session

from cliqmenu.models import Business, Order, Stage
from cliqmenu.services import lifecycle
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.orders import order_lines
from cliqmenu.views.boards import kitchen_board, kitchen_line, manager_board, order_card, order_row
from tests.factories import World, line, place


def _orders_at_every_stage(session: Session, world: World) -> list[Order]:
    menu = world.menu
    placed = [
        place(
            session,
            world=world,
            lines=[
                line(menu.burger, menu.chicken, menu.bacon, menu.egg, quantity=2, note="No onion"),
                line(menu.fries, quantity=3),
            ],
            customer_email="sam@example.com",
            customer_phone="0400 000 000",
        ),
        place(session, world=world, lines=[line(menu.burger, menu.tofu)]),
        place(session, world=world, lines=[line(menu.fries, note="Extra salt")]),
        place(session, world=world),
        place(session, world=world),
        place(session, world=world),
    ]
    for order in placed[1:]:
        lifecycle.accept(
            session,
            actor=world.manager,
            order_id=order.id,
            changes=AcceptChanges(prep_minutes=15, kitchen_note="Rush"),
        )
    lifecycle.tick_line(
        session,
        actor=world.kitchen,
        order_id=placed[1].id,
        line_id=order_lines(session, placed[1].id)[0].id,
        done=True,
    )
    # One order moved on to Cooking Done, one to Ready for Pickup, one to Delivered.
    moves = (Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP)
    for order, steps in zip(placed[3:], (1, 2, 3), strict=True):
        for stage in moves[:steps]:
            lifecycle.advance(
                session, actor=world.manager, order_id=order.id, expected=stage, deliver_unpaid=True
            )
    lifecycle.cancel(
        session,
        actor=world.manager,
        order_id=placed[2].id,
        expected=Stage.IN_PROGRESS,
        reason="Out of oil",
    )
    session.commit()
    return placed


def test_manager_cards_show_what_the_orders_hold(session, world):
    placed = _orders_at_every_stage(session, world)
    business = session.get(Business, world.business.id)

    board = manager_board(session, world.truck.id)

    stages = (board.received, board.in_progress, board.cooking_done, board.ready_for_pickup)
    rows = {row.id: row for stage in (*stages, board.delivered) for row in stage}
    for order in placed:
        if order.stage == Stage.CANCELLED:
            assert order.id not in rows and order.id not in board.cards
            continue
        session.refresh(order)
        expected = order_card(order, order_lines(session, order.id), business)
        assert board.cards[order.id] == expected
        assert rows[order.id] == order_row(expected)
        assert rows[order.id] in getattr(board, order.stage.value)
    assert [row.id for row in board.delivered] == [placed[5].id]
    first = board.cards[placed[0].id]
    assert [ln.options for ln in first.lines] == [["Chicken", "Bacon", "Egg"], []]
    assert first.lines[0].allergens == ["gluten", "milk"]


def test_kitchen_cards_show_what_the_orders_hold(session, world):
    placed = _orders_at_every_stage(session, world)

    board = kitchen_board(session, world.truck.id)

    cards = {card.id: card for card in board.cards}
    assert set(cards) == {placed[1].id, placed[2].id}  # In Progress, and cancelled unseen
    for order in (placed[1], placed[2]):
        assert cards[order.id].lines == [kitchen_line(ln) for ln in order_lines(session, order.id)]
    assert [ln.done for ln in cards[placed[1].id].lines] == [True]
    assert cards[placed[2].id].cancelled
    assert cards[placed[2].id].lines[0].note == "Extra salt"
