"""Behind nginx (CLIQMENU_E2E_PROXY=nginx): sign-in cookies, links, the API and the live websocket
all go through the proxy's address, none straight to the app's port."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, delete, select

from cliqmenu import demo_data
from cliqmenu.db import make_engine
from cliqmenu.models import SignInFailure
from cliqmenu.services import sign_in_limits
from cliqmenu.services.staff import SIGN_IN_FAILED
from cliqmenu.settings import Settings
from tests.e2e.helpers import ORDERS_API, demo_menu_ids, sign_in, unique
from tests.security.test_forwarded_for import attempt
from tests.state.test_websocket import Tab

pytestmark = pytest.mark.e2e


def test_manager_works_live_through_nginx(screen, app_server, proxy):
    if proxy is None:
        pytest.skip("runs behind a proxy only: set CLIQMENU_E2E_PROXY=nginx")
    app_address = f"127.0.0.1:{proxy.app_port}"
    requests: list[str] = []
    sockets: list[str] = []
    manager = screen(1280, 900, name="manager")
    manager.on("request", lambda request: requests.append(request.url))
    manager.on("websocket", lambda socket: sockets.append(socket.url))
    # The session cookie set through the proxy signs the manager in and keeps them signed in.
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    expect(manager.locator("#live-badge[data-state='live']")).to_be_visible()

    ids = demo_menu_ids(app_server.db_url)
    order = {
        "lines": [{"item_id": ids.items["Loaded Fries"], "quantity": 1}],
        "customer_name": "Proxy Diner",
        "dining_method": "takeaway",
        "payment_method": "cash_at_counter",
        "idempotency_key": unique("e2e-proxy"),
    }
    placed = httpx.post(proxy.base_url + ORDERS_API, json=order, timeout=15)
    assert placed.status_code == 201, placed.text
    # Links handed out (the tracking page, QR codes) use the public address: nginx's.
    assert placed.json()["tracking_url"].startswith(proxy.base_url + "/"), placed.text

    # Pushed to the open board over the websocket that nginx carries.
    expect(manager.locator(f"#order-{placed.json()['order_number']}")).to_be_visible()
    proxy_address = f"127.0.0.1:{proxy.listen_port}/"
    assert sockets, "the page opened no websocket"
    assert all(proxy_address in url for url in sockets), sockets
    assert not [url for url in requests + sockets if app_address in url]


def address_key(address: str) -> str:
    return sign_in_limits.address_key(address)


def counted_failures(database_url: str, key_hash: str) -> int:
    with Session(make_engine(database_url)) as session:
        return len(
            session.exec(select(SignInFailure).where(SignInFailure.key_hash == key_hash)).all()
        )


def forget_failures(database_url: str, key_hashes: list[str]) -> None:
    with Session(make_engine(database_url)) as session:
        session.exec(delete(SignInFailure).where(col(SignInFailure.key_hash).in_(key_hashes)))
        session.commit()


async def attempts_from(base_url: str, source: str, tries: list[tuple[str, str, str]]) -> list[str]:
    """Sign in over websockets opened to nginx from the local address ``source``; each try is
    (email, password, the address forged in X-Forwarded-For)."""
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        return [
            await attempt(lambda: Tab(base_url, http), email, password, claimed=claimed)
            for email, password, claimed in tries
        ]


def test_sign_in_limits_count_the_real_client_behind_nginx(app_server, proxy):
    if proxy is None:
        pytest.skip("runs behind a proxy only: set CLIQMENU_E2E_PROXY=nginx")
    # The client connects from 127.0.0.2 (nginx itself reaches the app from 127.0.0.1), so the
    # address that gets locked is this test's alone: other e2e tests sign in from 127.0.0.1.
    client, allowed = "127.0.0.2", Settings().sign_in_failures_per_address
    forged = [f"198.51.100.{number}" for number in range(allowed + 1)]  # a new one each try
    emails = [f"{unique('proxy-guess')}@example.com" for _ in range(allowed)]
    keys = [address_key(client), *[address_key(ip) for ip in forged]]
    keys += [sign_in_limits.pair_key(email, client) for email in emails]
    try:
        tries = [(email, "wrong", forged[n]) for n, email in enumerate(emails)]
        # Right password, another forged address: still the same real client, so refused.
        tries.append((demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, forged[allowed]))
        # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            running = thread.submit(asyncio.run, attempts_from(proxy.base_url, client, tries))
            answers = running.result()
        assert answers[:allowed] == [SIGN_IN_FAILED] * allowed
        assert answers[allowed] == "Too many attempts, try again in 15 minutes."
        # Counted against the address nginx saw, none against the addresses the client claimed.
        assert counted_failures(app_server.db_url, address_key(client)) == allowed
        assert sum(counted_failures(app_server.db_url, address_key(ip)) for ip in forged) == 0
    finally:
        forget_failures(app_server.db_url, keys)
