"""Archiving a truck that no longer trades: no orders, out of the crew's pickers, history kept."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cliqmenu.api import build_api
from cliqmenu.models import AuditEvent, Order, OrderSource, PaymentMethod, Stage, Truck
from cliqmenu.services import history, lifecycle, payments, refunds, reports, staff, trucks
from cliqmenu.services.errors import DomainError, Forbidden, NotFound, NotTakingOrders
from cliqmenu.views.menu import truck_menu
from cliqmenu.views.tracker import tracker_view
from tests import factories
from tests.state.conftest import app_engine  # noqa: F401  (the API reads the app's engine)


@pytest.fixture
def beach(session: Session, world: factories.World) -> Truck:
    """A second truck, so the world's truck is not the last one trading."""
    truck = factories.make_truck(session, business=world.business, name="Beach Truck")
    session.commit()
    return truck


def archive(session: Session, world: factories.World, truck: Truck) -> Truck:
    archived = trucks.archive_truck(session, actor=world.owner, truck_id=truck.id)
    session.commit()
    return archived


def deliver(session: Session, world: factories.World, order: Order) -> None:
    lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10),
    )
    for stage in (Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP):
        lifecycle.advance(
            session, actor=world.manager, order_id=order.id, expected=stage, deliver_unpaid=True
        )
    session.commit()


def test_an_archived_truck_leaves_every_staff_picker(session, world, beach):
    archive(session, world, beach)

    for member in (world.owner, world.manager, world.kitchen):
        assert [t.id for t in staff.trucks_for(session, member)] == [world.truck.id]
        # A device that had chosen the archived truck falls back to a trading one.
        assert staff.truck_for(session, member, beach.id).id == world.truck.id
    assert [t.id for t in trucks.list_trucks(session, business_id=world.business.id)] == [
        world.truck.id
    ]
    assert [t.id for t in trucks.archived_trucks(session, business_id=world.business.id)] == [
        beach.id
    ]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "truck.archived")).one()
    assert (event.before["archived"], event.after["archived"]) == (False, True)
    assert event.actor_id == world.owner.id


def test_an_archived_truck_takes_no_orders_until_restored(session, world, beach):
    archive(session, world, beach)

    with pytest.raises(NotTakingOrders, match="Beach Truck is not taking orders") as refused:
        trucks.truck_taking_orders(session, beach.slug)
    assert refused.value.status_code == 409
    assert truck_menu(session, beach.id).closed  # open customer menus say so
    with pytest.raises(DomainError, match="You do not work at Beach Truck"):
        factories.place(
            session,
            world=world,
            truck=beach,
            source=OrderSource.WALK_IN,
            actor=world.manager,
            prep_minutes=10,
        )
    session.rollback()

    restored = trucks.restore_truck(session, actor=world.owner, truck_id=beach.id)
    session.commit()
    assert not restored.archived and not truck_menu(session, beach.id).closed
    assert trucks.truck_taking_orders(session, beach.slug).id == beach.id
    assert {t.id for t in staff.trucks_for(session, world.manager)} == {world.truck.id, beach.id}
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "truck.restored")).one()


def test_its_past_orders_stay_in_reports_and_history(session, world, beach):
    order = factories.place(session, world=world, truck=beach, customer_name="Ravi")
    session.commit()
    deliver(session, world, order)
    archive(session, world, beach)

    assert tracker_view(session, order.public_id).found  # the customer's link still works
    found = history.search_orders(session, actor=world.manager, text="Ravi")
    assert [o.id for o in found] == [order.id]
    assert history.audit_trail(session, actor=world.manager, order_id=order.id)
    day = order.service_date
    everything = reports.sales_report(session, actor=world.owner, start=day, end=day)
    assert everything.totals.orders == 1
    just_beach = reports.sales_report(
        session, actor=world.owner, start=day, end=day, truck_id=beach.id
    )
    assert (just_beach.truck_name, just_beach.totals.gross_cents) == (
        "Beach Truck",
        order.subtotal_cents,
    )
    every_truck = trucks.list_trucks(
        session, business_id=world.business.id, including_archived=True
    )
    assert [t.id for t in every_truck] == [world.truck.id, beach.id]


def test_an_archived_trucks_customer_can_still_be_refunded(session, world, beach):
    order = factories.place(session, world=world, truck=beach)
    session.commit()
    payments.record_counter_payment(session, actor=world.manager, order_id=order.id)
    session.commit()
    deliver(session, world, order)
    archive(session, world, beach)

    refund, _ = refunds.request_refund(
        session,
        actor=world.manager,
        order_id=order.id,
        request=refunds.RefundRequest(
            request_id="req-archived-truck", kind=refunds.FULL, method="cash", reason="cold"
        ),
    )
    session.commit()
    assert (refund.status.value, refund.amount_cents) == ("succeeded", order.total_cents)


def test_the_last_trading_truck_cannot_be_archived(session, world, beach):
    archive(session, world, beach)

    with pytest.raises(DomainError, match="Taco Truck is your only trading truck"):
        trucks.archive_truck(session, actor=world.owner, truck_id=world.truck.id)
    session.rollback()
    assert not session.get(Truck, world.truck.id).archived


def test_a_truck_with_open_orders_cannot_be_archived(session, world, beach):
    first = factories.place(session, world=world, truck=beach)
    factories.place(session, world=world, truck=beach)
    session.commit()

    with pytest.raises(DomainError, match="Beach Truck still has 2 open orders"):
        trucks.archive_truck(session, actor=world.owner, truck_id=beach.id)
    session.rollback()
    deliver(session, world, first)
    with pytest.raises(DomainError, match="still has 1 open order: deliver or cancel it first"):
        trucks.archive_truck(session, actor=world.owner, truck_id=beach.id)
    session.rollback()
    assert not session.get(Truck, beach.id).archived


def test_a_truck_whose_customer_is_paying_online_waits(session, world, beach):
    world.business.stripe_secret_key = "sk_test_123"
    beach.accepts_online = True
    factories.place(session, world=world, truck=beach, payment_method=PaymentMethod.ONLINE)
    session.commit()

    with pytest.raises(DomainError, match="paying online right now"):
        trucks.archive_truck(session, actor=world.owner, truck_id=beach.id)


def test_only_the_owner_archives_and_only_their_own_trucks(session, world, beach):
    for member in (world.manager, world.kitchen):
        with pytest.raises(Forbidden):
            trucks.archive_truck(session, actor=member, truck_id=beach.id)
        with pytest.raises(Forbidden):
            trucks.restore_truck(session, actor=member, truck_id=beach.id)
    other = factories.make_world(session, business_name="Other Eats")
    factories.make_truck(session, business=other.business, name="Other Second")
    session.commit()
    with pytest.raises(NotFound):
        trucks.archive_truck(session, actor=other.owner, truck_id=beach.id)
    archive(session, world, beach)
    with pytest.raises(NotFound):
        trucks.restore_truck(session, actor=other.owner, truck_id=beach.id)
    session.rollback()
    assert session.get(Truck, beach.id).archived
    # Nor can the other business's staff reach it any other way.
    assert beach.id not in {t.id for t in staff.trucks_for(session, other.manager)}


def test_archiving_twice_or_restoring_a_trading_truck_changes_nothing(session, world, beach):
    archive(session, world, beach)
    archive(session, world, beach)
    trucks.restore_truck(session, actor=world.owner, truck_id=world.truck.id)
    session.commit()
    actions = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action.in_(["truck.archived", "truck.restored"]))
    ).one()
    assert actions == 1


def test_an_archived_truck_keeps_its_menu_address(session, world, beach):
    archive(session, world, beach)

    other = factories.make_world(session, business_name="Other Eats")
    with pytest.raises(DomainError, match="taken"):
        trucks.create_truck(
            session,
            actor=other.owner,
            fields=trucks.TruckFields(name="Copycat", slug=beach.slug),
        )


async def test_the_order_api_refuses_an_archived_truck(
    app_engine: Engine,  # noqa: F811
    session: Session,
    world: factories.World,
    beach: Truck,
):
    archive(session, world, beach)
    body = {
        "lines": [{"item_id": world.menu.fries.id}],
        "customer_name": "Sam",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": "archived-truck-1",
    }
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        refused = await client.post(f"/api/trucks/{beach.slug}/orders", json=body)
        unknown = await client.post("/api/trucks/no-such-truck/orders", json=body)
        trading = await client.post(f"/api/trucks/{world.truck.slug}/orders", json=body)

    assert (refused.status_code, refused.json()) == (
        409,
        {"error": "Beach Truck is not taking orders."},
    )
    assert unknown.status_code == 404
    assert trading.status_code == 201
    with Session(app_engine) as fresh:
        placed = fresh.exec(select(Order.truck_id)).all()
    assert placed == [world.truck.id]


def test_an_order_placed_as_the_truck_is_archived_is_refused(
    session: Session, engine: Engine, world: factories.World, beach: Truck
):
    """The order was checked against the truck as it was read; the Owner archived it before the
    order took its number: the number is taken under the truck's lock, which sees the archive."""
    read_before = session.get(Truck, beach.id)
    with Session(engine) as owner_session:
        trucks.archive_truck(owner_session, actor=world.owner, truck_id=beach.id)
        owner_session.commit()
    assert read_before.archived is False  # what the order's own unit of work still holds

    with pytest.raises(NotTakingOrders, match="Beach Truck is not taking orders"):
        factories.place(session, world=world, truck=read_before)
    session.rollback()
    assert session.exec(select(func.count()).select_from(Order)).one() == 0
