"""Trucks: add and edit (URL slug, payment methods, prep time, kitchen timer), busy pause,
archive and restore."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cliqmenu.models import Business, Order, Role, StaffMember, Stage, Truck, utcnow
from cliqmenu.payments.config import is_configured
from cliqmenu.services import access, audit, notifications, slots
from cliqmenu.services.business import validate_timezone
from cliqmenu.services.errors import Conflict, DomainError, NotFound, NotTakingOrders
from cliqmenu.services.orders import MAX_PREP_MINUTES, MIN_PREP_MINUTES
from cliqmenu.services.staff import require_role

MAX_NAME = 120
MIN_SLUG, MAX_SLUG = 3, 64
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Kitchen timer thresholds, in percent of the order's prep time.
AMBER_RANGE = (10, 200)
RED_RANGE = (20, 300)
BUSY_MINUTES = (5, 240)
BUSY_CHOICES = (15, 30, 60)
# Customers see "Only 3 left" at or below this many counted portions (0: never).
LOW_PORTIONS_RANGE = (0, 99)
# Minutes an order may wait unaccepted before its Order Managers are reminded (0: never).
REMINDER_RANGE = (0, 60)
# Orders a truck still owes someone: it cannot be archived while it has any.
OPEN_STAGES = (Stage.RECEIVED, Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP)


@dataclass(frozen=True)
class TruckFields:
    """A truck's settings as the owner sets them."""

    name: str
    slug: str
    accepts_cash: bool = True
    accepts_card: bool = True
    accepts_online: bool = False
    default_prep_minutes: int = 10
    kds_amber_percent: int = 75
    kds_red_percent: int = 100
    timezone: str = ""  # empty: the business's time zone
    low_portions_at: int = 5
    reminder_minutes: int = 3
    # The pickup board shows the customer's first name beside the number.
    board_first_names: bool = False
    # Pacing: orders / items per 15-minute slot ("" or 0: no limit; services/slots.py).
    slot_order_limit: int | str | None = None
    slot_item_limit: int | str | None = None


def suggest_slug(name: str) -> str:
    """A URL-safe slug from a name: "Smoky Bros (CBD)" -> "smoky-bros-cbd"."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def normalize_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not MIN_SLUG <= len(slug) <= MAX_SLUG or not SLUG_RE.match(slug):
        raise DomainError(
            f"The truck's URL must be {MIN_SLUG} to {MAX_SLUG} characters: lowercase letters, "
            "digits and single dashes (e.g. smoky-bros-cbd)."
        )
    return slug


def _int(value: object, what: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{what} must be a whole number.") from None


def validate(fields: TruckFields, *, business: Business) -> TruckFields:
    """The fields cleaned and checked, each failure with a message naming the field."""
    name = " ".join((fields.name or "").split())
    if not name:
        raise DomainError("Enter the truck's name.")
    if len(name) > MAX_NAME:
        raise DomainError(f"The truck's name can be at most {MAX_NAME} characters.")
    slug = normalize_slug(fields.slug)
    cash, card, online = (
        bool(fields.accepts_cash),
        bool(fields.accepts_card),
        bool(fields.accepts_online),
    )
    if not (cash or card or online):
        raise DomainError("Turn on at least one payment method, or customers cannot order.")
    if online and not (cash or card) and not is_configured(business):
        raise DomainError(
            "Online payment needs Stripe, which is not connected yet: keep Cash or Card at "
            "Counter on until it is."
        )
    prep = _int(fields.default_prep_minutes, "The default prep time")
    if not MIN_PREP_MINUTES <= prep <= MAX_PREP_MINUTES:
        raise DomainError(
            f"The default prep time must be {MIN_PREP_MINUTES} to {MAX_PREP_MINUTES} minutes."
        )
    amber = _int(fields.kds_amber_percent, "The amber threshold")
    red = _int(fields.kds_red_percent, "The red threshold")
    if not AMBER_RANGE[0] <= amber <= AMBER_RANGE[1]:
        raise DomainError(
            f"The amber threshold must be {AMBER_RANGE[0]}% to {AMBER_RANGE[1]}% of the prep time."
        )
    if not RED_RANGE[0] <= red <= RED_RANGE[1]:
        raise DomainError(
            f"The red threshold must be {RED_RANGE[0]}% to {RED_RANGE[1]}% of the prep time."
        )
    if amber >= red:
        raise DomainError("The amber threshold must come before the red one (a lower percent).")
    low = _int(fields.low_portions_at, 'The "Only a few left" count')
    if not LOW_PORTIONS_RANGE[0] <= low <= LOW_PORTIONS_RANGE[1]:
        raise DomainError(
            f'The "Only a few left" count must be {LOW_PORTIONS_RANGE[0]} to '
            f"{LOW_PORTIONS_RANGE[1]} portions (0: never show it)."
        )
    reminder = _int(fields.reminder_minutes, "The reminder")
    if not REMINDER_RANGE[0] <= reminder <= REMINDER_RANGE[1]:
        raise DomainError(
            f"The reminder must be 1 to {REMINDER_RANGE[1]} minutes, or 0 to turn reminders off."
        )
    zone = (fields.timezone or "").strip()
    return TruckFields(
        name=name,
        slug=slug,
        accepts_cash=cash,
        accepts_card=card,
        accepts_online=online,
        default_prep_minutes=prep,
        kds_amber_percent=amber,
        kds_red_percent=red,
        timezone=validate_timezone(zone) if zone else "",
        low_portions_at=low,
        reminder_minutes=reminder,
        board_first_names=bool(fields.board_first_names),
        slot_order_limit=slots.parse_limit(fields.slot_order_limit, "Orders per 15 minutes"),
        slot_item_limit=slots.parse_limit(fields.slot_item_limit, "Items per 15 minutes"),
    )


def _check_slug_free(session: Session, slug: str, *, truck_id: int | None) -> None:
    # Slugs are global: /t/<slug> is one public address across every business.
    taken = session.exec(
        select(Truck.id).where(func.lower(Truck.slug) == slug, Truck.id != (truck_id or -1))
    ).first()
    if taken is not None:
        raise Conflict(f"The URL /t/{slug} is taken. Choose another.")


def _flush_or_conflict(session: Session, slug: str) -> None:
    # Two owners saving the same slug at once: the unique constraint decides.
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"The URL /t/{slug} is taken. Choose another.") from None


def _snapshot(truck: Truck) -> dict:
    return {
        "name": truck.name,
        "slug": truck.slug,
        "timezone": truck.timezone,
        "accepts_cash": truck.accepts_cash,
        "accepts_card": truck.accepts_card,
        "accepts_online": truck.accepts_online,
        "default_prep_minutes": truck.default_prep_minutes,
        "kds_amber_percent": truck.kds_amber_percent,
        "kds_red_percent": truck.kds_red_percent,
        "low_portions_at": truck.low_portions_at,
        "reminder_minutes": truck.reminder_minutes,
        "board_first_names": truck.board_first_names,
        "slot_order_limit": truck.slot_order_limit,
        "slot_item_limit": truck.slot_item_limit,
    }


def _apply(truck: Truck, fields: TruckFields) -> None:
    truck.name = fields.name
    truck.slug = fields.slug
    truck.timezone = fields.timezone or None
    truck.accepts_cash = fields.accepts_cash
    truck.accepts_card = fields.accepts_card
    truck.accepts_online = fields.accepts_online
    truck.default_prep_minutes = fields.default_prep_minutes
    truck.kds_amber_percent = fields.kds_amber_percent
    truck.kds_red_percent = fields.kds_red_percent
    truck.low_portions_at = fields.low_portions_at
    truck.reminder_minutes = fields.reminder_minutes
    truck.board_first_names = fields.board_first_names
    truck.slot_order_limit = slots.parse_limit(fields.slot_order_limit, "Orders per 15 minutes")
    truck.slot_item_limit = slots.parse_limit(fields.slot_item_limit, "Items per 15 minutes")


def _business(session: Session, actor: StaffMember) -> Business:
    business = session.get(Business, actor.business_id)
    if business is None:
        raise NotFound("No such business.")
    return business


def list_trucks(
    session: Session, *, business_id: int, including_archived: bool = False
) -> list[Truck]:
    """The business's trading trucks (and the archived ones too, for reports and history)."""
    query = select(Truck).where(Truck.business_id == business_id)
    if not including_archived:
        query = query.where(col(Truck.archived).is_(False))
    return list(session.exec(query.order_by(col(Truck.id))))


def archived_trucks(session: Session, *, business_id: int) -> list[Truck]:
    query = select(Truck).where(Truck.business_id == business_id, col(Truck.archived).is_(True))
    return list(session.exec(query.order_by(col(Truck.name), col(Truck.id))))


def get_truck(session: Session, *, business_id: int, truck_id: int) -> Truck:
    truck = session.get(Truck, truck_id)
    if truck is None or truck.business_id != business_id or truck.archived:
        raise NotFound("No such truck.")
    return truck


def create_truck(session: Session, *, actor: StaffMember, fields: TruckFields) -> Truck:
    """Add a truck to the Owner's business."""
    require_role(actor, Role.OWNER)
    valid = validate(fields, business=_business(session, actor))
    _check_slug_free(session, valid.slug, truck_id=None)
    truck = Truck(business_id=actor.business_id, name=valid.name, slug=valid.slug)
    _apply(truck, valid)
    session.add(truck)
    _flush_or_conflict(session, truck.slug)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="truck.created",
        after={"truck_id": truck.id, **_snapshot(truck)},
    )
    return truck


def update_truck(
    session: Session, *, actor: StaffMember, truck_id: int, fields: TruckFields
) -> Truck:
    """Change a truck's settings; all checked first, so a refused change writes nothing."""
    require_role(actor, Role.OWNER)
    truck = get_truck(session, business_id=actor.business_id, truck_id=truck_id)
    valid = validate(fields, business=_business(session, actor))
    _check_slug_free(session, valid.slug, truck_id=truck.id)
    before = _snapshot(truck)
    _apply(truck, valid)
    after = _snapshot(truck)
    changed = [key for key in after if after[key] != before[key]]
    if "reminder_minutes" in changed:
        notifications.truck_reminder_changed(session, truck=truck)
    if changed:
        audit.record(
            session,
            business_id=actor.business_id,
            actor=actor,
            action="truck.updated",
            before={"truck_id": truck.id, **{key: before[key] for key in changed}},
            after={"truck_id": truck.id, **{key: after[key] for key in changed}},
        )
    _flush_or_conflict(session, truck.slug)
    return truck


def _truck_for_busy(session: Session, actor: StaffMember, truck_id: int) -> Truck:
    require_role(actor, Role.ORDER_MANAGER)
    return access.truck_of(session, actor=actor, truck_id=truck_id)


def is_busy(truck: Truck, *, now: dt.datetime | None = None) -> bool:
    return bool(truck.busy_until and truck.busy_until > (now or utcnow()))


def pause_orders(session: Session, *, actor: StaffMember, truck_id: int, minutes: int) -> Truck:
    """Stop new customer orders for ``minutes`` ("busy"); walk-in orders still go in."""
    truck = _truck_for_busy(session, actor, truck_id)
    minutes = _int(minutes, "The pause")
    if not BUSY_MINUTES[0] <= minutes <= BUSY_MINUTES[1]:
        raise DomainError(f"Pause for {BUSY_MINUTES[0]} to {BUSY_MINUTES[1]} minutes.")
    before = truck.busy_until
    truck.busy_until = utcnow() + dt.timedelta(minutes=minutes)
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="truck.paused",
        before={"truck_id": truck.id, "busy_until": before.isoformat() if before else None},
        after={"truck_id": truck.id, "busy_until": truck.busy_until.isoformat()},
    )
    session.flush()
    return truck


def resume_orders(session: Session, *, actor: StaffMember, truck_id: int) -> Truck:
    """Take customer orders again now."""
    truck = _truck_for_busy(session, actor, truck_id)
    if truck.busy_until is None:
        return truck
    before = truck.busy_until
    truck.busy_until = None
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="truck.resumed",
        before={"truck_id": truck.id, "busy_until": before.isoformat()},
        after={"truck_id": truck.id, "busy_until": None},
    )
    session.flush()
    return truck


def truck_at(session: Session, slug: str) -> Truck:
    """The truck whose menu address is /t/<slug>, trading or archived."""
    truck = session.exec(select(Truck).where(Truck.slug == slug)).first()
    if truck is None:
        raise NotFound(f"No truck called '{slug}'.")
    return truck


def require_trading(truck: Truck) -> Truck:
    """The truck, if it takes orders at all (an archived truck takes none, not even via the API)."""
    if truck.archived:
        raise NotTakingOrders(f"{truck.name} is not taking orders.")
    return truck


def truck_taking_orders(session: Session, slug: str) -> Truck:
    return require_trading(truck_at(session, slug))


def _owned_truck(session: Session, actor: StaffMember, truck_id: int) -> Truck:
    """One of the Owner's trucks, trading or archived; their trucks are locked first, so two
    archives at once cannot leave the business with no trading truck."""
    require_role(actor, Role.OWNER)
    session.exec(
        select(Truck.id).where(Truck.business_id == actor.business_id).with_for_update()
    ).all()
    truck = session.get(Truck, truck_id)
    if truck is None or truck.business_id != actor.business_id:
        raise NotFound("No such truck.")
    return truck


def _count(session: Session, query) -> int:
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def _check_can_archive(session: Session, truck: Truck) -> None:
    others = select(Truck.id).where(
        Truck.business_id == truck.business_id,
        col(Truck.archived).is_(False),
        Truck.id != truck.id,
    )
    if not _count(session, others):
        raise DomainError(
            f"{truck.name} is your only trading truck: add another truck before archiving it."
        )
    mine = select(Order.id).where(Order.truck_id == truck.id)
    open_orders = _count(session, mine.where(col(Order.stage).in_(OPEN_STAGES)))
    if open_orders:
        raise DomainError(
            f"{truck.name} still has {open_orders} open "
            f"{'order' if open_orders == 1 else 'orders'}: deliver or cancel "
            f"{'it' if open_orders == 1 else 'them'} first."
        )
    if _count(session, mine.where(Order.stage == Stage.AWAITING_PAYMENT)):
        raise DomainError(
            f"A customer of {truck.name} is paying online right now. Try again once the order "
            "is paid and delivered, or has expired (within the hour)."
        )


def _record_archived(session: Session, actor: StaffMember, truck: Truck, archived: bool) -> None:
    audit.record(
        session,
        business_id=actor.business_id,
        actor=actor,
        action="truck.archived" if archived else "truck.restored",
        before={"truck_id": truck.id, "name": truck.name, "archived": not archived},
        after={"truck_id": truck.id, "name": truck.name, "archived": archived},
    )


def archive_truck(session: Session, *, actor: StaffMember, truck_id: int) -> Truck:
    """Stop a truck that no longer trades: no orders, gone from the crew's truck pickers; its
    orders stay in reports and history. Refused for the last trading truck and while it has
    open orders."""
    truck = _owned_truck(session, actor, truck_id)
    if truck.archived:
        return truck
    # Locked before the open orders are counted: an order being placed holds this lock until
    # it commits, so it is counted, or it sees the truck archived and is refused.
    session.exec(select(Truck.id).where(Truck.id == truck.id).with_for_update()).one()
    _check_can_archive(session, truck)
    truck.archived = True
    _record_archived(session, actor, truck, archived=True)
    session.flush()
    return truck


def restore_truck(session: Session, *, actor: StaffMember, truck_id: int) -> Truck:
    """Trade again: the truck takes orders at its old menu address and QR code."""
    truck = _owned_truck(session, actor, truck_id)
    if not truck.archived:
        return truck
    truck.archived = False
    truck.busy_until = None
    _record_archived(session, actor, truck, archived=False)
    session.flush()
    return truck
