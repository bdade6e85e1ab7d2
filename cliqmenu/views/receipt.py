"""The money lines of every receipt-like place (cart, accept preview, order detail, tracking
page, emails): one builder, so each shows the same lines that add up the same way."""

from __future__ import annotations

from collections.abc import Callable

from cliqmenu.services import money


def money_lines(priced, show: Callable[[int], str]) -> dict[str, str]:
    """Subtotal, discount, surcharge (with its rate), total and the tax included, as text.

    ``priced`` is an Order or ``money.Totals`` (both carry the same ``*_cents`` fields); lines
    that are zero are "" so a screen can leave them out. Subtotal - discount + surcharge = total.
    """
    return {
        "subtotal": show(priced.subtotal_cents),
        "discount": show(priced.discount_cents) if priced.discount_cents else "",
        "surcharge": show(priced.surcharge_cents) if priced.surcharge_cents else "",
        "surcharge_rate": f"{money.percent_text(priced.surcharge_bp)}%",
        "total": show(priced.total_cents),
        "gst": show(priced.gst_cents) if priced.gst_cents else "",
        "tax_label": money.tax_label(priced.tax_bp) if priced.gst_cents else "",
    }
