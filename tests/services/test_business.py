"""Business details, the first-run set-up and role changes on the owner pages."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cliqmenu.models import AuditEvent, Business, Role, StaffMember, StaffSession, StaffStatus
from cliqmenu.services import business as business_service
from cliqmenu.services import first_run, money, staff
from cliqmenu.services.business import BusinessDetails
from cliqmenu.services.errors import Conflict, DomainError, Forbidden
from tests import factories


def details(**changes) -> BusinessDetails:
    values = dict(
        name="Cliq Tacos",
        currency="AUD",
        timezone="Australia/Sydney",
        gst_registered=True,
        card_surcharge="2.5",
        online_surcharge="3",
        logo_url="",
    )
    values.update(changes)
    return BusinessDetails(**values)


@pytest.mark.parametrize(
    ("typed", "basis_points"),
    [("0", 0), ("", 0), ("2.5", 250), ("2.50 %", 250), ("10", 1000), ("0.01", 1), ("3%", 300)],
)
def test_percent_is_read_as_basis_points(typed, basis_points):
    assert business_service.parse_percent(typed, what="The surcharge") == basis_points


@pytest.mark.parametrize("typed", ["10.01", "11", "-1", "2.555", "abc", "1e1", "2,5"])
def test_bad_surcharge_is_refused_with_a_clear_message(typed):
    with pytest.raises(DomainError, match="Card at Counter surcharge"):
        business_service.validate(details(card_surcharge=typed))


def test_percent_text_round_trips():
    assert [money.percent_text(bp) for bp in (0, 250, 300, 1000, 1)] == [
        "0",
        "2.5",
        "3",
        "10",
        "0.01",
    ]


def test_owner_saves_details_and_the_change_is_audited(session: Session, world):
    saved = business_service.update_business(
        session,
        actor=world.owner,
        details=details(
            name="  Cliq   Tacos & Co ",
            currency="nzd",
            timezone="Pacific/Auckland",
            gst_registered=False,
            card_surcharge="1.75",
            online_surcharge="0",
            logo_url="https://example.com/logo.png",
        ),
    )
    session.commit()
    assert (saved.name, saved.currency, saved.timezone, saved.gst_registered) == (
        "Cliq Tacos & Co",
        "NZD",
        "Pacific/Auckland",
        False,
    )
    assert (saved.card_surcharge_bp, saved.online_surcharge_bp) == (175, 0)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "business.updated")).one()
    assert event.before["card_surcharge_bp"] == 250 and event.after["card_surcharge_bp"] == 175


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "Enter the business name"),
        ({"name": "x" * 121}, "at most 120"),
        ({"online_surcharge": "12"}, "Online surcharge must be between 0% and 10%"),
        ({"currency": "XYZ"}, "Choose a currency"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"logo_url": "javascript:alert(1)"}, "web address"),
    ],
)
def test_bad_details_write_nothing(session: Session, world, changes, message):
    with pytest.raises(DomainError, match=message):
        business_service.update_business(session, actor=world.owner, details=details(**changes))
    session.rollback()
    fresh = session.get(Business, world.business.id)
    session.refresh(fresh)
    assert fresh.card_surcharge_bp == 250 and fresh.name == "Cliq Tacos"


def test_only_the_owner_changes_business_details(session: Session, world):
    with pytest.raises(Forbidden):
        business_service.update_business(session, actor=world.manager, details=details())


def setup_request(**changes) -> first_run.SetupRequest:
    values = dict(
        business_name="Fresh Start Foods",
        owner_name="Ola Owner",
        email="Ola@Example.com",
        password="long-enough-1",
        password_again="long-enough-1",
    )
    values.update(changes)
    return first_run.SetupRequest(**values)


def test_first_run_creates_the_business_and_an_active_owner_then_closes(session: Session):
    assert first_run.needs_setup(session)
    owner = first_run.set_up(session, request=setup_request())
    session.commit()
    assert owner.role == Role.OWNER and owner.status == StaffStatus.ACTIVE
    assert owner.email == "ola@example.com"
    assert session.get(Business, owner.business_id).name == "Fresh Start Foods"
    assert staff.sign_in(session, email="ola@example.com", password="long-enough-1").member
    assert not first_run.needs_setup(session)
    with pytest.raises(Conflict, match="already set up"):
        first_run.set_up(session, request=setup_request(email="second@example.com"))


def test_first_run_in_new_zealand_charges_its_gst_and_writes_its_amounts(session: Session):
    owner = first_run.set_up(session, request=setup_request(country="NZ", currency="NZD"))
    session.commit()
    business = session.get(Business, owner.business_id)
    assert (business.country, business.currency) == ("NZ", "NZD")
    assert money.tax_bp_for(business.country, business.gst_registered) == 1_500


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country": "US"}, "country the business trades in"),
        ({"business_name": ""}, "business name"),
        ({"owner_name": " "}, "Enter your name"),
        ({"email": "not-an-email"}, "valid email"),
        ({"password": "short", "password_again": "short"}, "at least 8"),
        ({"password_again": "something-else"}, "do not match"),
    ],
)
def test_first_run_validates_and_writes_nothing(session: Session, changes, message):
    with pytest.raises(DomainError, match=message):
        first_run.set_up(session, request=setup_request(**changes))
    session.rollback()
    assert first_run.needs_setup(session)
    assert session.exec(select(StaffMember)).first() is None


def test_first_run_is_closed_when_a_business_exists(session: Session, world):
    assert not first_run.needs_setup(session)
    with pytest.raises(Conflict):
        first_run.set_up(session, request=setup_request())


def test_change_role_ends_the_members_sessions(session: Session, world):
    token = staff.open_session(session, member=world.manager).token
    session.commit()
    changed = staff.change_role(
        session, actor=world.owner, staff_id=world.manager.id, role=Role.KITCHEN_STAFF
    )
    session.commit()
    assert changed.role == Role.KITCHEN_STAFF
    assert staff.member_for_token(session, token) is None
    assert session.exec(
        select(AuditEvent).where(AuditEvent.action == "staff.role_changed")
    ).one().after == {"role": "kitchen_staff"}
    rows = session.exec(select(StaffSession).where(StaffSession.staff_id == world.manager.id))
    assert all(row.revoked_at is not None for row in rows)


def test_change_role_rules(session: Session, world):
    with pytest.raises(Forbidden):
        staff.change_role(
            session, actor=world.manager, staff_id=world.kitchen.id, role=Role.ORDER_MANAGER
        )
    with pytest.raises(DomainError, match="Owner's role"):
        staff.change_role(
            session, actor=world.owner, staff_id=world.owner.id, role=Role.KITCHEN_STAFF
        )
    with pytest.raises(DomainError, match="Order Manager or Kitchen Staff"):
        staff.change_role(session, actor=world.owner, staff_id=world.kitchen.id, role=Role.OWNER)
    other = factories.make_world(session, business_name="Other Eats")
    with pytest.raises(DomainError, match="No such staff member"):
        staff.change_role(
            session, actor=other.owner, staff_id=world.kitchen.id, role=Role.ORDER_MANAGER
        )


SECRET = "sk_test_51Habcdefghijklmnop4242"
WEBHOOK = "whsec_abcdefghijklmnop9876"


def test_owner_connects_stripe_and_only_a_masked_key_is_audited(session: Session, world):
    from cliqmenu.services.business import StripeKeys, disconnect_stripe, masked, set_stripe_keys

    business = set_stripe_keys(
        session,
        actor=world.owner,
        keys=StripeKeys(
            secret_key=f" {SECRET} ", publishable_key="pk_test_abcdefghij", webhook_secret=WEBHOOK
        ),
    )
    session.commit()
    assert (business.stripe_secret_key, business.stripe_webhook_secret) == (SECRET, WEBHOOK)
    assert masked(SECRET) == "sk_test_…4242"
    # Empty fields keep what is saved: a new webhook secret alone can be set.
    set_stripe_keys(
        session, actor=world.owner, keys=StripeKeys(webhook_secret="whsec_zzzzzzzzzzzz0000")
    )
    assert business.stripe_secret_key == SECRET
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "business.stripe_connected")
    ).all()
    assert all(SECRET not in str(e.after) + str(e.before) for e in events)
    disconnect_stripe(session, actor=world.owner)
    assert business.stripe_secret_key is None and business.stripe_webhook_secret is None


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (
            {"secret_key": "pk_test_abcdefghij", "webhook_secret": WEBHOOK},
            "not a Stripe secret key",
        ),
        ({"secret_key": SECRET}, "webhook signing secret"),
        (
            {"secret_key": SECRET, "webhook_secret": WEBHOOK, "publishable_key": "sk_x"},
            "publishable",
        ),
        (
            {
                "secret_key": SECRET,
                "webhook_secret": WEBHOOK,
                "publishable_key": "pk_live_abcdefghij",
            },
            "both be test keys",
        ),
    ],
)
def test_bad_stripe_keys_are_refused(session: Session, world, keys, message):
    from cliqmenu.services.business import StripeKeys, set_stripe_keys

    with pytest.raises(DomainError, match=message):
        set_stripe_keys(session, actor=world.owner, keys=StripeKeys(**keys))
    with pytest.raises(Forbidden):
        set_stripe_keys(
            session, actor=world.manager, keys=StripeKeys(secret_key=SECRET, webhook_secret=WEBHOOK)
        )
