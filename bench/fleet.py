"""Bench data: many trucks, each of its own business, with staff sessions and a menu.

Built with the test factories and the staff service (sessions are opened like a sign-in does),
so the server sees rows exactly as the product writes them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx
from sqlmodel import Session

from cliqmenu.db import make_engine
from cliqmenu.models import Role
from cliqmenu.services import staff
from tests import factories


@dataclass(frozen=True)
class BenchTruck:
    id: int
    slug: str
    item_id: int  # the fries: no required options, so an API order needs nothing else
    burger_id: int
    manager_token: str
    kitchen_token: str


def seed_fleet(db_url: str, trucks: int) -> list[BenchTruck]:
    """``trucks`` businesses with one truck, an Order Manager, a Kitchen Staff member each."""
    engine = make_engine(db_url)
    made: list[BenchTruck] = []
    try:
        with Session(engine) as session:
            for number in range(1, trucks + 1):
                business = factories.make_business(session, name=f"Bench Business {number}")
                truck = factories.make_truck(
                    session, business=business, name=f"Bench Truck {number}"
                )
                menu = factories.make_menu(session, business=business)
                tokens = []
                for role in (Role.ORDER_MANAGER, Role.KITCHEN_STAFF):
                    member = factories.make_member(session, business=business, role=role)
                    tokens.append(staff.open_session(session, member=member, device="bench").token)
                made.append(
                    BenchTruck(truck.id, truck.slug, menu.fries.id, menu.burger.id, *tokens)
                )
            session.commit()
    finally:
        engine.dispose()
    return made


async def place_order(client: httpx.AsyncClient, truck: BenchTruck) -> int:
    """One Takeaway order of fries, Cash at Counter, through the order API; its number."""
    return (await order_answer(client, truck))["order_number"]


async def order_answer(client: httpx.AsyncClient, truck: BenchTruck, name: str = "Bench") -> dict:
    """Place ``place_order``'s order; the order API's whole answer (number, tracking URL...)."""
    answer = await client.post(
        f"/api/trucks/{truck.slug}/orders",
        json={
            "lines": [{"item_id": truck.item_id, "quantity": 1}],
            "customer_name": name,
            "dining_method": "takeaway",
            "payment_method": "cash_at_counter",
            "idempotency_key": secrets.token_urlsafe(12),
        },
    )
    answer.raise_for_status()
    return answer.json()
