"""Business details: name, logo, currency, time zone, GST and the payment-method surcharges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from cliqmenu.models import Business, Role, StaffMember
from cliqmenu.services import audit, money
from cliqmenu.services.errors import DomainError, NotFound
from cliqmenu.services.staff import require_role

MAX_NAME = 120
MAX_LOGO_URL = 500
MAX_SURCHARGE_BP = 1_000  # 10%: above this a "surcharge" is a price, and card rules forbid it
CURRENCIES = ("AUD", "NZD", "USD", "CAD", "GBP", "EUR", "SGD")
# Time zones offered in the picker; any valid IANA name is accepted.
TIMEZONES = (
    "Australia/Sydney",
    "Australia/Melbourne",
    "Australia/Brisbane",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Australia/Perth",
    "Australia/Hobart",
    "Pacific/Auckland",
)


@dataclass(frozen=True)
class BusinessDetails:
    """What the owner typed on the business page (text as typed; checked by ``validate``)."""

    name: str
    currency: str = "AUD"
    timezone: str = "Australia/Sydney"
    gst_registered: bool = True
    country: str = money.DEFAULT_COUNTRY
    card_surcharge: str = "0"
    online_surcharge: str = "0"
    logo_url: str = ""


@dataclass(frozen=True)
class ValidDetails:
    name: str
    currency: str
    timezone: str
    gst_registered: bool
    country: str
    card_surcharge_bp: int
    online_surcharge_bp: int
    logo_url: str | None


def parse_percent(text: str, *, what: str) -> int:
    """A surcharge as typed ("2.5", "2.50%", "" for none) in basis points, 0% to 10%."""
    return money.parse_percent(text or "0", what=what, maximum_bp=MAX_SURCHARGE_BP)


def validate_country(code: str) -> str:
    """Australia or New Zealand: the country sets the GST rate and how amounts are written."""
    code = (code or "").strip().upper()
    if code not in money.COUNTRIES:
        names = " or ".join(c.name for c in money.COUNTRIES.values())
        raise DomainError(f"Choose the country the business trades in: {names}.")
    return code


def validate_timezone(name: str) -> str:
    name = (name or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(f"'{name}' is not a time zone we know (try Australia/Sydney).") from None
    return name


def validate_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Enter the business name.")
    if len(name) > MAX_NAME:
        raise DomainError(f"The business name can be at most {MAX_NAME} characters.")
    return name


def validate(details: BusinessDetails) -> ValidDetails:
    """Every field checked, with a message naming the field; nothing is written."""
    currency = (details.currency or "").strip().upper()
    if currency not in CURRENCIES:
        raise DomainError(f"Choose a currency: {', '.join(CURRENCIES)}.")
    logo = (details.logo_url or "").strip()
    if logo and (not re.match(r"^https?://\S+$", logo) or len(logo) > MAX_LOGO_URL):
        raise DomainError("The logo must be a web address starting with https:// (or empty).")
    return ValidDetails(
        name=validate_name(details.name),
        currency=currency,
        timezone=validate_timezone(details.timezone),
        gst_registered=bool(details.gst_registered),
        country=validate_country(details.country),
        card_surcharge_bp=parse_percent(
            details.card_surcharge, what="The Card at Counter surcharge"
        ),
        online_surcharge_bp=parse_percent(details.online_surcharge, what="The Online surcharge"),
        logo_url=logo or None,
    )


def _snapshot(business: Business) -> dict:
    return {
        "name": business.name,
        "currency": business.currency,
        "timezone": business.timezone,
        "country": business.country,
        "gst_registered": business.gst_registered,
        "card_surcharge_bp": business.card_surcharge_bp,
        "online_surcharge_bp": business.online_surcharge_bp,
        "logo_url": business.logo_url,
    }


def get_business(session: Session, *, business_id: int) -> Business:
    business = session.get(Business, business_id)
    if business is None:
        raise NotFound("No such business.")
    return business


def update_business(session: Session, *, actor: StaffMember, details: BusinessDetails) -> Business:
    """Save the Owner's business details; new surcharges and GST apply to orders priced from now
    on (an order keeps the GST rate it was priced with)."""
    require_role(actor, Role.OWNER)
    valid = validate(details)
    business = get_business(session, business_id=actor.business_id)
    before = _snapshot(business)
    business.name = valid.name
    business.currency = valid.currency
    business.timezone = valid.timezone
    business.country = valid.country
    business.gst_registered = valid.gst_registered
    business.card_surcharge_bp = valid.card_surcharge_bp
    business.online_surcharge_bp = valid.online_surcharge_bp
    business.logo_url = valid.logo_url
    after = _snapshot(business)
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        audit.record(
            session,
            business_id=business.id,
            actor=actor,
            action="business.updated",
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    session.flush()
    return business


SECRET_KEY_RE = re.compile(r"^(sk|rk)_(test|live)_\S{8,200}$")
PUBLISHABLE_KEY_RE = re.compile(r"^pk_(test|live)_\S{8,200}$")
WEBHOOK_SECRET_RE = re.compile(r"^whsec_\S{8,200}$")


@dataclass(frozen=True)
class StripeKeys:
    """Keys as typed; an empty field keeps the key already saved."""

    secret_key: str = ""
    publishable_key: str = ""
    webhook_secret: str = ""


def masked(key: str | None) -> str:
    """sk_test_…4242: enough to recognise a key, never enough to use it."""
    if not key:
        return ""
    prefix = key[: key.index("_", 3) + 1] if key.count("_") >= 2 else key[:3]
    return f"{prefix}…{key[-4:]}"


def set_stripe_keys(session: Session, *, actor: StaffMember, keys: StripeKeys) -> Business:
    """Connect the business's own Stripe account (secret key and webhook secret required)."""
    require_role(actor, Role.OWNER)
    business = get_business(session, business_id=actor.business_id)
    secret = (keys.secret_key or "").strip() or business.stripe_secret_key or ""
    publishable = (keys.publishable_key or "").strip() or business.stripe_publishable_key or ""
    webhook = (keys.webhook_secret or "").strip() or business.stripe_webhook_secret or ""
    if not SECRET_KEY_RE.match(secret):
        raise DomainError(
            "That is not a Stripe secret key: copy the whole key starting with sk_test_, sk_live_ "
            "or rk_ (Stripe dashboard → Developers → API keys)."
        )
    if publishable and not PUBLISHABLE_KEY_RE.match(publishable):
        raise DomainError("That is not a publishable key: it starts with pk_test_ or pk_live_.")
    if not WEBHOOK_SECRET_RE.match(webhook):
        raise DomainError(
            "The webhook signing secret starts with whsec_ (Stripe dashboard → Webhooks)."
        )
    if publishable and secret.split("_")[1] != publishable.split("_")[1]:
        raise DomainError(
            "The secret and publishable keys must both be test keys or both live keys."
        )
    before = masked(business.stripe_secret_key)
    business.stripe_secret_key = secret
    business.stripe_publishable_key = publishable or None
    business.stripe_webhook_secret = webhook
    # Only the masked key goes to the audit trail: secrets are never stored twice or shown.
    audit.record(
        session,
        business_id=business.id,
        actor=actor,
        action="business.stripe_connected",
        before={"secret_key": before},
        after={"secret_key": masked(secret)},
    )
    session.flush()
    return business


def disconnect_stripe(session: Session, *, actor: StaffMember) -> Business:
    """Forget the business's own Stripe keys (the installation's keys, if any, apply again)."""
    require_role(actor, Role.OWNER)
    business = get_business(session, business_id=actor.business_id)
    before = masked(business.stripe_secret_key)
    business.stripe_secret_key = None
    business.stripe_publishable_key = None
    business.stripe_webhook_secret = None
    audit.record(
        session,
        business_id=business.id,
        actor=actor,
        action="business.stripe_disconnected",
        before={"secret_key": before},
        after={"secret_key": ""},
    )
    session.flush()
    return business
