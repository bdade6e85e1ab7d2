"""Placing orders: checked against the effective menu, priced on the server, exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from cliqmenu.models import (
    AuditEvent,
    DiningMethod,
    ItemStock,
    OptionStock,
    Order,
    OrderLine,
    OrderSource,
    OutboxEmail,
    PaymentMethod,
    Role,
    Stage,
    TruckItemOverride,
    TruckOptionOverride,
    utcnow,
)
from cliqmenu.services import orders
from cliqmenu.services.errors import DomainError, Forbidden
from cliqmenu.services.menu import service_date
from tests.factories import World, line, make_member, make_truck, order_request, place


def _count(session: Session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _place(session: Session, world: World, *lines, **kwargs):
    return orders.place_order(
        session,
        truck=kwargs.pop("truck", world.truck),
        request=order_request(lines=list(lines), **kwargs),
        source=OrderSource.CUSTOMER,
    )


def test_order_is_priced_on_the_server_with_option_deltas(session, world):
    menu = world.menu
    order, created = _place(
        session,
        world,
        line(menu.burger, menu.chicken, menu.bacon, quantity=2, note="  no onion "),
        line(menu.fries),
    )

    assert created
    # (12.00 + 1.50 + 2.50) x 2 + 5.00 = 37.00; cash has no surcharge; GST 37.00 / 11 = 3.36.
    assert (order.subtotal_cents, order.surcharge_cents, order.total_cents) == (3_700, 0, 3_700)
    assert order.gst_cents == 336
    assert order.stage == Stage.RECEIVED
    lines = orders.order_lines(session, order.id)
    assert [(ln.name, ln.unit_price_cents, ln.quantity, ln.line_total_cents) for ln in lines] == [
        ("Burger", 1_600, 2, 3_200),
        ("Fries", 500, 1, 500),
    ]
    assert [(o["group"], o["name"], o["price_delta_cents"]) for o in lines[0].options] == [
        ("Patty", "Chicken", 150),
        ("Extras", "Bacon", 250),
    ]
    assert lines[0].note == "no onion"
    assert lines[0].allergens == ["gluten", "milk"]


def test_card_order_carries_the_card_surcharge(session, world):
    order, _ = _place(
        session,
        world,
        line(world.menu.fries, quantity=4),
        payment_method=PaymentMethod.CARD_AT_COUNTER,
    )

    # 2.5% of $20.00.
    assert (order.surcharge_bp, order.surcharge_cents, order.total_cents) == (250, 50, 2_050)


def test_truck_override_prices_are_used_and_snapshotted(session, world):
    menu = world.menu
    session.add(
        TruckItemOverride(truck_id=world.truck.id, item_id=menu.burger.id, price_cents=1_350)
    )
    session.add(
        TruckOptionOverride(truck_id=world.truck.id, option_id=menu.bacon.id, price_delta_cents=300)
    )
    other_truck = make_truck(session, business=world.business, name="Burger Bus")

    here, _ = _place(session, world, line(menu.burger, menu.beef, menu.bacon))
    there, _ = _place(session, world, line(menu.burger, menu.beef, menu.bacon), truck=other_truck)

    assert here.subtotal_cents == 1_350 + 300
    assert there.subtotal_cents == 1_200 + 250
    # A later menu edit never changes an order already placed.
    menu.burger.price_cents = 9_900
    session.flush()
    assert orders.order_lines(session, here.id)[0].unit_price_cents == 1_650


def test_same_idempotency_key_returns_the_same_order(session, world):
    request = order_request(lines=[line(world.menu.fries)], idempotency_key="tap-once-1234")

    first, created_first = orders.place_order(
        session, truck=world.truck, request=request, source=OrderSource.CUSTOMER
    )
    second, created_second = orders.place_order(
        session, truck=world.truck, request=request, source=OrderSource.CUSTOMER
    )

    assert (created_first, created_second) == (True, False)
    assert second.id == first.id
    assert _count(session, Order) == 1


@pytest.mark.parametrize("key", ["short", "x" * 101, "        "])
def test_idempotency_key_must_be_8_to_100_characters(session, world, key):
    with pytest.raises(DomainError, match="idempotency_key must be 8 to 100 characters"):
        _place(session, world, line(world.menu.fries), idempotency_key=key)


def test_order_numbers_count_up_per_truck_and_service_day(session, world, monkeypatch):
    other_truck = make_truck(session, business=world.business, name="Burger Bus")

    numbers = [place(session, world=world).number for _ in range(3)]
    other_numbers = [place(session, world=world, truck=other_truck).number for _ in range(2)]
    today = service_date(session, world.truck)

    tomorrow = utcnow() + dt.timedelta(days=1)
    monkeypatch.setattr(orders, "utcnow", lambda: tomorrow)
    next_day = place(session, world=world)

    assert numbers == [1, 2, 3]
    assert other_numbers == [1, 2]
    assert next_day.number == 1
    assert next_day.service_date == today + dt.timedelta(days=1)


def test_out_of_stock_item_is_refused_by_name(session, world):
    session.add(ItemStock(truck_id=world.truck.id, item_id=world.menu.fries.id, out_of_stock=True))
    session.flush()

    with pytest.raises(DomainError, match=r"^Sorry, Fries is out of stock\.$"):
        _place(session, world, line(world.menu.burger, world.menu.beef), line(world.menu.fries))
    assert _count(session, Order) == 0


def test_item_out_for_today_only_is_back_on_the_next_day(session, world, monkeypatch):
    today = service_date(session, world.truck)
    session.add(
        ItemStock(
            truck_id=world.truck.id,
            item_id=world.menu.fries.id,
            out_of_stock=True,
            back_on=today + dt.timedelta(days=1),
        )
    )
    session.flush()
    with pytest.raises(DomainError, match="Fries is out of stock"):
        _place(session, world, line(world.menu.fries))

    tomorrow = utcnow() + dt.timedelta(days=1)
    monkeypatch.setattr("cliqmenu.services.menu.utcnow", lambda: tomorrow)
    order, _ = _place(session, world, line(world.menu.fries))
    assert order.subtotal_cents == 500


def test_out_of_stock_option_is_refused_by_name(session, world):
    menu = world.menu
    session.add(OptionStock(truck_id=world.truck.id, option_id=menu.bacon.id, out_of_stock=True))
    session.flush()

    with pytest.raises(DomainError, match=r"^Sorry, Bacon \(Burger\) is out of stock\.$"):
        _place(session, world, line(menu.burger, menu.beef, menu.bacon))
    order, _ = _place(session, world, line(menu.burger, menu.beef, menu.cheese))
    assert order.subtotal_cents == 1_300


@pytest.mark.parametrize(
    ("choose", "message"),
    [
        ([], "Choose at least 1 for Patty (Burger)."),
        (["cheese"], "Choose at least 1 for Patty (Burger)."),
        (["beef", "tofu"], "Choose at most 1 for Patty (Burger)."),
        (["beef", "cheese", "bacon", "egg"], "Choose at most 2 for Extras (Burger)."),
        (["beef", "beef"], "An option of Burger was chosen twice."),
    ],
)
def test_customization_rules_are_enforced(session, world, choose, message):
    options = [getattr(world.menu, name) for name in choose]

    with pytest.raises(DomainError) as error:
        _place(session, world, line(world.menu.burger, *options))
    assert str(error.value) == message


def test_option_of_another_item_is_refused(session, world):
    with pytest.raises(DomainError, match="is not available for Fries"):
        _place(session, world, line(world.menu.fries, world.menu.cheese))


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_quantity_must_be_between_1_and_99(session, world, quantity):
    with pytest.raises(DomainError, match="Quantity of Fries must be between 1 and 99"):
        _place(session, world, line(world.menu.fries, quantity=quantity))


def test_unknown_item_is_refused_and_nothing_is_written(session, world):
    before = [_count(session, table) for table in (Order, OrderLine, AuditEvent, OutboxEmail)]

    with pytest.raises(DomainError, match="Item 987654 is not on this truck's menu."):
        _place(
            session,
            world,
            line(world.menu.fries),
            orders.LineRequest(item_id=987_654),
            customer_email="sam@example.com",
        )
    session.commit()

    after = [_count(session, table) for table in (Order, OrderLine, AuditEvent, OutboxEmail)]
    assert after == before


def test_item_not_offered_at_this_truck_is_refused(session, world):
    session.add(
        TruckItemOverride(truck_id=world.truck.id, item_id=world.menu.fries.id, offered=False)
    )
    session.flush()

    with pytest.raises(DomainError, match="not on this truck's menu"):
        _place(session, world, line(world.menu.fries))


def test_empty_order_is_refused(session, world):
    with pytest.raises(DomainError, match="at least one item"):
        _place(session, world)


def test_customer_name_is_required(session, world):
    with pytest.raises(DomainError, match="Enter the customer's name."):
        _place(session, world, line(world.menu.fries), customer_name="   ")


def test_payment_method_the_truck_does_not_offer_is_refused(session, world):
    world.truck.accepts_card = False
    session.flush()

    with pytest.raises(DomainError, match=r"^Card at Counter is not offered at Taco Truck\.$"):
        _place(session, world, line(world.menu.fries), payment_method=PaymentMethod.CARD_AT_COUNTER)


def test_online_payment_needs_the_business_stripe_connection(session, world):
    world.truck.accepts_online = True
    session.flush()
    with pytest.raises(DomainError, match="Online is not offered at Taco Truck"):
        _place(session, world, line(world.menu.fries), payment_method=PaymentMethod.ONLINE)

    world.business.stripe_secret_key = "sk_test_123"
    session.flush()
    order, _ = _place(
        session,
        world,
        line(world.menu.fries),
        payment_method=PaymentMethod.ONLINE,
        customer_email="sam@example.com",
    )

    # It reaches the Received tab only once the payment is confirmed; no email until then.
    assert order.stage == Stage.AWAITING_PAYMENT
    assert (order.surcharge_cents, order.total_cents) == (15, 515)
    assert _count(session, OutboxEmail) == 0


def test_busy_truck_refuses_customer_orders_but_not_walk_ins(session, world):
    world.truck.busy_until = utcnow() + dt.timedelta(minutes=15)
    session.flush()

    with pytest.raises(DomainError, match="Taco Truck is not taking new orders right now"):
        place(session, world=world)
    walk_in = place(session, world=world, source=OrderSource.WALK_IN, actor=world.manager)
    assert walk_in.stage == Stage.IN_PROGRESS


def test_walk_in_goes_straight_to_in_progress_with_a_promised_time(session, world):
    walk_in = place(
        session,
        world=world,
        source=OrderSource.WALK_IN,
        actor=world.manager,
        prep_minutes=15,
        dining_method=DiningMethod.DINE_IN,
        payment_method=PaymentMethod.CARD_AT_COUNTER,
    )

    assert walk_in.stage == Stage.IN_PROGRESS
    assert walk_in.prep_minutes == 15
    assert walk_in.accepted_at is not None
    assert walk_in.promised_at == walk_in.placed_at + dt.timedelta(minutes=15)
    assert walk_in.surcharge_cents == 30  # 2.5% of $12.00
    event = session.exec(select(AuditEvent).where(AuditEvent.order_id == walk_in.id)).one()
    assert (event.action, event.actor_id, event.actor_label) == (
        "order.placed",
        world.manager.id,
        "Mia (Order Manager)",
    )


def test_walk_in_without_a_prep_time_uses_the_truck_default(session, world):
    walk_in = place(session, world=world, source=OrderSource.WALK_IN, actor=world.manager)

    assert walk_in.prep_minutes == world.truck.default_prep_minutes == 10


@pytest.mark.parametrize("minutes", [-5, 181])
def test_walk_in_prep_time_must_be_sensible(session, world, minutes):
    with pytest.raises(DomainError, match="Prep time must be between 1 and 180 minutes."):
        place(
            session,
            world=world,
            source=OrderSource.WALK_IN,
            actor=world.manager,
            prep_minutes=minutes,
        )


def test_walk_in_takes_portions_at_once(session, world):
    session.add(ItemStock(truck_id=world.truck.id, item_id=world.menu.fries.id, portions_left=5))
    session.flush()

    place(
        session,
        world=world,
        lines=[line(world.menu.fries, quantity=2)],
        source=OrderSource.WALK_IN,
        actor=world.manager,
    )

    stock = session.exec(select(ItemStock).where(ItemStock.item_id == world.menu.fries.id)).one()
    assert (stock.portions_left, stock.out_of_stock) == (3, False)


def test_kitchen_staff_cannot_create_walk_ins(session, world):
    with pytest.raises(Forbidden):
        place(session, world=world, source=OrderSource.WALK_IN, actor=world.kitchen)
    with pytest.raises(Forbidden):
        place(session, world=world, source=OrderSource.WALK_IN, actor=None)
    assert _count(session, Order) == 0


def test_walk_in_needs_a_member_of_that_truck(session, world):
    limited = make_member(
        session,
        business=world.business,
        role=Role.ORDER_MANAGER,
        trucks=(make_truck(session, business=world.business, name="Burger Bus"),),
    )

    with pytest.raises(DomainError, match="You do not work at Taco Truck."):
        place(session, world=world, source=OrderSource.WALK_IN, actor=limited)


def test_walk_in_is_paid_at_the_counter(session, world):
    world.truck.accepts_online = True
    world.business.stripe_secret_key = "sk_test_123"
    session.flush()

    with pytest.raises(DomainError, match="choose Cash or Card at Counter"):
        place(
            session,
            world=world,
            source=OrderSource.WALK_IN,
            actor=world.manager,
            payment_method=PaymentMethod.ONLINE,
        )


def test_confirmation_email_is_queued_only_when_an_email_is_given(session, world):
    with_email = place(session, world=world, customer_email=" Sam@Example.com")
    place(session, world=world)

    emails = session.exec(select(OutboxEmail)).all()
    assert [(e.kind, e.to) for e in emails] == [("order_confirmation", "sam@example.com")]
    assert f"order #{with_email.number} received" in emails[0].subject
    assert "$12.00" in emails[0].body_text
    assert f"/o/{with_email.public_id}" in emails[0].body_text


def test_invalid_customer_email_is_refused(session, world):
    with pytest.raises(DomainError, match="Enter a valid email address."):
        place(session, world=world, customer_email="sam@")


def test_order_at_an_unknown_truck_slug(session, world):
    assert orders.truck_by_slug(session, world.truck.slug).id == world.truck.id
    with pytest.raises(DomainError, match="No truck called 'nope'."):
        orders.truck_by_slug(session, "nope")


def test_control_characters_are_refused_with_a_message_and_nothing_is_written(session, world):
    from cliqmenu.models import Order
    from cliqmenu.services.errors import DomainError

    before = len(session.exec(select(Order)).all())
    with pytest.raises(DomainError, match="customer name contains characters"):
        place(session, world=world, customer_name="Sam\x00")
    with pytest.raises(DomainError, match="Enter a valid email"):
        place(session, world=world, customer_email="sam\x00@example.com")
    assert len(session.exec(select(Order)).all()) == before
