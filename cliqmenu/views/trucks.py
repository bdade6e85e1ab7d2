"""The Owner's trucks (/admin/trucks): a card per trading truck, a line per archived one."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.models import Business, Truck
from cliqmenu.payments.config import is_configured
from cliqmenu.routes import menu_url
from cliqmenu.services import trucks
from cliqmenu.services.business import TIMEZONES
from cliqmenu.services.menu import truck_zone

SAME_AS_BUSINESS = "business"


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


def truck_card(session, truck: Truck, business: Business) -> TruckCard:
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
    )


@dataclass
class OwnerTrucksView:
    cards: list[TruckCard]
    archived: list[ArchivedTruck]
    stripe_connected: bool
    timezone_choices: list[list[str]]


def owner_trucks_view(session, business: Business) -> OwnerTrucksView:
    """The Owner's trucks page: trading trucks as cards, archived ones as lines, the zone picker."""
    return OwnerTrucksView(
        cards=[
            truck_card(session, t, business)
            for t in trucks.list_trucks(session, business_id=business.id)
        ],
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
