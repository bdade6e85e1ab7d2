"""Staff identity: invitations by signed single-use links, passwords, database sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlmodel import Session, col, func, select

from cliqmenu.infra import session_generation
from cliqmenu.models import (
    Business,
    Invitation,
    Role,
    StaffMember,
    StaffSession,
    StaffStatus,
    StaffTruck,
    Truck,
    utcnow,
)
from cliqmenu.services import audit, notifications, outbox, records
from cliqmenu.services.errors import DomainError, Forbidden, NotFound, NotSignedIn
from cliqmenu.services.sign_in_refusals import SignInRefused
from cliqmenu.services.text import clean_text, has_control_characters, strip_invisible
from cliqmenu.settings import get_settings

EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
MIN_PASSWORD = 8
MAX_EMAIL = 254
MAX_NAME = 120
MAX_MOBILE = 32
INVITE_PATH = "/invite"
_hasher = PasswordHasher()
# Verifying against this keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

SIGN_IN_FAILED = "Email or password is not right."


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > MAX_EMAIL:
        raise DomainError(f"The email address is too long (at most {MAX_EMAIL} characters).")
    if (
        not EMAIL_RE.match(email)
        or has_control_characters(email)
        or strip_invisible(email) != email
    ):
        raise DomainError("Enter a valid email address.")
    return email


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def _signing_key() -> OctKey:
    return OctKey.import_key(get_settings().signing_key())


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_owner(
    session: Session, *, business: Business, email: str, name: str, password: str
) -> StaffMember:
    """The business's Owner, active at once (first run, or `cliqmenu create-owner`)."""
    email = normalize_email(email)
    if session.exec(select(StaffMember).where(StaffMember.email == email)).first():
        raise DomainError(f"{email} already has an account.")
    owner = StaffMember(
        business_id=business.id,
        email=email,
        name=(name or "").strip() or "Owner",
        role=Role.OWNER,
        status=StaffStatus.ACTIVE,
        password_hash=hash_password(password),
        accepted_at=utcnow(),
    )
    session.add(owner)
    session.flush()
    audit.record(
        session, business_id=business.id, actor=None, action="owner.created", after={"email": email}
    )
    return owner


def invite(
    session: Session,
    *,
    actor: StaffMember,
    email: str,
    name: str,
    role: Role,
    mobile: str | None = None,
) -> tuple[StaffMember, str]:
    """Invite a new member; returns the member and the link that was emailed."""
    require_role(actor, Role.OWNER)
    email = normalize_email(email)
    name = clean_text(name, what="name", max_length=MAX_NAME)
    mobile = clean_text(mobile, what="mobile number", max_length=MAX_MOBILE)
    if not name:
        raise DomainError("Enter the person's name.")
    if role not in (Role.ORDER_MANAGER, Role.KITCHEN_STAFF):
        raise DomainError("Invite as Order Manager or Kitchen Staff.")
    if session.exec(select(StaffMember).where(StaffMember.email == email)).first():
        raise DomainError(f"{email} is already on the staff list.")
    member = StaffMember(
        business_id=actor.business_id,
        email=email,
        name=name,
        mobile=mobile or None,
        role=role,
        status=StaffStatus.INVITED,
    )
    session.add(member)
    session.flush()
    link = _send_invitation(session, actor=actor, member=member)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="staff.invited",
        after={"email": email, "role": role.value},
    )
    return member, link


def resend_invitation(session: Session, *, actor: StaffMember, staff_id: int) -> str:
    """A fresh link; earlier links of this member stop working."""
    require_role(actor, Role.OWNER)
    member = get_member(session, business_id=actor.business_id, staff_id=staff_id)
    if member.status != StaffStatus.INVITED:
        raise DomainError(f"{member.name} has already accepted the invitation.")
    _spend_invitations(session, member)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="staff.invitation_resent",
        after={"staff_id": member.id, "email": member.email},
    )
    return _send_invitation(session, actor=actor, member=member)


def _spend_invitations(session: Session, member: StaffMember) -> None:
    """Every link still open for this member stops working."""
    for old in session.exec(
        select(Invitation).where(
            Invitation.staff_id == member.id, col(Invitation.used_at).is_(None)
        )
    ):
        old.used_at = utcnow()


def _send_invitation(session: Session, *, actor: StaffMember, member: StaffMember) -> str:
    settings = get_settings()
    now = utcnow()
    invitation = Invitation(
        staff_id=member.id,
        jti=secrets.token_urlsafe(24),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.invite_valid_hours),
    )
    session.add(invitation)
    claims = {
        "sub": str(member.id),
        "jti": invitation.jti,
        "purpose": "invite",
        "exp": int(invitation.expires_at.timestamp()),
    }
    token = jwt.encode({"alg": "HS256"}, claims, _signing_key())
    link = f"{settings.public_url.rstrip('/')}{INVITE_PATH}?token={token}"
    business = records.business(session, actor.business_id)
    outbox.queue_email(
        session,
        business_id=actor.business_id,
        kind="invitation",
        to=member.email,
        subject=f"You're invited to {business.name} on CliqMenu",
        body_text=(
            f"Hi {member.name},\n\n{actor.name} invited you to {business.name} as "
            f"{member.role.label}.\n\nSet your password and sign in:\n{link}\n\n"
            f"This link works once and expires in {settings.invite_valid_hours} hours."
        ),
    )
    return link


def _invitation_for(session: Session, token: str) -> tuple[Invitation, StaffMember]:
    try:
        decoded = jwt.decode(token, _signing_key())
        jwt.JWTClaimsRegistry(
            exp={"essential": True}, jti={"essential": True}, sub={"essential": True}
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        if "expired" in str(error).lower():
            raise DomainError("This invitation has expired. Ask the owner to resend it.") from None
        raise DomainError("This invitation link is not valid.") from None
    if decoded.claims.get("purpose") != "invite":
        raise DomainError("This invitation link is not valid.")
    invitation = session.exec(
        select(Invitation).where(Invitation.jti == decoded.claims["jti"])
    ).first()
    if invitation is None or str(invitation.staff_id) != decoded.claims["sub"]:
        raise DomainError("This invitation link is not valid.")
    if invitation.used_at is not None:
        raise DomainError("This invitation link has already been used. Sign in instead.")
    if invitation.expires_at <= utcnow():
        raise DomainError("This invitation has expired. Ask the owner to resend it.")
    member = session.get(StaffMember, invitation.staff_id)
    if member is None or member.status == StaffStatus.DISABLED:
        raise DomainError("This invitation is no longer valid.")
    return invitation, member


def describe_invitation(session: Session, *, token: str) -> StaffMember:
    """The invited member, if the link is still good."""
    return _invitation_for(session, token)[1]


def accept_invitation(session: Session, *, token: str, password: str) -> StaffMember:
    """Set the password from an invitation link; the link is then spent."""
    invitation, member = _invitation_for(session, token)
    member.password_hash = hash_password(password)
    member.status = StaffStatus.ACTIVE
    member.accepted_at = utcnow()
    invitation.used_at = utcnow()
    audit.record(
        session,
        business_id=member.business_id,
        actor=member,
        action="staff.accepted_invitation",
    )
    return member


@dataclass(frozen=True)
class SignedIn:
    member: StaffMember
    token: str


def sign_in(session: Session, *, email: str, password: str, device: str = "") -> SignedIn:
    """Check the password and open a database session; one generic message on any failure."""
    member = check_password(session, email=email, password=password)
    return open_session(session, member=member, device=device)


def check_password(session: Session, *, email: str, password: str) -> StaffMember:
    """The active member with this email and password; one generic message on any failure."""
    try:
        email = normalize_email(email)
    except DomainError:
        raise DomainError(SIGN_IN_FAILED) from None
    member = session.exec(select(StaffMember).where(StaffMember.email == email)).first()
    try:
        _hasher.verify(
            member.password_hash if member and member.password_hash else _DUMMY_HASH, password or ""
        )
    except (VerifyMismatchError, InvalidHashError):
        raise DomainError(SIGN_IN_FAILED) from None
    if member is None or member.password_hash is None:
        raise DomainError(SIGN_IN_FAILED)
    if member.status != StaffStatus.ACTIVE:
        raise DomainError("Your access has been turned off. Ask the owner.")
    return member


def sign_in_with_provider(session: Session, *, email: str, device: str = "") -> SignedIn:
    """Open a session for the member whose email an identity provider verified.

    The email must be on the staff list (any case) and the member not disabled; an invited
    member's first such sign-in accepts the invitation (no password is set).
    """
    try:
        email = normalize_email(email)
    except DomainError:
        raise SignInRefused("not_invited") from None
    member = session.exec(select(StaffMember).where(func.lower(StaffMember.email) == email)).first()
    if member is None:
        raise SignInRefused("not_invited")
    if member.status == StaffStatus.DISABLED:
        raise SignInRefused("disabled")
    if member.status == StaffStatus.INVITED:
        member.status = StaffStatus.ACTIVE
        member.accepted_at = utcnow()
        _spend_invitations(session, member)
        audit.record(
            session,
            business_id=member.business_id,
            actor=member,
            action="staff.accepted_invitation",
            after={"via": "identity provider"},
        )
    return open_session(session, member=member, device=device)


def open_session(session: Session, *, member: StaffMember, device: str = "") -> SignedIn:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        StaffSession(
            staff_id=member.id,
            token_hash=_hash_token(token),
            device=device[:200],
            created_at=now,
            expires_at=now + dt.timedelta(days=get_settings().session_valid_days),
        )
    )
    return SignedIn(member=member, token=token)


def member_for_token(session: Session, token: str | None) -> StaffMember | None:
    """The active member behind a session token, or None when it is unknown, ended or disabled."""
    found = session_for_token(session, token)
    return found[0] if found else None


def session_for_token(
    session: Session, token: str | None
) -> tuple[StaffMember, dt.datetime] | None:
    """The active member behind a session token and when that session ends; None if it ended."""
    if not token:
        return None
    # One query (it runs on every handler call and every screen's heartbeat).
    row = session.exec(
        select(StaffMember, StaffSession.expires_at)
        .join(StaffSession, col(StaffSession.staff_id) == StaffMember.id)
        .where(
            StaffSession.token_hash == _hash_token(token),
            col(StaffSession.revoked_at).is_(None),
            StaffSession.expires_at > utcnow(),
            StaffMember.status == StaffStatus.ACTIVE,
        )
    ).first()
    return (row[0], row[1]) if row else None


def session_id_for_token(session: Session, token: str | None) -> int | None:
    """The id of the open session behind a token (what a device's notifications belong to)."""
    found = session.exec(
        select(StaffSession.id).where(
            StaffSession.token_hash == _hash_token(token or ""),
            col(StaffSession.revoked_at).is_(None),
        )
    ).first()
    return found


def sign_out(session: Session, *, token: str) -> None:
    row = session.exec(
        select(StaffSession).where(StaffSession.token_hash == _hash_token(token))
    ).first()
    if row and row.revoked_at is None:
        row.revoked_at = utcnow()
        session_generation.move_after_commit(session)
        notifications.forget_session(session, session_id=row.id)


def set_enabled(
    session: Session, *, actor: StaffMember, staff_id: int, enabled: bool
) -> StaffMember:
    """Enable or disable a member; disabling ends every session of theirs at once."""
    require_role(actor, Role.OWNER)
    member = get_member(session, business_id=actor.business_id, staff_id=staff_id)
    if member.id == actor.id:
        raise DomainError("You cannot disable your own account.")
    before = member.status
    if enabled:
        accepted = member.password_hash or member.accepted_at
        member.status = StaffStatus.ACTIVE if accepted else StaffStatus.INVITED
    else:
        member.status = StaffStatus.DISABLED
        _end_sessions(session, member)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="staff.enabled" if enabled else "staff.disabled",
        before={"status": before.value if hasattr(before, "value") else before},
        after={"status": member.status.value},
    )
    return member


def get_member(session: Session, *, business_id: int, staff_id: int) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    if member is None or member.business_id != business_id:
        raise NotFound("No such staff member.")
    return member


def list_staff(session: Session, *, business_id: int) -> list[StaffMember]:
    query = select(StaffMember).where(StaffMember.business_id == business_id)
    return list(session.exec(query.order_by(StaffMember.role, StaffMember.name)))


def _end_sessions(session: Session, member: StaffMember) -> None:
    """The member's access changed (disabled, another role): every session of theirs ends, every
    worker learns it (the sessions mark moves after commit), their devices stop ringing."""
    session_generation.move_after_commit(session)
    for row in session.exec(
        select(StaffSession).where(
            col(StaffSession.staff_id) == member.id, col(StaffSession.revoked_at).is_(None)
        )
    ):
        row.revoked_at = utcnow()
    notifications.forget_member(session, staff_id=member.id)


def require_role(member: StaffMember | None, *roles: Role) -> StaffMember:
    """The member, if signed in with one of ``roles`` (none: any role; the Owner may do everything)."""
    if member is None:
        raise NotSignedIn("Sign in first.")
    if not role_allows(member.role, *roles):
        raise Forbidden("Your role cannot do that.")
    return member


def role_allows(role: Role, *roles: Role) -> bool:
    """Whether ``role`` may do what ``roles`` may (none: any role; the Owner may do everything)."""
    return not roles or role == Role.OWNER or role in roles


def trucks_for(
    session: Session, member: StaffMember, *, including_archived: bool = False
) -> list[Truck]:
    """Trucks this member may work at: all of the business's, unless the owner limited them.

    Archived trucks are left out (they take no orders), except for looking back at history.
    """
    query = select(Truck).where(Truck.business_id == member.business_id)
    if not including_archived:
        query = query.where(col(Truck.archived).is_(False))
    trucks = list(session.exec(query.order_by(col(Truck.id))))
    allowed = set(session.exec(select(StaffTruck.truck_id).where(StaffTruck.staff_id == member.id)))
    if allowed and member.role != Role.OWNER:
        trucks = [t for t in trucks if t.id in allowed]
    return trucks


def truck_for(session: Session, member: StaffMember, truck_id: int | None) -> Truck:
    """The truck a member asked for, if they may work there; else their first truck."""
    trucks = trucks_for(session, member)
    if not trucks:
        if member.role != Role.OWNER and chosen_trucks(session, member):
            raise NotFound("You are not set to work at any truck right now. Ask the owner.")
        raise NotFound("No truck is set up yet. The owner adds trucks on the owner pages.")
    for truck in trucks:
        if truck.id == truck_id:
            return truck
    return trucks[0]


def chosen_trucks(session: Session, member: StaffMember) -> list[int]:
    """The ids of the trucks the owner limited this member to; empty: every truck."""
    query = select(StaffTruck.truck_id).where(StaffTruck.staff_id == member.id)
    return sorted(session.exec(query))


def truck_limits(session: Session, *, business_id: int) -> dict[int, list[Truck]]:
    """Each limited member's trucks (archived ones too), by member id; absent: every truck."""
    rows = session.exec(
        select(StaffTruck.staff_id, Truck)
        .join(Truck, col(Truck.id) == StaffTruck.truck_id)
        .where(Truck.business_id == business_id)
        .order_by(col(Truck.id))
    )
    limits: dict[int, list[Truck]] = {}
    for staff_id, truck in rows:
        limits.setdefault(staff_id, []).append(truck)
    return limits


def set_trucks(
    session: Session, *, actor: StaffMember, staff_id: int, truck_ids: list[int] | None
) -> StaffMember:
    """Limit an Order Manager or Kitchen Staff member to some trucks (None: every truck).

    Every handler re-reads the limit, so it holds from the member's next action on.
    """
    require_role(actor, Role.OWNER)
    member = get_member(session, business_id=actor.business_id, staff_id=staff_id)
    if member.role == Role.OWNER:
        raise DomainError("The Owner works at every truck.")
    wanted = None if truck_ids is None else sorted({int(i) for i in truck_ids})
    if wanted is not None:
        if not wanted:
            raise DomainError("Choose at least one truck, or All trucks.")
        found = session.exec(
            select(Truck.id).where(
                col(Truck.id).in_(wanted),
                Truck.business_id == actor.business_id,
                col(Truck.archived).is_(False),
            )
        ).all()
        if len(found) != len(wanted):
            raise NotFound("No such truck.")
    before = chosen_trucks(session, member)
    after = wanted or []
    if before == after:
        return member
    for row in session.exec(select(StaffTruck).where(StaffTruck.staff_id == member.id)):
        if row.truck_id not in after:
            session.delete(row)
    session.add_all(
        StaffTruck(staff_id=member.id, truck_id=truck_id)
        for truck_id in after
        if truck_id not in before
    )
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="staff.trucks_changed",
        before={"email": member.email, "trucks": before or "all"},
        after={"email": member.email, "trucks": after or "all"},
    )
    session.flush()
    return member


def change_role(session: Session, *, actor: StaffMember, staff_id: int, role: Role) -> StaffMember:
    """Make a member Order Manager or Kitchen Staff; their open sessions end, so their next
    sign-in lands on the view of the new role."""
    require_role(actor, Role.OWNER)
    member = get_member(session, business_id=actor.business_id, staff_id=staff_id)
    if member.role == Role.OWNER:
        raise DomainError("The Owner's role cannot be changed.")
    if role not in (Role.ORDER_MANAGER, Role.KITCHEN_STAFF):
        raise DomainError("Choose Order Manager or Kitchen Staff.")
    if member.role == role:
        return member
    before = member.role
    member.role = role
    _end_sessions(session, member)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="staff.role_changed",
        before={"role": before.value},
        after={"role": role.value},
    )
    return member
