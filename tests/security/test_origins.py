"""Only pages of the configured public address may open the websocket or read credentialed API
answers; a foreign page (another site, a sibling port of the same host) gets neither, and a
client that sends no Origin at all (not a browser page: an API client, a load client) is served.

Against a real backend started with ``CLIQMENU_PUBLIC_URL`` set to its own address, as a
deployment runs it (``CLIQMENU_ENV=prod``: no localhost twin).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import socketio

from cliqmenu import demo_data
from tests.state.test_websocket import (
    Backend,
    Tab,
    free_port,
    received_names,
    serve_backend,
    session_token,
)

FOREIGN = ["https://evil.example", "http://127.0.0.1:1", "null"]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    port = free_port()
    with serve_backend(
        tmp_path_factory.mktemp("origins"),
        port=port,
        CLIQMENU_ENV="prod",
        CLIQMENU_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CLIQMENU_EXTRA_ORIGINS="https://till.example.com",
    ) as served:
        yield served


def manager_token(backend: Backend) -> str:
    return session_token(backend.engine, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD)


@pytest.mark.parametrize("origin", FOREIGN)
async def test_a_foreign_page_cannot_open_the_websocket(backend: Backend, origin: str) -> None:
    """A page of another site, or of another port of the same host, with the manager's cookie
    (which the browser would send along) gets no socket and so no board."""
    tab = Tab(backend.url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await tab.open("/manage", session_token=manager_token(backend), headers={"Origin": origin})
    assert not any(received_names(update) for update in tab.updates)
    assert not tab.sio.connected


@pytest.mark.parametrize("origin", ["{url}", "https://till.example.com", None])
async def test_our_own_pages_and_clients_without_an_origin_get_the_board(
    backend: Backend, origin: str | None
) -> None:
    headers = {"Origin": origin.format(url=backend.url)} if origin else {}
    tab = Tab(backend.url)
    try:
        await tab.open("/manage", session_token=manager_token(backend), headers=headers)
        assert "Alex" in await tab.wait_for(received_names)
    finally:
        if tab.sio.connected:
            await tab.close()


@pytest.mark.parametrize("path", [f"/api/trucks/{demo_data.CBD_TRUCK_SLUG}/orders", "/ping"])
def test_the_api_answers_cors_only_to_our_own_origin(backend: Backend, path: str) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x"}
    with httpx.Client(base_url=backend.url, timeout=10) as client:
        for origin in FOREIGN:
            answer = client.options(path, headers={"Origin": origin, **preflight})
            assert answer.status_code == 400, (origin, answer.status_code)
            assert "access-control-allow-origin" not in answer.headers
            # Without Access-Control-Allow-Origin the browser keeps the answer from the page
            # (Starlette adds Allow-Credentials to every answer; alone it exposes nothing).
            answer = client.get(path, headers={"Origin": origin})
            assert "access-control-allow-origin" not in answer.headers

        ours = client.options(path, headers={"Origin": backend.url, **preflight})
        assert ours.status_code == 200
        assert ours.headers["access-control-allow-origin"] == backend.url
        assert ours.headers["access-control-allow-credentials"] == "true"

        no_origin = client.get("/ping")
        assert no_origin.status_code == 200
        assert "access-control-allow-origin" not in no_origin.headers
