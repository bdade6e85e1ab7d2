"""First run: on an empty install the first person creates the business and its Owner.

Once any business exists the set-up is closed for good; further owners come from
``cliqmenu create-owner`` and staff from invitations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from cliqmenu.models import Business, StaffMember
from cliqmenu.services import money, staff
from cliqmenu.services.business import BusinessDetails, validate
from cliqmenu.services.errors import Conflict, DomainError


@dataclass(frozen=True)
class SetupRequest:
    business_name: str
    owner_name: str
    email: str
    password: str
    password_again: str
    currency: str = "AUD"
    timezone: str = "Australia/Sydney"
    gst_registered: bool = True
    country: str = money.DEFAULT_COUNTRY


def needs_setup(session: Session) -> bool:
    """True on an empty install: no business yet."""
    return session.exec(select(Business.id).limit(1)).first() is None


def _lock(session: Session) -> None:
    # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs a table lock so two
    # people submitting the set-up at the same moment cannot both create a business.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE business IN SHARE ROW EXCLUSIVE MODE"))


def set_up(session: Session, *, request: SetupRequest) -> StaffMember:
    """Create the business and its Owner, all or nothing; refused once a business exists."""
    details = validate(
        BusinessDetails(
            name=request.business_name,
            currency=request.currency,
            timezone=request.timezone,
            gst_registered=request.gst_registered,
            country=request.country,
        )
    )
    owner_name = " ".join((request.owner_name or "").split())
    if not owner_name:
        raise DomainError("Enter your name.")
    if len(owner_name) > 120:
        raise DomainError("Your name can be at most 120 characters.")
    staff.normalize_email(request.email)
    if request.password != request.password_again:
        raise DomainError("The two passwords do not match.")
    if len(request.password or "") < staff.MIN_PASSWORD:
        raise DomainError(f"Choose a password of at least {staff.MIN_PASSWORD} characters.")
    _lock(session)
    if not needs_setup(session):
        raise Conflict("This CliqMenu is already set up. Sign in instead.")
    business = Business(
        name=details.name,
        currency=details.currency,
        timezone=details.timezone,
        gst_registered=details.gst_registered,
        country=details.country,
    )
    session.add(business)
    session.flush()
    return staff.create_owner(
        session,
        business=business,
        email=request.email,
        name=owner_name,
        password=request.password,
    )
