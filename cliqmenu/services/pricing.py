"""Money rules (docs/order-lifecycle.md, "Money"): integer cents, half-up rounding, GST inclusive."""

from __future__ import annotations

from dataclasses import dataclass

from cliqmenu.models import DiscountKind, PaymentMethod

BASIS_POINTS = 10_000  # 100% in basis points
GST_DIVISOR = 11  # Australian GST is 10%, so it is one eleventh of a GST-inclusive total


@dataclass(frozen=True)
class Totals:
    subtotal_cents: int
    discount_cents: int
    surcharge_bp: int
    surcharge_cents: int
    total_cents: int
    gst_cents: int


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


@dataclass(frozen=True)
class PricingTerms:
    """What a business charges on top of its prices; named as on Business so either serves."""

    card_surcharge_bp: int
    online_surcharge_bp: int
    gst_registered: bool
    currency: str = "AUD"

    @classmethod
    def of(cls, business) -> PricingTerms:
        return cls(
            card_surcharge_bp=business.card_surcharge_bp,
            online_surcharge_bp=business.online_surcharge_bp,
            gst_registered=business.gst_registered,
            currency=business.currency,
        )


def price_for(
    terms,
    *,
    subtotal_cents: int,
    method: PaymentMethod,
    discount_kind: DiscountKind | None = None,
    discount_value: int = 0,
) -> Totals:
    """``price`` with the surcharge and GST of ``terms`` (a Business or PricingTerms)."""
    return price(
        subtotal_cents=subtotal_cents,
        discount_kind=discount_kind,
        discount_value=discount_value,
        surcharge_bp=surcharge_bp_for(method, terms.card_surcharge_bp, terms.online_surcharge_bp),
        gst_registered=terms.gst_registered,
    )


def gst_included(total_cents: int, gst_registered: bool) -> int:
    return round_half_up(total_cents, GST_DIVISOR) if gst_registered else 0


def price(
    *,
    subtotal_cents: int,
    discount_kind: DiscountKind | None,
    discount_value: int,
    surcharge_bp: int,
    gst_registered: bool,
) -> Totals:
    """All totals of an order, computed from scratch (never a surcharge on a surcharge)."""
    discount = discount_cents(subtotal_cents, discount_kind, discount_value)
    base = subtotal_cents - discount
    surcharge = round_half_up(base * surcharge_bp, BASIS_POINTS)
    total = base + surcharge
    return Totals(
        subtotal_cents=subtotal_cents,
        discount_cents=discount,
        surcharge_bp=surcharge_bp,
        surcharge_cents=surcharge,
        total_cents=total,
        gst_cents=gst_included(total, gst_registered),
    )


def format_cents(cents: int, currency: str = "AUD") -> str:
    """$12.50 style; other currencies carry their code."""
    sign = "-" if cents < 0 else ""
    text = f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"
    return text if currency in ("AUD", "USD", "NZD", "CAD") else f"{text} {currency}"
