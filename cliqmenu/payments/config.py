"""Which Stripe account a business uses: its own keys, else the installation's (environment)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_settings import BaseSettings, SettingsConfigDict

from cliqmenu.models import Business


class StripeEnv(BaseSettings):
    """CLIQMENU_STRIPE_* environment variables (read on every call: tests and set-up change them)."""

    model_config = SettingsConfigDict(env_prefix="CLIQMENU_STRIPE_", extra="ignore")

    secret_key: str = ""
    publishable_key: str = ""
    webhook_secret: str = ""
    account_id: str = ""
    # Lets the real stripe library talk to localstripe in tests and local trials.
    api_base: str = ""


@dataclass(frozen=True)
class StripeConfig:
    secret_key: str
    publishable_key: str
    webhook_secret: str
    account_id: str | None
    api_base: str | None
    # "business": the business's own keys; "env": the installation's keys.
    source: str


def _env() -> StripeEnv:
    return StripeEnv()


def stripe_config(business: Business) -> StripeConfig | None:
    """The business's Stripe keys if it set any, else the installation's; None when neither."""
    env = _env()
    api_base = env.api_base.strip() or None
    if business.stripe_secret_key:
        return StripeConfig(
            secret_key=business.stripe_secret_key,
            publishable_key=business.stripe_publishable_key or "",
            webhook_secret=business.stripe_webhook_secret or "",
            account_id=business.stripe_account_id or None,
            api_base=api_base,
            source="business",
        )
    if env.secret_key.strip():
        return StripeConfig(
            secret_key=env.secret_key.strip(),
            publishable_key=env.publishable_key.strip(),
            webhook_secret=env.webhook_secret.strip(),
            account_id=business.stripe_account_id or env.account_id.strip() or None,
            api_base=api_base,
            source="env",
        )
    return None


def is_configured(business: Business) -> bool:
    """Online payment can be offered: the business (or the installation) has a secret key.

    A webhook secret is needed too for payments to be confirmed when the customer does not come
    back to the return page; docs/payments.md says so and the owner pages should ask for both.
    """
    config = stripe_config(business)
    return bool(config and config.secret_key)


def webhook_secrets(businesses: list[Business]) -> list[tuple[str, int | None]]:
    """Every webhook signing secret we accept, with the business it speaks for.

    ``None`` means the installation's secret, which speaks for every business that has no keys
    of its own. An event signed with one business's secret may only touch that business's orders.
    """
    secrets: list[tuple[str, int | None]] = []
    env_secret = _env().webhook_secret.strip()
    if env_secret:
        secrets.append((env_secret, None))
    secrets.extend(
        (business.stripe_webhook_secret, business.id)
        for business in businesses
        if business.stripe_secret_key and business.stripe_webhook_secret
    )
    return secrets
