"""The order lifecycle: stage moves by role, compare-and-set, audit, emails and portions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from cliqmenu.models import (
    AuditEvent,
    DiningMethod,
    DiscountKind,
    Order,
    OutboxEmail,
    PaymentMethod,
    PaymentStatus,
    Role,
    StaffMember,
    Stage,
)
from cliqmenu.services import lifecycle
from cliqmenu.services.errors import Conflict, DomainError, Forbidden, NotFound
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.orders import order_lines
from tests.factories import World, line, make_member, make_truck, make_world, place, to_stage


def _accept(session: Session, order: Order, actor: StaffMember, **changes) -> Order:
    changes.setdefault("prep_minutes", 12)
    return lifecycle.accept(
        session, actor=actor, order_id=order.id, changes=AcceptChanges(**changes)
    )


def _actions(session: Session, order: Order) -> list[str]:
    query = (
        select(AuditEvent.action)
        .where(AuditEvent.order_id == order.id)
        .order_by(col(AuditEvent.id))
    )
    return list(session.exec(query))


def _to_stage(session: Session, world: World, order: Order, stage: Stage) -> Order:
    """Walk an order forward to ``stage`` as the manager would."""
    return to_stage(session, world, order, stage)


def test_accept_moves_the_order_to_the_kitchen_with_a_promised_time(session, world):
    order = place(session, world=world)

    accepted = _accept(session, order, world.manager, prep_minutes=12, kitchen_note=" extra hot ")

    assert accepted.stage == Stage.IN_PROGRESS
    assert accepted.prep_minutes == 12
    promised_after = accepted.promised_at - accepted.accepted_at
    assert abs(promised_after - dt.timedelta(minutes=12)) < dt.timedelta(seconds=1)
    assert accepted.kitchen_note == "extra hot"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "order.accepted")).one()
    assert (event.actor_label, event.before, event.after) == (
        "Mia (Order Manager)",
        {"stage": "received"},
        {"stage": "in_progress"},
    )


def test_accept_works_on_rows_loaded_by_a_new_request(session, world, engine):
    order = place(session, world=world)
    session.commit()

    with Session(engine, expire_on_commit=False) as request:
        manager = request.get(StaffMember, world.manager.id)
        accepted = _accept(request, order, manager)
        request.commit()

    with Session(engine) as request:
        stored = request.get(Order, order.id)
        assert stored.stage == Stage.IN_PROGRESS
        assert stored.stage.label == "In Progress"
        assert accepted.stage == Stage.IN_PROGRESS


def test_accept_with_a_payment_change_and_discount_recomputes_from_scratch(session, world):
    order = place(
        session,
        world=world,
        lines=[line(world.menu.fries, quantity=4)],
        payment_method=PaymentMethod.CARD_AT_COUNTER,
    )
    assert (order.surcharge_cents, order.total_cents) == (50, 2_050)

    _accept(
        session,
        order,
        world.manager,
        payment_method=PaymentMethod.CASH_AT_COUNTER,
        dining_method=DiningMethod.DINE_IN,
        discount_kind=DiscountKind.PERCENT,
        discount_value=1_000,
    )

    # 10% off $20.00, no surcharge for cash; GST 18.00 / 11 = 1.636 -> 1.64.
    assert (order.discount_cents, order.surcharge_bp, order.surcharge_cents) == (200, 0, 0)
    assert (order.total_cents, order.gst_cents) == (1_800, 164)
    assert order.dining_method == DiningMethod.DINE_IN
    changed = session.exec(select(AuditEvent).where(AuditEvent.action == "order.changed")).one()
    assert changed.before["payment_method"] == "card_at_counter"
    assert changed.before["total_cents"] == 2_050
    assert changed.after["payment_method"] == "cash_at_counter"
    assert changed.after["total_cents"] == 1_800


def test_card_surcharge_is_on_the_discounted_amount(session, world):
    order = place(
        session,
        world=world,
        lines=[line(world.menu.fries, quantity=4)],
        payment_method=PaymentMethod.CARD_AT_COUNTER,
    )

    _accept(session, order, world.manager, discount_kind=DiscountKind.AMOUNT, discount_value=500)

    # 2.5% of $15.00 = 37.5c -> 38c.
    assert (order.discount_cents, order.surcharge_cents, order.total_cents) == (500, 38, 1_538)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"discount_kind": DiscountKind.AMOUNT, "discount_value": 1_201}, "more than the subtotal"),
        ({"discount_kind": DiscountKind.AMOUNT, "discount_value": -1}, "cannot be negative"),
        ({"discount_kind": DiscountKind.PERCENT, "discount_value": 10_001}, "at most 100%"),
        ({"payment_method": PaymentMethod.ONLINE}, "Online payment is made by the customer"),
        ({"prep_minutes": 0}, "Prep time must be between 1 and 180 minutes"),
        ({"kitchen_note": "x" * 501}, "kitchen note is too long \\(at most 500 characters\\)"),
        ({"internal_note": "gate\x00code"}, "internal note contains characters that cannot"),
    ],
)
def test_accept_refuses_bad_changes_and_leaves_the_order_alone(session, world, changes, message):
    order = place(session, world=world)

    with pytest.raises(DomainError, match=message):
        _accept(session, order, world.manager, **changes)
    assert (order.stage, order.total_cents, order.payment_method) == (
        Stage.RECEIVED,
        1_200,
        PaymentMethod.CASH_AT_COUNTER,
    )
    assert "order.accepted" not in _actions(session, order)


def test_paid_order_keeps_its_payment_method(session, world):
    order = place(session, world=world, payment_method=PaymentMethod.CARD_AT_COUNTER)
    order.payment_status = PaymentStatus.PAID

    with pytest.raises(DomainError, match="already paid; its payment method cannot change"):
        _accept(session, order, world.manager, payment_method=PaymentMethod.CASH_AT_COUNTER)


def test_a_whole_order_journey_is_recorded(session, world):
    order = place(session, world=world)

    _accept(session, order, world.manager)
    lifecycle.advance(session, actor=world.kitchen, order_id=order.id, expected=Stage.IN_PROGRESS)
    lifecycle.advance(session, actor=world.manager, order_id=order.id, expected=Stage.COOKING_DONE)
    lifecycle.advance(
        session,
        actor=world.owner,
        order_id=order.id,
        expected=Stage.READY_FOR_PICKUP,
        deliver_unpaid=True,  # a counter order nobody marked paid: the owner confirmed it
    )

    assert order.stage == Stage.DELIVERED
    assert order.accepted_at <= order.cooking_done_at <= order.ready_at <= order.delivered_at
    assert _actions(session, order) == [
        "order.placed",
        "order.accepted",
        "order.cooking_done",
        "order.ready_for_pickup",
        "order.delivered",
        "order.delivered_unpaid",
    ]


def test_accepting_twice_is_a_conflict_naming_who_accepted(session, world):
    order = place(session, world=world)
    _accept(session, order, world.manager)

    with pytest.raises(Conflict) as error:
        _accept(session, order, world.owner)

    assert str(error.value) == f"Order #{order.number} is already In Progress by Mia."
    assert _actions(session, order).count("order.accepted") == 1


def test_a_stale_screen_cannot_move_an_order_again(session, world):
    order = _to_stage(session, world, place(session, world=world), Stage.COOKING_DONE)

    with pytest.raises(Conflict, match="already Cooking Done"):
        lifecycle.advance(
            session, actor=world.kitchen, order_id=order.id, expected=Stage.IN_PROGRESS
        )
    with pytest.raises(Conflict, match="already Cooking Done"):
        lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="late")


def test_reject_from_in_progress_is_refused(session, world):
    order = place(session, world=world)
    _accept(session, order, world.manager)

    with pytest.raises(Conflict, match=r"^Order #1 is already In Progress by Mia\.$"):
        lifecycle.reject(session, actor=world.owner, order_id=order.id, reason="sold out")
    assert order.stage == Stage.IN_PROGRESS


def test_advance_from_received_says_to_accept(session, world):
    order = place(session, world=world)

    with pytest.raises(DomainError, match=r"^Use Accept for a Received order\.$"):
        lifecycle.advance(session, actor=world.manager, order_id=order.id, expected=Stage.RECEIVED)


def test_delivered_is_final(session, world):
    order = _to_stage(session, world, place(session, world=world), Stage.DELIVERED)
    manager = world.manager

    with pytest.raises(DomainError, match=r"^An order that is Delivered cannot move forward\.$"):
        lifecycle.advance(session, actor=manager, order_id=order.id, expected=Stage.DELIVERED)
    with pytest.raises(DomainError, match=r"^An order that is Delivered cannot be stepped back\.$"):
        lifecycle.step_back(session, actor=manager, order_id=order.id, expected=Stage.DELIVERED)
    with pytest.raises(DomainError, match=r"^An order that is Delivered cannot be cancelled\.$"):
        lifecycle.cancel(
            session, actor=manager, order_id=order.id, expected=Stage.DELIVERED, reason="oops"
        )
    with pytest.raises(Conflict, match="already Delivered"):
        lifecycle.reject(session, actor=manager, order_id=order.id, reason="oops")
    with pytest.raises(Conflict, match="already Delivered"):
        lifecycle.cancel(
            session, actor=manager, order_id=order.id, expected=Stage.IN_PROGRESS, reason="oops"
        )
    assert order.stage == Stage.DELIVERED


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_cancel_need_a_reason(session, world, reason):
    order = place(session, world=world)

    with pytest.raises(DomainError, match=r"^Give a reason\.$"):
        lifecycle.reject(session, actor=world.manager, order_id=order.id, reason=reason)
    with pytest.raises(DomainError, match=r"^Give a reason\.$"):
        lifecycle.cancel(
            session, actor=world.manager, order_id=order.id, expected=Stage.RECEIVED, reason=reason
        )
    assert order.stage == Stage.RECEIVED


def test_reject_closes_the_order_with_its_reason(session, world):
    order = place(session, world=world)

    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason=" Out of buns ")

    assert (order.stage, order.close_reason, order.refund_needed) == (
        Stage.REJECTED,
        "Out of buns",
        False,
    )
    assert order.closed_at is not None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "order.rejected")).one()
    assert event.reason == "Out of buns"


def test_kitchen_staff_cannot_accept_reject_or_cancel(session, world):
    order = place(session, world=world)

    with pytest.raises(Forbidden):
        _accept(session, order, world.kitchen)
    with pytest.raises(Forbidden):
        lifecycle.reject(session, actor=world.kitchen, order_id=order.id, reason="no")
    with pytest.raises(Forbidden):
        lifecycle.cancel(
            session, actor=world.kitchen, order_id=order.id, expected=Stage.RECEIVED, reason="no"
        )
    assert order.stage == Stage.RECEIVED


def test_kitchen_bumps_and_recalls_but_goes_no_further(session, world):
    order = place(session, world=world)
    _accept(session, order, world.manager)
    kitchen = world.kitchen

    lifecycle.advance(session, actor=kitchen, order_id=order.id, expected=Stage.IN_PROGRESS)
    assert order.stage == Stage.COOKING_DONE and order.cooking_done_at is not None

    with pytest.raises(Forbidden):
        lifecycle.advance(session, actor=kitchen, order_id=order.id, expected=Stage.COOKING_DONE)

    lifecycle.step_back(session, actor=kitchen, order_id=order.id, expected=Stage.COOKING_DONE)
    assert order.stage == Stage.IN_PROGRESS and order.cooking_done_at is None
    assert _actions(session, order)[-1] == "order.recalled"

    with pytest.raises(Forbidden):
        lifecycle.step_back(session, actor=kitchen, order_id=order.id, expected=Stage.IN_PROGRESS)


def test_manager_undo_steps_back_one_stage(session, world):
    order = _to_stage(session, world, place(session, world=world), Stage.READY_FOR_PICKUP)

    lifecycle.step_back(
        session, actor=world.manager, order_id=order.id, expected=Stage.READY_FOR_PICKUP
    )
    assert (order.stage, order.ready_at) == (Stage.COOKING_DONE, None)

    with pytest.raises(Conflict, match="already Cooking Done"):
        lifecycle.step_back(
            session, actor=world.manager, order_id=order.id, expected=Stage.READY_FOR_PICKUP
        )


def test_undoing_an_accept_returns_the_order_to_received(session, world):
    order = place(session, world=world)
    _accept(session, order, world.manager)

    lifecycle.step_back(session, actor=world.manager, order_id=order.id, expected=Stage.IN_PROGRESS)

    assert (order.stage, order.accepted_at, order.promised_at) == (Stage.RECEIVED, None, None)
    assert _actions(session, order)[-1] == "order.undone"


def test_step_back_from_received_is_refused(session, world):
    order = place(session, world=world)

    with pytest.raises(DomainError, match="An order that is Received cannot be stepped back."):
        lifecycle.step_back(
            session, actor=world.manager, order_id=order.id, expected=Stage.RECEIVED
        )


@pytest.mark.parametrize(
    "stage", [Stage.RECEIVED, Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP]
)
def test_cancelling_a_paid_order_marks_it_for_refund(session, world, stage):
    order = _to_stage(session, world, place(session, world=world), stage)
    order.payment_status = PaymentStatus.PAID

    lifecycle.cancel(
        session, actor=world.manager, order_id=order.id, expected=stage, reason="Customer left"
    )

    assert (order.stage, order.refund_needed, order.close_reason) == (
        Stage.CANCELLED,
        True,
        "Customer left",
    )
    # The kitchen must acknowledge a cancellation of an order it had seen.
    assert order.cancel_acknowledged is (stage == Stage.RECEIVED)


def test_cancelling_an_unpaid_order_needs_no_refund(session, world):
    order = place(session, world=world)

    lifecycle.cancel(
        session, actor=world.manager, order_id=order.id, expected=Stage.RECEIVED, reason="Dup"
    )

    assert (order.stage, order.refund_needed) == (Stage.CANCELLED, False)


def test_rejecting_a_paid_order_marks_it_for_refund(session, world):
    order = place(session, world=world)
    order.payment_status = PaymentStatus.PAID

    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Closing")

    assert order.refund_needed is True


def test_kitchen_acknowledges_a_cancelled_order(session, world):
    order = _to_stage(session, world, place(session, world=world), Stage.IN_PROGRESS)
    lifecycle.cancel(
        session, actor=world.manager, order_id=order.id, expected=Stage.IN_PROGRESS, reason="Left"
    )
    assert order.cancel_acknowledged is False

    lifecycle.acknowledge_cancel(session, actor=world.kitchen, order_id=order.id)

    assert order.cancel_acknowledged is True


def test_ready_for_pickup_emails_the_customer_who_gave_an_email(session, world):
    with_email = place(session, world=world, customer_email="sam@example.com")
    without = place(session, world=world, customer_name="Alex")

    for order in (with_email, without):
        _to_stage(session, world, order, Stage.READY_FOR_PICKUP)

    ready = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "ready_for_pickup")).all()
    assert [e.to for e in ready] == ["sam@example.com"]
    assert f"order #{with_email.number} is ready for pickup" in ready[0].subject
    assert "Taco Truck" in ready[0].body_text


def test_member_of_another_business_does_not_see_the_order(session, world):
    order = place(session, world=world)
    stranger = make_world(session, business_name="Other Eats").manager

    with pytest.raises(NotFound, match="No such order."):
        _accept(session, order, stranger)
    with pytest.raises(NotFound):
        lifecycle.cancel(
            session, actor=stranger, order_id=order.id, expected=Stage.RECEIVED, reason="x"
        )
    assert order.stage == Stage.RECEIVED


def test_member_limited_to_another_truck_cannot_move_the_order(session, world):
    order = place(session, world=world)
    limited = make_member(
        session,
        business=world.business,
        role=Role.ORDER_MANAGER,
        trucks=(make_truck(session, business=world.business, name="Burger Bus"),),
    )

    with pytest.raises(NotFound, match="No such order."):
        _accept(session, order, limited)


def test_kitchen_ticks_items_done_while_in_progress(session, world):
    order = place(
        session,
        world=world,
        lines=[line(world.menu.burger, world.menu.beef), line(world.menu.fries)],
    )
    other = place(session, world=world)
    _accept(session, order, world.manager)
    lines = order_lines(session, order.id)

    lifecycle.tick_line(
        session, actor=world.kitchen, order_id=order.id, line_id=lines[0].id, done=True
    )
    assert [ln.done for ln in order_lines(session, order.id)] == [True, False]

    foreign = order_lines(session, other.id)[0]
    with pytest.raises(DomainError, match="That item is not on this order."):
        lifecycle.tick_line(
            session, actor=world.kitchen, order_id=order.id, line_id=foreign.id, done=True
        )
    lifecycle.advance(session, actor=world.kitchen, order_id=order.id, expected=Stage.IN_PROGRESS)
    with pytest.raises(Conflict, match="already Cooking Done"):
        lifecycle.tick_line(
            session, actor=world.kitchen, order_id=order.id, line_id=lines[1].id, done=True
        )
