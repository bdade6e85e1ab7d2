"""Money, in one place: integer cents, one parser for every amount typed, Babel formatting,
discount, surcharge and tax (docs/order-lifecycle.md, "Money").

Every screen and the API read amounts with ``parse_cents`` / ``parse_percent`` and show them
with ``format_cents`` (or a ``formatter`` for a business), so the same text means the same cents
everywhere. Every division rounds half-up to the cent with exact integer arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, get_currency_symbol

from cliqmenu.models import DiscountKind, PaymentMethod
from cliqmenu.services import records
from cliqmenu.services.errors import DomainError

BASIS_POINTS = 10_000  # 100% in basis points
# The largest amount any field takes: $99,999,999.99 (prices are capped lower by the menu).
MAX_AMOUNT_CENTS = 9_999_999_999


@dataclass(frozen=True)
class Country:
    """Where a business trades: the locale its amounts are written in and its GST rate."""

    code: str
    name: str
    locale: str
    gst_bp: int  # GST in basis points, included in prices (never added on top)
    currency: str


COUNTRIES = {
    "AU": Country("AU", "Australia", "en_AU", 1_000, "AUD"),
    "NZ": Country("NZ", "New Zealand", "en_NZ", 1_500, "NZD"),
}
DEFAULT_COUNTRY = "AU"


def country(code: str | None) -> Country:
    return COUNTRIES.get((code or "").upper(), COUNTRIES[DEFAULT_COUNTRY])


def tax_bp_for(country_code: str | None, gst_registered: bool) -> int:
    """The GST rate a business charges: Australia 10%, New Zealand 15%, none if not registered."""
    return country(country_code).gst_bp if gst_registered else 0


def tax_included(total_cents: int, tax_bp: int) -> int:
    """The tax inside a tax-inclusive total: total x rate / (1 + rate), half-up.

    10% is total / 11; 15% is total x 3 / 23.
    """
    if tax_bp <= 0 or total_cents <= 0:
        return 0
    return round_half_up(total_cents * tax_bp, BASIS_POINTS + tax_bp)


def tax_name(tax_bp: int) -> str:
    """ "GST (15%)"; plain "GST" for none (a business not registered shows no GST line)."""
    return f"GST ({percent_text(tax_bp)}%)" if tax_bp > 0 else "GST"


def tax_label(tax_bp: int) -> str:
    """The receipt line of the tax: "Includes GST (10%)"; empty when there is none."""
    return f"Includes {tax_name(tax_bp)}" if tax_bp > 0 else ""


@dataclass(frozen=True)
class Totals:
    subtotal_cents: int
    discount_cents: int
    surcharge_bp: int
    surcharge_cents: int
    total_cents: int
    gst_cents: int
    tax_bp: int = 0


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up, exactly, for non-negative integers."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up needs a non-negative numerator and positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def line_total(unit_price_cents: int, quantity: int) -> int:
    return unit_price_cents * quantity


def subtotal(line_totals: list[int]) -> int:
    return sum(line_totals)


def discount_cents(subtotal_cents: int, kind: DiscountKind | None, value: int) -> int:
    """The discount in cents: an amount, or basis points of the subtotal; capped at the subtotal."""
    if kind is None or value <= 0:
        return 0
    if kind == DiscountKind.PERCENT:
        raw = round_half_up(subtotal_cents * value, BASIS_POINTS)
    else:
        raw = value
    return min(raw, subtotal_cents)


def surcharge_bp_for(method: PaymentMethod, card_bp: int, online_bp: int) -> int:
    """The business's surcharge for a payment method; cash is always 0."""
    if method == PaymentMethod.CARD_AT_COUNTER:
        return card_bp
    if method == PaymentMethod.ONLINE:
        return online_bp
    return 0


def surcharge_cents(base_cents: int, surcharge_bp: int) -> int:
    """The surcharge on a base (subtotal - discount): never on a total that has one already."""
    return round_half_up(base_cents * surcharge_bp, BASIS_POINTS)


@dataclass(frozen=True)
class PricingTerms:
    """What a business charges on top of its prices; named as on Business so either serves."""

    card_surcharge_bp: int
    online_surcharge_bp: int
    gst_registered: bool
    currency: str = "AUD"
    country: str = DEFAULT_COUNTRY

    @classmethod
    def of(cls, business) -> PricingTerms:
        return cls(
            card_surcharge_bp=business.card_surcharge_bp,
            online_surcharge_bp=business.online_surcharge_bp,
            gst_registered=business.gst_registered,
            currency=business.currency,
            country=getattr(business, "country", DEFAULT_COUNTRY) or DEFAULT_COUNTRY,
        )


def price_for(
    terms,
    *,
    subtotal_cents: int,
    method: PaymentMethod,
    discount_kind: DiscountKind | None = None,
    discount_value: int = 0,
) -> Totals:
    """``price`` with the surcharge and tax of ``terms`` (a Business or PricingTerms)."""
    return price(
        subtotal_cents=subtotal_cents,
        discount_kind=discount_kind,
        discount_value=discount_value,
        surcharge_bp=surcharge_bp_for(method, terms.card_surcharge_bp, terms.online_surcharge_bp),
        tax_bp=tax_bp_for(getattr(terms, "country", None), terms.gst_registered),
    )


def price(
    *,
    subtotal_cents: int,
    discount_kind: DiscountKind | None,
    discount_value: int,
    surcharge_bp: int,
    tax_bp: int,
) -> Totals:
    """All totals of an order, computed from scratch (never a surcharge on a surcharge)."""
    discount = discount_cents(subtotal_cents, discount_kind, discount_value)
    base = subtotal_cents - discount
    surcharge = surcharge_cents(base, surcharge_bp)
    total = base + surcharge
    return Totals(
        subtotal_cents=subtotal_cents,
        discount_cents=discount,
        surcharge_bp=surcharge_bp,
        surcharge_cents=surcharge,
        total_cents=total,
        gst_cents=tax_included(total, tax_bp),
        tax_bp=tax_bp,
    )


def format_cents(cents: int, currency: str = "AUD", country_code: str | None = None) -> str:
    """An amount as the business writes it, through Babel: $12.50, A$12.50 in New Zealand,
    NZD12.50 in Australia, -$0.05."""
    return format_currency(
        Decimal(int(cents)).scaleb(-2), currency, locale=country(country_code).locale
    )


def format_delta(cents: int, currency: str = "AUD", country_code: str | None = None) -> str:
    """A price change: "+$1.50", "-$0.50" ("" for none)."""
    if not cents:
        return ""
    return ("+" if cents > 0 else "-") + format_cents(abs(cents), currency, country_code)


@dataclass(frozen=True)
class MoneyStyle:
    """How a business writes amounts (its currency, in its country's locale); call it on cents."""

    currency: str = "AUD"
    country: str = DEFAULT_COUNTRY

    def __call__(self, cents: int) -> str:
        return format_cents(cents, self.currency, self.country)

    def delta(self, cents: int) -> str:
        return format_delta(cents, self.currency, self.country)

    def parse(self, text: str | None, **rules) -> int:
        """``parse_cents`` of text typed for this business (its currency symbol is allowed)."""
        return parse_cents(text, currency=self.currency, country_code=self.country, **rules)


def formatter(business) -> MoneyStyle:
    """The MoneyStyle of a Business (or PricingTerms, or a MoneyStyle)."""
    return MoneyStyle(business.currency, getattr(business, "country", None) or DEFAULT_COUNTRY)


def business_style(session, business_id: int) -> MoneyStyle:
    """The MoneyStyle of the business with this id (for messages written in a service)."""
    return formatter(records.business(session, business_id))


def receipt_text(priced, show: MoneyStyle, items: Sequence[tuple[str, int]] = ()) -> str:
    """An order's receipt for a plain-text email: its items, then subtotal, discount, surcharge,
    total and the GST included; ``priced`` is an Order or Totals."""
    rows = [(name, show(cents)) for name, cents in items] + receipt_rows(priced, show)
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label.ljust(width)}{value}" for label, value in rows)


def receipt_rows(priced, show: MoneyStyle) -> list[tuple[str, str]]:
    """The money rows of a receipt (email, printed): subtotal, discount, surcharge with its
    rate, total, GST included; (label, amount as text), rows that are zero left out."""
    rows = [("Subtotal", show(priced.subtotal_cents))]
    if priced.discount_cents:
        rows.append(("Discount", "-" + show(priced.discount_cents)))
    if priced.surcharge_cents:
        rows.append(
            (f"Surcharge ({percent_text(priced.surcharge_bp)}%)", show(priced.surcharge_cents))
        )
    rows.append(("Total", show(priced.total_cents)))
    if priced.gst_cents:
        rows.append((tax_label(priced.tax_bp), show(priced.gst_cents)))
    return rows


def input_text(cents: int | None) -> str:
    """An amount for an editable field: "12.50", "-1.50"; "" for none. ``parse_cents`` reads it."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def percent_text(basis_points: int) -> str:
    """250 -> "2.5", 300 -> "3", 0 -> "0"."""
    text = f"{Decimal(basis_points) / 100:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Digits with optional thousands groups, then at most some decimals (checked apart, for a message).
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$")


def _markers(currency: str) -> list[str]:
    """What may stand before or after an amount: the currency's code and its symbols as the
    countries we serve write them (AUD: "$", "A$"), longest first."""
    found = {currency.upper()}
    for place in COUNTRIES.values():
        symbol = get_currency_symbol(currency, locale=place.locale)
        found.add(symbol)
        if symbol.endswith("$"):
            found.add("$")
    return sorted(found, key=len, reverse=True)


def _named(what: str) -> str:
    """ "The refund" -> "the refund"; "Price" -> "a price"."""
    lowered = what[:1].lower() + what[1:]
    return lowered if lowered.startswith("the ") else f"a {lowered}"


def _unsigned_decimal(text: str, *, what: str, example: str, decimals: int) -> tuple[int, int]:
    """(whole, fraction scaled to ``decimals`` digits) of plain digits; refuses anything else."""
    match = _NUMBER.match(text)
    if not match or text in ("", "."):
        raise DomainError(f"{what} must be a number like {example}.")
    whole, fraction = match.group(1) or "0", match.group(2) or ""
    if len(fraction) > decimals:
        raise DomainError(f"{what} can have at most {decimals} decimals, like {example}.")
    return int(whole.replace(",", "")), int(fraction.ljust(decimals, "0") or 0)


def parse_cents(
    text: str | None,
    *,
    what: str = "The amount",
    currency: str = "AUD",
    country_code: str | None = None,
    allow_negative: bool = False,
    allow_zero: bool = True,
    maximum: int = MAX_AMOUNT_CENTS,
) -> int:
    """Typed money ("12.5", "$1,012.05", "-1.50", "A$3") in cents, the one rule of every field.

    Refused with a message naming the field: empty, letters, NaN, Infinity, exponents, a third
    decimal (cents are the smallest unit, so nothing is rounded), a negative where not allowed,
    zero where not allowed, more than ``maximum``.
    """
    example = "12.50"
    cleaned = "".join(str(text if text is not None else "").split())
    if not cleaned:
        raise DomainError(f"Enter {_named(what)}, for example {example}.")
    negative = False
    if cleaned[0] in "+-":
        negative, cleaned = cleaned[0] == "-", cleaned[1:]
    for marker in _markers(currency):
        if cleaned.upper().startswith(marker.upper()):
            cleaned = cleaned[len(marker) :]
            break
        if cleaned.upper().endswith(marker.upper()):
            cleaned = cleaned[: -len(marker)]
            break
    if cleaned[:1] in ("+", "-") and not negative:
        negative, cleaned = cleaned[0] == "-", cleaned[1:]
    whole, fraction = _unsigned_decimal(cleaned, what=what, example=example, decimals=2)
    cents = whole * 100 + fraction
    if cents > maximum:
        raise DomainError(f"{what} can be at most {format_cents(maximum, currency, country_code)}.")
    if negative and cents:
        if not allow_negative:
            raise DomainError(f"{what} cannot be negative.")
        cents = -cents
    if cents == 0 and not allow_zero:
        raise DomainError(f"{what} must be more than {format_cents(0, currency, country_code)}.")
    return cents


def parse_percent(text: str | None, *, what: str, maximum_bp: int = BASIS_POINTS) -> int:
    """A typed percentage ("2.5", "12.50%", "0") in basis points, at most two decimals."""
    cleaned = "".join(str(text if text is not None else "").split()).removesuffix("%")
    if not cleaned:
        raise DomainError(f"Enter {_named(what)}, for example 2.5.")
    if cleaned.startswith("-"):
        raise DomainError(f"{what} cannot be negative.")
    whole, fraction = _unsigned_decimal(
        cleaned.removeprefix("+"), what=what, example="2.5", decimals=2
    )
    basis_points = whole * 100 + fraction
    if basis_points > maximum_bp:
        raise DomainError(f"{what} must be between 0% and {percent_text(maximum_bp)}%.")
    return basis_points
