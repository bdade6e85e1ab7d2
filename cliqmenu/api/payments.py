"""Stripe's webhook (POST /api/stripe/webhook).

The webhook is the only thing that may confirm a payment on its own, and only with a verified
signature. Every event is safe to receive twice and in any order: its effects are
compare-and-sets on the order and refund rows (a paid order stays paid once; a refund only
moves forward), and the event id is written into the audit trail of what it changed.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from cliqmenu.api.bodies import BadBody, nesting_depth, read_body
from cliqmenu.db import session_scope
from cliqmenu.models import Order
from cliqmenu.order_expiry import expire_round_audiences, portion_audiences, tracking_audiences
from cliqmenu.payment_check import publish_each
from cliqmenu.payments import (
    MalformedWebhook,
    WebhookEvent,
    WebhookSignatureError,
    verify_webhook,
    webhook_secrets,
)
from cliqmenu.payments.gateway import checkout_session_info, refund_info
from cliqmenu.realtime import Audience
from cliqmenu.services import payments, portions, records, refunds
from cliqmenu.services.text import has_control_characters

log = logging.getLogger("cliqmenu.payments")

MAX_BODY = 512 * 1024
# Stripe's events nest objects a few levels (a charge's refunds' metadata); far fewer than this.
MAX_DEPTH = 32
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
UNPAID_EVENTS = ("checkout.session.expired", "checkout.session.async_payment_failed")
REFUND_EVENTS = ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated")


def _order_audiences(order: Order) -> set[Audience]:
    return {Audience("manager", order.truck_id), Audience("tracker", order.public_id)}


def _secrets() -> list[tuple[str, int | None]]:
    with session_scope() as session:
        return webhook_secrets(payments.webhook_businesses(session))


def handle_event(event: WebhookEvent) -> set[Audience]:
    """Apply a verified event; returns the audiences whose views changed."""
    touched: set[Audience] = set()
    with session_scope() as session:
        if event.type in PAID_EVENTS:
            order, changed = payments.mark_paid(
                session,
                checkout=checkout_session_info(event.object),
                business_id=event.business_id,
                via="webhook",
                event_id=event.id,
            )
            if order is not None and changed:
                touched |= _order_audiences(order)
        elif event.type in UNPAID_EVENTS:
            expired = payments.expire_checkout(
                session,
                checkout=checkout_session_info(event.object),
                business_id=event.business_id,
                event_id=event.id,
            )
            if expired is not None:
                touched |= tracking_audiences([expired.public_id])
        elif event.type in REFUND_EVENTS or event.type == "charge.refunded":
            found = (
                (event.object.get("refunds") or {}).get("data") or []
                if event.type == "charge.refunded"
                else [event.object]
            )
            for data in found:
                refund = refunds.settle_from_stripe(
                    session,
                    info=refund_info(data),
                    business_id=event.business_id,
                    event_id=event.id,
                )
                if refund is not None:
                    touched |= _order_audiences(records.order(session, refund.order_id))
        # An order expiring gives its portions back; one paid after it expired takes them again.
        touched |= portion_audiences(portions.changed(session))
    touched |= expire_round_audiences()[1]
    return touched


def _text(value: object) -> bool:
    return isinstance(value, str) and not has_control_characters(value)


def _id(value: object) -> bool:
    return _text(value) or (isinstance(value, dict) and _text(value.get("id")))


def _well_formed(found: object) -> bool:
    """Whether a Checkout Session or Refund object has the types the handlers read."""
    if not isinstance(found, dict) or not _text(found.get("id")):
        return False
    texts = ("url", "status", "payment_status", "currency", "client_reference_id")
    numbers = ("amount_total", "amount")
    metadata = found.get("metadata")
    return (
        all(found.get(name) is None or _text(found[name]) for name in (*texts, "failure_reason"))
        and all(
            found.get(name) is None or type(found.get(name)) is int  # not a bool or a float
            for name in numbers
        )
        and all(
            found.get(name) is None or _id(found[name]) for name in ("payment_intent", "charge")
        )
        and (metadata is None or isinstance(metadata, dict))
        and all(_text(str(value)) for value in (metadata or {}).values())
    )


def _check_shape(event: WebhookEvent) -> None:
    """Refuse an event the handlers could not read (MalformedWebhook) before anything is done."""
    if event.type == "charge.refunded":
        refunds_of = event.object.get("refunds") or {}
        found = refunds_of.get("data") if isinstance(refunds_of, dict) else False
        if found not in (None, []) and not (
            isinstance(found, list) and all(_well_formed(data) for data in found)
        ):
            raise MalformedWebhook("The charge's refunds are not readable.")
    elif event.type in (*PAID_EVENTS, *UNPAID_EVENTS, *REFUND_EVENTS) and not _well_formed(
        event.object
    ):
        raise MalformedWebhook(f"The {event.type} object is not readable.")


async def stripe_webhook(request: Request) -> JSONResponse:
    try:
        payload = await read_body(request, max_bytes=MAX_BODY)
    except BadBody as error:
        return JSONResponse({"error": str(error)}, status_code=error.status_code)
    if nesting_depth(payload) > MAX_DEPTH:
        return JSONResponse({"error": "The event is nested too deeply."}, status_code=400)
    signature = request.headers.get("stripe-signature")
    try:
        secrets = await asyncio.to_thread(_secrets)
        event = verify_webhook(payload, signature, secrets)
    except WebhookSignatureError as error:
        log.warning("refused a Stripe webhook: %s", error)
        return JSONResponse({"error": "Invalid signature."}, status_code=400)
    except MalformedWebhook as error:
        log.warning("refused a signed Stripe webhook: %s", error)
        return JSONResponse({"error": str(error)}, status_code=400)
    try:
        _check_shape(event)
    except MalformedWebhook as error:
        log.warning("refused a signed Stripe webhook %s: %s", event.id, error)
        return JSONResponse({"error": str(error)}, status_code=400)
    # A database error answers 500, so Stripe delivers the event again later.
    touched = await asyncio.to_thread(handle_event, event)
    await publish_each(touched)
    return JSONResponse({"received": True, "type": event.type})
