"""One "how many choices" rule per customization group: the Owner's menu editor, the customer's
picker, the cart and the order API all read it the same way."""

from __future__ import annotations

import pytest

from cliqmenu.models import OrderSource
from cliqmenu.services import menu_admin, money, orders
from cliqmenu.services.choices import ChoiceRule, choice_rule
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu import effective_menu
from cliqmenu.views.menu import truck_menu
from cliqmenu.views.menu_editor import group_row
from tests.factories import line, order_request

AUD = money.MoneyStyle("AUD", "AU")


@pytest.mark.parametrize(
    ("least", "most", "text"),
    [(1, 1, "Choose 1"), (0, 3, "Optional, up to 3"), (1, 2, "Choose 1 to 2"), (2, 2, "Choose 2")],
)
def test_rule_words(least, most, text):
    assert ChoiceRule(least=least, most=most).text == text


def _required_without_min(session, world):
    """Extras saved Required with Min 0 (as an import or a hand edit can leave it): Required
    means at least one choice."""
    world.menu.extras.required = True
    world.menu.extras.min_choices = 0
    session.add(world.menu.extras)
    session.commit()


def _editor_rule(session, world, group_name: str) -> str:
    (category,) = menu_admin.master_menu(session, business_id=world.business.id)
    burger = next(i for i in category.items if i.name == "Burger")
    group = next(g for g in burger.groups if g.name == group_name)
    return group_row(group, AUD).rule


def _customer_rule(session, world, group_name: str) -> str:
    (category,) = truck_menu(session, world.truck.id).categories
    burger = next(i for i in category.items if i.name == "Burger")
    return next(g for g in burger.groups if g.name == group_name).rule


def test_owner_and_customer_read_the_same_rule_for_a_required_group(session, world):
    _required_without_min(session, world)

    assert _customer_rule(session, world, "Extras") == "Choose 1 to 2"
    assert _editor_rule(session, world, "Extras") == "Choose 1 to 2"


def test_order_api_holds_a_required_group_to_at_least_one(session, world):
    _required_without_min(session, world)

    with pytest.raises(DomainError, match=r"Choose at least 1 for Extras \(Burger\)\."):
        orders.place_order(
            session,
            truck=world.truck,
            request=order_request(lines=[line(world.menu.burger, world.menu.beef)]),
            source=OrderSource.CUSTOMER,
        )


def test_editor_warns_when_a_required_group_has_no_option_left(session, world):
    _required_without_min(session, world)
    for option in (world.menu.cheese, world.menu.bacon, world.menu.egg):
        option.archived = True
        session.add(option)
    session.commit()

    (category,) = menu_admin.master_menu(session, business_id=world.business.id)
    burger = next(i for i in category.items if i.name == "Burger")
    extras = next(g for g in burger.groups if g.name == "Extras")
    assert group_row(extras, AUD).warning == (
        "Customers must choose 1: add 1 more option(s) or this item cannot be ordered."
    )


def test_every_group_of_the_menu_gets_its_rule_from_one_place(session, world):
    menu = effective_menu(session, world.truck)
    patty, extras = menu.items[world.menu.burger.id].groups
    assert choice_rule(patty) == ChoiceRule(least=1, most=1)
    assert choice_rule(extras) == ChoiceRule(least=0, most=2)
