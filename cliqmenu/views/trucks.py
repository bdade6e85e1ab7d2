"""The Owner's trucks (/admin/trucks): a card per trading truck (with whose devices ring for
it), a line per archived one."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.models import Business, Role, StaffStatus, Truck
from cliqmenu.payments.config import is_configured
from cliqmenu.routes import menu_url
from cliqmenu.services import notifications, staff, trucks
from cliqmenu.services.business import TIMEZONES
from cliqmenu.services.menu import truck_zone

SAME_AS_BUSINESS = "business"


@dataclass
class CrewDevices:
    """A member who works at a truck, and whether a device of theirs rings for its orders."""

    name: str
    role: str
    devices: int
    words: str
    rings: bool
    kitchen: bool


@dataclass
class TruckCard:
    id: int
    name: str
    slug: str
    menu_url: str
    qr_svg: str
    qr_png: str
    methods: list[str]
    prep_minutes: int
    amber_percent: int
    red_percent: int
    busy: bool
    busy_until: str
    zone: str
    reminder: str
    crew: list[CrewDevices]
    ring_warning: str


@dataclass
class ArchivedTruck:
    id: int
    name: str
    menu_url: str


EVERY_TRUCK = "all"


def truck_filter(trucks_: list[Truck]) -> list[list[str]]:
    """The choices of a "which truck" filter: every truck, then each by name (archived said)."""
    return [[EVERY_TRUCK, "All trucks"]] + [
        [str(t.id), f"{t.name} (archived)" if t.archived else t.name] for t in trucks_
    ]


def archived_truck(truck: Truck) -> ArchivedTruck:
    return ArchivedTruck(id=truck.id, name=truck.name, menu_url=menu_url(truck.slug))


def _devices(count: int) -> str:
    return f"{count} device{'s' if count != 1 else ''} ring{'s' if count == 1 else ''}"


def _member_line(member, count: int) -> CrewDevices:
    kitchen = member.role == Role.KITCHEN_STAFF
    if kitchen:
        words = "No pushes: the kitchen display chimes"
    else:
        words = _devices(count) if count else "No device rings"
    return CrewDevices(
        name=member.name,
        role=member.role.label,
        devices=count,
        words=words,
        rings=count > 0,
        kitchen=kitchen,
    )


def crews(session, *, business_id: int, truck_ids: list[int]) -> dict[int, list[CrewDevices]]:
    """Each truck's signed-up crew (the Owner first, then Order Managers, then Kitchen Staff)
    with how many of their devices ring for that truck now."""
    members = [
        member
        for member in staff.list_staff(session, business_id=business_id)
        if member.status == StaffStatus.ACTIVE
    ]
    limits = staff.truck_limits(session, business_id=business_id)
    counts = notifications.ringing_devices(session, truck_ids)
    order = {Role.OWNER: 0, Role.ORDER_MANAGER: 1, Role.KITCHEN_STAFF: 2}
    members.sort(key=lambda m: (order[m.role], m.name.lower()))
    return {
        truck_id: [
            _member_line(member, counts.get((truck_id, member.id), 0))
            for member in members
            if member.role == Role.OWNER
            or member.id not in limits
            or truck_id in {t.id for t in limits[member.id]}
        ]
        for truck_id in truck_ids
    }


def ring_warning(truck: Truck, crew: list[CrewDevices]) -> str:
    """Said loudly on the card when no Order Manager's device rings for the truck's orders."""
    managers = [m for m in crew if m.role == Role.ORDER_MANAGER.label]
    if any(m.rings for m in managers):
        return ""
    owner = sum(m.devices for m in crew if m.role == Role.OWNER.label)
    if not managers:
        start = f"No Order Manager works at {truck.name}"
    else:
        start = f"No Order Manager's phone rings for new orders at {truck.name}"
    mine = " (only yours does)" if owner else ""
    return (
        f"{start}{mine}. Orders are seen only while someone watches the screen: ask an Order "
        "Manager to open the Order Manager screen on their phone and tap Turn on notifications."
    )


def reminder_words(truck: Truck) -> str:
    if not truck.reminder_minutes:
        return "No reminders for orders left waiting"
    return (
        f"Orders unaccepted after {truck.reminder_minutes} min ring again, every "
        f"{truck.reminder_minutes} min"
    )


def truck_card(
    session, truck: Truck, business: Business, crew: list[CrewDevices] | None = None
) -> TruckCard:
    methods = [
        label
        for on, label in (
            (truck.accepts_cash, "Cash at Counter"),
            (truck.accepts_card, "Card at Counter"),
            (
                truck.accepts_online,
                "Online" if is_configured(business) else "Online (needs Stripe)",
            ),
        )
        if on
    ]
    zone = truck_zone(session, truck)
    busy = trucks.is_busy(truck)
    return TruckCard(
        id=truck.id,
        name=truck.name,
        slug=truck.slug,
        menu_url=menu_url(truck.slug),
        qr_svg=f"/api/trucks/{truck.slug}/qr.svg",
        qr_png=f"/api/trucks/{truck.slug}/qr.png",
        methods=methods,
        prep_minutes=truck.default_prep_minutes,
        amber_percent=truck.kds_amber_percent,
        red_percent=truck.kds_red_percent,
        busy=busy,
        busy_until=truck.busy_until.astimezone(zone).strftime("%H:%M")
        if busy and truck.busy_until
        else "",
        zone=truck.timezone or f"{business.timezone} (business)",
        reminder=reminder_words(truck),
        crew=crew or [],
        ring_warning=ring_warning(truck, crew or []),
    )


@dataclass
class OwnerTrucksView:
    cards: list[TruckCard]
    archived: list[ArchivedTruck]
    stripe_connected: bool
    timezone_choices: list[list[str]]


def owner_trucks_view(session, business: Business) -> OwnerTrucksView:
    """The Owner's trucks page: trading trucks as cards, archived ones as lines, the zone picker."""
    trading = trucks.list_trucks(session, business_id=business.id)
    crew = crews(session, business_id=business.id, truck_ids=[t.id for t in trading])
    return OwnerTrucksView(
        cards=[truck_card(session, t, business, crew[t.id]) for t in trading],
        archived=[
            archived_truck(t) for t in trucks.archived_trucks(session, business_id=business.id)
        ],
        stripe_connected=is_configured(business),
        timezone_choices=[[SAME_AS_BUSINESS, f"Same as the business ({business.timezone})"]]
        + [[zone, zone] for zone in TIMEZONES],
    )


def truck_switcher(trucks_: list[Truck]) -> list[dict[str, str]]:
    """The trucks a staff screen may switch between."""
    return [{"id": str(t.id), "name": t.name} for t in trucks_]
