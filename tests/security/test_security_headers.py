"""The security headers wrap the real API (in this process, on the test's database); HSTS only
for an https install. tests/e2e/test_security_headers.py checks pages and the API of a running
server."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine

from cliqmenu.api import build_api
from cliqmenu.security_headers import security_headers
from tests import factories


async def api_answer(path: str) -> httpx.Response:
    app = security_headers(build_api())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        return await client.get(path)


@pytest.mark.parametrize(
    ("public_url", "hsts", "websocket"),
    [
        ("http://localhost:3000", False, "ws://localhost:3000"),
        ("https://orders.example.com", True, "wss://orders.example.com"),
    ],
)
async def test_api_answers_carry_the_headers(
    app_engine: Engine, world: factories.World, configure, public_url, hsts, websocket
) -> None:
    configure(public_url=public_url)
    answer = await api_answer(f"/api/trucks/{world.truck.slug}/qr.svg")

    assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "same-origin"
    policy = answer.headers["content-security-policy"]
    assert f"connect-src 'self' {websocket}" in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert ("strict-transport-security" in answer.headers) is hsts


async def test_a_refusal_carries_them_too(app_engine: Engine, world: factories.World) -> None:
    answer = await api_answer("/api/trucks/no-such-truck/qr.svg")
    assert answer.status_code == 404
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_the_session_cookie_route_carries_them(app_engine: Engine) -> None:
    answer = await api_answer("/api/session/not-a-code")
    assert answer.status_code == 302 and answer.headers["location"] == "/signin"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
