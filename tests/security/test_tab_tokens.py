# ruff: noqa: F811  (the backend fixtures are imported from tests/state/test_websocket.py)
"""A tab's client token is not a credential on its own (issue 18, item 7), on a real backend.

The findings: ``POST /_upload`` with only an Owner tab's client token and no cookie replaced a
menu photo; an anonymous socket reusing a closed manager tab's token got that tab's state
(customer email and phone); the server log printed client tokens.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import httpx
from sqlmodel import Session

from cliqmenu import demo_data
from cliqmenu.models import MenuItem, Order
from cliqmenu.routes import SESSION_COOKIE
from cliqmenu.state.menu_editor import MenuEditorState
from tests.security.test_handler_refusals import PIXEL_PNG, probe
from tests.state.test_websocket import (  # noqa: F401  (fixtures: one real backend per module)
    MANAGER_STATE,
    Backend,
    Demo,
    backend,
    demo_rows,
    no_backend_errors,
    received_names,
    session_token,
    tabs,
)

EDITOR = MenuEditorState.get_full_name()


def photo_of(backend: Backend, item_id: int) -> str | None:
    with Session(backend.engine) as session:
        return session.get(MenuItem, item_id).photo_url


async def upload(backend: Backend, tab_token: str, cookie: str = "") -> httpx.Response:
    headers = {
        "reflex-client-token": tab_token,
        "reflex-event-handler": f"{EDITOR}.upload_photo",
    }
    if cookie:
        headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    async with httpx.AsyncClient(base_url=backend.url, timeout=10) as client:
        return await client.post(
            "/_upload", headers=headers, files={"files": ("photo.png", PIXEL_PNG, "image/png")}
        )


async def test_an_upload_needs_the_cookie_of_the_tab_it_names(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    owner = session_token(backend.engine, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD)
    kitchen = session_token(backend.engine, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD)
    tab = tabs()
    await tab.open("/admin/menu", session_token=owner)
    mark = await tab.send(f"{EDITOR}.select_item", item_id=demo_rows.item_id)
    await probe(tab, mark)
    before = photo_of(backend, demo_rows.item_id)

    # The token alone, or with another member's cookie: nothing is stored.
    assert (await upload(backend, tab.token)).status_code == 403
    assert (await upload(backend, tab.token, cookie=kitchen)).status_code == 403
    assert (await upload(backend, tab.token, cookie="made-up")).status_code == 403
    assert photo_of(backend, demo_rows.item_id) == before

    # The control: the Owner's own browser, cookie and token together, does store it.
    answer = await upload(backend, tab.token, cookie=owner)
    assert answer.status_code == 200, answer.text
    assert photo_of(backend, demo_rows.item_id) not in (None, before)


async def test_a_reused_tab_token_gets_nothing_of_that_tabs_data(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    with Session(backend.engine) as session:
        order = session.get(Order, demo_rows.received_id)
        secrets = [s for s in (order.customer_name, order.customer_email) if s]
    manager = session_token(backend.engine, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD)
    closed = tabs()
    await closed.open("/manage", session_token=manager)
    mark = await closed.send(f"{MANAGER_STATE}.open_order", order_id=demo_rows.received_id)
    await probe(closed, mark)
    shown = json.dumps(closed.updates)
    assert all(secret in shown for secret in secrets)  # the manager's tab held them
    await closed.close()

    reused = tabs()
    reused.token = closed.token  # the same client token, on an anonymous socket
    await reused.open("/manage")
    await probe(reused, 0)

    seen = json.dumps(reused.updates)
    assert [secret for secret in secrets if secret in seen] == []


async def test_no_token_or_cookie_reaches_the_server_log(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    """A closed manager tab stays in its audience until its beats lapse: the push of a new
    order to it makes Reflex warn about "disconnected client <token>"."""
    manager = session_token(backend.engine, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD)
    tab = tabs()
    await tab.open("/manage", session_token=manager)
    await tab.wait_for(received_names)
    await tab.close()
    async with httpx.AsyncClient(base_url=backend.url, timeout=10) as client:
        answer = await client.post(
            f"/api/trucks/{demo_data.CBD_TRUCK_SLUG}/orders",
            json={
                "lines": [{"item_id": demo_rows.item_id}],
                "customer_name": "Lou Logged",
                "dining_method": "takeaway",
                "payment_method": "cash_at_counter",
                "idempotency_key": str(uuid.uuid4()),
            },
        )
    assert answer.status_code == 201, answer.text
    deadline = time.monotonic() + 10
    while "disconnected client" not in backend.log_text() and time.monotonic() < deadline:
        await asyncio.sleep(0.2)

    log = backend.log_text()
    assert "disconnected client" in log  # the control: the line that named the tab was written
    assert tab.token not in log and manager not in log
