"""The return page's payment check, and telling the open screens what a payment changed.

When Stripe's webhook is late, the customer's return page asks Stripe itself whether the order
is paid (``confirm_checkout``). The webhook (cliqmenu.api.payments) publishes with
``publish_each`` too.
"""

from __future__ import annotations

import asyncio
import logging

from cliqmenu.db import session_scope
from cliqmenu.models import PaymentMethod, PaymentStatus
from cliqmenu.payments import GatewayError, gateway_for
from cliqmenu.realtime import Audience, publish
from cliqmenu.services import payments
from cliqmenu.services.errors import NotFound

log = logging.getLogger("cliqmenu.payments")


async def publish_each(audiences: set[Audience]) -> None:
    """Push fresh views (managers' boards, customers' trackers); a failed push never fails the caller."""
    for audience in audiences:
        try:
            await publish(audience)
        except Exception:
            log.exception("publishing %s after a payment failed", audience)


def _confirm(public_id: str) -> tuple[bool, int | None, bool]:
    """Whether paid, the order's truck, and whether this call marked it paid."""
    with session_scope() as session:
        try:
            order, business = payments.order_for_checkout(session, public_id)
        except NotFound:
            return False, None, False
        if order.payment_status != PaymentStatus.UNPAID:
            return True, order.truck_id, False
        checkout_id = order.stripe_checkout_session_id
        if order.payment_method != PaymentMethod.ONLINE or not checkout_id:
            return False, order.truck_id, False
        gateway = gateway_for(business)
        business_id, truck_id = business.id, order.truck_id
    if gateway is None:
        return False, truck_id, False
    try:
        checkout = gateway.retrieve_checkout_session(checkout_id)
    except GatewayError as error:
        log.warning("checking checkout %s failed: %s", checkout_id, error)
        return False, truck_id, False
    if not checkout.paid:
        return False, truck_id, False
    with session_scope() as session:
        order, changed = payments.confirm_from_session(
            session, checkout=checkout, business_id=business_id
        )
    return order is not None, truck_id, changed


async def confirm_checkout(public_id: str) -> bool:
    """Whether the order with this public id is paid, asking Stripe when we have not heard yet.

    For the customer's return page: when the webhook is late, this retrieves the order's
    Checkout Session from Stripe and, if Stripe says paid, marks the order paid exactly as the
    webhook would (the redirect itself is never trusted). Safe to call any number of times.
    """
    paid, truck_id, changed = await asyncio.to_thread(_confirm, public_id)
    if changed and truck_id is not None:
        await publish_each({Audience("manager", truck_id), Audience("tracker", public_id)})
    return paid
