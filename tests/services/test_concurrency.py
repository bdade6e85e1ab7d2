"""Races on separate connections: two managers tap Accept on one order at the same moment;
many customers order the last portions at once."""

from __future__ import annotations

import threading

from sqlmodel import Session, func, select

from cliqmenu.models import (
    AuditEvent,
    ItemStock,
    Order,
    OrderLine,
    OrderSource,
    StaffMember,
    Stage,
    Truck,
)
from cliqmenu.services import lifecycle, orders
from cliqmenu.services.errors import Conflict, DomainError
from tests.factories import order_request, place


def test_simultaneous_accepts_let_exactly_one_through(engine, session, world):
    order = place(session, world=world)
    session.commit()
    session.close()  # no open transaction of ours may hold the database while the threads run

    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def tap_accept(name: str, actor_id: int, prep_minutes: int) -> None:
        with Session(engine, expire_on_commit=False) as request:
            start.wait(timeout=10)
            try:
                actor = request.get(StaffMember, actor_id)
                lifecycle.accept(
                    request,
                    actor=actor,
                    order_id=order.id,
                    changes=lifecycle.AcceptChanges(prep_minutes=prep_minutes),
                )
                request.commit()
                outcomes[name] = "accepted"
            except Exception as error:  # reported below, whatever it is
                request.rollback()
                outcomes[name] = error

    threads = [
        threading.Thread(target=tap_accept, args=(world.manager.name, world.manager.id, 10)),
        threading.Thread(target=tap_accept, args=(world.owner.name, world.owner.id, 20)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == "accepted"]
    losers = {name: outcome for name, outcome in outcomes.items() if outcome != "accepted"}
    assert len(winners) == 1, outcomes
    [(_, error)] = losers.items()
    assert isinstance(error, Conflict), outcomes
    assert str(error) == f"Order #{order.number} is already In Progress by {winners[0]}."

    with Session(engine) as check:
        stored = check.get(Order, order.id)
        accepted_events = check.exec(
            select(AuditEvent).where(
                AuditEvent.order_id == order.id, AuditEvent.action == "order.accepted"
            )
        ).all()
        assert stored.stage == Stage.IN_PROGRESS
        assert stored.prep_minutes == {world.manager.name: 10, world.owner.name: 20}[winners[0]]
        assert len(accepted_events) == 1
        assert accepted_events[0].actor_label.startswith(winners[0])


def _all_at_once(customer, count: int) -> None:
    threads = [threading.Thread(target=customer, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def _order_fries(engine, truck_id: int, fries_id: int, quantity: int) -> None:
    """One customer's order on its own connection; raises what ``place_order`` refuses."""
    with Session(engine, expire_on_commit=False) as request:
        try:
            orders.place_order(
                request,
                truck=request.get(Truck, truck_id),
                request=order_request(
                    lines=[orders.LineRequest(item_id=fries_id, quantity=quantity)]
                ),
                source=OrderSource.CUSTOMER,
            )
            request.commit()
        except Exception:
            request.rollback()
            raise


def test_many_orders_for_the_last_portions_sell_exactly_what_is_left(engine, session, world):
    fries_id, truck_id = world.menu.fries.id, world.truck.id
    session.add(ItemStock(truck_id=truck_id, item_id=fries_id, portions_left=5))
    session.commit()
    session.close()

    customers = 8
    start = threading.Barrier(customers)
    outcomes: dict[int, object] = {}

    def order_two(n: int) -> None:
        start.wait(timeout=10)
        try:
            _order_fries(engine, truck_id, fries_id, 2)
            outcomes[n] = "placed"
        except Exception as error:  # reported below, whatever it is
            outcomes[n] = error

    _all_at_once(order_two, customers)

    placed = [n for n, outcome in outcomes.items() if outcome == "placed"]
    refused = {str(outcome) for outcome in outcomes.values() if outcome != "placed"}
    assert len(outcomes) == customers
    assert len(placed) == 2, outcomes
    # Whoever came after the second order was told exactly what was left (or that it ran out).
    assert refused <= {"Only 1 Fries left.", "Sorry, Fries is sold out."}, outcomes
    with Session(engine) as check:
        stock = check.exec(select(ItemStock).where(ItemStock.item_id == fries_id)).one()
        sold = check.exec(select(func.sum(OrderLine.quantity))).one()
        assert (stock.portions_left, stock.out_of_stock, sold) == (1, False, 4)


def test_the_last_portion_goes_to_exactly_one_of_many_customers(engine, session, world):
    fries_id, truck_id = world.menu.fries.id, world.truck.id
    session.add(ItemStock(truck_id=truck_id, item_id=fries_id, portions_left=1))
    session.commit()
    session.close()

    customers = 6
    start = threading.Barrier(customers)
    placed: list[int] = []

    def order_one(n: int) -> None:
        start.wait(timeout=10)
        try:
            _order_fries(engine, truck_id, fries_id, 1)
            placed.append(n)
        except DomainError:
            pass

    _all_at_once(order_one, customers)

    assert len(placed) == 1
    with Session(engine) as check:
        stock = check.exec(select(ItemStock).where(ItemStock.item_id == fries_id)).one()
        assert (stock.portions_left, stock.out_of_stock) == (0, True)
        assert check.exec(select(func.count()).select_from(Order)).one() == 1
