"""Names and notes are text people can trust: bidirectional controls and zero-width characters
are removed (on the customer page and through the API alike), and each field has one length
rule, which the form shows (maxlength and a counter) and says when broken, as the API does."""

from __future__ import annotations

import httpx
import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cliqmenu.api import build_api
from cliqmenu.models import Order, OrderLine
from cliqmenu.pages.customer import checkout_sheet
from cliqmenu.services.text import clean_text
from cliqmenu.state.customer import CustomerMenuState
from tests import factories
from tests.state.support import substate

# "Bob" with a right-to-left override that shows "evil" reversed, and zero-width characters.
SPOOFED = "\u202eBob\u200b\u2066\u200d \ufeff"
NOTE = "no\u200b on\u202aion"
TOO_LONG = "The customer name is too long (at most 80 characters)."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (SPOOFED, "Bob"),
        ("Zoë\u200f", "Zoë"),
        ("\u2067\u05e9\u05dc\u05d5\u05dd\u2069", "\u05e9\u05dc\u05d5\u05dd"),  # Hebrew stays
        ("\u200b" * 90 + "Al", "Al"),  # invisible characters do not count toward the length
    ],
)
def test_invisible_characters_are_removed_from_names(typed: str, stored: str) -> None:
    assert clean_text(typed, what="customer name", max_length=80) == stored


async def test_the_api_stores_names_and_notes_without_invisible_characters(
    app_engine: Engine, session: Session, world: factories.World
) -> None:
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        answer = await client.post(
            f"/api/trucks/{world.truck.slug}/orders",
            json={
                "lines": [{"item_id": world.menu.fries.id, "note": NOTE}],
                "customer_name": SPOOFED,
                "dining_method": "takeaway",
                "payment_method": "cash_at_counter",
                "idempotency_key": "names-0001",
            },
        )
        assert answer.status_code == 201, answer.text
        too_long = await client.post(
            f"/api/trucks/{world.truck.slug}/orders",
            json={
                "lines": [{"item_id": world.menu.fries.id}],
                "customer_name": "N" * 2000,
                "dining_method": "takeaway",
                "payment_method": "cash_at_counter",
                "idempotency_key": "names-0002",
            },
        )
        assert (too_long.status_code, too_long.json()) == (400, {"error": TOO_LONG})
    with Session(app_engine) as check:
        assert check.exec(select(Order.customer_name)).all() == ["Bob"]
        assert check.exec(select(OrderLine.note)).all() == ["no onion"]


def page_with_cart(root: rx.State, world: factories.World) -> CustomerMenuState:
    page = substate(root, CustomerMenuState)
    page._open_truck(world.truck, world.business)
    page.payment = "cash_at_counter"
    page.cart = [factories.cart_line(world.menu.fries)]
    return page


async def test_the_checkout_says_a_name_is_too_long_instead_of_cutting_it(
    root: rx.State, app_engine: Engine, world: factories.World
) -> None:
    """The finding: the checkout silently cut a 2,000-character name to 80, the API refused it."""
    page = page_with_cart(root, world)
    page.set_customer_name("N" * 2000)
    assert page.error == TOO_LONG
    assert len(page.customer_name) == 81  # kept past the limit, so it is refused, not cut
    await page.place()
    assert page.error == TOO_LONG
    with Session(app_engine) as check:
        assert check.exec(select(func.count()).select_from(Order)).one() == 0

    page.set_customer_name(SPOOFED)
    assert page.error == ""
    result = await page.place()
    assert page.error == "" and result is not None
    with Session(app_engine) as check:
        assert check.exec(select(Order.customer_name)).all() == ["Bob"]


def test_a_note_too_long_is_said_in_the_picker_and_not_added(
    root: rx.State, world: factories.World
) -> None:
    page = page_with_cart(root, world)
    page.picking = []
    page.set_pick_note("x" * 500)
    assert page.pick_error == "The note is too long (at most 200 characters)."


def test_the_form_shows_each_length_rule() -> None:
    compiled = str(checkout_sheet())
    assert "maxLength:80" in compiled.replace(" ", "")
    assert "maxLength:254" in compiled.replace(" ", "")
    assert '"/80"' in compiled
