"""A member limited to some trucks reaches nothing of another truck of the same business, and
the kitchen learns nothing of orders its display does not show.

The handlers are enumerated from the state classes (as in test_cross_business), so a handler
added later is called here too: an Order Manager limited to the Taco Truck calls every one of
them with the ids of the Beach truck's order, line and truck. The Beach truck's rows must stay
as they were and none of its order's names, notes or totals may reach the manager's tab.
"""

from __future__ import annotations

import json

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from cliqmenu.models import Order, Role, Stage
from cliqmenu.services import lifecycle
from cliqmenu.state.accept_form import AcceptFormState
from cliqmenu.state.auth import SessionState
from cliqmenu.state.kitchen import KitchenState
from tests import factories
from tests.security.support import Targets, targets_in
from tests.security.test_cross_business import call_every_handler, run
from tests.state.support import accept_now, assert_refused, carry_token, sign_in, substate

# Only the Beach truck's order carries these: none may show up in the limited manager's tab.
BEACH_SECRETS = ("Bea Beachgoer", "beach internal note", "beach kitchen note")


def truck_rows(engine: Engine, truck_id: int) -> dict[str, list[tuple]]:
    """The truck's row and every row that belongs to it: rows naming it (its orders, stock,
    overrides, ...) and rows naming one of its orders (lines, audit trail, refunds)."""
    found: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        orders = {
            row.id
            for row in connection.execute(
                sa.select(Order.__table__).where(Order.truck_id == truck_id)
            )
        }
        for table in SQLModel.metadata.sorted_tables:
            clauses = []
            if table.name == "truck":
                clauses.append(table.c.id == truck_id)
            if "truck_id" in table.c:
                clauses.append(table.c.truck_id == truck_id)
            if "order_id" in table.c and orders:
                clauses.append(table.c.order_id.in_(orders))
            if clauses:
                rows = connection.execute(sa.select(table).where(sa.or_(*clauses))).all()
                found[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return found


class Sibling:
    """The world's Taco Truck and a Beach truck of the same business with one order open."""

    def __init__(self, session: Session) -> None:
        self.world = factories.make_world(session)
        self.beach = factories.make_truck(session, business=self.world.business, name="Beach")
        self.limited = factories.make_member(
            session,
            business=self.world.business,
            role=Role.ORDER_MANAGER,
            name="Lim Ited",
            trucks=(self.world.truck,),
        )
        self.order = factories.place(
            session,
            world=self.world,
            truck=self.beach,
            customer_name="Bea Beachgoer",
            lines=[factories.line(self.world.menu.fries)],
        )
        self.order.internal_note = "beach internal note"
        self.order.kitchen_note = "beach kitchen note"
        session.commit()


@pytest.fixture
def sibling(session: Session) -> Sibling:
    return Sibling(session)


async def test_a_manager_limited_to_one_truck_reaches_nothing_of_another_through_any_handler(
    root: rx.State, app_engine: Engine, session: Session, sibling: Sibling
) -> None:
    carry_token(root, sign_in(session, sibling.limited))
    beach = targets_in(
        session,
        business_id=sibling.world.business.id,
        truck_id=sibling.beach.id,
        order_id=sibling.order.id,
        staff_id=sibling.world.kitchen.id,
    )
    session.commit()  # end the read: SQLite's BEGIN IMMEDIATE would hold the write lock
    before = truck_rows(app_engine, sibling.beach.id)
    await run(substate(root, SessionState), "choose_truck", {"truck_id": str(sibling.beach.id)})
    called = 0
    # Twice over, as in test_cross_business: the second round finds forms filled by the first,
    # and offers the Beach truck to every "value" setter (truck filters).
    rounds = [beach, Targets({**beach.values, "value": str(sibling.beach.id)})]
    async for cls, name in call_every_handler(root, rounds):
        called += 1
        after = truck_rows(app_engine, sibling.beach.id)
        assert after == before, f"{cls.__name__}.{name} changed the Beach truck"

    seen = json.dumps(root.dict(), default=str)
    assert [secret for secret in BEACH_SECRETS if secret in seen] == []
    # The control: the handlers ran as the limited manager at the Taco Truck, and the rows
    # compared hold the Beach truck's order.
    assert "Taco Truck" in seen
    assert len(before["order"]) == 1 and len(before["orderline"]) == 1
    assert called > 200


async def test_the_accept_form_opens_only_orders_of_the_managers_trucks(
    root: rx.State, session: Session, sibling: Sibling
) -> None:
    """The finding: ``AcceptFormState.start`` filled the form (internal note, totals) from an
    order of a truck the manager may not work at."""
    carry_token(root, sign_in(session, sibling.limited))
    form = substate(root, AcceptFormState)

    assert_refused(await form.start(sibling.order.id), by="No such order.")

    assert (form.order_id, form.before_total, form.internal_note) == (0, "", "")


async def test_the_accept_form_still_opens_for_a_manager_of_that_truck(
    root: rx.State, session: Session, sibling: Sibling
) -> None:
    carry_token(root, sign_in(session, sibling.world.manager))  # works at every truck
    form = substate(root, AcceptFormState)

    assert await form.start(sibling.order.id) is None

    assert form.internal_note == "beach internal note"


@pytest.fixture
def kitchen_orders(session: Session, sibling: Sibling) -> dict[str, Order]:
    """One order of the Taco Truck in each stage the kitchen display never shows, and one it
    does (In Progress), each with its customer's full name."""
    world = sibling.world
    made = {
        stage: factories.place(session, world=world, customer_name=f"Carla {stage} Customer")
        for stage in ("received", "rejected", "ready", "delivered", "cooking")
    }
    session.commit()
    manager = world.manager
    lifecycle.reject(session, actor=manager, order_id=made["rejected"].id, reason="Closed")
    session.commit()
    for stage in ("ready", "delivered", "cooking"):
        accept_now(session, world=world, order=made[stage])
    for stage in ("ready", "delivered"):
        lifecycle.advance(
            session, actor=world.kitchen, order_id=made[stage].id, expected=Stage.IN_PROGRESS
        )
        lifecycle.advance(
            session, actor=manager, order_id=made[stage].id, expected=Stage.COOKING_DONE
        )
    lifecycle.advance(
        session,
        actor=manager,
        order_id=made["delivered"].id,
        expected=Stage.READY_FOR_PICKUP,
        deliver_unpaid=True,
    )
    session.commit()
    return made


async def test_the_kitchen_is_told_nothing_of_orders_its_display_does_not_show(
    root: rx.State, session: Session, sibling: Sibling, kitchen_orders: dict[str, Order]
) -> None:
    """The finding: acknowledging any order id answered "Order #N is already Received by
    Customer <full name>", so Kitchen Staff could list every order's stage and customer."""
    carry_token(root, sign_in(session, sibling.world.kitchen))
    kitchen = substate(root, KitchenState)
    hidden = [kitchen_orders[s] for s in ("received", "rejected", "ready", "delivered")]
    hidden.append(sibling.order)  # Received, at the Beach truck
    answers = []
    for order in hidden:
        answers.append(await kitchen.acknowledge(order.id))
        answers.append(await kitchen.bump(order.id))
        answers.append(await kitchen.tick(order.id, 1, True))
    # An order it shows, asked the wrong thing: the stage, never the customer.
    answers.append(await kitchen.acknowledge(kitchen_orders["cooking"].id))

    for result in answers[:-1]:
        assert_refused(result, by="No such order.")
    assert_refused(answers[-1], by="is already In Progress")
    shown = json.dumps([str(answer) for answer in answers])
    assert "Customer" not in shown and "Carla" not in shown and "Bea" not in shown
