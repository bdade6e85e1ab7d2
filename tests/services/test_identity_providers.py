"""Which identity providers the settings turn on, and what a half-done setting says."""

from __future__ import annotations

import pytest

from cliqmenu.sso import providers
from cliqmenu.sso.providers import ProviderSettingsError


def test_no_settings_no_providers() -> None:
    assert providers.configured({"CLIQMENU_SECRET_KEY": "x"}) == []


def test_google_microsoft_and_a_generic_provider_in_button_order() -> None:
    found = providers.configured(
        {
            "CLIQMENU_OIDC_OKTA_CLIENT_ID": "okta-id",
            "CLIQMENU_OIDC_OKTA_CLIENT_SECRET": "okta-secret",
            "CLIQMENU_OIDC_OKTA_DISCOVERY_URL": "https://crew.okta.example/.well-known/openid-configuration",
            "CLIQMENU_OIDC_OKTA_NAME": "Crew Login",
            "CLIQMENU_OIDC_MICROSOFT_CLIENT_ID": "ms-id",
            "CLIQMENU_OIDC_MICROSOFT_CLIENT_SECRET": "ms-secret",
            "CLIQMENU_OIDC_MICROSOFT_TENANT": "smokybros.onmicrosoft.com",
            "CLIQMENU_OIDC_GOOGLE_CLIENT_ID": "g-id",
            "CLIQMENU_OIDC_GOOGLE_CLIENT_SECRET": "g-secret",
        }
    )
    assert [(p.key, p.name, p.kind) for p in found] == [
        ("google", "Google", "google"),
        ("microsoft", "Microsoft", "microsoft"),
        ("okta", "Crew Login", "oidc"),
    ]
    assert found[0].discovery_url == providers.GOOGLE_DISCOVERY
    assert found[1].discovery_url == (
        "https://login.microsoftonline.com/smokybros.onmicrosoft.com/v2.0"
        "/.well-known/openid-configuration"
    )
    assert (found[2].client_id, found[2].client_secret) == ("okta-id", "okta-secret")


def test_microsoft_defaults_to_every_kind_of_account() -> None:
    (microsoft,) = providers.configured(
        {"CLIQMENU_OIDC_MICROSOFT_CLIENT_ID": "a", "CLIQMENU_OIDC_MICROSOFT_CLIENT_SECRET": "b"}
    )
    assert "/common/" in microsoft.discovery_url


def test_a_provider_without_its_secret_or_discovery_url_stops_the_app() -> None:
    with pytest.raises(ProviderSettingsError, match="CLIQMENU_OIDC_GOOGLE_CLIENT_SECRET"):
        providers.configured({"CLIQMENU_OIDC_GOOGLE_CLIENT_ID": "g-id"})
    with pytest.raises(ProviderSettingsError, match="CLIQMENU_OIDC_ACME_DISCOVERY_URL"):
        providers.configured(
            {"CLIQMENU_OIDC_ACME_CLIENT_ID": "a", "CLIQMENU_OIDC_ACME_CLIENT_SECRET": "b"}
        )
