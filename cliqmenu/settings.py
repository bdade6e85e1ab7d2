"""Application settings (secrets and services), read from the environment."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("data")


def _dev_secret() -> str:
    """A per-install secret kept under ./data so sign-in links survive a restart."""
    DATA_DIR.mkdir(exist_ok=True)
    path = DATA_DIR / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Settings(BaseSettings):
    """Settings for CliqMenu; each field can be set as CLIQMENU_<NAME>.

    Identity providers (CLIQMENU_OIDC_<KEY>_*) are read by cliqmenu/sso/providers.py, since the
    installer names the keys of generic ones.
    """

    model_config = SettingsConfigDict(env_prefix="CLIQMENU_", extra="ignore")

    env: str = "dev"
    database_url: str = Field(
        default="sqlite:///data/cliqmenu.db",
        validation_alias="REFLEX_DB_URL",
    )
    redis_url: str | None = Field(default=None, validation_alias="REFLEX_REDIS_URL")
    secret_key: str = ""
    public_url: str = "http://localhost:3000"
    # More origins (comma-separated) whose pages may open the websocket and get credentialed
    # CORS answers, besides CLIQMENU_PUBLIC_URL's.
    extra_origins: str = ""
    invite_valid_hours: int = 72
    session_valid_days: int = 30
    heartbeat_seconds: int = 5
    # Sign-in (services/sign_in_limits.py): failures of one email from one address before each
    # try waits, the first wait (doubling after each failure), failures per address in the window.
    sign_in_free_failures: int = Field(default=5, ge=1)
    sign_in_first_delay_seconds: int = Field(default=30, ge=1)
    sign_in_failures_per_address: int = 20
    sign_in_window_minutes: int = 15
    order_api_per_minute: int = Field(default=60, ge=1)  # per client address and truck
    # The customer page (services/order_limits.py): per tab and per address every ten minutes,
    # per truck each minute; order confirmation emails per recipient per hour.
    customer_orders_per_tab: int = Field(default=5, ge=1)
    customer_orders_per_address: int = Field(default=20, ge=1)
    customer_orders_per_truck: int = Field(default=60, ge=1)
    confirmations_per_email: int = Field(default=5, ge=1)
    # Email delivery (docs/email-and-sign-in.md). Without a host, emails are only printed.
    smtp_host: str = ""
    smtp_port: int = Field(default=0, ge=0, le=65535)  # 0: 587 for starttls, 465 tls, 25 none
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_ca_file: str = ""  # extra CA certificates (PEM) to trust, e.g. for an internal relay
    smtp_timeout_seconds: float = Field(default=30, gt=0)
    mail_max_attempts: int = Field(default=20, ge=1)
    mail_retry_seconds: float = Field(default=30, gt=0)  # first retry; doubles up to an hour
    mail_poll_seconds: float = Field(default=5, gt=0)
    # Web Push (docs/notifications.md): the worker, and the push services devices may name.
    push_contact: str = ""  # VAPID "sub": an email or https URL push services can reach you at
    push_poll_seconds: float = Field(default=2, gt=0)
    push_retry_seconds: float = Field(default=10, gt=0)  # first retry; doubles up to 10 minutes
    push_max_attempts: int = Field(default=8, ge=1)
    push_timeout_seconds: float = Field(default=10, gt=0)
    # Host names (or dot-prefixed suffixes) a subscription's endpoint may point at: the browsers'
    # push services. The server POSTs to that address, so anything else is refused.
    push_service_hosts: str = (
        ".googleapis.com,.push.services.mozilla.com,.notify.windows.com,.push.apple.com"
    )
    # How often each app process looks for orders waiting unaccepted past their truck's reminder
    # threshold; 0: never (then `cliqmenu send-reminders` from cron).
    reminder_poll_seconds: float = Field(default=15, ge=0)
    # Receipt printers (docs/printers.md): the print worker of every app process.
    print_poll_seconds: float = Field(default=1, gt=0)
    print_retry_seconds: float = Field(default=5, gt=0)  # first retry; doubles up to a minute
    print_timeout_seconds: float = Field(default=5, gt=0)
    # How often each app process expires Online orders left unpaid for an hour; 0: never (cron).
    expire_orders_seconds: float = Field(default=120, ge=0)
    # How often each app process brings back "out today" stock whose truck began a new day; 0:
    # never (then `cliqmenu restock-day` from cron).
    restock_seconds: float = Field(default=60, ge=0)
    # How often each app process sends pre-orders whose time has come to the kitchen; 0: never
    # (then `cliqmenu release-preorders` from cron).
    release_preorders_seconds: float = Field(default=15, ge=0)

    def allowed_origins(self) -> list[str]:
        """The origins whose pages may use this app's websocket and credentialed API answers:
        CLIQMENU_PUBLIC_URL's, CLIQMENU_EXTRA_ORIGINS, and in dev the localhost/127.0.0.1 twin
        of a local public URL (both reach a developer's machine)."""
        found = [origin_of(self.public_url)]
        found += [origin_of(o) for o in self.extra_origins.split(",") if o.strip()]
        if self.env == "dev":
            twins = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}
            for origin in list(found):
                parts = urlsplit(origin)
                if parts.hostname in twins:
                    found.append(origin.replace(parts.hostname, twins[parts.hostname], 1))
        return list(dict.fromkeys(found))

    @property
    def smtp_enabled(self) -> bool:
        """Whether emails are delivered by SMTP (else stored and printed)."""
        return bool(self.smtp_host.strip())

    def signing_key(self) -> str:
        """The key that signs invitation links; a real one is required outside dev."""
        if self.secret_key:
            if len(self.secret_key) < 32:
                raise ValueError("CLIQMENU_SECRET_KEY must be at least 32 characters")
            return self.secret_key
        if self.env != "dev":
            raise ValueError("CLIQMENU_SECRET_KEY must be set outside dev")
        return _dev_secret()


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL as browsers send it in ``Origin`` (lower case, no
    default port, no path)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
