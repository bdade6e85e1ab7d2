"""Placing orders: validated against the truck's effective menu, priced on the server, exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from cliqmenu.models import (
    Business,
    DiningMethod,
    Order,
    OrderLine,
    OrderSource,
    PaymentMethod,
    Role,
    StaffMember,
    Stage,
    Truck,
    utcnow,
)
from cliqmenu.services import (
    audit,
    money,
    notifications,
    order_limits,
    outbox,
    portions,
    printers,
    queue_order,
    ready_time,
    records,
    slots,
    stations,
)
from cliqmenu.services.choices import choice_rule
from cliqmenu.services.errors import DomainError, NotFound, NotTakingOrders
from cliqmenu.services.menu import EffectiveMenu, order_menu, service_date
from cliqmenu.services.staff import normalize_email, require_role, trucks_for
from cliqmenu.services.text import clean_text, has_control_characters
from cliqmenu.settings import get_settings

MAX_QUANTITY = 99
MAX_LINES = 50
MAX_NOTE = 200
MAX_CUSTOMER_NAME = 80
MAX_PHONE = 32
MIN_PREP_MINUTES = 1
MAX_PREP_MINUTES = 180


@dataclass
class LineRequest:
    item_id: int
    quantity: int = 1
    option_ids: list[int] = field(default_factory=list)
    note: str = ""


@dataclass
class OrderRequest:
    customer_name: str
    dining_method: DiningMethod
    payment_method: PaymentMethod
    idempotency_key: str
    lines: list[LineRequest]
    customer_email: str | None = None
    customer_phone: str | None = None
    # A pre-order: picked up at this slot's start later today (services/slots.py).
    pickup_at: dt.datetime | None = None


class IdempotencyKeyReused(DomainError):
    """An idempotency key sent again with another order than the one it first came with."""

    status_code = 422


def find_by_idempotency_key(session: Session, *, truck_id: int, key: str) -> Order | None:
    return session.exec(
        select(Order).where(Order.truck_id == truck_id, Order.idempotency_key == key)
    ).first()


def request_fingerprint(request: OrderRequest) -> str:
    """SHA-256 of the request in one canonical form (the key itself left out): what a retry
    with the same idempotency key must send again."""
    canonical = {
        "customer_name": (request.customer_name or "").strip(),
        "customer_email": (request.customer_email or "").strip().lower(),
        "customer_phone": (request.customer_phone or "").strip(),
        "dining_method": DiningMethod(request.dining_method).value,
        "payment_method": PaymentMethod(request.payment_method).value,
        "lines": [
            [line.item_id, line.quantity, sorted(line.option_ids), (line.note or "").strip()]
            for line in request.lines
        ],
    }
    if request.pickup_at is not None:
        canonical["pickup_at"] = request.pickup_at.astimezone(dt.UTC).isoformat()
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def find_replay(session: Session, *, truck_id: int, request: OrderRequest) -> Order | None:
    """The order this request already placed (a retry), else None; the key sent with another
    order than the one it first came with is refused, never answered with that order."""
    key = (request.idempotency_key or "").strip()
    existing = find_by_idempotency_key(session, truck_id=truck_id, key=key)
    if existing is not None and existing.request_hash not in (None, request_fingerprint(request)):
        raise IdempotencyKeyReused(
            "idempotency_key was already used for a different order: "
            "send a new key for a new order."
        )
    return existing


def truck_by_slug(session: Session, slug: str) -> Truck:
    truck = session.exec(select(Truck).where(Truck.slug == slug)).first()
    if truck is None or truck.archived:
        raise NotFound(f"No truck called '{slug}'.")
    return truck


def accepted_methods(truck: Truck, business: Business) -> list[PaymentMethod]:
    """Payment methods a truck offers now; Online only when Stripe is configured."""
    from cliqmenu.payments import is_configured as stripe_configured

    methods = []
    if truck.accepts_cash:
        methods.append(PaymentMethod.CASH_AT_COUNTER)
    if truck.accepts_card:
        methods.append(PaymentMethod.CARD_AT_COUNTER)
    if truck.accepts_online and stripe_configured(business):
        methods.append(PaymentMethod.ONLINE)
    return methods


def _menu_for(session: Session, truck: Truck, requests: list[LineRequest]) -> EffectiveMenu:
    """Only what these lines order, not the whole menu: checking an order stays cheap."""
    if not requests:
        raise DomainError("An order needs at least one item.")
    if len(requests) > MAX_LINES:
        raise DomainError(f"An order can have at most {MAX_LINES} lines.")
    return order_menu(
        session,
        truck,
        item_ids=[r.item_id for r in requests],
        option_ids=[o for r in requests for o in r.option_ids],
    )


def _priced_lines(menu: EffectiveMenu, requests: list[LineRequest]) -> list[OrderLine]:
    lines = []
    for position, request in enumerate(requests):
        item = menu.items.get(request.item_id)
        if item is None:
            raise DomainError(f"Item {request.item_id} is not on this truck's menu.")
        if not item.in_stock:
            raise DomainError(f"Sorry, {item.name} is out of stock.")
        if not 1 <= request.quantity <= MAX_QUANTITY:
            raise DomainError(f"Quantity of {item.name} must be between 1 and {MAX_QUANTITY}.")
        if len(set(request.option_ids)) != len(request.option_ids):
            raise DomainError(f"An option of {item.name} was chosen twice.")
        chosen = []
        for option_id in request.option_ids:
            found = menu.option(item.id, option_id)
            if found is None:
                raise DomainError(f"Option {option_id} is not available for {item.name}.")
            group, option = found
            if not option.in_stock:
                raise DomainError(f"Sorry, {option.name} ({item.name}) is out of stock.")
            chosen.append((group, option))
        for group in item.groups:
            count = sum(1 for g, _ in chosen if g.id == group.id)
            rule = choice_rule(group)
            if rule.too_few(count):
                raise DomainError(f"Choose at least {rule.least} for {group.name} ({item.name}).")
            if rule.too_many(count):
                raise DomainError(f"Choose at most {rule.most} for {group.name} ({item.name}).")
        note = clean_text(request.note, what=f"note on {item.name}", max_length=MAX_NOTE)
        unit = item.price_cents + sum(option.price_delta_cents for _, option in chosen)
        lines.append(
            OrderLine(
                item_id=item.id,
                position=position,
                name=item.name,
                base_price_cents=item.price_cents,
                options=[
                    {
                        "option_id": option.id,
                        "group": group.name,
                        "name": option.name,
                        "price_delta_cents": option.price_delta_cents,
                    }
                    for group, option in chosen
                ],
                unit_price_cents=unit,
                quantity=request.quantity,
                line_total_cents=money.line_total(unit, request.quantity),
                note=note,
                allergens=list(item.allergens),
            )
        )
    return lines


def _validate_customer(request: OrderRequest) -> tuple[str, str | None, str | None]:
    name = clean_text(request.customer_name, what="customer name", max_length=MAX_CUSTOMER_NAME)
    if not name:
        raise DomainError("Enter the customer's name.")
    email = normalize_email(request.customer_email) if request.customer_email else None
    phone = clean_text(request.customer_phone, what="phone number", max_length=MAX_PHONE) or None
    return name, email, phone


def _next_number(session: Session, truck: Truck, day: dt.date) -> int:
    # The truck row is locked first (PostgreSQL), so numbers are handed out one at a time, and
    # an Owner archiving the truck meanwhile (they lock it too) is seen here.
    archived = session.exec(
        select(Truck.archived).where(Truck.id == truck.id).with_for_update()
    ).one()
    if archived:
        raise NotTakingOrders(f"{truck.name} is not taking orders.")
    current = session.exec(
        select(func.max(Order.number)).where(Order.truck_id == truck.id, Order.service_date == day)
    ).one()
    return (current or 0) + 1


def place_order(
    session: Session,
    *,
    truck: Truck,
    request: OrderRequest,
    source: OrderSource,
    actor: StaffMember | None = None,
    prep_minutes: int | None = None,
) -> tuple[Order, bool]:
    """Create an order, or return the one already made with this idempotency key.

    Returns the order and whether it was created now. Walk-in orders (``source`` WALK_IN)
    go straight to In Progress with their prep time.
    """
    key = (request.idempotency_key or "").strip()
    if not 8 <= len(key) <= 100 or has_control_characters(key):
        raise DomainError("idempotency_key must be 8 to 100 characters.")
    walk_in = source == OrderSource.WALK_IN
    if walk_in:
        _check_walk_in(session, truck=truck, actor=actor, method=request.payment_method)
    existing = find_replay(session, truck_id=truck.id, request=request)
    if existing is not None:
        return existing, False

    business = records.business(session, truck.business_id)
    name, email, phone = _validate_customer(request)
    if email:
        order_limits.check_confirmation(session, to=email, truck_id=truck.id)
    if request.payment_method not in accepted_methods(truck, business):
        raise DomainError(f"{request.payment_method.label} is not offered at {truck.name}.")
    if source != OrderSource.WALK_IN and truck.busy_until and truck.busy_until > utcnow():
        raise DomainError(f"{truck.name} is not taking new orders right now. Try again soon.")
    lines = _priced_lines(_menu_for(session, truck, request.lines), request.lines)
    totals = money.price_for(
        business,
        subtotal_cents=money.subtotal([line.line_total_cents for line in lines]),
        method=request.payment_method,
    )
    now = utcnow()
    day = service_date(session, truck, now)
    pickup_at = (
        slots.check_pickup(session, truck, request.pickup_at, now=now)
        if (request.pickup_at is not None)
        else None
    )
    if walk_in:
        prep_minutes = validate_prep_minutes(prep_minutes or truck.default_prep_minutes)
        quoted_at = now + dt.timedelta(minutes=prep_minutes)
    else:
        items = sum(line.quantity for line in lines)
        quoted_at = ready_time.quote(session, truck=truck, items=items, now=now).ready_at
    if pickup_at is not None:
        quoted_at = pickup_at  # a pre-order is promised for the time the customer chose
    counts = portions.take(session, truck=truck, lines=lines)
    number = _next_number(session, truck, day)  # holds the truck's row lock from here on
    slots.admit(
        session,
        truck=truck,
        source=source,
        method=request.payment_method,
        items=sum(line.quantity for line in lines),
        pickup_at=pickup_at,
        now=now,
    )
    # A pre-order waits in Received, out of the manager's alarm, until the release job sends
    # it to the kitchen (a walk-in one too); the others go as before.
    held = pickup_at is not None
    starts_now = walk_in and not held
    order = Order(
        business_id=truck.business_id,
        truck_id=truck.id,
        number=number,
        service_date=day,
        public_id=secrets.token_urlsafe(16),
        idempotency_key=key,
        request_hash=request_fingerprint(request),
        source=source,
        stage=_first_stage(request.payment_method, starts_now),
        dining_method=request.dining_method,
        payment_method=request.payment_method,
        customer_name=name,
        customer_email=email,
        customer_phone=phone,
        subtotal_cents=totals.subtotal_cents,
        surcharge_bp=totals.surcharge_bp,
        surcharge_cents=totals.surcharge_cents,
        total_cents=totals.total_cents,
        gst_cents=totals.gst_cents,
        tax_bp=totals.tax_bp,
        placed_at=now,
        updated_at=now,
        prep_minutes=prep_minutes if walk_in else None,
        accepted_at=now if starts_now else None,
        promised_at=quoted_at if starts_now else None,
        quoted_ready_at=quoted_at,
        pickup_at=pickup_at,
        release_at=slots.release_plan(
            pickup_at, prep_minutes or truck.default_prep_minutes, now=now
        ),
    )
    if starts_now:
        queue_order.to_kitchen(session, order)
    else:
        queue_order.moved(session, order)
    session.add(order)
    session.flush()
    for line in lines:
        line.order_id = order.id
        session.add(line)
    customer = None if actor else f"Customer {name}"
    audit.record(
        session,
        business_id=truck.business_id,
        order_id=order.id,
        actor=actor,
        actor_label=customer,
        action="order.placed",
        after={
            "stage": order.stage.value,
            "total_cents": order.total_cents,
            "source": source.value,
            **({"pickup_at": pickup_at.isoformat()} if pickup_at else {}),
        },
    )
    portions.held_by(
        session, truck=truck, order=order, counts=counts, actor=actor, actor_label=customer
    )
    if email and order.stage != Stage.AWAITING_PAYMENT:
        send_confirmation(session, order=order, truck=truck, business=business)
    notifications.new_order(session, order=order)
    if order.stage == Stage.IN_PROGRESS:  # a walk-in goes straight to the kitchen
        stations.route_order(session, order=order)
        printers.queue_kitchen_tickets(session, order=order)
    return order, True


def _check_walk_in(
    session: Session, *, truck: Truck, actor: StaffMember | None, method: PaymentMethod
) -> None:
    """Walk-ins skip Received: a manager of this truck takes them, paid at the counter."""
    actor = require_role(actor, Role.ORDER_MANAGER)
    if truck.id not in {t.id for t in trucks_for(session, actor)}:
        raise DomainError(f"You do not work at {truck.name}.")
    if method == PaymentMethod.ONLINE:
        raise DomainError("A walk-in order is paid at the counter: choose Cash or Card at Counter.")


def _first_stage(method: PaymentMethod, walk_in: bool) -> Stage:
    if walk_in:
        return Stage.IN_PROGRESS
    return Stage.AWAITING_PAYMENT if method == PaymentMethod.ONLINE else Stage.RECEIVED


def parse_prep_minutes(text: str | int | None) -> int:
    """Prep time as typed ("12"): a whole number of minutes in range, else a clear refusal
    ("-3" is refused, never read as 3)."""
    cleaned = str(text if text is not None else "").strip()
    if not cleaned:
        raise DomainError("Enter a prep time in minutes.")
    if not cleaned.isdigit() or not cleaned.isascii():
        raise DomainError(
            f"Prep time must be a whole number of minutes, {MIN_PREP_MINUTES} to "
            f"{MAX_PREP_MINUTES}."
        )
    return validate_prep_minutes(int(cleaned))


def validate_prep_minutes(minutes: int) -> int:
    if not MIN_PREP_MINUTES <= int(minutes) <= MAX_PREP_MINUTES:
        raise DomainError(
            f"Prep time must be between {MIN_PREP_MINUTES} and {MAX_PREP_MINUTES} minutes."
        )
    return int(minutes)


def tracking_url(order: Order) -> str:
    return f"{get_settings().public_url.rstrip('/')}/o/{order.public_id}"


def send_confirmation(session: Session, *, order: Order, truck: Truck, business: Business) -> None:
    to = order.customer_email
    if not to:
        return  # nobody to tell
    if not order_limits.confirmation_allowed(session, to=to, truck_id=truck.id):
        return  # an Online order paid after its address reached the limit: the order stands
    items = [
        (f"{line.quantity} × {line.name}", line.line_total_cents)
        for line in order_lines(session, order.id)
    ]
    receipt = money.receipt_text(order, money.formatter(business), items)
    outbox.queue_email(
        session,
        business_id=business.id,
        kind="order_confirmation",
        to=to,
        subject=f"{business.name}: order #{order.number} received",
        body_text=(
            f"Hi {order.customer_name},\n\nThanks for your order #{order.number} at {truck.name}.\n\n"
            f"{receipt}\n({order.payment_method.label})\n\nFollow it live: {tracking_url(order)}"
        ),
    )


def get_order(session: Session, *, order_id: int, business_id: int, lock: bool = False) -> Order:
    query = select(Order).where(Order.id == order_id)
    if lock:
        query = query.with_for_update()
    order = session.exec(query).first()
    if order is None or order.business_id != business_id:
        raise NotFound("No such order.")
    return order


def order_lines(session: Session, order_id: int) -> list[OrderLine]:
    query = (
        select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.position))
    )
    return list(session.exec(query))
