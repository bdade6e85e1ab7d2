"""Staff identity: invitation links, passwords, sessions, enabling and disabling."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, select

from cliqmenu.models import (
    AuditEvent,
    Invitation,
    OutboxEmail,
    Role,
    StaffMember,
    StaffStatus,
    utcnow,
)
from cliqmenu.services import staff
from cliqmenu.services.errors import DomainError, Forbidden
from tests import factories

NEW_PASSWORD = "a-long-enough-password"
LINK = re.compile(r"(https?://\S+/invite\?token=(\S+))")


def _invite(session: Session, world: factories.World, **overrides) -> tuple[StaffMember, str]:
    values = {"email": "Nina@Example.com ", "name": "Nina", "role": Role.ORDER_MANAGER} | overrides
    return staff.invite(session, actor=world.owner, **values)


def _token(link: str) -> str:
    return link.split("token=", 1)[1]


def test_invitation_email_carries_a_single_use_sign_up_link(session, world, engine):
    member, link = _invite(session, world)
    session.commit()

    emails = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "invitation")).all()
    assert [e.to for e in emails] == ["nina@example.com"]
    assert "Cliq Tacos" in emails[0].subject
    found = LINK.search(emails[0].body_text)
    assert found and found.group(1) == link
    assert member.status == StaffStatus.INVITED
    session.commit()

    # The person opens the link in a new request.
    with Session(engine, expire_on_commit=False) as request:
        described = staff.describe_invitation(request, token=found.group(2))
        assert (described.email, described.name, described.role) == (
            "nina@example.com",
            "Nina",
            Role.ORDER_MANAGER,
        )
        accepted = staff.accept_invitation(request, token=found.group(2), password=NEW_PASSWORD)
        assert accepted.status == StaffStatus.ACTIVE
        assert accepted.accepted_at is not None
        request.commit()

    with Session(engine, expire_on_commit=False) as request:
        signed_in = staff.sign_in(request, email="nina@example.com", password=NEW_PASSWORD)
        assert signed_in.member.id == member.id
        with pytest.raises(DomainError, match="already been used"):
            staff.accept_invitation(request, token=found.group(2), password="another-password")
        with pytest.raises(DomainError, match="already been used"):
            staff.describe_invitation(request, token=found.group(2))


def test_invitation_link_past_its_time_is_refused(session, world, configure):
    configure(invite_valid_hours=-1)
    _, link = _invite(session, world)

    with pytest.raises(DomainError, match="expired"):
        staff.describe_invitation(session, token=_token(link))
    with pytest.raises(DomainError, match="expired"):
        staff.accept_invitation(session, token=_token(link), password=NEW_PASSWORD)


def test_invitation_row_past_its_time_is_refused(session, world):
    member, link = _invite(session, world)
    invitation = session.exec(select(Invitation).where(Invitation.staff_id == member.id)).one()
    invitation.expires_at = utcnow() - dt.timedelta(minutes=1)

    with pytest.raises(DomainError, match="expired. Ask the owner to resend it"):
        staff.accept_invitation(session, token=_token(link), password=NEW_PASSWORD)


def _flip_signature(token: str) -> str:
    header, claims, signature = token.split(".")
    # The first character carries six full bits of the signature (the last may be padding).
    return f"{header}.{claims}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize(
    "tamper",
    [
        _flip_signature,
        lambda token: token.split(".")[0] + ".e30." + token.split(".")[2],
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["signature", "claims", "garbage", "empty"],
)
def test_tampered_invitation_link_is_refused(session, world, tamper):
    member, link = _invite(session, world)

    with pytest.raises(DomainError, match="not valid"):
        staff.accept_invitation(session, token=tamper(_token(link)), password=NEW_PASSWORD)
    assert member.status == StaffStatus.INVITED


def test_resending_an_invitation_retires_the_earlier_link(session, world):
    member, first = _invite(session, world)
    second = staff.resend_invitation(session, actor=world.owner, staff_id=member.id)

    with pytest.raises(DomainError, match="already been used"):
        staff.describe_invitation(session, token=_token(first))
    assert staff.describe_invitation(session, token=_token(second)).id == member.id


def test_accepting_needs_a_long_enough_password_and_keeps_the_link_usable(session, world):
    _, link = _invite(session, world)

    with pytest.raises(DomainError, match="at least 8 characters"):
        staff.accept_invitation(session, token=_token(link), password="short")
    assert staff.accept_invitation(session, token=_token(link), password=NEW_PASSWORD)


def test_sign_in_gives_a_token_that_identifies_the_member(session, world, engine):
    signed_in = staff.sign_in(
        session, email=" MIA@cliq-tacos.example.com", password=factories.DEFAULT_PASSWORD
    )
    session.commit()

    assert signed_in.member.id == world.manager.id
    assert len(signed_in.token) >= 32
    with Session(engine) as request:
        assert staff.member_for_token(request, signed_in.token).id == world.manager.id
        assert staff.member_for_token(request, signed_in.token + "x") is None
        assert staff.member_for_token(request, None) is None


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("mia@cliq-tacos.example.com", "wrong-password"),
        ("nobody@cliq-tacos.example.com", factories.DEFAULT_PASSWORD),
        ("not an email", factories.DEFAULT_PASSWORD),
        ("mia@cliq-tacos.example.com", ""),
    ],
)
def test_failed_sign_in_says_the_same_thing_whatever_was_wrong(session, world, email, password):
    with pytest.raises(DomainError) as error:
        staff.sign_in(session, email=email, password=password)
    assert str(error.value) == staff.SIGN_IN_FAILED == "Email or password is not right."


def test_invited_member_cannot_sign_in_before_accepting(session, world):
    member, _ = _invite(session, world)

    with pytest.raises(DomainError, match="^Email or password is not right.$"):
        staff.sign_in(session, email=member.email, password="")


def test_sign_out_ends_that_session(session, world):
    signed_in = staff.sign_in(
        session, email=world.kitchen.email, password=factories.DEFAULT_PASSWORD
    )
    staff.sign_out(session, token=signed_in.token)

    assert staff.member_for_token(session, signed_in.token) is None


def test_disabling_ends_open_sessions_and_refuses_sign_in(session, world, engine):
    signed_in = staff.sign_in(
        session, email=world.kitchen.email, password=factories.DEFAULT_PASSWORD
    )
    session.commit()

    staff.set_enabled(session, actor=world.owner, staff_id=world.kitchen.id, enabled=False)
    session.commit()

    with Session(engine) as request:
        assert staff.member_for_token(request, signed_in.token) is None
        with pytest.raises(DomainError, match="access has been turned off"):
            staff.sign_in(request, email=world.kitchen.email, password=factories.DEFAULT_PASSWORD)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "staff.disabled")).all()
    assert [(e.before, e.after) for e in events] == [({"status": "active"}, {"status": "disabled"})]

    staff.set_enabled(session, actor=world.owner, staff_id=world.kitchen.id, enabled=True)
    assert staff.sign_in(session, email=world.kitchen.email, password=factories.DEFAULT_PASSWORD)
    # The old session stays ended.
    assert staff.member_for_token(session, signed_in.token) is None


def test_disabled_member_cannot_use_an_outstanding_invitation(session, world):
    member, link = _invite(session, world)
    staff.set_enabled(session, actor=world.owner, staff_id=member.id, enabled=False)

    with pytest.raises(DomainError, match="no longer valid"):
        staff.accept_invitation(session, token=_token(link), password=NEW_PASSWORD)


def test_owner_cannot_disable_themselves(session, world):
    with pytest.raises(DomainError, match="cannot disable your own account"):
        staff.set_enabled(session, actor=world.owner, staff_id=world.owner.id, enabled=False)


@pytest.mark.parametrize("who", ["manager", "kitchen"])
def test_only_the_owner_invites_and_disables(session, world, who):
    actor = getattr(world, who)

    with pytest.raises(Forbidden):
        staff.invite(session, actor=actor, email="x@example.com", name="X", role=Role.KITCHEN_STAFF)
    with pytest.raises(Forbidden):
        staff.set_enabled(session, actor=actor, staff_id=world.kitchen.id, enabled=False)
    assert (
        session.exec(select(StaffMember).where(StaffMember.email == "x@example.com")).first()
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "nina.example.com"}, "Enter a valid email address."),
        ({"email": "nina@example"}, "Enter a valid email address."),
        (
            {"email": "MIA@cliq-tacos.example.com"},
            "mia@cliq-tacos.example.com is already on the staff list.",
        ),
        ({"name": "  "}, "Enter the person's name."),
        ({"role": Role.OWNER}, "Invite as Order Manager or Kitchen Staff."),
    ],
)
def test_invitation_details_are_checked(session, world, overrides, message):
    with pytest.raises(DomainError) as error:
        _invite(session, world, **overrides)
    assert str(error.value) == message
    assert session.exec(select(OutboxEmail)).all() == []


def test_member_limited_to_some_trucks_works_only_there(session, world):
    second = factories.make_truck(session, business=world.business, name="Burger Bus")
    limited = factories.make_member(
        session, business=world.business, role=Role.KITCHEN_STAFF, trucks=(second,)
    )

    assert [t.id for t in staff.trucks_for(session, limited)] == [second.id]
    assert staff.truck_for(session, limited, world.truck.id).id == second.id
    assert {t.id for t in staff.trucks_for(session, world.manager)} == {world.truck.id, second.id}


def test_a_member_who_accepted_through_a_provider_is_active_again_when_re_enabled(
    session: Session, world: factories.World
) -> None:
    member, _link = staff.invite(
        session, actor=world.owner, email="nia@example.com", name="Nia", role=Role.KITCHEN_STAFF
    )
    staff.sign_in_with_provider(session, email="NIA@example.com")
    staff.set_enabled(session, actor=world.owner, staff_id=member.id, enabled=False)
    staff.set_enabled(session, actor=world.owner, staff_id=member.id, enabled=True)
    assert member.status == StaffStatus.ACTIVE
    assert staff.sign_in_with_provider(session, email="nia@example.com").member.id == member.id
