"""The Owner's overview (/admin): the first steps of setting up, and each truck's day so far."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cliqmenu import routes
from cliqmenu.models import StaffMember
from cliqmenu.services import money, records, reports, trucks
from cliqmenu.services.setup_progress import setup_progress


@dataclass
class Step:
    title: str
    detail: str
    href: str
    done: bool


@dataclass
class TruckToday:
    name: str
    slug: str
    busy: bool
    orders: int
    net: str


@dataclass
class OwnerOverview:
    business_name: str
    steps: list[Step]
    steps_left: int
    today: list[TruckToday]
    today_label: str


def owner_overview(session: Session, *, actor: StaffMember) -> OwnerOverview:
    """The overview of ``actor``'s business: its first steps and each trading truck's day."""
    business = records.business(session, actor.business_id)
    truck_rows = trucks.list_trucks(session, business_id=business.id)
    progress = setup_progress(session, business_id=business.id)
    today = records.business_today(session, business.id)
    report = reports.sales_report(session, actor=actor, start=today, end=today)
    steps = [
        Step(
            "Check your business details",
            "GST registration and the Card and Online surcharges.",
            routes.ADMIN_BUSINESS,
            progress.reviewed_details,
        ),
        Step(
            "Add a truck",
            "Its menu address, QR code and payment methods.",
            routes.ADMIN_TRUCKS,
            progress.has_truck,
        ),
        Step(
            "Build your menu",
            "Categories, items, options and prices.",
            routes.ADMIN_MENU,
            progress.has_menu,
        ),
        Step(
            "Invite your team",
            "Order Managers and Kitchen Staff.",
            routes.ADMIN_STAFF,
            progress.has_team,
        ),
        Step(
            "Take a first order",
            "Scan the truck's QR code, or add a walk-in order.",
            routes.MANAGE,
            progress.has_order,
        ),
    ]
    by_truck = {row.truck_id: row.figures for row in report.rows}
    show = money.formatter(business)
    return OwnerOverview(
        business_name=business.name,
        steps=steps,
        steps_left=sum(1 for s in steps if not s.done),
        today=[
            TruckToday(
                name=t.name,
                slug=t.slug,
                busy=trucks.is_busy(t),
                orders=by_truck[t.id].orders if t.id in by_truck else 0,
                net=show(by_truck[t.id].net_cents if t.id in by_truck else 0),
            )
            for t in truck_rows
        ],
        today_label=today.strftime("%A %d %B"),
    )
