"""Test data builders: keyword-only functions that add rows to a session and flush them.

They never commit; the caller (usually a fixture) decides when the unit of work ends.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session

from cliqmenu.models import (
    Business,
    CustomizationGroup,
    CustomizationOption,
    DiningMethod,
    MenuCategory,
    MenuItem,
    Order,
    OrderSource,
    PaymentMethod,
    Role,
    StaffMember,
    StaffStatus,
    StaffTruck,
    Stage,
    Station,
    Truck,
    utcnow,
)
from cliqmenu.services import lifecycle, orders, staff, stations
from cliqmenu.views.menu import CartLine

DEFAULT_PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


@lru_cache
def _password_hash(password: str) -> str:
    # Argon2 is slow on purpose; hashing each test password once keeps the suite fast.
    return staff.hash_password(password)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def make_business(
    session: Session,
    *,
    name: str = "Cliq Tacos",
    gst_registered: bool = True,
    card_surcharge_bp: int = 250,
    online_surcharge_bp: int = 300,
    currency: str = "AUD",
    timezone: str = "Australia/Sydney",
    stripe_secret_key: str | None = None,
) -> Business:
    """A business; by default GST-registered with a 2.5% card and 3% online surcharge."""
    business = Business(
        name=name,
        gst_registered=gst_registered,
        card_surcharge_bp=card_surcharge_bp,
        online_surcharge_bp=online_surcharge_bp,
        currency=currency,
        timezone=timezone,
        stripe_secret_key=stripe_secret_key,
    )
    session.add(business)
    session.flush()
    return business


def make_truck(
    session: Session,
    *,
    business: Business,
    name: str = "Taco Truck",
    slug: str | None = None,
    accepts_cash: bool = True,
    accepts_card: bool = True,
    accepts_online: bool = False,
    default_prep_minutes: int = 10,
    timezone: str | None = None,
) -> Truck:
    """A truck of ``business``; its slug is made unique unless given."""
    truck = Truck(
        business_id=business.id,
        name=name,
        slug=slug or f"{_slug(name)}-{next(_sequence)}",
        accepts_cash=accepts_cash,
        accepts_card=accepts_card,
        accepts_online=accepts_online,
        default_prep_minutes=default_prep_minutes,
        timezone=timezone,
    )
    session.add(truck)
    session.flush()
    return truck


def make_member(
    session: Session,
    *,
    business: Business,
    role: Role,
    name: str | None = None,
    email: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    status: StaffStatus = StaffStatus.ACTIVE,
    trucks: tuple[Truck, ...] = (),
) -> StaffMember:
    """A staff member who can sign in with ``password`` (none: an invited member)."""
    number = next(_sequence)
    member = StaffMember(
        business_id=business.id,
        email=email or f"{role.value.replace('_', '-')}-{number}@example.com",
        name=name or f"{role.label} {number}",
        role=role,
        status=status,
        password_hash=_password_hash(password) if password else None,
        accepted_at=utcnow() if status == StaffStatus.ACTIVE else None,
    )
    session.add(member)
    session.flush()
    for truck in trucks:
        session.add(StaffTruck(staff_id=member.id, truck_id=truck.id))
    session.flush()
    return member


@dataclass
class Menu:
    """A small master menu: a burger with a required Patty group and optional Extras, fries."""

    category: MenuCategory
    burger: MenuItem
    fries: MenuItem
    patty: CustomizationGroup
    beef: CustomizationOption
    chicken: CustomizationOption
    tofu: CustomizationOption
    extras: CustomizationGroup
    cheese: CustomizationOption
    bacon: CustomizationOption
    egg: CustomizationOption


def make_menu(session: Session, *, business: Business) -> Menu:
    """Burger $12.00 (Patty: choose exactly 1, Chicken +$1.50, Tofu +$1.00; Extras: up to 2,
    Cheese +$1.00, Bacon +$2.50, Egg +$1.20) and Fries $5.00."""
    category = MenuCategory(business_id=business.id, name="Mains", position=0)
    session.add(category)
    session.flush()
    burger = MenuItem(
        business_id=business.id,
        category_id=category.id,
        name="Burger",
        price_cents=1200,
        allergens=["gluten", "milk"],
        position=0,
    )
    fries = MenuItem(
        business_id=business.id,
        category_id=category.id,
        name="Fries",
        price_cents=500,
        dietary_tags=["vegan"],
        position=1,
    )
    session.add_all([burger, fries])
    session.flush()
    patty = CustomizationGroup(
        item_id=burger.id, name="Patty", min_choices=1, max_choices=1, required=True, position=0
    )
    extras = CustomizationGroup(
        item_id=burger.id, name="Extras", min_choices=0, max_choices=2, required=False, position=1
    )
    session.add_all([patty, extras])
    session.flush()

    def option(group: CustomizationGroup, name: str, delta: int, position: int):
        row = CustomizationOption(
            group_id=group.id, name=name, price_delta_cents=delta, position=position
        )
        session.add(row)
        return row

    beef = option(patty, "Beef", 0, 0)
    chicken = option(patty, "Chicken", 150, 1)
    tofu = option(patty, "Tofu", 100, 2)
    cheese = option(extras, "Cheese", 100, 0)
    bacon = option(extras, "Bacon", 250, 1)
    egg = option(extras, "Egg", 120, 2)
    session.flush()
    return Menu(
        category=category,
        burger=burger,
        fries=fries,
        patty=patty,
        beef=beef,
        chicken=chicken,
        tofu=tofu,
        extras=extras,
        cheese=cheese,
        bacon=bacon,
        egg=egg,
    )


@dataclass
class World:
    """Everything most service tests need."""

    business: Business
    truck: Truck
    owner: StaffMember
    manager: StaffMember
    kitchen: StaffMember
    menu: Menu


def make_world(session: Session, *, business_name: str = "Cliq Tacos") -> World:
    """A business (GST, card 2.5%, online 3%), a truck, an Owner, an Order Manager, a Kitchen
    Staff member and the small menu."""
    business = make_business(session, name=business_name)
    truck = make_truck(session, business=business)
    slug = _slug(business_name)
    return World(
        business=business,
        truck=truck,
        owner=make_member(
            session,
            business=business,
            role=Role.OWNER,
            name="Olive",
            email=f"olive@{slug}.example.com",
        ),
        manager=make_member(
            session,
            business=business,
            role=Role.ORDER_MANAGER,
            name="Mia",
            email=f"mia@{slug}.example.com",
        ),
        kitchen=make_member(
            session,
            business=business,
            role=Role.KITCHEN_STAFF,
            name="Kai",
            email=f"kai@{slug}.example.com",
        ),
        menu=make_menu(session, business=business),
    )


def line(
    item: MenuItem, *options: CustomizationOption, quantity: int = 1, note: str = ""
) -> orders.LineRequest:
    """One order line: ``line(menu.burger, menu.beef, menu.cheese, quantity=2)``."""
    return orders.LineRequest(
        item_id=item.id,
        quantity=quantity,
        option_ids=[option.id for option in options],
        note=note,
    )


def order_request(
    *,
    lines: list[orders.LineRequest],
    customer_name: str = "Sam",
    customer_email: str | None = None,
    customer_phone: str | None = None,
    dining_method: DiningMethod = DiningMethod.TAKEAWAY,
    payment_method: PaymentMethod = PaymentMethod.CASH_AT_COUNTER,
    idempotency_key: str | None = None,
    pickup_at: dt.datetime | None = None,
) -> orders.OrderRequest:
    """What the ordering page sends; a fresh idempotency key unless one is given."""
    return orders.OrderRequest(
        customer_name=customer_name,
        customer_email=customer_email,
        customer_phone=customer_phone,
        dining_method=dining_method,
        payment_method=payment_method,
        idempotency_key=idempotency_key or secrets.token_urlsafe(12),
        lines=lines,
        pickup_at=pickup_at,
    )


def place(
    session: Session,
    *,
    world: World,
    lines: list[orders.LineRequest] | None = None,
    truck: Truck | None = None,
    source: OrderSource = OrderSource.CUSTOMER,
    actor: StaffMember | None = None,
    prep_minutes: int | None = None,
    **request: object,
) -> Order:
    """Place an order at ``truck`` (default: the world's truck); one beef burger unless given.

    Extra keyword arguments go to ``order_request`` (payment_method, customer_email, ...).
    """
    made = order_request(
        lines=lines if lines is not None else [line(world.menu.burger, world.menu.beef)],
        **request,
    )
    order, _ = orders.place_order(
        session,
        truck=truck or world.truck,
        request=made,
        source=source,
        actor=actor,
        prep_minutes=prep_minutes,
    )
    return order


def cart_line(item: MenuItem, *, quantity: int = 1) -> CartLine:
    """One line of a cart screen's cart (no options), as ``add_to_cart`` makes it."""
    total = item.price_cents * quantity
    return CartLine(
        item_id=item.id,
        name=item.name,
        option_ids=[],
        options="",
        quantity=quantity,
        note="",
        total=f"${total / 100:.2f}",
        total_cents=total,
    )


def to_stage(
    session: Session, world: World, order: Order, stage: Stage, *, prep_minutes: int = 12
) -> Order:
    """Walk an order forward to ``stage`` as the manager would (Accept with ``prep_minutes``)."""
    if order.stage == Stage.RECEIVED and stage != Stage.RECEIVED:
        lifecycle.accept(
            session,
            actor=world.manager,
            order_id=order.id,
            changes=lifecycle.AcceptChanges(prep_minutes=prep_minutes),
        )
    while order.stage != stage:
        lifecycle.advance(
            session,
            actor=world.manager,
            order_id=order.id,
            expected=order.stage,
            deliver_unpaid=True,
        )
    return order


@dataclass
class Kitchen:
    """A truck that works by stations: Grill (the default) and Drinks, and a drink to order."""

    grill: Station
    drinks: Station
    lemonade: MenuItem


def make_stations(session: Session, *, world: World) -> Kitchen:
    """Grill (the default: the burgers and fries) and Drinks (the Drinks category, with
    Lemonade $4.00) at the world's truck."""
    drinks_category = MenuCategory(business_id=world.business.id, name="Drinks", position=1)
    session.add(drinks_category)
    session.flush()
    lemonade = MenuItem(
        business_id=world.business.id,
        category_id=drinks_category.id,
        name="Lemonade",
        price_cents=400,
    )
    session.add(lemonade)
    session.flush()
    truck = world.truck.id
    grill = stations.add_station(session, actor=world.owner, truck_id=truck, name="Grill")
    drinks = stations.add_station(session, actor=world.owner, truck_id=truck, name="Drinks")
    stations.route(
        session,
        actor=world.owner,
        truck_id=truck,
        station_id=drinks.id,
        category_id=drinks_category.id,
    )
    session.commit()
    return Kitchen(grill=grill, drinks=drinks, lemonade=lemonade)
