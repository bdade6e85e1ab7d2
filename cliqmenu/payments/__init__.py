"""Stripe, and only here: configuration, the gateway (Checkout, refunds), webhook verification."""

from cliqmenu.payments.config import StripeConfig, is_configured, stripe_config, webhook_secrets
from cliqmenu.payments.gateway import (
    CheckoutLine,
    CheckoutSessionInfo,
    GatewayError,
    MalformedWebhook,
    RefundInfo,
    StripeGateway,
    WebhookEvent,
    WebhookSignatureError,
    gateway_for,
    verify_webhook,
)

__all__ = [
    "CheckoutLine",
    "CheckoutSessionInfo",
    "GatewayError",
    "RefundInfo",
    "StripeConfig",
    "StripeGateway",
    "WebhookEvent",
    "MalformedWebhook",
    "WebhookSignatureError",
    "gateway_for",
    "is_configured",
    "stripe_config",
    "verify_webhook",
    "webhook_secrets",
]
