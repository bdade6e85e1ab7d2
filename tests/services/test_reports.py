"""Report numbers against a fixed set of orders whose totals are worked out by hand below.

The business is GST-registered with a 2.5% Card at Counter surcharge (tests/factories.py) and
its trucks run on Sydney time (AEDT, UTC+11 in November). Burger $12.00, Cheese +$1.00,
Chicken +$1.50, Bacon +$2.50, Fries $5.00.

Truck A, Mon 2 Nov (D1):
  o1 cash  2 x Burger + Fries = 29.00; total 29.00, GST 2.64; Delivered.
           Accept 01:06Z, Cooking Done +10 min, Ready for Pickup +14 min. Placed 12:05 local.
  o2 card  Burger + Cheese = 13.00, discount 3.00 -> base 10.00, surcharge 0.25, total 10.25,
           GST 0.93; Ready for Pickup. Cooking Done +20 min, Ready +22 min. Placed 12:30 local.
           Refund 5.00 on D1 (GST part 0.45).
  o3 cash  Burger 12.00, cancelled before payment: counted as cancelled only.
  o4 card  Burger + Chicken + Bacon = 16.00, surcharge 0.40, total 16.40, GST 1.49; paid, then
           cancelled: its money stays in sales; refunded in full (16.40, GST part 1.49) on
           D2 local time (22:00Z on D1 is 09:00 on D2 in Sydney).
Truck B, D1:
  o5 cash  3 x Fries = 15.00, GST 1.36; In Progress. Placed 16:00 local.
Truck A, Tue 3 Nov (D2):
  o6 card  Fries 5.00, discount 10% = 0.50 -> base 4.50, surcharge 0.11 (0.1125), total 4.61,
           GST 0.42; In Progress. Placed 10:30 local.
  o7 cash  Burger, payment never came (Expired): never counted.
Truck A, Sun 1 Nov: o8 cash Burger, Delivered: outside the range.

(D1, A): orders 2, cancelled 2, gross 13.00+29.00+16.00 = 58.00, discounts 3.00,
         surcharges 0.25+0.40 = 0.65, refunds 5.00, GST 2.64+0.93+1.49-0.45 = 4.61,
         net 58.00-3.00+0.65-5.00 = 50.65
(D1, B): orders 1, gross 15.00, GST 1.36, net 15.00
(D2, A): orders 1, gross 5.00, discounts 0.50, surcharges 0.11, refunds 16.40,
         GST 0.42-1.49 = -1.07, net 5.00-0.50+0.11-16.40 = -11.79
Total:   orders 4, cancelled 2, gross 78.00, discounts 3.50, surcharges 0.76, refunds 21.40,
         GST 4.90, net 53.86
Accept -> Cooking Done: (10 + 20) / 2 = 15 min; Accept -> Ready for Pickup: (14 + 22) / 2 = 18 min.
Top items (sold orders only): Fries 5 (25.00), Burger 3 (37.00).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlmodel import Session, select

from cliqmenu.models import (
    DiscountKind,
    Order,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    Stage,
)
from cliqmenu.services import lifecycle, reports
from cliqmenu.services.errors import DomainError, Forbidden, NotFound
from tests import factories
from tests.factories import line

D0, D1, D2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2), dt.date(2026, 11, 3)


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def pin(order: Order, *, day: dt.date, placed: dt.datetime, **times: dt.datetime) -> None:
    """Put the order on a fixed service day and clock (services stamp the real time)."""
    order.service_date = day
    order.number = 100 + order.id  # numbers restart per day; keep them unique after the move
    order.placed_at = placed
    for name, value in times.items():
        setattr(order, name, value)


def refund(
    session: Session,
    order: Order,
    cents: int,
    at: dt.datetime,
    status=RefundStatus.SUCCEEDED,
    by: int | None = None,
):
    session.add(
        Refund(
            order_id=order.id,
            request_id=f"test-{order.id}-{cents}-{status.value}",
            amount_cents=cents,
            status=status,
            method="card_terminal",
            created_at=at,
            created_by_id=by,
        )
    )


@pytest.fixture
def seeded(session: Session, world: factories.World):
    m, manager = world.menu, world.manager
    truck_b = factories.make_truck(session, business=world.business, name="Beach Truck")
    card = PaymentMethod.CARD_AT_COUNTER

    def accept(order, **changes):
        return lifecycle.accept(
            session,
            actor=manager,
            order_id=order.id,
            changes=lifecycle.AcceptChanges(prep_minutes=10, **changes),
        )

    def forward(order, *stages):
        for stage in stages:
            lifecycle.advance(
                session, actor=manager, order_id=order.id, expected=stage, deliver_unpaid=True
            )

    o1 = factories.place(
        session, world=world, lines=[line(m.burger, m.beef, quantity=2), line(m.fries)]
    )
    accept(o1)
    forward(o1, Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP)
    o1.payment_status = PaymentStatus.PAID
    pin(
        o1,
        day=D1,
        placed=utc(D1, 1, 5),
        accepted_at=utc(D1, 1, 6),
        cooking_done_at=utc(D1, 1, 16),
        ready_at=utc(D1, 1, 20),
    )

    o2 = factories.place(
        session, world=world, lines=[line(m.burger, m.beef, m.cheese)], payment_method=card
    )
    accept(o2, discount_kind=DiscountKind.AMOUNT, discount_value=300)
    forward(o2, Stage.IN_PROGRESS, Stage.COOKING_DONE)
    o2.payment_status = PaymentStatus.PARTIALLY_REFUNDED
    pin(
        o2,
        day=D1,
        placed=utc(D1, 1, 30),
        accepted_at=utc(D1, 1, 31),
        cooking_done_at=utc(D1, 1, 51),
        ready_at=utc(D1, 1, 53),
    )
    refund(session, o2, 500, utc(D1, 2, 0))
    refund(session, o2, 999, utc(D1, 2, 5), status=RefundStatus.FAILED)  # never counts

    o3 = factories.place(session, world=world)
    lifecycle.cancel(
        session, actor=manager, order_id=o3.id, expected=Stage.RECEIVED, reason="Changed mind"
    )
    pin(o3, day=D1, placed=utc(D1, 2, 10))

    o4 = factories.place(
        session,
        world=world,
        lines=[line(m.burger, m.chicken, m.bacon)],
        payment_method=card,
    )
    o4.payment_status = PaymentStatus.PAID
    lifecycle.cancel(
        session, actor=manager, order_id=o4.id, expected=Stage.RECEIVED, reason="Truck broke"
    )
    o4.payment_status = PaymentStatus.REFUNDED
    pin(o4, day=D1, placed=utc(D1, 3, 0))
    refund(session, o4, 1640, utc(D1, 22, 0))

    o5 = factories.place(session, world=world, truck=truck_b, lines=[line(m.fries, quantity=3)])
    accept(o5)
    pin(o5, day=D1, placed=utc(D1, 5, 0), accepted_at=utc(D1, 5, 1))

    o6 = factories.place(session, world=world, lines=[line(m.fries)], payment_method=card)
    accept(o6, discount_kind=DiscountKind.PERCENT, discount_value=1000)
    pin(o6, day=D2, placed=utc(D1, 23, 30), accepted_at=utc(D1, 23, 31))

    o7 = factories.place(session, world=world)
    o7.stage = Stage.EXPIRED
    pin(o7, day=D2, placed=utc(D2, 1, 0))

    o8 = factories.place(session, world=world)
    accept(o8)
    forward(o8, Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.READY_FOR_PICKUP)
    pin(o8, day=D0, placed=utc(D0, 1, 0))
    session.commit()
    assert (o2.total_cents, o2.gst_cents) == (1025, 93)
    assert (o4.total_cents, o4.gst_cents) == (1640, 149)
    assert (o6.discount_cents, o6.surcharge_cents, o6.total_cents, o6.gst_cents) == (
        50,
        11,
        461,
        42,
    )
    return world, truck_b


def figures_of(row: reports.Figures) -> tuple:
    return (
        row.orders,
        row.cancelled,
        row.gross_cents,
        row.discount_cents,
        row.surcharge_cents,
        row.gst_cents,
        row.refund_cents,
        row.net_cents,
    )


def test_report_for_all_trucks_matches_the_hand_worked_totals(session, seeded):
    world, truck_b = seeded
    report = reports.sales_report(session, actor=world.owner, start=D1, end=D2)

    assert [(r.day, r.truck_name) for r in report.rows] == [
        (D1, world.truck.name),
        (D1, truck_b.name),
        (D2, world.truck.name),
    ]
    assert figures_of(report.rows[0].figures) == (2, 2, 5800, 300, 65, 461, 500, 5065)
    assert figures_of(report.rows[1].figures) == (1, 0, 1500, 0, 0, 136, 0, 1500)
    assert figures_of(report.rows[2].figures) == (1, 0, 500, 50, 11, -107, 1640, -1179)
    assert figures_of(report.totals) == (4, 2, 7800, 350, 76, 490, 2140, 5386)
    assert report.avg_cooking_seconds == 15 * 60
    assert report.avg_ready_seconds == 18 * 60
    assert [(i.name, i.quantity, i.sales_cents) for i in report.top_items] == [
        ("Fries", 5, 2500),
        ("Burger", 3, 3700),
    ]
    expected_hours = [0] * 24
    expected_hours[12], expected_hours[16], expected_hours[10] = 2, 1, 1
    assert report.orders_by_hour == expected_hours


def test_report_for_one_truck_and_one_day(session, seeded):
    world, truck_b = seeded
    one_truck = reports.sales_report(
        session, actor=world.owner, start=D1, end=D2, truck_id=world.truck.id
    )
    assert figures_of(one_truck.totals) == (3, 2, 6300, 350, 76, 354, 2140, 3886)
    assert one_truck.truck_name == world.truck.name

    beach_day = reports.sales_report(
        session, actor=world.owner, start=D1, end=D1, truck_id=truck_b.id
    )
    assert figures_of(beach_day.totals) == (1, 0, 1500, 0, 0, 136, 0, 1500)
    assert beach_day.avg_cooking_seconds is None
    assert reports.format_duration(beach_day.avg_cooking_seconds) == "—"

    # The refund of o4 was made on D2 (Sydney time), so D1 alone shows only o2's refund.
    d1 = reports.sales_report(session, actor=world.owner, start=D1, end=D1, truck_id=world.truck.id)
    assert figures_of(d1.totals) == (2, 2, 5800, 300, 65, 461, 500, 5065)


def test_the_days_refunds_by_member(session, seeded):
    world, _truck_b = seeded
    # The order with the seeded $5.00 refund (o2, on D1).
    o2 = session.get(
        Order, session.exec(select(Refund.order_id).where(Refund.amount_cents == 500)).one()
    )
    refund(session, o2, 150, utc(D1, 3, 0), by=world.manager.id)
    refund(session, o2, 250, utc(D1, 3, 5), by=world.manager.id)
    refund(session, o2, 700, utc(D1, 3, 9), by=world.owner.id)
    refund(session, o2, 60, utc(D1, 3, 20), status=RefundStatus.FAILED, by=world.owner.id)
    session.flush()

    d1 = reports.sales_report(session, actor=world.owner, start=D1, end=D1)

    # The seeded refund of $5.00 was made on Stripe's dashboard (no member); failed ones never
    # count.
    assert [(m.name, m.count, m.cents) for m in d1.refunds_by_member] == [
        (world.owner.name, 1, 700),
        ("Stripe", 1, 500),
        (world.manager.name, 2, 400),
    ]


def test_csv_export_has_one_line_per_day_and_truck_and_a_total(session, seeded):
    world, _ = seeded
    report = reports.sales_report(session, actor=world.owner, start=D1, end=D2)
    rows = list(csv.reader(io.StringIO(reports.report_csv(report))))
    assert rows[0] == [
        "Date",
        "Truck",
        "Orders",
        "Cancelled or rejected",
        "Gross sales (AUD)",
        "Discounts (AUD)",
        "Surcharges (AUD)",
        "GST (10%) included (AUD)",
        "Refunds (AUD)",
        "Net (AUD)",
    ]
    assert rows[1] == [
        "2026-11-02",
        world.truck.name,
        "2",
        "2",
        "58.00",
        "3.00",
        "0.65",
        "4.61",
        "5.00",
        "50.65",
    ]
    assert rows[3][-3:] == ["-1.07", "16.40", "-11.79"]
    assert rows[-1] == [
        "Total",
        "All trucks",
        "4",
        "2",
        "78.00",
        "3.50",
        "0.76",
        "4.90",
        "21.40",
        "53.86",
    ]
    assert reports.csv_filename(report) == "cliqmenu-sales-2026-11-02-to-2026-11-03.csv"


def test_a_truck_name_cannot_become_a_spreadsheet_formula(session, seeded):
    world, _ = seeded
    world.truck.name = "=HYPERLINK(1)"
    session.commit()
    report = reports.sales_report(session, actor=world.owner, start=D1, end=D1)
    assert "'=HYPERLINK(1)" in reports.report_csv(report)


def test_only_the_owner_of_the_business_reads_reports(session, seeded):
    world, _ = seeded
    with pytest.raises(Forbidden):
        reports.sales_report(session, actor=world.manager, start=D1, end=D2)
    other = factories.make_world(session, business_name="Other Eats")
    session.commit()
    theirs = reports.sales_report(session, actor=other.owner, start=D1, end=D2)
    assert theirs.rows == [] and figures_of(theirs.totals) == (0, 0, 0, 0, 0, 0, 0, 0)
    with pytest.raises(NotFound):
        reports.sales_report(session, actor=other.owner, start=D1, end=D2, truck_id=world.truck.id)


def test_range_is_checked(session, world):
    with pytest.raises(DomainError, match="before the start"):
        reports.sales_report(session, actor=world.owner, start=D2, end=D1)
    with pytest.raises(DomainError, match="at most 366 days"):
        reports.sales_report(session, actor=world.owner, start=D1, end=D1 + dt.timedelta(days=366))


def test_the_report_page_view_is_built_without_reflex(session: Session, world) -> None:
    from cliqmenu.views.reports import report_view

    today = dt.date.today()
    empty = report_view(reports.sales_report(session, actor=world.owner, start=today, end=today))

    assert empty.title.endswith(today.strftime("%a %d %b %Y"))
    assert [t.label for t in empty.tiles][:4] == ["Net sales", "Orders", "Average order", "Refunds"]
    assert (empty.rows, empty.total, empty.has_orders) == ([], [], False)
    assert [h.label for h in empty.hours][0] == "10am"  # at least a lunch service is shown
