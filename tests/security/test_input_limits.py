"""Every limit on what people type, tried at the boundary: the limit itself is taken, one past
it is refused with a message that says the limit, and nothing of the refused change is written.

Each case runs in its own unit of work, committed only when the service returned (as
``session_scope`` does); on PostgreSQL a value longer than its column would fail as a database
error instead, so a DomainError with the message is what proves the service checked first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cliqmenu.models import DiscountKind, Role
from cliqmenu.services import lifecycle, menu_admin, staff, stock
from cliqmenu.services.errors import DomainError
from cliqmenu.state.accept_form import AcceptFormState
from tests import factories
from tests.security.support import database_rows
from tests.state.support import substate

World = factories.World


@dataclass(frozen=True)
class Limit:
    """``attempt(session, world, value)`` does one change; ``at`` is taken, ``over`` refused."""

    attempt: Callable[[Session, World, Any], object]
    at: Any
    over: Any
    message: str


def _order(**request: Any) -> Callable[[Session, World, Any], object]:
    def attempt(session: Session, world: World, value: Any) -> object:
        values = {name: make(world, value) for name, make in request.items()}
        return factories.place(session, world=world, **values)

    return attempt


def _fries(world: World, quantity: int = 1, note: str = "") -> list:
    return [factories.line(world.menu.fries, quantity=quantity, note=note)]


def _accepted_with(**changes: Callable[[Any], Any]) -> Callable[[Session, World, Any], object]:
    """Accept a fresh $12.00 beef burger order with ``changes`` made from the value."""

    def attempt(session: Session, world: World, value: Any) -> object:
        order = factories.place(session, world=world)
        made = {name: make(value) for name, make in changes.items()}
        return lifecycle.accept(
            session,
            actor=world.manager,
            order_id=order.id,
            changes=lifecycle.AcceptChanges(prep_minutes=10, **made),
        )

    return attempt


def _rejected(session: Session, world: World, reason: str) -> object:
    order = factories.place(session, world=world)
    return lifecycle.reject(session, actor=world.manager, order_id=order.id, reason=reason)


def _item(**fields: Callable[[Any], Any]) -> Callable[[Session, World, Any], object]:
    def attempt(session: Session, world: World, value: Any) -> object:
        values = {"name": "Taco", "price_cents": 900} | {
            name: make(value) for name, make in fields.items()
        }
        return menu_admin.create_item(
            session,
            actor=world.owner,
            fields=menu_admin.ItemFields(category_id=world.menu.category.id, **values),
        )

    return attempt


def _invite(field: str) -> Callable[[Session, World, Any], object]:
    def attempt(session: Session, world: World, value: str) -> object:
        values = {"email": "newcook@example.com", "name": "New Cook", "mobile": ""}
        return staff.invite(
            session, actor=world.owner, role=Role.KITCHEN_STAFF, **{**values, field: value}
        )

    return attempt


def too_long(attempt: Callable[[Session, World, Any], object], what: str, limit: int) -> Limit:
    """A text limit: ``limit`` characters are taken, one more is refused by ``clean_text``."""
    return Limit(
        attempt,
        "x" * limit,
        "x" * (limit + 1),
        f"The {what} is too long (at most {limit} characters).",
    )


def _long_email(length: int) -> str:
    return "a" * (length - len("@example.com")) + "@example.com"


LIMITS = {
    "order note": too_long(_order(lines=lambda w, v: _fries(w, note=v)), "note on Fries", 200),
    "quantity": Limit(
        _order(lines=lambda w, v: _fries(w, quantity=v)),
        99,
        100,
        "Quantity of Fries must be between 1 and 99.",
    ),
    "quantity zero": Limit(
        _order(lines=lambda w, v: _fries(w, quantity=v)),
        1,
        0,
        "Quantity of Fries must be between 1 and 99.",
    ),
    "lines": Limit(
        _order(lines=lambda w, v: _fries(w) * v),
        50,
        51,
        "An order can have at most 50 lines.",
    ),
    "customer name": too_long(_order(customer_name=lambda w, v: v), "customer name", 80),
    "customer phone": too_long(_order(customer_phone=lambda w, v: v), "phone number", 32),
    "customer email": Limit(
        _order(customer_email=lambda w, v: v),
        _long_email(254),
        _long_email(255),
        "The email address is too long (at most 254 characters).",
    ),
    "kitchen note": too_long(_accepted_with(kitchen_note=lambda v: v), "kitchen note", 500),
    "internal note": too_long(_accepted_with(internal_note=lambda v: v), "internal note", 500),
    "percent discount": Limit(
        _accepted_with(discount_kind=lambda v: DiscountKind.PERCENT, discount_value=lambda v: v),
        10_000,
        10_001,
        "A percent discount can be at most 100%.",
    ),
    "amount discount": Limit(
        _accepted_with(discount_kind=lambda v: DiscountKind.AMOUNT, discount_value=lambda v: v),
        1200,
        1201,
        "A discount cannot be more than the subtotal.",
    ),
    "negative discount": Limit(
        _accepted_with(discount_kind=lambda v: DiscountKind.AMOUNT, discount_value=lambda v: v),
        0,
        -1,
        "A discount cannot be negative.",
    ),
    "reject reason": too_long(_rejected, "reason", 200),
    "item price": Limit(
        _item(price_cents=lambda v: v),
        1_000_000,
        1_000_001,
        "Price is too high (at most $10,000.00).",
    ),
    "negative item price": Limit(
        _item(price_cents=lambda v: v), 0, -1, "Price cannot be negative."
    ),
    "item name": too_long(_item(name=lambda v: v), "item name", 120),
    "item description": too_long(_item(description=lambda v: v), "description", 500),
    "category name": too_long(
        lambda s, w, v: menu_admin.create_category(s, actor=w.owner, name=v), "category name", 80
    ),
    "option price change": Limit(
        lambda s, w, v: menu_admin.create_option(
            s, actor=w.owner, group_id=w.menu.extras.id, name="Gold leaf", price_delta_cents=v
        ),
        100_000,
        100_001,
        "Price change is too large (at most $1,000.00 either way).",
    ),
    "portions": Limit(
        lambda s, w, v: stock.set_portions(
            s, actor=w.manager, truck=w.truck, item_id=w.menu.fries.id, portions=v
        ),
        9999,
        10_000,
        "Portions must be a whole number from 0 to 9999.",
    ),
    "staff name": too_long(_invite("name"), "name", 120),
    "staff mobile": too_long(_invite("mobile"), "mobile number", 32),
    "staff email": Limit(
        _invite("email"),
        _long_email(254),
        _long_email(255),
        "The email address is too long (at most 254 characters).",
    ),
}


@pytest.mark.parametrize("name", LIMITS)
def test_a_limit_is_taken_at_the_boundary_and_refused_past_it(
    engine: Engine, world: factories.World, name: str
) -> None:
    limit = LIMITS[name]
    before = database_rows(engine)
    with Session(engine, expire_on_commit=False) as session, pytest.raises(DomainError) as error:
        limit.attempt(session, world, limit.over)
        session.commit()
    assert str(error.value) == limit.message
    assert database_rows(engine) == before

    with Session(engine, expire_on_commit=False) as session:
        assert limit.attempt(session, world, limit.at) is not None
        session.commit()
    assert database_rows(engine) != before


@pytest.mark.parametrize("text", ["bad\x00byte", "bell\x07", "escape\x1b[31m"])
def test_control_characters_in_a_note_are_refused(
    engine: Engine, world: factories.World, text: str
) -> None:
    before = database_rows(engine)
    with Session(engine) as session, pytest.raises(DomainError, match="cannot be used"):
        factories.place(session, world=world, lines=_fries(world, note=text))
    assert database_rows(engine) == before


def test_the_accept_form_says_a_note_is_too_long_and_never_cuts_it() -> None:
    """The kitchen and internal notes have the services' limit, said as it is typed (they were
    cut at 500 without a word)."""
    form = substate(rx.State(_reflex_internal_init=True), AcceptFormState)
    form.set_kitchen_note("x" * 600)
    assert len(form.kitchen_note) == 501
    assert form.note_error == "The kitchen note is too long (at most 500 characters)."
    form.set_kitchen_note("x" * 500)
    form.set_internal_note("y" * 501)
    assert form.note_error == "The internal note is too long (at most 500 characters)."
    form.set_internal_note("fine")
    assert form.note_error == ""
