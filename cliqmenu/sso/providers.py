"""The identity providers this install offers, read from the environment.

- Google: ``CLIQMENU_OIDC_GOOGLE_CLIENT_ID`` and ``CLIQMENU_OIDC_GOOGLE_CLIENT_SECRET``.
- Microsoft: ``CLIQMENU_OIDC_MICROSOFT_CLIENT_ID``, ``..._CLIENT_SECRET`` and optionally
  ``..._TENANT`` (a tenant id or domain; default ``common``: any work, school or personal account).
- Any other OpenID Connect provider, under a key of your choice (letters and digits):
  ``CLIQMENU_OIDC_<KEY>_DISCOVERY_URL``, ``..._CLIENT_ID``, ``..._CLIENT_SECRET`` and optionally
  ``..._NAME`` (the button says "Continue with <NAME>").

A provider is on when its client id is set; a half-configured one stops the app at start.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "CLIQMENU_OIDC_"
_CLIENT_ID = re.compile(rf"^{PREFIX}([A-Z0-9]+)_CLIENT_ID$")
GOOGLE_DISCOVERY = "https://accounts.google.com/.well-known/openid-configuration"
MICROSOFT_DISCOVERY = (
    "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
)
BUILT_IN_NAMES = {"google": "Google", "microsoft": "Microsoft"}


@dataclass(frozen=True)
class Provider:
    """One configured identity provider; ``key`` is its part of the sign-in URLs."""

    key: str
    name: str
    discovery_url: str
    client_id: str
    client_secret: str

    @property
    def kind(self) -> str:
        """google, microsoft, or oidc: each checks its ID token's issuer a little differently."""
        return self.key if self.key in BUILT_IN_NAMES else "oidc"


class ProviderSettingsError(ValueError):
    """A provider is configured only in part."""


def _setting(environ: Mapping[str, str], key: str, name: str) -> str:
    return environ.get(f"{PREFIX}{key.upper()}_{name}", "").strip()


def _discovery_url(environ: Mapping[str, str], key: str) -> str:
    if key == "google":
        return GOOGLE_DISCOVERY
    if key == "microsoft":
        tenant = _setting(environ, key, "TENANT") or "common"
        return MICROSOFT_DISCOVERY.format(tenant=tenant)
    url = _setting(environ, key, "DISCOVERY_URL")
    if not url.startswith(("https://", "http://")):
        raise ProviderSettingsError(
            f"{PREFIX}{key.upper()}_DISCOVERY_URL must be the provider's "
            "/.well-known/openid-configuration address"
        )
    return url


def _provider(environ: Mapping[str, str], key: str) -> Provider:
    secret = _setting(environ, key, "CLIENT_SECRET")
    if not secret:
        raise ProviderSettingsError(f"{PREFIX}{key.upper()}_CLIENT_SECRET is not set")
    return Provider(
        key=key,
        name=_setting(environ, key, "NAME") or BUILT_IN_NAMES.get(key, key.title()),
        discovery_url=_discovery_url(environ, key),
        client_id=_setting(environ, key, "CLIENT_ID"),
        client_secret=secret,
    )


def configured(environ: Mapping[str, str] | None = None) -> list[Provider]:
    """Every provider with a client id: Google, Microsoft, then the others by key."""
    environ = os.environ if environ is None else environ
    keys = {
        match.group(1).lower()
        for name, value in environ.items()
        if value.strip() and (match := _CLIENT_ID.match(name))
    }
    order = sorted(keys, key=lambda key: (key not in BUILT_IN_NAMES, key != "google", key))
    return [_provider(environ, key) for key in order]


def find(key: str, environ: Mapping[str, str] | None = None) -> Provider | None:
    """The configured provider with this key, if any."""
    return next((p for p in configured(environ) if p.key == key), None)
