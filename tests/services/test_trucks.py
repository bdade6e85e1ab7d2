"""Trucks on the owner pages: validation, unique URL, payment methods, busy pause."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from cliqmenu.models import AuditEvent, PaymentMethod, Truck, utcnow
from cliqmenu.services import trucks
from cliqmenu.services.errors import Conflict, DomainError, Forbidden, NotFound
from cliqmenu.services.trucks import TruckFields
from tests import factories


def fields(**changes) -> TruckFields:
    values = dict(
        name="Beach Truck",
        slug="beach-truck",
        accepts_cash=True,
        accepts_card=True,
        accepts_online=False,
        default_prep_minutes=12,
        kds_amber_percent=70,
        kds_red_percent=110,
        timezone="",
    )
    values.update(changes)
    return TruckFields(**values)


def test_owner_adds_a_truck(session: Session, world):
    truck = trucks.create_truck(session, actor=world.owner, fields=fields(slug=" Beach-Truck "))
    session.commit()
    assert (truck.slug, truck.default_prep_minutes, truck.kds_amber_percent) == (
        "beach-truck",
        12,
        70,
    )
    assert truck.timezone is None and truck.business_id == world.business.id
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "truck.created")).one()


def test_suggested_slug_is_url_safe():
    assert trucks.suggest_slug("Smoky Bros (CBD) — Café!") == "smoky-bros-cbd-caf"
    assert trucks.normalize_slug(trucks.suggest_slug("  Taco  Truck ")) == "taco-truck"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Enter the truck's name"),
        ({"slug": "ab"}, "3 to 64 characters"),
        ({"slug": "beach truck"}, "lowercase letters"),
        ({"slug": "beach--truck"}, "single dashes"),
        ({"slug": "-beach"}, "single dashes"),
        ({"slug": "café"}, "lowercase letters"),
        (
            {"accepts_cash": False, "accepts_card": False, "accepts_online": False},
            "at least one payment method",
        ),
        (
            {"accepts_cash": False, "accepts_card": False, "accepts_online": True},
            "Stripe",
        ),
        ({"default_prep_minutes": 0}, "1 to 180 minutes"),
        ({"default_prep_minutes": 181}, "1 to 180 minutes"),
        ({"default_prep_minutes": "ten"}, "whole number"),
        ({"kds_amber_percent": 5}, "amber threshold must be 10%"),
        ({"kds_red_percent": 301}, "red threshold must be 20%"),
        ({"kds_amber_percent": 100, "kds_red_percent": 100}, "before the red"),
        ({"timezone": "Nowhere/Town"}, "not a time zone"),
        ({"low_portions_at": -1}, "must be 0 to 99 portions"),
        ({"low_portions_at": 100}, "must be 0 to 99 portions"),
        ({"low_portions_at": "few"}, "whole number"),
    ],
)
def test_bad_truck_settings_are_refused(session: Session, world, changes, message, monkeypatch):
    monkeypatch.delenv("CLIQMENU_STRIPE_SECRET_KEY", raising=False)  # no installation keys
    with pytest.raises(DomainError, match=message):
        trucks.create_truck(session, actor=world.owner, fields=fields(**changes))
    session.rollback()
    assert session.exec(select(Truck).where(Truck.name == "Beach Truck")).first() is None


def test_the_low_portions_warning_is_the_trucks_own_and_audited(session: Session, world):
    trucks.update_truck(
        session,
        actor=world.owner,
        truck_id=world.truck.id,
        fields=fields(slug=world.truck.slug, low_portions_at=2),
    )
    session.flush()

    assert world.truck.low_portions_at == 2
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "truck.updated")).one()
    assert (event.before["low_portions_at"], event.after["low_portions_at"]) == (5, 2)


def test_online_only_is_allowed_once_stripe_is_connected(session: Session, world):
    world.business.stripe_secret_key = "sk_test_123"
    truck = trucks.create_truck(
        session,
        actor=world.owner,
        fields=fields(accepts_cash=False, accepts_card=False, accepts_online=True),
    )
    assert (truck.accepts_cash, truck.accepts_card, truck.accepts_online) == (False, False, True)


def test_slug_is_unique_across_every_business(session: Session, world):
    with pytest.raises(Conflict, match="taken"):
        trucks.create_truck(session, actor=world.owner, fields=fields(slug=world.truck.slug))
    other = factories.make_world(session, business_name="Other Eats")
    with pytest.raises(Conflict, match="taken"):
        trucks.create_truck(
            session, actor=other.owner, fields=fields(slug=world.truck.slug.upper())
        )


def test_edit_keeps_its_own_slug_and_refuses_another(session: Session, world):
    second = trucks.create_truck(session, actor=world.owner, fields=fields())
    session.commit()
    edited = trucks.update_truck(
        session,
        actor=world.owner,
        truck_id=second.id,
        fields=fields(name="Beach Truck 2", accepts_card=False, timezone="Australia/Perth"),
    )
    session.commit()
    assert (edited.name, edited.slug, edited.accepts_card, edited.timezone) == (
        "Beach Truck 2",
        "beach-truck",
        False,
        "Australia/Perth",
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "truck.updated")).one()
    assert event.before["accepts_card"] is True and event.after["accepts_card"] is False
    with pytest.raises(Conflict):
        trucks.update_truck(
            session, actor=world.owner, truck_id=second.id, fields=fields(slug=world.truck.slug)
        )
    session.rollback()
    assert session.get(Truck, second.id).slug == "beach-truck"


def test_last_payment_method_cannot_be_turned_off(session: Session, world):
    with pytest.raises(DomainError, match="at least one payment method"):
        trucks.update_truck(
            session,
            actor=world.owner,
            truck_id=world.truck.id,
            fields=fields(slug=world.truck.slug, accepts_cash=False, accepts_card=False),
        )


def test_only_the_owner_edits_and_only_their_own_trucks(session: Session, world):
    with pytest.raises(Forbidden):
        trucks.create_truck(session, actor=world.manager, fields=fields())
    other = factories.make_world(session, business_name="Other Eats")
    with pytest.raises(NotFound):
        trucks.update_truck(session, actor=other.owner, truck_id=world.truck.id, fields=fields())


def test_busy_pause_stops_customer_orders_until_resumed(session: Session, world):
    paused = trucks.pause_orders(session, actor=world.owner, truck_id=world.truck.id, minutes=30)
    session.commit()
    assert trucks.is_busy(paused)
    left = paused.busy_until - utcnow()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)
    with pytest.raises(DomainError, match="not taking new orders"):
        factories.place(session, world=world)
    session.rollback()
    resumed = trucks.resume_orders(session, actor=world.manager, truck_id=world.truck.id)
    session.commit()
    assert resumed.busy_until is None and not trucks.is_busy(resumed)
    assert factories.place(session, world=world, payment_method=PaymentMethod.CASH_AT_COUNTER)
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "truck.paused" in actions and "truck.resumed" in actions


def test_busy_pause_bounds_and_roles(session: Session, world):
    for minutes in (0, 4, 241):
        with pytest.raises(DomainError, match="5 to 240 minutes"):
            trucks.pause_orders(
                session, actor=world.owner, truck_id=world.truck.id, minutes=minutes
            )
    with pytest.raises(Forbidden):
        trucks.pause_orders(session, actor=world.kitchen, truck_id=world.truck.id, minutes=15)
    elsewhere = factories.make_truck(session, business=world.business, name="Elsewhere")
    limited = factories.make_member(
        session, business=world.business, role=world.manager.role, trucks=(elsewhere,)
    )
    with pytest.raises(NotFound):
        trucks.pause_orders(session, actor=limited, truck_id=world.truck.id, minutes=15)
