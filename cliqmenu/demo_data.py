"""The demo business: a food-truck crew with two trucks, a menu, three staff and live orders.

``seed_demo`` builds it through the services (staff by invitation, orders placed and moved
through the lifecycle), so the demo data obeys the same rules as real data. The logins are
constants here so the run script and tests can print and use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, select

from cliqmenu.models import (
    Business,
    CustomizationGroup,
    CustomizationOption,
    DiningMethod,
    ItemStock,
    MenuCategory,
    MenuItem,
    OrderSource,
    PaymentMethod,
    Role,
    StaffMember,
    Stage,
    Truck,
    TruckItemOverride,
)
from cliqmenu.services import lifecycle, staff
from cliqmenu.services.orders import LineRequest, OrderRequest, place_order

BUSINESS_NAME = "Smoky Bros Street Food"
CBD_TRUCK_SLUG = "smoky-bros-cbd"
BEACH_TRUCK_SLUG = "smoky-bros-beach"

OWNER_EMAIL = "owner@demo.cliqmenu.test"
OWNER_PASSWORD = "demo-owner-1"
MANAGER_EMAIL = "manager@demo.cliqmenu.test"
MANAGER_PASSWORD = "demo-manager-1"
KITCHEN_EMAIL = "kitchen@demo.cliqmenu.test"
KITCHEN_PASSWORD = "demo-kitchen-1"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    name: str
    email: str
    password: str


DEMO_LOGINS = (
    DemoLogin(Role.OWNER, "Sam Smoky", OWNER_EMAIL, OWNER_PASSWORD),
    DemoLogin(Role.ORDER_MANAGER, "Maddie Manager", MANAGER_EMAIL, MANAGER_PASSWORD),
    DemoLogin(Role.KITCHEN_STAFF, "Kit Chen", KITCHEN_EMAIL, KITCHEN_PASSWORD),
)

# (name, min, max, required, [(option, price delta in cents)])
_Group = tuple[str, int, int, bool, list[tuple[str, int]]]

_PATTY: _Group = ("Patty", 1, 1, True, [("Single", 0), ("Double", 450)])
_BURGER_EXTRAS: _Group = (
    "Extras",
    0,
    3,
    False,
    [("Bacon", 300), ("Extra cheese", 150), ("Jalapeños", 100), ("Fried egg", 200)],
)
_SPICE: _Group = ("Spice level", 1, 1, True, [("Mild", 0), ("Hot", 0), ("Nashville hot", 100)])
_BUN: _Group = ("Bun", 1, 1, True, [("Milk bun", 0), ("Gluten-free bun", 200)])
_SALSA: _Group = (
    "Salsa",
    1,
    2,
    True,
    [("Pico de gallo", 0), ("Salsa verde", 0), ("Chipotle mayo", 50)],
)
_FRIES_SIZE: _Group = ("Size", 1, 1, True, [("Regular", 0), ("Large", 250)])
_SALT: _Group = ("Salt", 0, 1, False, [("Chicken salt", 0), ("Rosemary salt", 0)])
_MILK: _Group = ("Milk", 0, 1, False, [("Full cream", 0), ("Oat", 80), ("Almond", 80)])
_FLAVOUR: _Group = ("Flavour", 1, 1, True, [("Cola", 0), ("Lemonade", 0), ("Ginger beer", 50)])
_DIP: _Group = ("Dipping sauce", 1, 2, True, [("Chocolate", 0), ("Dulce de leche", 0)])

# category -> [(name, description, price in cents, dietary tags, allergens, groups)]
# The first item needs no choices, so the README's order API example works on the demo data.
_MENU: dict[str, list[tuple[str, str, int, list[str], list[str], list[_Group]]]] = {
    "Burgers": [
        (
            "Brisket Burger",
            "12-hour smoked brisket, slaw, pickled onion and BBQ sauce on a milk bun.",
            1900,
            [],
            ["gluten", "dairy", "egg", "mustard"],
            [_BURGER_EXTRAS],
        ),
        (
            "Classic Smash Burger",
            "Smashed beef patty, American cheese, pickles, onion and smoky sauce.",
            1600,
            [],
            ["gluten", "dairy", "egg", "sesame"],
            [_PATTY, _BURGER_EXTRAS],
        ),
        (
            "Crispy Chicken Burger",
            "Buttermilk fried chicken thigh, lettuce and chipotle mayo.",
            1700,
            ["halal"],
            ["gluten", "dairy", "egg"],
            [_SPICE],
        ),
        (
            "Halloumi Burger",
            "Grilled halloumi, roast capsicum, rocket and garlic aioli.",
            1650,
            ["vegetarian"],
            ["gluten", "dairy", "egg"],
            [_BUN],
        ),
        (
            "Plant Smash Burger",
            "Plant-based patty, vegan cheese, pickles and vegan smoky sauce.",
            1800,
            ["vegan"],
            ["soy", "sesame"],
            [_BUN],
        ),
    ],
    "Tacos": [
        (
            "Pulled Pork Tacos",
            "Three corn tortillas, smoked pulled pork, pineapple and coriander.",
            1500,
            ["gluten-free"],
            [],
            [_SALSA],
        ),
        (
            "Brisket Tacos",
            "Three corn tortillas, chopped brisket, pickled onion and queso fresco.",
            1650,
            ["gluten-free"],
            ["dairy"],
            [_SALSA],
        ),
        (
            "Cauliflower Tacos",
            "Three corn tortillas, charred spiced cauliflower, avocado and lime.",
            1400,
            ["vegan", "gluten-free"],
            [],
            [_SALSA],
        ),
    ],
    "Sides": [
        (
            "Shoestring Fries",
            "Crisp thin-cut fries.",
            600,
            ["vegan", "gluten-free"],
            [],
            [_FRIES_SIZE, _SALT],
        ),
        (
            "Loaded Fries",
            "Fries, brisket burnt ends, cheese sauce and jalapeños.",
            1200,
            ["gluten-free"],
            ["dairy"],
            [],
        ),
        (
            "Mac & Cheese Bites",
            "Five crumbed mac & cheese bites with smoky ketchup.",
            900,
            ["vegetarian"],
            ["gluten", "dairy", "egg"],
            [],
        ),
        (
            "Smoky Slaw",
            "Cabbage, carrot and spring onion in a smoky dressing.",
            500,
            ["vegetarian", "gluten-free"],
            ["egg"],
            [],
        ),
    ],
    "Drinks": [
        ("Cold Brew", "House cold brew over ice.", 600, ["vegan", "gluten-free"], [], [_MILK]),
        ("Soft Drink", "375 ml can.", 400, ["vegan", "gluten-free"], [], [_FLAVOUR]),
        (
            "Lemon, Lime & Bitters",
            "Made to order.",
            550,
            ["vegan", "gluten-free"],
            [],
            [],
        ),
        ("Bottled Water", "600 ml.", 350, ["vegan", "gluten-free"], [], []),
    ],
    "Desserts": [
        (
            "Churros",
            "Five cinnamon-sugar churros.",
            900,
            ["vegetarian"],
            ["gluten", "dairy", "egg"],
            [_DIP],
        ),
    ],
}


@dataclass
class _Menu:
    items: dict[str, MenuItem]
    options: dict[tuple[str, str], CustomizationOption]

    def line(self, item: str, quantity: int = 1, *options: str, note: str = "") -> LineRequest:
        return LineRequest(
            item_id=self.items[item].id,
            quantity=quantity,
            option_ids=[self.options[(item, option)].id for option in options],
            note=note,
        )


def demo_exists(session: Session) -> bool:
    """Whether the demo business is already in this database."""
    return (
        session.exec(select(Business.id).where(Business.name == BUSINESS_NAME)).first() is not None
    )


def seed_demo(session: Session) -> bool:
    """Create the demo business unless it exists; returns whether anything was created.

    The caller owns the transaction (commit after a True return).
    """
    if demo_exists(session):
        return False
    business = Business(
        name=BUSINESS_NAME,
        currency="AUD",
        timezone="Australia/Sydney",
        gst_registered=True,
        card_surcharge_bp=250,
        online_surcharge_bp=300,
    )
    session.add(business)
    session.flush()
    cbd = Truck(
        business_id=business.id,
        name="Smoky Bros CBD",
        slug=CBD_TRUCK_SLUG,
        accepts_online=True,
        default_prep_minutes=12,
    )
    beach = Truck(
        business_id=business.id,
        name="Smoky Bros Beach",
        slug=BEACH_TRUCK_SLUG,
        default_prep_minutes=10,
    )
    session.add_all([cbd, beach])
    session.flush()
    menu = _seed_menu(session, business)
    _seed_truck_settings(session, menu, cbd=cbd, beach=beach)
    _owner, manager, kitchen = _seed_staff(session, business)
    _seed_orders(session, menu, cbd=cbd, beach=beach, manager=manager, kitchen=kitchen)
    session.flush()
    return True


def _seed_menu(session: Session, business: Business) -> _Menu:
    items: dict[str, MenuItem] = {}
    options: dict[tuple[str, str], CustomizationOption] = {}
    for category_position, (category_name, entries) in enumerate(_MENU.items()):
        category = MenuCategory(
            business_id=business.id, name=category_name, position=category_position
        )
        session.add(category)
        session.flush()
        for item_position, (name, description, price, tags, allergens, groups) in enumerate(
            entries
        ):
            item = MenuItem(
                business_id=business.id,
                category_id=category.id,
                name=name,
                description=description,
                price_cents=price,
                dietary_tags=tags,
                allergens=allergens,
                position=item_position,
            )
            session.add(item)
            session.flush()
            items[name] = item
            for group_position, (group_name, least, most, required, choices) in enumerate(groups):
                group = CustomizationGroup(
                    item_id=item.id,
                    name=group_name,
                    min_choices=least,
                    max_choices=most,
                    required=required,
                    position=group_position,
                )
                session.add(group)
                session.flush()
                for option_position, (option_name, delta) in enumerate(choices):
                    option = CustomizationOption(
                        group_id=group.id,
                        name=option_name,
                        price_delta_cents=delta,
                        position=option_position,
                    )
                    session.add(option)
                    options[(name, option_name)] = option
    session.flush()
    return _Menu(items=items, options=options)


def _seed_truck_settings(session: Session, menu: _Menu, *, cbd: Truck, beach: Truck) -> None:
    """A couple of truck overrides and a portion count, so those screens have something to show."""
    session.add_all(
        [
            # Beach prices for drinks are a little higher, and no churros at the beach.
            TruckItemOverride(
                truck_id=beach.id, item_id=menu.items["Cold Brew"].id, price_cents=650
            ),
            TruckItemOverride(truck_id=beach.id, item_id=menu.items["Churros"].id, offered=False),
            ItemStock(truck_id=cbd.id, item_id=menu.items["Brisket Burger"].id, portions_left=25),
        ]
    )
    session.flush()


def _seed_staff(session: Session, business: Business) -> tuple[StaffMember, ...]:
    """The owner first, then the manager and the kitchen hand by invitation, as in real life."""
    owner_login, *invited = DEMO_LOGINS
    owner = staff.create_owner(
        session,
        business=business,
        email=owner_login.email,
        name=owner_login.name,
        password=owner_login.password,
    )
    members = [owner]
    for login in invited:
        _member, link = staff.invite(
            session, actor=owner, email=login.email, name=login.name, role=login.role
        )
        token = parse_qs(urlsplit(link).query)["token"][0]
        members.append(staff.accept_invitation(session, token=token, password=login.password))
    session.flush()
    return tuple(members)


def _seed_orders(
    session: Session,
    menu: _Menu,
    *,
    cbd: Truck,
    beach: Truck,
    manager: StaffMember,
    kitchen: StaffMember,
) -> None:
    """Orders in every active stage at the CBD truck, and a walk-in at the beach."""

    def order(
        key: str,
        name: str,
        lines: list[LineRequest],
        *,
        truck: Truck = cbd,
        dining: DiningMethod = DiningMethod.TAKEAWAY,
        payment: PaymentMethod = PaymentMethod.CARD_AT_COUNTER,
        email: str | None = None,
    ) -> int:
        placed, _created = place_order(
            session,
            truck=truck,
            request=OrderRequest(
                customer_name=name,
                customer_email=email,
                dining_method=dining,
                payment_method=payment,
                idempotency_key=f"demo-seed-{key}",
                lines=lines,
            ),
            source=OrderSource.CUSTOMER,
        )
        return placed.id

    def accept(order_id: int, prep_minutes: int, kitchen_note: str = "") -> None:
        lifecycle.accept(
            session,
            actor=manager,
            order_id=order_id,
            changes=lifecycle.AcceptChanges(prep_minutes=prep_minutes, kitchen_note=kitchen_note),
        )

    ready = order(
        "ready",
        "Priya",
        [menu.line("Pulled Pork Tacos", 2, "Pico de gallo", "Salsa verde"), menu.line("Cold Brew")],
        email="priya@demo.cliqmenu.test",
    )
    accept(ready, 8)
    lifecycle.advance(session, actor=kitchen, order_id=ready, expected=Stage.IN_PROGRESS)
    lifecycle.advance(session, actor=manager, order_id=ready, expected=Stage.COOKING_DONE)

    cooked = order(
        "cooked",
        "Tom",
        [menu.line("Crispy Chicken Burger", 1, "Hot"), menu.line("Shoestring Fries", 1, "Large")],
        dining=DiningMethod.DINE_IN,
        payment=PaymentMethod.CASH_AT_COUNTER,
    )
    accept(cooked, 10)
    lifecycle.advance(session, actor=kitchen, order_id=cooked, expected=Stage.IN_PROGRESS)

    cooking = order(
        "cooking",
        "Jess",
        [
            menu.line("Classic Smash Burger", 2, "Double", "Bacon", "Extra cheese"),
            menu.line("Loaded Fries"),
            menu.line("Soft Drink", 2, "Cola"),
        ],
    )
    accept(cooking, 15, kitchen_note="One burger with no pickles, please.")

    order(
        "received-1",
        "Alex",
        [
            menu.line("Halloumi Burger", 1, "Gluten-free bun", note="Coeliac: keep it separate"),
            menu.line("Smoky Slaw"),
        ],
        email="alex@demo.cliqmenu.test",
    )
    order(
        "received-2",
        "Sam K",
        [menu.line("Cauliflower Tacos", 1, "Salsa verde"), menu.line("Churros", 1, "Chocolate")],
        payment=PaymentMethod.CASH_AT_COUNTER,
    )

    place_order(
        session,
        truck=beach,
        request=OrderRequest(
            customer_name="Walk-in",
            dining_method=DiningMethod.TAKEAWAY,
            payment_method=PaymentMethod.CASH_AT_COUNTER,
            idempotency_key="demo-seed-beach-walk-in",
            lines=[menu.line("Brisket Tacos", 1, "Chipotle mayo"), menu.line("Bottled Water")],
        ),
        source=OrderSource.WALK_IN,
        actor=manager,
        prep_minutes=10,
    )
