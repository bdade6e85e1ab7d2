"""Why a sign-in with an identity provider was turned down, and what the sign-in page says.

Only the reason's name travels back to /signin (``?sso_error=<reason>&provider=<key>``); the
page looks its message up here, so nothing a link carries is shown as text.
"""

from __future__ import annotations

from cliqmenu.services.errors import DomainError

START_AGAIN = "Please start again."
USE_PASSWORD = "Try again, or sign in with your email and password."

MESSAGES = {
    "provider_error": "{provider} did not sign you in. " + USE_PASSWORD,
    "unreachable": "{provider} could not be reached. " + USE_PASSWORD,
    "expired": "This sign-in took too long or was not started in this browser. " + START_AGAIN,
    "state": "This sign-in could not be trusted: the answer from {provider} does not belong "
    "to the sign-in this browser started. " + START_AGAIN,
    "nonce": "This sign-in could not be trusted: the ID token from {provider} was not issued "
    "for this sign-in. " + START_AGAIN,
    "invalid_token": "This sign-in could not be trusted: the ID token from {provider} did not "
    "pass our checks. " + START_AGAIN,
    "no_email": "{provider} did not tell us your email address, so we cannot find your invitation.",
    "unverified": "{provider} has not verified the email address of that account. Verify it "
    "with {provider} first, or sign in with your email and password.",
    "not_invited": "The email of that {provider} account was never invited here. Use the "
    "account of the email your business owner invited, or ask them to invite this one.",
    "disabled": "Your access has been turned off. Ask the owner.",
}


def message(reason: str, provider_name: str) -> str:
    """The sign-in page's words for ``reason`` (an unknown reason reads as a provider error)."""
    template = MESSAGES.get(reason, MESSAGES["provider_error"])
    return template.format(provider=provider_name or "The identity provider")


class SignInRefused(DomainError):
    """A provider sign-in turned down; ``reason`` is a key of MESSAGES."""

    status_code = 403

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in MESSAGES, reason
        self.reason = reason
        self.detail = detail
        super().__init__(message(reason, ""))
