"""Every change is recorded: who, what, when, before and after (the changes that wrote nothing
before: item ticks, cancel acknowledgements, notes, menu moves, invitations sent again)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from cliqmenu.models import AuditEvent, Role, Stage
from cliqmenu.services import lifecycle, menu_admin, staff
from cliqmenu.services.orders import order_lines
from tests.factories import line, place


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.flush()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
    return list(session.exec(query))


def _accepted(session: Session, world, **changes):
    order = place(session, world=world, lines=[line(world.menu.fries), line(world.menu.fries)])
    return lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=lifecycle.AcceptChanges(prep_minutes=10, **changes),
    )


def test_ticks_and_unticks_are_recorded_with_who_and_the_item(session, world):
    order = _accepted(session, world)
    first = order_lines(session, order.id)[0]

    for done in (True, True, False):  # the second tick changes nothing: no event
        lifecycle.tick_line(
            session, actor=world.kitchen, order_id=order.id, line_id=first.id, done=done
        )

    ticked, unticked = (
        _events(session, "order.item_ticked"),
        _events(session, "order.item_unticked"),
    )
    assert [(e.order_id, e.actor_id, e.before["done"], e.after["done"]) for e in ticked] == [
        (order.id, world.kitchen.id, False, True)
    ]
    assert [(e.after["item"], e.after["done"]) for e in unticked] == [("Fries", False)]


def test_a_cancel_acknowledgement_is_recorded_once(session, world):
    order = _accepted(session, world)
    lifecycle.cancel(
        session, actor=world.manager, order_id=order.id, expected=Stage.IN_PROGRESS, reason="Gone"
    )

    lifecycle.acknowledge_cancel(session, actor=world.kitchen, order_id=order.id)
    lifecycle.acknowledge_cancel(session, actor=world.kitchen, order_id=order.id)

    [event] = _events(session, "order.cancel_acknowledged")
    assert (event.order_id, event.actor_id, event.after) == (
        order.id,
        world.kitchen.id,
        {"cancel_acknowledged": True},
    )


def test_kitchen_and_internal_notes_are_recorded_at_accept(session, world):
    order = _accepted(session, world, kitchen_note="No salt", internal_note="Regular")

    [event] = _events(session, "order.changed")
    assert event.order_id == order.id
    assert (event.before["kitchen_note"], event.after["kitchen_note"]) == ("", "No salt")
    assert (event.before["internal_note"], event.after["internal_note"]) == ("", "Regular")


def test_moving_menu_rows_is_recorded(session, world):
    menu_admin.move_item(session, actor=world.owner, item_id=world.menu.fries.id, direction=-1)
    menu_admin.move_item(session, actor=world.owner, item_id=world.menu.fries.id, direction=-1)

    # Fries goes from second to first; at the top already, the second move changes nothing.
    [event] = _events(session, "menu.item.moved")
    assert (event.after["name"], event.before["place"], event.after["place"]) == ("Fries", 2, 1)
    assert event.actor_id == world.owner.id


def test_sending_an_invitation_again_is_recorded(session, world):
    member, _link = staff.invite(
        session, actor=world.owner, email="nina@example.com", name="Nina", role=Role.KITCHEN_STAFF
    )
    staff.resend_invitation(session, actor=world.owner, staff_id=member.id)

    [event] = _events(session, "staff.invitation_resent")
    assert (event.actor_id, event.after["email"]) == (world.owner.id, "nina@example.com")
