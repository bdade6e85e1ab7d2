"""Every HTTP answer of the running app carries the security headers: pages, assets, the API.

The page check also loads the app in Chromium under that policy: it must sign in and show the
live board (the websocket and Reflex's scripts work) with no Content-Security-Policy violation.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import ConsoleMessage

from cliqmenu import demo_data
from tests.e2e.helpers import ORDERS_API, sign_in

pytestmark = pytest.mark.e2e

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def assert_secured(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.url, name, response.headers)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=()" in response.headers["permissions-policy"]
    # The server's public URL is http://127.0.0.1:…: no HSTS for a plain-http install.
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("path", ["/signin/", "/manage/", "/live.js", "/cliqmenu.css"])
def test_pages_and_assets_carry_the_headers(app_server, path: str) -> None:
    response = httpx.get(app_server.url(path), timeout=15, follow_redirects=True)
    assert response.status_code == 200, response.text[:300]
    assert_secured(response)


def test_api_answers_carry_the_headers(app_server) -> None:
    refused = httpx.post(app_server.url(ORDERS_API), content=b"{", timeout=15)
    assert refused.status_code == 400
    assert_secured(refused)
    missing = httpx.post(app_server.url("/api/trucks/no-such-truck/orders"), json={}, timeout=15)
    assert missing.status_code == 422
    assert_secured(missing)
    assert_secured(httpx.get(app_server.url("/ping"), timeout=15))


def test_the_app_runs_under_its_policy(app_server, screen) -> None:
    page = screen(name="manager")
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    sign_in(page, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    page.locator("#tab-received").click()
    assert page.locator("[id^=order-]").count() > 0
    assert not violations
