"""Counted portions are exact: placing an order takes them at once, closing it unserved gives
them back, and Accept, undo and recall leave them alone."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, func, select

from cliqmenu.models import AuditEvent, ItemStock, Order, OrderSource, Stage
from cliqmenu.services import lifecycle, portions
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import effective_menu
from cliqmenu.views.menu import truck_menu
from tests.factories import World, line, place


def _count(session: Session, world: World, item, left: int | None) -> ItemStock:
    row = ItemStock(truck_id=world.truck.id, item_id=item.id, portions_left=left)
    session.add(row)
    session.flush()
    return row


def _left(session: Session, item) -> tuple[int | None, bool]:
    row = session.exec(
        select(ItemStock)
        .where(ItemStock.item_id == item.id)
        .execution_options(populate_existing=True)
    ).one()
    return row.portions_left, row.out_of_stock


def _orders(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Order)).one()


def _accept(session: Session, order: Order, world: World) -> Order:
    return lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10),
    )


def test_placing_takes_the_portions_at_once(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 5)

    order = place(session, world=world, lines=[line(fries, quantity=2)])

    assert order.stage == Stage.RECEIVED
    assert _left(session, fries) == (3, False)


def test_an_order_for_more_than_is_left_is_refused_and_writes_nothing(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 2)
    session.commit()

    with pytest.raises(DomainError, match=r"^Only 2 Fries left\.$"):
        place(session, world=world, lines=[line(fries, quantity=5)])
    session.rollback()

    assert _left(session, fries) == (2, False)
    assert _orders(session) == 0


def test_lines_of_one_item_are_counted_together(session, world):
    fries, burger = world.menu.fries, world.menu.burger
    _count(session, world, fries, 3)
    _count(session, world, burger, 10)
    session.commit()

    with pytest.raises(DomainError, match=r"^Only 3 Fries left\.$"):
        place(
            session,
            world=world,
            lines=[
                line(fries, quantity=2),
                line(burger, world.menu.beef),
                line(fries, quantity=2, note="extra salt"),
            ],
        )
    session.rollback()
    # Refused as a whole: the burger's count was not touched either.
    assert _left(session, burger) == (10, False)
    assert _left(session, fries) == (3, False)


def test_the_last_portion_sells_out_the_item(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 1)

    place(session, world=world, lines=[line(fries)])

    assert _left(session, fries) == (0, True)
    assert not effective_menu(session, world.truck).items[fries.id].in_stock
    with pytest.raises(DomainError, match="Sorry, Fries is out of stock."):
        place(session, world=world, lines=[line(fries)])


def test_accept_undo_and_recall_do_not_count_again(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 3)
    order = place(session, world=world, lines=[line(fries, quantity=2)])
    assert _left(session, fries) == (1, False)

    _accept(session, order, world)
    assert _left(session, fries) == (1, False)
    lifecycle.advance(session, actor=world.manager, order_id=order.id, expected=Stage.IN_PROGRESS)
    lifecycle.step_back(
        session, actor=world.kitchen, order_id=order.id, expected=Stage.COOKING_DONE
    )
    lifecycle.step_back(session, actor=world.manager, order_id=order.id, expected=Stage.IN_PROGRESS)
    assert order.stage == Stage.RECEIVED
    assert _left(session, fries) == (1, False)
    _accept(session, order, world)
    assert _left(session, fries) == (1, False)


def test_rejecting_gives_the_portions_back_and_restocks(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 2)
    order = place(session, world=world, lines=[line(fries, quantity=2)])
    assert _left(session, fries) == (0, True)

    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Closing early")

    assert _left(session, fries) == (2, False)
    assert effective_menu(session, world.truck).items[fries.id].in_stock


def test_cancelling_an_accepted_order_gives_the_portions_back_once(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 4)
    order = place(session, world=world, lines=[line(fries, quantity=3)])
    _accept(session, order, world)

    lifecycle.cancel(
        session,
        actor=world.manager,
        order_id=order.id,
        expected=Stage.IN_PROGRESS,
        reason="Customer left",
    )
    assert _left(session, fries) == (4, False)
    assert order.portions_held is False
    # The order holds none now: giving back again changes nothing.
    portions.give_back(session, order=order, actor=world.manager)
    assert _left(session, fries) == (4, False)


def test_a_walk_in_takes_its_portions_and_is_refused_like_any_order(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 1)

    with pytest.raises(DomainError, match=r"^Only 1 Fries left\.$"):
        place(
            session,
            world=world,
            lines=[line(fries, quantity=3)],
            source=OrderSource.WALK_IN,
            actor=world.manager,
        )


def test_uncounted_items_are_never_refused_for_portions(session, world):
    fries = world.menu.fries
    _count(session, world, fries, None)

    place(session, world=world, lines=[line(fries, quantity=99)])

    assert _left(session, fries) == (None, False)


def test_portion_changes_are_audited_with_before_and_after(session, world):
    fries = world.menu.fries
    _count(session, world, fries, 4)
    order = place(session, world=world, lines=[line(fries, quantity=3)])
    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Out of oil")
    session.flush()

    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.order_id == order.id, col(AuditEvent.action).startswith("stock."))
        .order_by(col(AuditEvent.id))
    ).all()
    assert [(e.action, e.before["Fries"], e.after["Fries"]) for e in events] == [
        ("stock.portions_taken", 4, 1),
        ("stock.portions_returned", 1, 4),
    ]
    assert events[0].actor_label == "Customer Sam"
    assert events[1].actor_id == world.manager.id


def test_customers_are_told_only_when_they_can_see_the_count(session, world):
    fries = world.menu.fries
    world.truck.low_portions_at = 3
    _count(session, world, fries, 10)

    place(session, world=world, lines=[line(fries, quantity=2)])  # 10 -> 8: not shown
    assert portions.changed(session).stock_truck_ids == {world.truck.id}
    assert portions.changed(session).menu_truck_ids == set()

    place(session, world=world, lines=[line(fries, quantity=5)])  # 8 -> 3: "Only 3 left"
    assert portions.changed(session).menu_truck_ids == {world.truck.id}


def test_customers_see_only_a_few_left_at_the_trucks_threshold(session, world):
    fries = world.menu.fries
    world.truck.low_portions_at = 3
    _count(session, world, fries, 4)

    def note() -> str:
        [item] = [
            i
            for c in truck_menu(session, world.truck.id).categories
            for i in c.items
            if i.name == "Fries"
        ]
        return item.left_note

    assert note() == ""
    place(session, world=world, lines=[line(fries)])
    assert note() == "Only 3 left"
    world.truck.low_portions_at = 0
    assert note() == ""
