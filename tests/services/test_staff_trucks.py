"""The Owner limits an Order Manager or Kitchen Staff member to some trucks, or lets them work
at every truck; the limit holds from the member's next action."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cliqmenu.models import AuditEvent, Order, StaffTruck, Stage, Truck
from cliqmenu.services import lifecycle, staff, trucks
from cliqmenu.services.errors import DomainError, Forbidden, NotFound
from tests import factories


@pytest.fixture
def beach(session: Session, world: factories.World) -> Truck:
    truck = factories.make_truck(session, business=world.business, name="Beach Truck")
    session.commit()
    return truck


def limit(session: Session, world: factories.World, member, *chosen: Truck | int | None):
    ids = None if chosen == (None,) else [t if isinstance(t, int) else t.id for t in chosen]
    staff.set_trucks(session, actor=world.owner, staff_id=member.id, truck_ids=ids)
    session.commit()


def test_a_limited_member_works_only_at_the_trucks_chosen(session, world, beach):
    limit(session, world, world.kitchen, beach)

    assert [t.id for t in staff.trucks_for(session, world.kitchen)] == [beach.id]
    assert staff.truck_for(session, world.kitchen, world.truck.id).id == beach.id
    assert staff.chosen_trucks(session, world.kitchen) == [beach.id]
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "staff.trucks_changed")
    ).one()
    assert (event.before, event.after) == (
        {"email": world.kitchen.email, "trucks": "all"},
        {"email": world.kitchen.email, "trucks": [beach.id]},
    )
    assert event.actor_id == world.owner.id

    limit(session, world, world.kitchen, None)
    assert {t.id for t in staff.trucks_for(session, world.kitchen)} == {world.truck.id, beach.id}
    assert session.exec(select(StaffTruck)).all() == []


def test_the_limit_holds_from_the_members_next_action(session, world, beach):
    order = factories.place(session, world=world)
    session.commit()
    limit(session, world, world.manager, beach)

    with pytest.raises(NotFound, match="No such order."):
        lifecycle.accept(
            session,
            actor=world.manager,
            order_id=order.id,
            changes=lifecycle.AcceptChanges(prep_minutes=10),
        )
    session.rollback()
    assert session.get(Order, order.id).stage == Stage.RECEIVED

    limit(session, world, world.manager, world.truck, beach)
    accepted = lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10),
    )
    assert accepted.stage == Stage.IN_PROGRESS


def test_saving_the_same_trucks_again_records_nothing(session, world, beach):
    limit(session, world, world.manager, beach, world.truck)
    limit(session, world, world.manager, world.truck, beach, beach)
    limit(session, world, world.kitchen, None)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "staff.trucks_changed")
    ).all()
    assert len(events) == 1
    assert events[0].after["trucks"] == sorted([world.truck.id, beach.id])


def test_an_empty_choice_is_refused(session, world, beach):
    limit(session, world, world.kitchen, beach)
    with pytest.raises(DomainError, match="Choose at least one truck, or All trucks"):
        staff.set_trucks(session, actor=world.owner, staff_id=world.kitchen.id, truck_ids=[])
    session.rollback()
    assert staff.chosen_trucks(session, world.kitchen) == [beach.id]


def test_a_truck_of_another_business_or_an_archived_one_is_refused(session, world, beach):
    other = factories.make_world(session, business_name="Other Eats")
    second = factories.make_truck(session, business=world.business, name="Second")
    session.commit()
    trucks.archive_truck(session, actor=world.owner, truck_id=second.id)
    session.commit()

    for forged in ([other.truck.id], [beach.id, other.truck.id], [second.id], [987654321]):
        with pytest.raises(NotFound, match="No such truck"):
            staff.set_trucks(
                session, actor=world.owner, staff_id=world.kitchen.id, truck_ids=forged
            )
        session.rollback()
    assert session.exec(select(StaffTruck)).all() == []
    assert not session.exec(
        select(AuditEvent).where(AuditEvent.action == "staff.trucks_changed")
    ).first()


def test_only_the_owner_sets_trucks_and_only_for_their_own_staff(session, world, beach):
    for member in (world.manager, world.kitchen):
        with pytest.raises(Forbidden):
            staff.set_trucks(session, actor=member, staff_id=world.kitchen.id, truck_ids=[beach.id])
    other = factories.make_world(session, business_name="Other Eats")
    session.commit()
    with pytest.raises(NotFound, match="No such staff member"):
        staff.set_trucks(
            session, actor=other.owner, staff_id=world.kitchen.id, truck_ids=[other.truck.id]
        )
    with pytest.raises(DomainError, match="The Owner works at every truck"):
        staff.set_trucks(session, actor=world.owner, staff_id=world.owner.id, truck_ids=[beach.id])
    session.rollback()
    assert session.exec(select(StaffTruck)).all() == []


def test_a_member_whose_only_truck_is_archived_is_told_to_ask_the_owner(session, world, beach):
    limit(session, world, world.kitchen, beach)
    trucks.archive_truck(session, actor=world.owner, truck_id=beach.id)
    session.commit()

    assert staff.trucks_for(session, world.kitchen) == []
    with pytest.raises(NotFound, match="not set to work at any truck right now. Ask the owner"):
        staff.truck_for(session, world.kitchen, None)
    limits = staff.truck_limits(session, business_id=world.business.id)
    assert [t.id for t in limits[world.kitchen.id]] == [beach.id]
    # History still reaches the archived truck's orders for who worked there.
    assert [t.id for t in staff.trucks_for(session, world.kitchen, including_archived=True)] == [
        beach.id
    ]
