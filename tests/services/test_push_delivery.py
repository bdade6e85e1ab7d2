"""Web Push, server side: real pywebpush requests to a push service double on 127.0.0.1.

Each test holds its devices' private keys (tests/push_service.py) and decrypts what arrived, as
the browser would.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu import cli, db
from cliqmenu.models import (
    Order,
    OrderSource,
    PaymentMethod,
    PushKey,
    PushMessage,
    PushStatus,
    PushSubscription,
    Role,
    StaffMember,
    StaffSession,
    Stage,
    utcnow,
)
from cliqmenu.payments import GatewayError
from cliqmenu.payments.gateway import CheckoutSessionInfo
from cliqmenu.push_delivery import deliver_due
from cliqmenu.services import lifecycle, notifications, payments, refunds, staff
from cliqmenu.services.errors import DomainError
from cliqmenu.services.lifecycle import AcceptChanges
from tests import factories
from tests.payments.support import online_order, pay_without_stripe
from tests.push_service import Browser, PushService

MINUTE = dt.timedelta(minutes=1)


def sign_in_device(session: Session, member: StaffMember, device: str = "Pixel 8") -> int:
    """A fresh signed-in session of ``member``; its id."""
    signed_in = staff.open_session(session, member=member, device=device)
    session.flush()
    return staff_session(session, signed_in.token).id


def staff_session(session: Session, token: str) -> StaffSession:
    rows = session.exec(select(StaffSession).order_by(StaffSession.id.desc())).all()
    return next(row for row in rows if row.token_hash == staff._hash_token(token))


def turn_on(session: Session, member: StaffMember, browser: Browser, truck=None) -> int:
    """``member`` turns notifications on for ``browser`` at ``truck``; the session id."""
    session_id = sign_in_device(session, member)
    notifications.turn_on_for_staff(
        session,
        member=member,
        session_id=session_id,
        truck=truck or staff.truck_for(session, member, None),
        subscription=browser.subscription(),
    )
    session.commit()
    return session_id


def deliver(engine: Engine, *, at: dt.datetime | None = None):
    return deliver_due(engine=engine, now=at)


def devices(engine: Engine) -> list[PushSubscription]:
    with Session(engine) as session:
        return list(session.exec(select(PushSubscription)))


def test_a_new_order_rings_each_manager_device_of_its_truck_once_and_no_one_else(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone, tablet = push.browser("mia-phone"), push.browser("mia-tablet")
    owner_laptop = push.browser("olive")
    turn_on(session, world.manager, phone)
    turn_on(session, world.manager, tablet)
    turn_on(session, world.owner, owner_laptop)
    with pytest.raises(DomainError, match="Your role gets no notifications"):
        turn_on(session, world.kitchen, push.browser("kai"))
    session.rollback()
    other = factories.make_world(session, business_name="Other Eats")
    other_phone = push.browser("other-manager")
    turn_on(session, other.manager, other_phone, truck=other.truck)

    order = factories.place(session, world=world, customer_name="Sam")
    session.commit()
    report = deliver(engine)

    assert report.sent == 3
    assert push.to(other_phone) == [] and push.to(push.browser("kai")) == []
    for browser in (phone, tablet, owner_laptop):
        (arrival,) = push.to(browser)
        shown = browser.read(arrival)
        assert shown["title"] == "New order · Taco Truck"
        assert shown["body"] == "#1 Sam · Takeaway · $12.00"
        assert shown["url"] == f"/manage?order={order.id}"
        assert shown["tag"] == f"received-{world.truck.id}"
        assert shown["badge"] == 1 and shown["vibrate"] == [400, 150, 400, 150, 400]
        assert isinstance(shown["id"], int)
        assert "card" not in str(shown).lower()
        # Delivery you can trust: an hour to live, high urgency, aes128gcm for this device.
        assert arrival.headers["ttl"] == "3600" and arrival.headers["urgency"] == "high"
        assert arrival.headers["content-encoding"] == "aes128gcm"
        claims = arrival.vapid_claims()
        assert claims["aud"] == f"http://127.0.0.1:{push.port}"
        assert claims["sub"] == "mailto:notifications@localhost"
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    with Session(engine) as fresh:
        key = fresh.exec(select(PushKey)).one()
    assert push.to(phone)[0].vapid_public_key() == key.public_key
    assert deliver(engine).handled == 0  # sent once, not again


def test_orders_waiting_collapse_into_one_notification_with_their_count(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    factories.place(session, world=world, customer_name="Sam")
    factories.place(session, world=world, customer_name="Ana")
    session.commit()
    deliver(engine)
    (first,) = push.to(phone)
    shown = phone.read(first)
    assert shown["title"] == "2 orders waiting · Taco Truck"
    assert shown["body"] == "Newest: #2 Ana · Takeaway · $12.00"
    assert shown["url"] == "/manage" and shown["badge"] == 2

    factories.place(session, world=world, customer_name="Bo")
    session.commit()
    deliver(engine)
    assert [phone.read(a)["title"] for a in push.to(phone)][1] == "3 orders waiting · Taco Truck"
    assert {phone.read(a)["tag"] for a in push.to(phone)} == {f"received-{world.truck.id}"}


def test_walk_in_and_online_orders_ring_only_when_they_reach_received(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    world.truck.accepts_online = True
    world.business.stripe_secret_key = "sk_test_123"
    session.commit()
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    factories.place(session, world=world, payment_method=PaymentMethod.ONLINE)
    factories.place(
        session,
        world=world,
        source=OrderSource.WALK_IN,
        actor=world.manager,
        prep_minutes=5,
    )
    session.commit()
    assert deliver(engine).handled == 0


def test_an_online_payment_confirmed_rings_as_a_new_paid_order(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    world.truck.accepts_online = True
    world.business.stripe_secret_key = "sk_test_123"
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    order = factories.place(session, world=world, payment_method=PaymentMethod.ONLINE)
    session.commit()
    checkout = CheckoutSessionInfo(
        id="cs_test_1",
        url=None,
        status="complete",
        payment_status="paid",
        amount_total=order.total_cents,
        currency="aud",
        payment_intent_id="pi_test_1",
        client_reference_id=order.public_id,
    )
    payments.mark_paid(session, checkout=checkout, business_id=world.business.id, via="webhook")
    payments.mark_paid(session, checkout=checkout, business_id=world.business.id, via="return page")
    session.commit()
    deliver(engine)
    (arrival,) = push.to(phone)
    assert phone.read(arrival)["body"] == "#1 Sam · Takeaway · $12.36 · paid online"


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_forgotten(
    session: Session, engine: Engine, world: factories.World, push: PushService, status: int
):
    gone, kept = push.browser("old-phone"), push.browser("new-phone")
    turn_on(session, world.manager, gone)
    turn_on(session, world.manager, kept)
    push.answer(gone, status)
    factories.place(session, world=world)
    session.commit()

    report = deliver(engine)

    assert (report.gone, report.sent) == (1, 1)
    assert [device.endpoint for device in devices(engine)] == [kept.endpoint]
    with Session(engine) as fresh:
        assert len(fresh.exec(select(PushMessage)).all()) == 1


def test_a_busy_push_service_is_tried_again_later_and_the_push_arrives(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    push.answer(phone, 503, 429)
    factories.place(session, world=world)
    session.commit()
    start = utcnow()

    assert deliver(engine, at=start).retrying == 1
    assert deliver(engine, at=start + dt.timedelta(seconds=5)).handled == 0  # waits 10 s
    assert deliver(engine, at=start + dt.timedelta(seconds=11)).retrying == 1  # then 20 s
    assert deliver(engine, at=start + dt.timedelta(seconds=25)).handled == 0
    assert deliver(engine, at=start + dt.timedelta(seconds=32)).sent == 1

    arrivals = push.to(phone)
    assert len(arrivals) == 3
    assert len({phone.read(a)["id"] for a in arrivals}) == 1  # the same message each time
    with Session(engine) as fresh:
        message = fresh.exec(select(PushMessage)).one()
    assert (message.status, message.attempts, message.last_error) == (PushStatus.SENT, 3, "")


def test_a_push_that_never_gets_through_fails_after_the_last_attempt(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    push.answer(phone, 500, 500, 500)
    factories.place(session, world=world)
    session.commit()
    later = utcnow()
    for _ in range(3):
        deliver(engine, at=later)
        later += dt.timedelta(hours=1)
    with Session(engine) as fresh:
        message = fresh.exec(select(PushMessage)).one()
    assert message.status == PushStatus.FAILED
    assert message.last_error == "Push service answered 500"
    assert len(devices(engine)) == 1  # the device is not blamed for the service's trouble


def test_several_workers_send_each_push_once(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phones = [push.browser(f"phone-{n}") for n in range(6)]
    for phone in phones:
        turn_on(session, world.manager, phone)
    for _ in range(4):
        factories.place(session, world=world)
        session.commit()  # each order commits alone: four pushes per device
    with Session(engine) as fresh:
        stored = len(fresh.exec(select(PushMessage)).all())
    # Pending pushes of one tag are replaced while they wait: one per device.
    assert stored == 6

    threads = [threading.Thread(target=deliver, args=(engine,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(len(push.to(phone)) for phone in phones) == [1] * 6


def test_signing_out_disabling_and_a_new_role_silence_the_member_s_devices(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone, tablet = push.browser("phone"), push.browser("tablet")
    signed_in = staff.open_session(session, member=world.manager, device="phone")
    session.flush()
    row = staff_session(session, signed_in.token)
    notifications.turn_on_for_staff(
        session,
        member=world.manager,
        session_id=row.id,
        truck=world.truck,
        subscription=phone.subscription(),
    )
    turn_on(session, world.manager, tablet)
    staff.sign_out(session, token=signed_in.token)
    session.commit()
    assert [d.endpoint for d in devices(engine)] == [tablet.endpoint]

    staff.change_role(
        session, actor=world.owner, staff_id=world.manager.id, role=Role.KITCHEN_STAFF
    )
    session.commit()
    assert devices(engine) == []

    second = factories.make_member(session, business=world.business, role=Role.ORDER_MANAGER)
    turn_on(session, second, push.browser("second"))
    staff.set_enabled(session, actor=world.owner, staff_id=second.id, enabled=False)
    session.commit()
    assert devices(engine) == []


def test_an_ended_session_rings_no_more_even_before_it_is_cleaned_up(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("phone")
    session_id = turn_on(session, world.manager, phone)
    session.get(StaffSession, session_id).expires_at = utcnow() - MINUTE
    factories.place(session, world=world)
    session.commit()
    assert deliver(engine).handled == 0


def test_a_cancellation_the_kitchen_must_see_rings_the_managers(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    order = factories.place(session, world=world)
    early = factories.place(session, world=world)
    session.commit()
    deliver(engine)
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    lifecycle.cancel(
        session, actor=world.owner, order_id=early.id, expected=Stage.RECEIVED, reason="Dup"
    )
    lifecycle.cancel(
        session,
        actor=world.owner,
        order_id=order.id,
        expected=Stage.IN_PROGRESS,
        reason="Customer left",
    )
    session.commit()
    deliver(engine)
    (cancelled,) = [phone.read(a) for a in push.to(phone)[1:]]
    assert cancelled["title"] == "Order #1 Cancelled · Taco Truck"
    assert cancelled["body"] == "Was In Progress. Customer left"
    assert cancelled["url"] == f"/manage?order={order.id}"


def test_the_customer_hears_ready_for_pickup_and_then_nothing_more(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    customer = push.browser("sam")
    order = factories.place(session, world=world, customer_name="Sam")
    notifications.turn_on_for_order(session, order=order, subscription=customer.subscription())
    session.commit()
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    for stage in (Stage.IN_PROGRESS, Stage.COOKING_DONE):
        lifecycle.advance(session, actor=world.manager, order_id=order.id, expected=stage)
    session.commit()
    deliver(engine)
    (ready,) = push.to(customer)
    shown = customer.read(ready)
    assert shown["title"] == "Order #1 is Ready for Pickup"
    assert shown["body"] == "Collect it at Taco Truck."
    assert shown["url"] == f"/o/{order.public_id}"
    assert ready.headers["ttl"] == "1800"

    lifecycle.advance(
        session,
        actor=world.manager,
        order_id=order.id,
        expected=Stage.READY_FOR_PICKUP,
        deliver_unpaid=True,
    )
    session.commit()
    assert devices(engine) == []  # Delivered: the subscription is deleted


def test_a_rejected_customer_hears_why_and_the_device_is_then_forgotten(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    customer = push.browser("sam")
    order = factories.place(session, world=world)
    notifications.turn_on_for_order(session, order=order, subscription=customer.subscription())
    session.commit()
    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Out of buns")
    session.commit()
    assert len(devices(engine)) == 1  # kept until its last message is out
    deliver(engine)
    shown = customer.read(push.to(customer)[0])
    assert shown["title"] == "Order #1 was Rejected by Taco Truck"
    assert shown["body"] == "Out of buns"
    assert devices(engine) == []
    with pytest.raises(DomainError, match="no more news"):
        notifications.turn_on_for_order(
            session, order=session.get(Order, order.id), subscription=customer.subscription()
        )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.0.0.5/push/x",
        "https://169.254.169.254/latest",
        "https://evil.example.com/push",
        "ftp://127.0.0.1/push",
    ],
)
def test_a_subscription_naming_anything_but_a_push_service_is_refused(
    session: Session, world: factories.World, push: PushService, endpoint: str
):
    browser = push.browser("x")
    browser.endpoint = endpoint
    with pytest.raises(DomainError, match="cannot be used here"):
        turn_on(session, world.manager, browser)


def test_browsers_real_push_services_are_allowed_by_default(
    session: Session, world: factories.World
):
    browser = Browser(endpoint="https://fcm.googleapis.com/fcm/send/abc:def")
    turn_on(session, world.manager, browser)
    browser = Browser(endpoint="https://web.push.apple.com/QGx")
    turn_on(session, world.manager, browser)
    assert len(session.exec(select(PushSubscription)).all()) == 2


def test_rotating_the_key_forgets_every_device_and_pushes_are_signed_with_the_new_one(
    cli_database: None, configure: Callable[..., None], capsys
):
    configure(push_service_hosts="127.0.0.1")
    service = PushService().start()
    try:
        assert cli.main(["migrate"]) == 0
        engine = db.get_engine()
        with Session(engine, expire_on_commit=False) as session:
            world = factories.make_world(session)
            session.commit()
            old_phone, customer = service.browser("old"), service.browser("customer")
            turn_on(session, world.manager, old_phone)
            order = factories.place(session, world=world)
            notifications.turn_on_for_order(
                session, order=order, subscription=customer.subscription()
            )
            session.commit()
            old = notifications.vapid_key(session).public_key
        assert cli.main(["push-keys"]) == 0
        assert "2 device(s) subscribed with it" in capsys.readouterr().out

        assert cli.main(["push-keys", "--rotate"]) == 0
        said = capsys.readouterr().out
        assert "2 device(s) made for the old one were forgotten" in said
        assert "Turn on notifications again" in said
        assert devices(engine) == []  # and their waiting pushes with them
        assert deliver(engine).handled == 0
        with Session(engine, expire_on_commit=False) as session:
            new = notifications.vapid_key(session).public_key
            assert new != old and f"Public key (the pages' applicationServerKey): {new}" in said
            assert len(session.exec(select(PushKey)).all()) == 1
            # The device turned on again (the page re-subscribes with the new key).
            new_phone = service.browser("new")
            turn_on(session, session.get(StaffMember, world.manager.id), new_phone)
            factories.place(session, world=world)
            session.commit()
        assert deliver(engine).sent == 1
        assert service.to(new_phone)[0].vapid_public_key() == new
        assert service.to(old_phone) == []
    finally:
        service.stop()


def test_a_member_limited_to_another_truck_rings_no_more_for_this_one(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    beach = factories.make_truck(session, business=world.business, name="Beach")
    staff.set_trucks(session, actor=world.owner, staff_id=world.manager.id, truck_ids=[beach.id])
    factories.place(session, world=world)
    session.commit()
    assert deliver(engine).handled == 0
    staff.set_trucks(
        session, actor=world.owner, staff_id=world.manager.id, truck_ids=[beach.id, world.truck.id]
    )
    factories.place(session, world=world)
    session.commit()
    assert deliver(engine).sent == 1


def test_a_failed_refund_rings_the_managers_without_card_data(
    session: Session,
    engine: Engine,
    world: factories.World,
    push: PushService,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    phone = push.browser("mia")
    turn_on(session, world.manager, phone)
    order = pay_without_stripe(session, online_order(session, world))
    deliver(engine)
    refund, _ = refunds.request_refund(
        session,
        actor=world.manager,
        order_id=order.id,
        request=refunds.RefundRequest(request_id="req-will-fail", kind=refunds.FULL),
    )
    session.commit()
    refunds.apply_stripe_result(
        session, refund_id=refund.id, result=None, error=GatewayError("declined", definite=True)
    )
    session.commit()
    deliver(engine)
    shown = phone.read(push.to(phone)[-1])
    assert shown["kind"] == "refund_failed"
    assert shown["title"] == "Refund failed · order #1 · Taco Truck"
    assert shown["body"] == "$29.87 was not refunded."
    assert shown["url"] == f"/manage?order={order.id}"
    assert "pi_" not in str(shown) and "4242" not in str(shown)


def test_a_member_who_turns_notifications_off_on_a_device_hears_nothing_there(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    phone, tablet = push.browser("phone"), push.browser("tablet")
    turn_on(session, world.manager, phone)
    turn_on(session, world.manager, tablet)
    notifications.turn_off(session, endpoint=phone.endpoint, staff_id=world.owner.id)
    session.commit()
    assert len(devices(engine)) == 2  # only the member themselves turns their device off
    notifications.turn_off(session, endpoint=phone.endpoint, staff_id=world.manager.id)
    factories.place(session, world=world)
    session.commit()
    deliver(engine)
    assert push.to(phone) == [] and len(push.to(tablet)) == 1


def test_a_cancelled_customer_hears_why_and_the_device_is_then_forgotten(
    session: Session, engine: Engine, world: factories.World, push: PushService
):
    customer = push.browser("sam")
    order = factories.place(session, world=world)
    notifications.turn_on_for_order(session, order=order, subscription=customer.subscription())
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    lifecycle.cancel(
        session,
        actor=world.manager,
        order_id=order.id,
        expected=Stage.IN_PROGRESS,
        reason="The grill broke",
    )
    session.commit()
    deliver(engine)
    shown = customer.read(push.to(customer)[0])
    assert shown["title"] == "Order #1 was Cancelled by Taco Truck"
    assert shown["body"] == "The grill broke"
    assert devices(engine) == []
