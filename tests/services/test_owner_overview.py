"""The Owner's overview, built without Reflex: the first steps left and each truck's day."""

from __future__ import annotations

from sqlmodel import select

from cliqmenu.models import MenuItem, Role
from cliqmenu.views.owner_overview import owner_overview
from tests import factories


def test_a_new_business_sees_every_first_step_to_go(session):
    business = factories.make_business(session, name="Fresh Start")
    owner = factories.make_member(session, business=business, role=Role.OWNER)
    session.commit()

    view = owner_overview(session, actor=owner)

    assert view.business_name == "Fresh Start"
    assert [s.done for s in view.steps] == [False] * 5
    assert view.steps_left == 5
    assert view.today == []


def test_steps_done_and_todays_orders_per_truck(session, world):
    factories.place(session, world=world)
    session.commit()

    view = owner_overview(session, actor=world.owner)

    done = {s.title: s.done for s in view.steps}
    assert done == {
        "Check your business details": False,
        "Add a truck": True,
        "Build your menu": True,
        "Invite your team": True,
        "Take a first order": True,
    }
    assert view.steps_left == 1
    (truck,) = view.today
    assert (truck.name, truck.orders) == (world.truck.name, 1)


def test_an_archived_menu_is_not_a_menu(session, world):
    for item in session.exec(select(MenuItem)).all():
        item.archived = True
        session.add(item)
    session.commit()

    view = owner_overview(session, actor=world.owner)

    assert {s.title: s.done for s in view.steps}["Build your menu"] is False
