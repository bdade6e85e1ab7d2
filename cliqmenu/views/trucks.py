"""The Owner's trucks (/admin/trucks): a card per trading truck, a line per archived one."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.models import Business, Truck
from cliqmenu.payments.config import is_configured
from cliqmenu.routes import menu_url
from cliqmenu.services import trucks
from cliqmenu.services.menu import truck_zone


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
        busy_until=truck.busy_until.astimezone(zone).strftime("%H:%M") if busy else "",
        zone=truck.timezone or f"{business.timezone} (business)",
    )
