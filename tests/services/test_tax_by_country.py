"""Tax by business (issue 17, item 2): Australia GST 10% (total / 11), New Zealand GST 15%
(total x 3/23), not registered (none), chosen by the Owner with the country and shown with its
label on the cart, the tracking page, the order detail, the emails and the reports; and the
tracking page's money lines add up (item 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from cliqmenu.models import Business, DiscountKind, OutboxEmail, PaymentMethod
from cliqmenu.services import business as business_service
from cliqmenu.services import lifecycle, money, orders, reports
from cliqmenu.services.business import BusinessDetails
from cliqmenu.services.errors import DomainError
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.views.boards import manager_board
from cliqmenu.views.tracker import tracker_view
from tests.factories import World, line, place


def _trade_in(session: Session, world: World, country: str, registered: bool = True) -> None:
    business_service.update_business(
        session,
        actor=world.owner,
        details=BusinessDetails(
            name="Cliq Tacos",
            currency="NZD" if country == "NZ" else "AUD",
            timezone="Pacific/Auckland" if country == "NZ" else "Australia/Sydney",
            gst_registered=registered,
            country=country,
            card_surcharge="2.5",
            online_surcharge="3",
        ),
    )
    session.commit()


def _two_burgers(session: Session, world: World, **request):
    """Two beef burgers, $24.00 before any surcharge."""
    order = place(
        session,
        world=world,
        lines=[line(world.menu.burger, world.menu.beef, quantity=2)],
        **request,
    )
    session.commit()
    return order


def test_the_owner_chooses_the_country_and_it_is_recorded(session: Session, world: World) -> None:
    _trade_in(session, world, "NZ")

    business = session.get(Business, world.business.id)
    assert (business.country, business.currency) == ("NZ", "NZD")
    with pytest.raises(DomainError, match="Australia or New Zealand"):
        business_service.validate(BusinessDetails(name="X", country="US"))


def test_new_zealand_order_worked_example(session: Session, world: World) -> None:
    """$24.00 + 2.5% card surcharge = $24.60, of which GST (15%) = 24.60 x 3/23 = $3.21 (3.2087)."""
    _trade_in(session, world, "NZ")

    order = _two_burgers(
        session, world, payment_method=PaymentMethod.CARD_AT_COUNTER, customer_email="a@b.nz"
    )

    assert (order.total_cents, order.gst_cents, order.tax_bp) == (2460, 321, 1500)
    tracker = tracker_view(session, order.public_id)
    assert tracker.money["tax_label"] == "Includes GST (15%)"
    assert tracker.money["gst"] == "$3.21"
    card = manager_board(session, world.truck.id).cards[order.id]
    assert (card.money["tax_label"], card.gst) == ("Includes GST (15%)", "$3.21")
    email = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "order_confirmation")).one()
    assert "Includes GST (15%)  $3.21" in email.body_text
    assert "Surcharge (2.5%)" in email.body_text and "Total" in email.body_text


def test_australian_order_worked_example(session: Session, world: World) -> None:
    """$24.00 + 2.5% = $24.60, of which GST (10%) = 24.60 / 11 = $2.24 (2.236)."""
    order = _two_burgers(session, world, payment_method=PaymentMethod.CARD_AT_COUNTER)

    assert (order.total_cents, order.gst_cents, order.tax_bp) == (2460, 224, 1000)
    assert tracker_view(session, order.public_id).money["tax_label"] == "Includes GST (10%)"


@pytest.mark.parametrize("country", ["AU", "NZ"])
def test_not_registered_shows_no_gst_anywhere(session: Session, world: World, country) -> None:
    _trade_in(session, world, country, registered=False)

    order = _two_burgers(session, world)

    assert (order.gst_cents, order.tax_bp) == (0, 0)
    tracker = tracker_view(session, order.public_id)
    assert tracker.money["gst"] == "" and tracker.money["tax_label"] == ""


def test_an_order_keeps_its_gst_rate_when_the_country_changes_later(
    session: Session, world: World
) -> None:
    order = _two_burgers(session, world)
    _trade_in(session, world, "NZ")

    assert tracker_view(session, order.public_id).money["tax_label"] == "Includes GST (10%)"


def test_the_report_names_the_gst_and_takes_refunds_at_the_orders_rate(
    session: Session, world: World
) -> None:
    _trade_in(session, world, "NZ")
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=12))).date()

    report = reports.sales_report(
        session,
        actor=world.owner,
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=1),
    )

    assert report.tax_name == "GST (15%)"


def test_the_tracking_page_shows_lines_that_add_up(session: Session, world: World) -> None:
    """The finding: the tracking page showed a total without the discount line."""
    order = _two_burgers(session, world, payment_method=PaymentMethod.CARD_AT_COUNTER)
    lifecycle.accept(
        session,
        actor=world.manager,
        order_id=order.id,
        changes=AcceptChanges(
            prep_minutes=10, discount_kind=DiscountKind.AMOUNT, discount_value=400
        ),
    )
    session.commit()

    shown = tracker_view(session, order.public_id).money

    assert shown["subtotal"] == "$24.00"
    assert shown["discount"] == "$4.00"
    assert (shown["surcharge"], shown["surcharge_rate"]) == ("$0.50", "2.5%")  # 2.5% of $20.00
    assert shown["total"] == "$20.50"
    assert shown["gst"] == "$1.86" and shown["tax_label"] == "Includes GST (10%)"
    style = money.MoneyStyle()
    assert style.parse(shown["subtotal"]) - style.parse(shown["discount"]) + style.parse(
        shown["surcharge"]
    ) == style.parse(shown["total"])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "whole number of minutes"),
        ("ten", "whole number of minutes"),
        ("3.5", "whole number of minutes"),
        ("", "Enter a prep time"),
        ("0", "between 1 and 180"),
        ("181", "between 1 and 180"),
    ],
)
def test_a_prep_time_that_is_not_a_whole_number_of_minutes_is_refused(typed, message):
    """The finding: "-3" became 3 minutes."""
    with pytest.raises(DomainError, match=message):
        orders.parse_prep_minutes(typed)
    assert orders.parse_prep_minutes(" 12 ") == 12
