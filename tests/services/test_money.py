"""Money rules (docs/order-lifecycle.md): integer cents, half-up rounding, surcharge on the discounted base,
GST inclusive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cliqmenu.models import Business, DiscountKind, PaymentMethod
from cliqmenu.services import money
from cliqmenu.services.errors import DomainError
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
) -> money.Totals:
    return money.price(
        subtotal_cents=subtotal,
        discount_kind=kind,
        discount_value=value,
        surcharge_bp=surcharge_bp,
        tax_bp=money.tax_bp_for("AU", gst),
    )


def test_worked_example_card_surcharge_on_100_dollars():
    totals = _price(10_000, surcharge_bp=CARD_BP)

    assert totals.surcharge_cents == 250
    assert totals.total_cents == 10_250
    assert money.format_cents(totals.total_cents) == "$102.50"
    # GST is inside the total: 10250 / 11 = 931.8 -> 932.
    assert totals.gst_cents == 932


@pytest.mark.parametrize(
    ("total", "gst"),
    [(1_100, 100), (1_000, 91), (1_105, 100), (1_106, 101), (0, 0), (5, 0), (6, 1)],
)
def test_gst_is_one_eleventh_of_the_total_rounded_half_up(total, gst):
    assert money.tax_included(total, 1_000) == gst
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
    assert money.round_half_up(numerator, denominator) == rounded


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
        money.round_half_up(-1, 2)


def test_percent_discount_is_taken_before_the_surcharge():
    # 10% off $25.50 = $2.55; 2.5% of $22.95 = 57.375c -> 57c.
    totals = _price(2_550, surcharge_bp=CARD_BP, kind=DiscountKind.PERCENT, value=1_000)

    assert totals.discount_cents == 255
    assert totals.surcharge_cents == 57
    assert totals.total_cents == 2_550 - 255 + 57


def test_percent_discount_rounds_half_up():
    # 12.5% of $9.99 = 124.875c -> 125c.
    assert money.discount_cents(999, DiscountKind.PERCENT, 1_250) == 125


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
    assert money.discount_cents(1_200, kind, value) == 0


def test_cash_never_has_a_surcharge():
    assert money.surcharge_bp_for(PaymentMethod.CASH_AT_COUNTER, 999, 999) == 0
    assert money.surcharge_bp_for(PaymentMethod.CARD_AT_COUNTER, CARD_BP, ONLINE_BP) == CARD_BP
    assert money.surcharge_bp_for(PaymentMethod.ONLINE, CARD_BP, ONLINE_BP) == ONLINE_BP


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (123_450, "AUD", "$1,234.50"),
        (5, "AUD", "$0.05"),
        (-5, "AUD", "-$0.05"),
        (100, "EUR", "EUR1.00"),
        (100, "NZD", "NZD1.00"),
    ],
)
def test_format_cents(cents, currency, text):
    assert money.format_cents(cents, currency) == text


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
    assert 0 <= money.discount_cents(subtotal, kind, value) <= subtotal


@given(subtotal=subtotals, discount=discounts, first=surcharges, second=surcharges)
def test_surcharge_never_compounds(subtotal, discount, first, second):
    kind, value = discount
    before = _price(subtotal, surcharge_bp=first, kind=kind, value=value)
    # Recomputing for a new method starts again from the order's subtotal and discount...
    switched = _price(before.subtotal_cents, surcharge_bp=second, kind=kind, value=value)

    # ...so it equals pricing the new method directly, and the surcharge is on the base only.
    assert switched == _price(subtotal, surcharge_bp=second, kind=kind, value=value)
    base = before.total_cents - before.surcharge_cents
    assert switched.surcharge_cents == money.round_half_up(base * second, money.BASIS_POINTS)


@st.composite
def allowed_discounts(draw, subtotal: int):
    """Discounts a manager may enter: an amount up to the subtotal or up to 100%."""
    kind = draw(st.sampled_from([None, DiscountKind.AMOUNT, DiscountKind.PERCENT]))
    if kind is None:
        return None, 0
    top = subtotal if kind == DiscountKind.AMOUNT else money.BASIS_POINTS
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


# --- One parser for every amount field -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12.5", 1_250),
        ("12.50", 1_250),
        ("$12.50", 1_250),
        ("A$12.50", 1_250),
        ("AUD 12.50", 1_250),
        ("12.50 AUD", 1_250),
        ("$1,012.05", 101_205),
        (" 3 ", 300),
        (".5", 50),
        ("0", 0),
    ],
)
def test_parse_cents_reads_what_people_type(text, cents):
    assert money.parse_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the amount"),
        ("abc", "must be a number like 12.50"),
        ("12.5o", "must be a number like 12.50"),
        ("NaN", "must be a number like 12.50"),
        ("nan", "must be a number like 12.50"),
        ("Infinity", "must be a number like 12.50"),
        ("inf", "must be a number like 12.50"),
        ("1e3", "must be a number like 12.50"),
        ("1E2", "must be a number like 12.50"),
        ("2.345", "at most 2 decimals"),
        ("2.005", "at most 2 decimals"),
        ("-1.50", "cannot be negative"),
        ("$-1.50", "cannot be negative"),
        ("1,00", "must be a number like 12.50"),
        ("0x10", "must be a number like 12.50"),
        ("100000000", "can be at most \\$99,999,999.99"),
    ],
)
def test_parse_cents_refuses_what_is_not_an_amount_with_a_clear_message(text, message):
    with pytest.raises(DomainError, match=message):
        money.parse_cents(text)


def test_parse_cents_negatives_and_zero_only_where_allowed():
    assert money.parse_cents("-1.50", allow_negative=True) == -150
    assert money.parse_cents("+1.50", allow_negative=True) == 150
    with pytest.raises(DomainError, match="The refund must be more than \\$0.00"):
        money.parse_cents("0.00", what="The refund", allow_zero=False)


def test_the_refund_panel_and_the_accept_form_read_the_same_text_the_same_way():
    """The refund panel rounded half-to-even ("2.345" -> 2.34) and the accept form had its
    own parser: the same typed amount meant different cents on two screens."""
    from cliqmenu.state.accept_form import parse_discount

    for text in ("2.345", "2.5e1", "NaN", "-2"):
        with pytest.raises(DomainError):
            parse_discount("amount", text)
        with pytest.raises(DomainError):
            money.MoneyStyle().parse(text, what="The refund", allow_zero=False)
    assert parse_discount("amount", "$2.50") == (DiscountKind.AMOUNT, 250)
    assert parse_discount("percent", "12.5%") == (DiscountKind.PERCENT, 1_250)
    with pytest.raises(DomainError, match="at most 2 decimals"):
        parse_discount("percent", "12.345")
    with pytest.raises(DomainError, match="between 0% and 100%"):
        parse_discount("percent", "150")


@pytest.mark.parametrize(
    ("text", "bp"), [("2.5", 250), ("2.50%", 250), ("0", 0), ("10", 1_000), (" 3 % ", 300)]
)
def test_parse_percent(text, bp):
    assert money.parse_percent(text, what="The surcharge", maximum_bp=1_000) == bp


@pytest.mark.parametrize("text", ["-1", "abc", "1e1", "NaN", "2.555", "10.01", "inf"])
def test_parse_percent_refuses(text):
    with pytest.raises(DomainError):
        money.parse_percent(text, what="The surcharge", maximum_bp=1_000)


# --- Formatting through Babel, in the business's country ------------------------------------


@pytest.mark.parametrize(
    ("cents", "currency", "country", "text"),
    [
        (123_450, "AUD", "AU", "$1,234.50"),
        (123_450, "NZD", "NZ", "$1,234.50"),
        (123_450, "AUD", "NZ", "A$1,234.50"),
        (123_450, "NZD", "AU", "NZD1,234.50"),
        (-5, "NZD", "NZ", "-$0.05"),
    ],
)
def test_format_cents_in_the_business_locale(cents, currency, country, text):
    assert money.format_cents(cents, currency, country) == text


money_styles = st.builds(
    money.MoneyStyle,
    currency=st.sampled_from(["AUD", "NZD", "USD", "CAD", "GBP", "EUR", "SGD"]),
    country=st.sampled_from(list(money.COUNTRIES)),
)


@given(
    cents=st.integers(min_value=-money.MAX_AMOUNT_CENTS, max_value=money.MAX_AMOUNT_CENTS),
    style=money_styles,
)
def test_parse_of_format_is_the_same_amount(cents, style):
    assert style.parse(style(cents), allow_negative=True) == cents
    assert style.parse(money.input_text(cents), allow_negative=True) == cents


# --- Tax by country: worked examples ----------------------------------------------------------


def test_australian_gst_is_one_eleventh_of_the_total():
    """$22.00 in Australia includes $2.00 GST (10%)."""
    business = Business(name="B", country="AU", gst_registered=True)
    totals = money.price_for(business, subtotal_cents=2_200, method=PaymentMethod.CASH_AT_COUNTER)
    assert (totals.total_cents, totals.gst_cents, totals.tax_bp) == (2_200, 200, 1_000)
    assert money.tax_label(totals.tax_bp) == "Includes GST (10%)"


def test_new_zealand_gst_is_three_twenty_thirds_of_the_total():
    """$23.00 in New Zealand includes $3.00 GST (15%); $10.00 includes $1.30 (1.3043 -> 1.30)."""
    business = Business(name="B", country="NZ", currency="NZD", gst_registered=True)
    totals = money.price_for(business, subtotal_cents=2_300, method=PaymentMethod.CASH_AT_COUNTER)
    assert (totals.total_cents, totals.gst_cents, totals.tax_bp) == (2_300, 300, 1_500)
    assert money.tax_included(1_000, 1_500) == 130
    # 11.50 x 3 / 23 = 1.50 exactly; 0.23 x 3/23 = 0.03.
    assert money.tax_included(1_150, 1_500) == 150
    assert money.tax_included(23, 1_500) == 3
    assert money.tax_label(1_500) == "Includes GST (15%)"


@pytest.mark.parametrize("country", ["AU", "NZ"])
def test_a_business_not_registered_shows_no_gst(country):
    business = Business(name="B", country=country, gst_registered=False)
    totals = money.price_for(business, subtotal_cents=2_300, method=PaymentMethod.CASH_AT_COUNTER)
    assert (totals.gst_cents, totals.tax_bp) == (0, 0)
    assert money.tax_label(totals.tax_bp) == ""


@given(
    total=st.integers(min_value=0, max_value=10_000_000), tax_bp=st.sampled_from([0, 1_000, 1_500])
)
def test_tax_is_inside_the_total(total, tax_bp):
    """GST is part of the total (never added): total = GST + the price without it, and the GST
    is the rate of that price, to within half a cent."""
    tax = money.tax_included(total, tax_bp)
    assert 0 <= tax <= total
    net = total - tax
    assert abs(tax * money.BASIS_POINTS - net * tax_bp) <= (money.BASIS_POINTS + tax_bp) // 2


@given(
    subtotal=subtotals,
    surcharge_bp=surcharges,
    discount=discounts,
    tax_bp=st.sampled_from([0, 1_000, 1_500]),
)
def test_total_is_subtotal_minus_discount_plus_surcharge_and_the_surcharge_is_on_the_base(
    subtotal, surcharge_bp, discount, tax_bp
):
    kind, value = discount
    totals = money.price(
        subtotal_cents=subtotal,
        discount_kind=kind,
        discount_value=value,
        surcharge_bp=surcharge_bp,
        tax_bp=tax_bp,
    )
    assert (
        totals.total_cents == totals.subtotal_cents - totals.discount_cents + totals.surcharge_cents
    )
    assert totals.surcharge_cents == money.surcharge_cents(
        subtotal - totals.discount_cents, surcharge_bp
    )
    assert totals.gst_cents == money.tax_included(totals.total_cents, tax_bp)
