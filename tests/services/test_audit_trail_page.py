"""The Owner's audit page: the trail filtered by order, member, kind and day, and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from cliqmenu.models import AuditEvent, Stage
from cliqmenu.services import audit_trail, lifecycle, stock
from cliqmenu.services.audit_trail import TrailFilter
from cliqmenu.services.errors import DomainError, Forbidden
from tests.factories import World, line, make_world, place


def _day_of_orders(session: Session, world: World):
    first = place(session, world=world, lines=[line(world.menu.fries)])
    second = place(session, world=world, lines=[line(world.menu.fries)])
    lifecycle.accept(
        session,
        actor=world.manager,
        order_id=first.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10),
    )
    lifecycle.reject(session, actor=world.owner, order_id=second.id, reason="Closing")
    stock.set_portions(
        session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, portions=9
    )
    session.flush()
    return first, second


def _actions(session: Session, world: World, **where) -> list[str]:
    entries = audit_trail.trail(session, actor=world.owner, where=TrailFilter(**where))
    return [e.event.action for e in entries]


def test_the_trail_filters_by_order_member_kind_and_day(session, world):
    first, second = _day_of_orders(session, world)
    today = dt.datetime.now(ZoneInfo(world.business.timezone)).date()

    assert _actions(session, world, order_number=first.number) == [
        "order.accepted",
        "order.placed",
    ]
    assert _actions(session, world, member_id=world.owner.id) == ["order.rejected"]
    assert _actions(session, world, kind="stock") == ["stock.portions"]
    assert len(_actions(session, world, day=today)) == len(_actions(session, world))
    assert _actions(session, world, day=today - dt.timedelta(days=1)) == []
    entries = audit_trail.trail(
        session, actor=world.owner, where=TrailFilter(order_number=second.number, day=today)
    )
    assert {(e.order_number, e.truck_name) for e in entries} == {(second.number, "Taco Truck")}


def test_newest_first_and_only_the_owners_own_business(session, world):
    _day_of_orders(session, world)
    _day_of_orders(session, make_world(session, business_name="Bravo Burgers"))
    events = audit_trail.trail(session, actor=world.owner, where=TrailFilter())
    ids = [e.event.id for e in events]
    assert ids == sorted(ids, reverse=True)
    assert {e.event.business_id for e in events} == {world.business.id}

    with pytest.raises(Forbidden):
        audit_trail.trail(session, actor=world.manager, where=TrailFilter())
    with pytest.raises(DomainError, match="Choose a kind of change"):
        audit_trail.trail(session, actor=world.owner, where=TrailFilter(kind="secrets"))


def test_order_numbers_are_typed_as_people_write_them():
    assert audit_trail.parse_order_number(" #12 ") == 12
    assert audit_trail.parse_order_number("") is None
    for bad in ("twelve", "-3", "1e3", "1234567"):
        with pytest.raises(DomainError, match="Type an order number"):
            audit_trail.parse_order_number(bad)


def test_the_csv_has_every_row_with_before_and_after_and_no_formulas(session, world):
    world.truck.name = "=Danger Truck"
    first, _second = _day_of_orders(session, world)
    zone = ZoneInfo(world.business.timezone)

    text = audit_trail.trail_csv(
        audit_trail.trail(session, actor=world.owner, where=TrailFilter()), zone
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == audit_trail.CSV_HEADER
    accepted = next(r for r in rows if r[2] == "order.accepted")
    assert accepted[1] == f"{world.manager.name} (Order Manager)"
    assert accepted[3] == f"#{first.number}"
    assert accepted[4] == "'=Danger Truck"
    assert '"stage": "in_progress"' in accepted[6]
    assert len(rows) - 1 == len(session.exec(select(AuditEvent)).all())


def test_changes_are_told_in_one_line():
    assert (
        audit_trail.changes_text(
            {"stage": "received", "truck_id": 1}, {"stage": "in_progress", "truck_id": 1}
        )
        == "stage: received → in_progress"
    )
    assert audit_trail.changes_text({}, {"item": "Fries", "done": True}) == "item: Fries; done: yes"


def test_a_stage_label_is_not_needed_to_read_the_trail(session, world):
    order = place(session, world=world)
    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Closed")
    session.flush()
    [rejected] = [
        e
        for e in audit_trail.trail(session, actor=world.owner, where=TrailFilter())
        if e.event.action == "order.rejected"
    ]
    assert rejected.event.after["stage"] == Stage.REJECTED.value
    assert rejected.event.reason == "Closed"
