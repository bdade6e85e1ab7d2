"""Behind nginx (CLIQMENU_E2E_PROXY=nginx): sign-in cookies, links, the API and the live websocket
all go through the proxy's address, none straight to the app's port."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from cliqmenu import demo
from tests.e2e.helpers import ORDERS_API, demo_menu_ids, sign_in, unique

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
    sign_in(manager, demo.MANAGER_EMAIL, demo.MANAGER_PASSWORD, lands_on="/manage")
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
