"""The kitchen's view: acceptance order, cancelled until acknowledged, recall, all-day counts,
timer thresholds, and no payment or customer contact in anything the kitchen receives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlmodel import Session

from cliqmenu.models import DiningMethod, Order, PaymentMethod, Stage, utcnow
from cliqmenu.services import lifecycle
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.orders import order_lines
from cliqmenu.views.boards import (
    AllDayCount,
    AllDayVariant,
    KitchenBoard,
    KitchenCard,
    KitchenLine,
    kitchen_board,
)
from tests.factories import World, line, make_truck, place

MONEY_OR_CONTACT = ("total", "price", "cents", "subtotal", "discount", "surcharge", "gst")
MONEY_OR_CONTACT += ("payment", "paid", "refund", "email", "phone", "mobile", "stripe")


def _accept(session: Session, world: World, order: Order, *, minutes_ago: int, **changes) -> Order:
    changes.setdefault("prep_minutes", 10)
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(**changes)
    )
    # Acceptance times a few minutes apart, as in a real service.
    order.accepted_at = utcnow() - dt.timedelta(minutes=minutes_ago)
    session.commit()
    return order


def _numbers(board: KitchenBoard) -> list[int]:
    return [card.number for card in board.cards]


def test_cards_are_the_accepted_orders_oldest_acceptance_first(session, world):
    first_placed = place(session, world=world)
    second_placed = place(session, world=world)
    waiting = place(session, world=world)  # Received: not the kitchen's yet
    _accept(session, world, second_placed, minutes_ago=9)
    _accept(session, world, first_placed, minutes_ago=2)

    board = kitchen_board(session, world.truck.id)

    assert _numbers(board) == [second_placed.number, first_placed.number]
    assert waiting.number not in _numbers(board)
    assert all(card.stage == Stage.IN_PROGRESS.value for card in board.cards)


def test_only_the_trucks_own_orders_reach_its_kitchen(session, world):
    other_truck = make_truck(session, business=world.business, name="Beach")
    here = _accept(session, world, place(session, world=world), minutes_ago=1)
    _accept(session, world, place(session, world=world, truck=other_truck), minutes_ago=1)

    assert _numbers(kitchen_board(session, world.truck.id)) == [here.number]


def test_a_card_carries_what_to_cook(session, world):
    menu = world.menu
    order = place(
        session,
        world=world,
        customer_name="Robin Banks",
        dining_method=DiningMethod.DINE_IN,
        lines=[line(menu.burger, menu.chicken, menu.bacon, quantity=2, note="well done")],
    )
    _accept(session, world, order, minutes_ago=1, prep_minutes=12, kitchen_note="Birthday!")

    (card,) = kitchen_board(session, world.truck.id).cards

    assert (card.number, card.dining_method, card.dining_label) == (
        order.number,
        "dine_in",
        "Dine-in",
    )
    assert card.customer_first_name == "Robin"
    assert card.prep_minutes == 12 and card.kitchen_note == "Birthday!"
    assert card.accepted_at_ms == int(order.accepted_at.timestamp() * 1000)
    (kitchen_line,) = card.lines
    assert (kitchen_line.quantity, kitchen_line.name) == (2, "Burger")
    assert kitchen_line.options == ["Chicken", "Bacon"]
    assert kitchen_line.note == "well done"
    assert kitchen_line.allergens == ["gluten", "milk"]
    assert not kitchen_line.done and card.lines_done == 0


def test_timer_thresholds_come_from_the_truck_and_the_prep_time(session, world):
    world.truck.kds_amber_percent, world.truck.kds_red_percent = 50, 120
    session.add(world.truck)
    _accept(session, world, place(session, world=world), minutes_ago=0, prep_minutes=10)

    (card,) = kitchen_board(session, world.truck.id).cards

    assert card.warn_ms == 5 * 60_000  # half of 10 minutes
    assert card.late_ms == 12 * 60_000  # 120% of 10 minutes


def test_a_cancelled_order_stays_marked_until_the_kitchen_acknowledges_it(session, world):
    cooking = _accept(session, world, place(session, world=world), minutes_ago=3)
    never_cooked = place(session, world=world)
    for order in (cooking, never_cooked):
        lifecycle.cancel(
            session,
            actor=world.manager,
            order_id=order.id,
            expected=order.stage,
            reason="Customer left",
        )
    session.commit()

    (card,) = kitchen_board(session, world.truck.id).cards
    assert card.number == cooking.number  # a Received order never reached the kitchen
    assert card.cancelled and card.cancel_reason == "Customer left"
    assert card.stage == Stage.CANCELLED.value

    lifecycle.acknowledge_cancel(session, actor=world.kitchen, order_id=cooking.id)
    session.commit()
    assert kitchen_board(session, world.truck.id).cards == []


def test_bumped_orders_are_recallable_most_recent_first_and_recall_brings_one_back(session, world):
    first = _accept(session, world, place(session, world=world), minutes_ago=5)
    second = _accept(session, world, place(session, world=world), minutes_ago=4)
    for order, bumped_ago in ((first, 2), (second, 1)):
        lifecycle.advance(
            session, actor=world.kitchen, order_id=order.id, expected=Stage.IN_PROGRESS
        )
        order.cooking_done_at = utcnow() - dt.timedelta(minutes=bumped_ago)
    session.commit()

    board = kitchen_board(session, world.truck.id)
    assert board.cards == []
    assert board.recallable == [second.id, first.id]
    assert board.recallable_numbers == [second.number, first.number]

    lifecycle.step_back(
        session, actor=world.kitchen, order_id=second.id, expected=Stage.COOKING_DONE
    )
    session.commit()
    board = kitchen_board(session, world.truck.id)
    assert _numbers(board) == [second.number]
    assert board.recallable == [first.id]


def test_all_day_counts_what_is_still_to_cook_by_item_and_options(session, world):
    menu = world.menu
    one = place(
        session,
        world=world,
        lines=[
            line(menu.burger, menu.beef, quantity=2),
            line(menu.burger, menu.beef, menu.cheese),
            line(menu.fries, quantity=3),
        ],
    )
    two = place(
        session,
        world=world,
        lines=[line(menu.burger, menu.beef), line(menu.burger, menu.tofu, quantity=4)],
    )
    cancelled = place(session, world=world, lines=[line(menu.fries, quantity=9)])
    for order, ago in ((one, 3), (two, 2), (cancelled, 1)):
        _accept(session, world, order, minutes_ago=ago)
    lifecycle.cancel(
        session,
        actor=world.manager,
        order_id=cancelled.id,
        expected=Stage.IN_PROGRESS,
        reason="Changed their mind",
    )
    # The two beef burgers of the first order are cooked already.
    beef_pair = order_lines(session, one.id)[0]
    lifecycle.tick_line(
        session, actor=world.kitchen, order_id=one.id, line_id=beef_pair.id, done=True
    )
    session.commit()

    board = kitchen_board(session, world.truck.id)

    assert board.all_day == [
        AllDayCount(
            name="Burger",
            quantity=6,
            variants=[
                AllDayVariant(label="Tofu", quantity=4),
                AllDayVariant(label="Beef", quantity=1),
                AllDayVariant(label="Beef · Cheese", quantity=1),
            ],
        ),
        # Fries have no options: no breakdown. The cancelled order's nine are not counted.
        AllDayCount(name="Fries", quantity=3, variants=[]),
    ]
    assert board.cards[0].lines_done == 1


def test_nothing_the_kitchen_receives_can_carry_money_or_customer_contact(session, world):
    for cls in (KitchenBoard, KitchenCard, KitchenLine, AllDayCount, AllDayVariant):
        leaking = [
            name
            for name in (item.name for item in dataclasses.fields(cls))
            if any(word in name.lower() for word in MONEY_OR_CONTACT)
        ]
        assert leaking == [], f"{cls.__name__} has {leaking}"

    order = place(
        session,
        world=world,
        customer_name="Casey Jones",
        customer_email="casey.jones@example.com",
        customer_phone="+61 400 123 456",
        payment_method=PaymentMethod.CARD_AT_COUNTER,
    )
    _accept(session, world, order, minutes_ago=1, internal_note="VIP, comped drink")
    board = kitchen_board(session, world.truck.id)
    sent = json.dumps(dataclasses.asdict(board))

    for secret in ("casey.jones@example.com", "400 123 456", "Jones", "VIP, comped drink"):
        assert secret not in sent
    for cents in {order.total_cents, order.subtotal_cents, order.surcharge_cents}:
        assert f": {cents}," not in sent and f": {cents}}}" not in sent
