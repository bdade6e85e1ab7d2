"""A client cannot dodge the per-address sign-in limit by sending its own X-Forwarded-For.

A real backend with the default ``REFLEX_TRUSTED_PROXY_HOPS=0`` (no trusted proxy): each
attempt comes on a new websocket claiming another address in X-Forwarded-For; they all count
against the real peer, 127.0.0.1, which is locked after the limit.
"""

# ruff: noqa: F811  (the backend fixtures are imported from tests/state/test_websocket.py)
from __future__ import annotations

from typing import Any

from cliqmenu import demo_data
from cliqmenu.services.staff import SIGN_IN_FAILED
from cliqmenu.settings import Settings
from cliqmenu.state.signin import SignInState
from tests.state.test_websocket import (  # noqa: F401
    Backend,
    backend,
    no_backend_errors,
    signed_in,
    tabs,
)

SIGN_IN = SignInState.get_full_name()


async def attempt(tabs, email: str, password: str, *, claimed: str) -> str:
    """Sign in on a fresh tab that claims to come from ``claimed``: the message shown, or
    where a successful sign-in sent the tab."""
    tab = tabs()
    await tab.open("/signin", headers={"X-Forwarded-For": claimed})
    mark = await tab.send(f"{SIGN_IN}.sign_in", form={"email": email, "password": password})

    def answer(update: dict[str, Any]) -> str | None:
        if found := signed_in(update):  # sent to fetch the session cookie
            return f"signed in, sent to {found}"
        return (update.get("delta") or {}).get(SIGN_IN, {}).get("error_rx_state_")

    message = await tab.wait_for(answer, since=mark)
    await tab.close()
    return message


async def test_a_forged_forwarded_for_does_not_reset_the_address_count(
    backend: Backend, tabs
) -> None:
    allowed = Settings().sign_in_failures_per_address
    for number in range(allowed):
        failed = await attempt(
            tabs, f"guess{number}@example.com", "wrong", claimed=f"198.51.100.{number}"
        )
        assert failed == SIGN_IN_FAILED

    refused = await attempt(
        tabs, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, claimed="203.0.113.200"
    )
    assert refused == "Too many attempts, try again in 15 minutes."
