"""The Stripe gateway: Checkout Sessions, refunds and webhook verification, as plain values.

Nothing outside ``cliqmenu.payments`` imports stripe: callers get dataclasses and two errors.
Every call here is slow network I/O: call it outside database transactions and never while a
Reflex state lock is held (run it from a background handler or a thread).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import stripe
from stripe._base_address import BaseAddresses
from stripe._http_client import new_default_http_client

from cliqmenu.models import Business
from cliqmenu.payments.config import StripeConfig, stripe_config

TIMEOUT_SECONDS = 20
NETWORK_RETRIES = 2
# Errors after which Stripe certainly did nothing; any other error leaves the outcome unknown.
_DEFINITE = (
    stripe.InvalidRequestError,
    stripe.CardError,
    stripe.AuthenticationError,
    stripe.PermissionError,
    stripe.IdempotencyError,
    stripe.RateLimitError,
)


class GatewayError(Exception):
    """Stripe refused or could not be reached.

    ``definite`` is True when Stripe certainly did not carry the request out (a refusal); False
    when the outcome is unknown (a timeout or a server error): the request may have happened.
    """

    def __init__(self, message: str, *, definite: bool, code: str = "") -> None:
        super().__init__(message)
        self.definite = definite
        self.code = code


class WebhookSignatureError(Exception):
    """The webhook's signature does not verify with any secret we hold."""


class MalformedWebhook(ValueError):
    """A signed webhook event whose content is not shaped like a Stripe event."""


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    unit_amount_cents: int
    quantity: int


@dataclass(frozen=True)
class CheckoutSessionInfo:
    id: str
    url: str | None
    status: str | None  # open, complete, expired
    payment_status: str | None  # paid, unpaid, no_payment_required
    amount_total: int | None
    currency: str | None
    payment_intent_id: str | None
    client_reference_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def paid(self) -> bool:
        return self.payment_status == "paid"


@dataclass(frozen=True)
class RefundInfo:
    id: str
    status: str | None  # pending, requires_action, succeeded, failed, canceled
    amount: int | None
    payment_intent_id: str | None
    charge_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    failure_reason: str | None = None


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict[str, Any]
    # The business whose secret verified it; None for the installation's secret.
    business_id: int | None


def _id_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.get("id") if isinstance(value, dict) else getattr(value, "id", None)


def _plain(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return dict(obj)
    return obj.to_dict()


def checkout_session_info(data: dict[str, Any]) -> CheckoutSessionInfo:
    """A Checkout Session (from the API or a webhook payload) as a plain value."""
    return CheckoutSessionInfo(
        id=data["id"],
        url=data.get("url"),
        status=data.get("status"),
        payment_status=data.get("payment_status"),
        amount_total=data.get("amount_total"),
        currency=data.get("currency"),
        payment_intent_id=_id_of(data.get("payment_intent")),
        client_reference_id=data.get("client_reference_id"),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
    )


def refund_info(data: dict[str, Any]) -> RefundInfo:
    """A Refund (from the API or a webhook payload) as a plain value."""
    return RefundInfo(
        id=data["id"],
        status=data.get("status"),
        amount=data.get("amount"),
        payment_intent_id=_id_of(data.get("payment_intent")),
        charge_id=_id_of(data.get("charge")),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        failure_reason=data.get("failure_reason"),
    )


class StripeGateway:
    """One business's Stripe account."""

    def __init__(self, config: StripeConfig) -> None:
        self.config = config
        base: BaseAddresses | None = {"api": config.api_base} if config.api_base else None
        self._client = stripe.StripeClient(
            config.secret_key,
            stripe_account=config.account_id,
            base_addresses=base,
            max_network_retries=NETWORK_RETRIES,
            http_client=new_default_http_client(timeout=TIMEOUT_SECONDS),
        )

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _DEFINITE as error:
            message = getattr(error, "user_message", None) or str(error) or what
            raise GatewayError(
                f"Stripe refused the {what}: {message}",
                definite=True,
                code=getattr(error, "code", "") or "",
            ) from error
        except stripe.StripeError as error:
            raise GatewayError(
                f"Stripe could not be reached for the {what}; it is being checked.",
                definite=False,
            ) from error

    def create_checkout_session(
        self,
        *,
        currency: str,
        lines: list[CheckoutLine],
        success_url: str,
        cancel_url: str,
        client_reference_id: str,
        metadata: dict[str, str],
        idempotency_key: str,
        customer_email: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> CheckoutSessionInfo:
        """A hosted payment page for ``lines`` (use one line for a single amount)."""
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": line.unit_amount_cents,
                        "product_data": {"name": line.name[:250]},
                    },
                }
                for line in lines
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": client_reference_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        if customer_email:
            params["customer_email"] = customer_email
        if expires_at is not None:
            params["expires_at"] = int(expires_at.timestamp())
        created = self._call(
            "payment page",
            self._client.v1.checkout.sessions.create,
            params,
            {"idempotency_key": idempotency_key},
        )
        return checkout_session_info(_plain(created))

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSessionInfo:
        found = self._call("payment check", self._client.v1.checkout.sessions.retrieve, session_id)
        return checkout_session_info(_plain(found))

    def create_refund(
        self,
        *,
        payment_intent_id: str,
        amount_cents: int,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> RefundInfo:
        """Refund ``amount_cents`` of a payment; the same key never refunds twice at Stripe."""
        created = self._call(
            "refund",
            self._client.v1.refunds.create,
            {"payment_intent": payment_intent_id, "amount": amount_cents, "metadata": metadata},
            {"idempotency_key": idempotency_key},
        )
        return refund_info(_plain(created))

    def list_refunds(self, *, payment_intent_id: str) -> list[RefundInfo]:
        found = self._call(
            "refund check",
            self._client.v1.refunds.list,
            {"payment_intent": payment_intent_id, "limit": 100},
        )
        return [refund_info(_plain(item)) for item in found.data]


def gateway_for(business: Business) -> StripeGateway | None:
    """The business's gateway, or None when Stripe is not configured for it."""
    config = stripe_config(business)
    return StripeGateway(config) if config else None


def verify_webhook(
    payload: bytes, signature: str | None, secrets: list[tuple[str, int | None]]
) -> WebhookEvent:
    """The event, if ``signature`` verifies with one of ``secrets`` (see config.webhook_secrets)."""
    if not signature or not secrets:
        raise WebhookSignatureError("No signature, or no webhook secret is configured.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WebhookSignatureError("The payload is not UTF-8.") from error
    for secret, business_id in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                text, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
            )
        except stripe.SignatureVerificationError:
            continue
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise MalformedWebhook("The payload is not JSON.") from error
        data = raw.get("data") if isinstance(raw, dict) else None  # checked below
        found = data.get("object") if isinstance(data, dict) else None
        if not isinstance(raw, dict) or not (
            isinstance(raw.get("id"), str) and isinstance(raw.get("type"), str)
        ):
            raise MalformedWebhook("The event has no id or type.")
        if not isinstance(found, dict):
            raise MalformedWebhook("The event has no data object.")
        return WebhookEvent(id=raw["id"], type=raw["type"], object=found, business_id=business_id)
    raise WebhookSignatureError("The signature does not verify.")
