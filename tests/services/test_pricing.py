"""Money rules (docs/order-lifecycle.md): integer cents, half-up rounding, surcharge on the discounted base,
GST inclusive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cliqmenu.models import Business, DiscountKind, PaymentMethod
from cliqmenu.services import pricing
from cliqmenu.services.lifecycle import checked_totals

CARD_BP = 250
ONLINE_BP = 300


def _price(
    subtotal: int,
    *,
    surcharge_bp: int = 0,
    kind: DiscountKind | None = None,
    value: int = 0,
    gst: bool = True,
) -> pricing.Totals:
    return pricing.price(
        subtotal_cents=subtotal,
        discount_kind=kind,
        discount_value=value,
        surcharge_bp=surcharge_bp,
        gst_registered=gst,
    )


def test_worked_example_card_surcharge_on_100_dollars():
    totals = _price(10_000, surcharge_bp=CARD_BP)

    assert totals.surcharge_cents == 250
    assert totals.total_cents == 10_250
    assert pricing.format_cents(totals.total_cents) == "$102.50"
    # GST is inside the total: 10250 / 11 = 931.8 -> 932.
    assert totals.gst_cents == 932


@pytest.mark.parametrize(
    ("total", "gst"),
    [(1_100, 100), (1_000, 91), (1_105, 100), (1_106, 101), (0, 0), (5, 0), (6, 1)],
)
def test_gst_is_one_eleventh_of_the_total_rounded_half_up(total, gst):
    assert pricing.gst_included(total, gst_registered=True) == gst
    assert _price(total).gst_cents == gst


def test_business_not_registered_for_gst_shows_none():
    totals = _price(10_000, surcharge_bp=CARD_BP, gst=False)

    assert totals.gst_cents == 0
    assert totals.total_cents == 10_250


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(1, 2, 1), (3, 2, 2), (5, 2, 3), (24, 10, 2), (25, 10, 3), (26, 10, 3), (0, 7, 0)],
)
def test_round_half_up_rounds_halves_up_not_to_even(numerator, denominator, rounded):
    assert pricing.round_half_up(numerator, denominator) == rounded


@pytest.mark.parametrize(
    ("subtotal", "surcharge"),
    # 2.5% of: 1c = 0.025c -> 0; 20c = 0.5c -> 1; 100c = 2.5c -> 3 (banker's rounding gives 2);
    # 60c = 1.5c -> 2; $12.34 = 30.85c -> 31.
    [(1, 0), (20, 1), (100, 3), (60, 2), (1_234, 31)],
)
def test_surcharge_rounds_half_up_to_the_cent(subtotal, surcharge):
    assert _price(subtotal, surcharge_bp=CARD_BP).surcharge_cents == surcharge


def test_round_half_up_refuses_negative_amounts():
    with pytest.raises(ValueError):
        pricing.round_half_up(-1, 2)


def test_percent_discount_is_taken_before_the_surcharge():
    # 10% off $25.50 = $2.55; 2.5% of $22.95 = 57.375c -> 57c.
    totals = _price(2_550, surcharge_bp=CARD_BP, kind=DiscountKind.PERCENT, value=1_000)

    assert totals.discount_cents == 255
    assert totals.surcharge_cents == 57
    assert totals.total_cents == 2_550 - 255 + 57


def test_percent_discount_rounds_half_up():
    # 12.5% of $9.99 = 124.875c -> 125c.
    assert pricing.discount_cents(999, DiscountKind.PERCENT, 1_250) == 125


@pytest.mark.parametrize(
    ("kind", "value"),
    [(DiscountKind.AMOUNT, 5_000), (DiscountKind.PERCENT, 15_000), (DiscountKind.PERCENT, 10_000)],
)
def test_discount_is_capped_at_the_subtotal(kind, value):
    totals = _price(1_200, surcharge_bp=CARD_BP, kind=kind, value=value)

    assert totals.discount_cents == 1_200
    assert totals.surcharge_cents == 0
    assert totals.total_cents == 0
    assert totals.gst_cents == 0


@pytest.mark.parametrize(("kind", "value"), [(None, 500), (DiscountKind.AMOUNT, -100)])
def test_no_discount_without_a_kind_or_with_a_negative_value(kind, value):
    assert pricing.discount_cents(1_200, kind, value) == 0


def test_cash_never_has_a_surcharge():
    assert pricing.surcharge_bp_for(PaymentMethod.CASH_AT_COUNTER, 999, 999) == 0
    assert pricing.surcharge_bp_for(PaymentMethod.CARD_AT_COUNTER, CARD_BP, ONLINE_BP) == CARD_BP
    assert pricing.surcharge_bp_for(PaymentMethod.ONLINE, CARD_BP, ONLINE_BP) == ONLINE_BP


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (123_450, "AUD", "$1,234.50"),
        (5, "AUD", "$0.05"),
        (-5, "AUD", "-$0.05"),
        (100, "EUR", "$1.00 EUR"),
    ],
)
def test_format_cents(cents, currency, text):
    assert pricing.format_cents(cents, currency) == text


subtotals = st.integers(min_value=0, max_value=10_000_000)
surcharges = st.integers(min_value=0, max_value=10_000)
discounts = st.one_of(
    st.tuples(st.none(), st.just(0)),
    st.tuples(st.just(DiscountKind.AMOUNT), st.integers(min_value=-1_000, max_value=20_000_000)),
    st.tuples(st.just(DiscountKind.PERCENT), st.integers(min_value=-1_000, max_value=20_000)),
)
methods = st.sampled_from(list(PaymentMethod))


@given(subtotal=subtotals, surcharge_bp=surcharges, discount=discounts, gst=st.booleans())
def test_totals_are_never_negative_and_add_up(subtotal, surcharge_bp, discount, gst):
    kind, value = discount
    totals = _price(subtotal, surcharge_bp=surcharge_bp, kind=kind, value=value, gst=gst)

    assert totals.discount_cents >= 0
    assert totals.surcharge_cents >= 0
    assert totals.total_cents >= 0
    assert 0 <= totals.gst_cents <= totals.total_cents
    assert totals.total_cents == subtotal - totals.discount_cents + totals.surcharge_cents


@given(subtotal=subtotals, discount=discounts)
def test_discount_never_exceeds_the_subtotal(subtotal, discount):
    kind, value = discount
    assert 0 <= pricing.discount_cents(subtotal, kind, value) <= subtotal


@given(subtotal=subtotals, discount=discounts, first=surcharges, second=surcharges)
def test_surcharge_never_compounds(subtotal, discount, first, second):
    kind, value = discount
    before = _price(subtotal, surcharge_bp=first, kind=kind, value=value)
    # Recomputing for a new method starts again from the order's subtotal and discount...
    switched = _price(before.subtotal_cents, surcharge_bp=second, kind=kind, value=value)

    # ...so it equals pricing the new method directly, and the surcharge is on the base only.
    assert switched == _price(subtotal, surcharge_bp=second, kind=kind, value=value)
    base = before.total_cents - before.surcharge_cents
    assert switched.surcharge_cents == pricing.round_half_up(base * second, pricing.BASIS_POINTS)


@st.composite
def allowed_discounts(draw, subtotal: int):
    """Discounts a manager may enter: an amount up to the subtotal or up to 100%."""
    kind = draw(st.sampled_from([None, DiscountKind.AMOUNT, DiscountKind.PERCENT]))
    if kind is None:
        return None, 0
    top = subtotal if kind == DiscountKind.AMOUNT else pricing.BASIS_POINTS
    return kind, draw(st.integers(min_value=0, max_value=top))


@given(
    data=st.data(), subtotal=subtotals, card_bp=surcharges, online_bp=surcharges, gst=st.booleans()
)
def test_switching_cash_card_online_cash_returns_the_original_total(
    data, subtotal, card_bp, online_bp, gst
):
    kind, value = data.draw(allowed_discounts(subtotal))
    business = Business(
        name="B", gst_registered=gst, card_surcharge_bp=card_bp, online_surcharge_bp=online_bp
    )
    path = [
        PaymentMethod.CASH_AT_COUNTER,
        PaymentMethod.CARD_AT_COUNTER,
        PaymentMethod.ONLINE,
        PaymentMethod.CASH_AT_COUNTER,
    ]
    seen = []
    current_subtotal = subtotal
    for method in path:
        totals = checked_totals(
            business=business,
            subtotal_cents=current_subtotal,
            payment_method=method,
            discount_kind=kind,
            discount_value=value,
        )
        seen.append(totals)
        current_subtotal = totals.subtotal_cents

    assert seen[-1] == seen[0]
    assert seen[0].surcharge_cents == 0
    assert seen[1].surcharge_bp == card_bp
    assert seen[2].surcharge_bp == online_bp
