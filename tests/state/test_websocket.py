"""The real backend over its real websocket: what a hostile tab can send, and what a manager sees.

One ``reflex run --env prod --backend-only`` serves this module on a free port, on its own
SQLite database migrated and seeded by the ``cliqmenu`` commands, with its own state directory
(``reflex run`` wipes the states folder it uses). The tabs are python-socketio clients speaking
Reflex's protocol as ``.web/utils/state.js`` does: the hydrate event rides in the CONNECT auth
packet, and the HttpOnly session cookie in the Cookie header of the websocket upgrade (the page
cannot read it; the browser sends it); handler calls are ``event``
messages ``{"name", "payload", "router_data"}``; answers come back as ``event`` messages with a
``delta`` and/or ``events`` (a redirect, a toast) to run in the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import socketio
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from cliqmenu import cli, db, demo_data
from cliqmenu.db import make_engine
from cliqmenu.models import AuditEvent, MenuItem, Order, StaffMember, Stage, Truck
from cliqmenu.routes import SESSION_COOKIE
from cliqmenu.services import staff
from cliqmenu.settings import get_settings

PROJECT = Path(__file__).resolve().parents[2]
BUN_BIN = PROJECT / ".tools" / "node_modules" / "@oven" / "bun-linux-x64" / "bin"
NAMESPACE = "/_event"
ROOT = "reflex___state____state"
SESSION_STATE = f"{ROOT}.cliqmenu___state___auth____session_state"
MANAGER_STATE = f"{ROOT}.cliqmenu___state___manager____manager_state"
ACCEPT_FORM_STATE = f"{ROOT}.cliqmenu___state___accept_form____accept_form_state"
ROLE_REFUSED = "Your role cannot do that."
START_TIMEOUT = 90
ANSWER_TIMEOUT = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Backend:
    url: str
    engine: Engine
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _migrate_and_seed(database_url: str) -> None:
    """``cliqmenu migrate`` then ``cliqmenu seed-demo``, run in this process to save imports."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REFLEX_DB_URL", database_url)
        get_settings.cache_clear()
        db.get_engine.cache_clear()
        try:
            assert cli.main(["migrate"]) == 0
            assert cli.main(["seed-demo"]) == 0
        finally:
            db.get_engine().dispose()
            db.get_engine.cache_clear()
            get_settings.cache_clear()


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the backend exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(f"the backend did not serve /ping within {START_TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """End the backend's whole process group (reflex run, granian and its worker)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    else:
        # The leader is gone; make sure no worker outlived it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def serve_backend(here: Path, port: int = 0, **settings: str) -> Iterator[Backend]:
    """``reflex run --env prod --backend-only`` on a fresh seeded SQLite database in ``here``,
    on ``port`` (a free one if 0), with ``settings`` added to its environment; stopped on exit."""
    database_url = f"sqlite:///{here / 'cliqmenu.db'}"
    _migrate_and_seed(database_url)
    port = port or free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "REFLEX_", "CLIQMENU_TEST_"))
    }
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), str(BUN_BIN), env["PATH"]]),
        REFLEX_DB_URL=database_url,
        REFLEX_STATES_WORKDIR=str(here / "states"),
        REFLEX_CHECK_LATEST_VERSION="0",
        REFLEX_TELEMETRY_ENABLED="false",
        CLIQMENU_SECRET_KEY=os.environ["CLIQMENU_SECRET_KEY"],
    )
    env.update(settings)
    log = here / "backend.log"
    command = [
        str(Path(sys.executable).parent / "reflex"),
        "run",
        "--env",
        "prod",
        "--backend-only",
        "--backend-port",
        str(port),
        "--backend-host",
        "127.0.0.1",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    engine = make_engine(database_url)
    try:
        _wait_until_serving(process, url, log)
        yield Backend(url=url, engine=engine, log=log)
    finally:
        _stop(process)
        engine.dispose()


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with serve_backend(tmp_path_factory.mktemp("backend")) as served:
        yield served


@pytest.fixture(autouse=True)
def no_backend_errors(backend: Backend) -> Iterator[None]:
    """A test fails on any error the server logs while it runs."""
    seen = len(backend.log_text())
    yield
    new = backend.log_text()[seen:]
    assert "Traceback" not in new and "Error processing" not in new, new


def router_data(path: str) -> dict[str, Any]:
    return {"pathname": path, "asPath": path, "query": {}}


class Tab:
    """A browser tab as the backend sees it: one client token, one socket, the updates sent."""

    def __init__(self, url: str, http_session: aiohttp.ClientSession | None = None) -> None:
        self.url = url
        self.token = str(uuid.uuid4())
        self.path = "/"
        self.updates: list[dict[str, Any]] = []
        self._arrived = asyncio.Condition()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=http_session)
        self.sio.on("event", self._receive, namespace=NAMESPACE)

    async def _receive(self, update: dict[str, Any]) -> None:
        async with self._arrived:
            self.updates.append(update)
            self._arrived.notify_all()

    async def open(
        self,
        path: str,
        *,
        session_token: str = "",
        headers: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
        boot_router_data: dict[str, Any] | None = None,
    ) -> None:
        """Connect with the boot event, as the page does on load: the browser sends the HttpOnly
        session cookie with the websocket upgrade (``headers`` too); ``payload`` and
        ``boot_router_data`` are what a hostile page could put in the boot event."""
        self.path = path
        upgrade = dict(headers or {})
        if session_token:
            upgrade["Cookie"] = f"{SESSION_COOKIE}={session_token}"
        boot = {"name": f"{ROOT}.hydrate_and_load", "payload": payload or {}}
        await self.sio.connect(
            f"{self.url}?token={self.token}",
            socketio_path=NAMESPACE,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={
                "event": {**boot, "router_data": {**router_data(path), **(boot_router_data or {})}}
            },
            headers=upgrade,
            wait_timeout=ANSWER_TIMEOUT,
        )

    async def send(self, handler: str, **payload: Any) -> int:
        """Call a handler; returns the mark to wait for its answers from."""
        mark = len(self.updates)
        event = {"name": handler, "payload": payload, "router_data": router_data(self.path)}
        await self.sio.emit("event", event, namespace=NAMESPACE)
        return mark

    async def wait_for(
        self,
        found: Callable[[dict[str, Any]], Any],
        *,
        since: int = 0,
        timeout: float = ANSWER_TIMEOUT,
    ) -> Any:
        """The first truthy ``found(update)`` of the updates from index ``since`` on."""
        checked, result = since, None

        def scan() -> bool:
            nonlocal checked, result
            while checked < len(self.updates):
                result = found(self.updates[checked])
                checked += 1
                if result:
                    return True
            return False

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(scan), timeout)
        return result

    async def close(self) -> None:
        await self.sio.disconnect()


def refusal(update: dict[str, Any]) -> tuple[str, str] | None:
    """A redirect or an error toast the backend asked the browser to show, if any."""
    for event in update.get("events") or []:
        if event["name"] == "_redirect":
            return "redirect", event["payload"]["path"]
        if event["name"] == "_call_function" and '"error"]' in str(event["payload"]):
            return "toast", str(event["payload"])
    return None


def signed_in(update: dict[str, Any]) -> str | None:
    """Where a successful sign-in sent the page for its session cookie, if it did."""
    for event in update.get("events") or []:
        if event["name"] == "_call_script" and "/api/session/" in str(event["payload"]):
            return "/api/session/<code>"
    return None


def manager_view(update: dict[str, Any]) -> dict[str, Any] | None:
    return (update.get("delta") or {}).get(MANAGER_STATE)


def received_names(update: dict[str, Any]) -> list[str] | None:
    view = manager_view(update)
    if view is None or "received_rx_state_" not in view:
        return None
    return [card["customer_name"] for card in view["received_rx_state_"]]


@dataclass(frozen=True)
class Demo:
    truck_id: int
    received_id: int
    item_id: int


@pytest.fixture(scope="module")
def demo_rows(backend: Backend) -> Demo:
    with Session(backend.engine) as session:
        truck = session.exec(select(Truck).where(Truck.slug == demo_data.CBD_TRUCK_SLUG)).one()
        received = session.exec(
            select(Order)
            .where(Order.truck_id == truck.id, Order.stage == Stage.RECEIVED)
            .order_by(col(Order.id))
        ).first()
        water = session.exec(
            select(MenuItem).where(
                MenuItem.business_id == truck.business_id, MenuItem.name == "Bottled Water"
            )
        ).one()
        return Demo(truck_id=truck.id, received_id=received.id, item_id=water.id)


def order_trace(engine: Engine, order_id: int) -> tuple[str, int]:
    with Session(engine) as session:
        stage = session.get(Order, order_id).stage.value
        events = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.order_id == order_id)
        ).one()
    return stage, events


def session_token(engine: Engine, email: str, password: str) -> str:
    """Sign a demo member in on the backend's database, as the sign-in page would."""
    with Session(engine, expire_on_commit=False) as session:
        result = staff.sign_in(session, email=email, password=password)
        session.commit()
        return result.token


@pytest.fixture
async def tabs(backend: Backend):
    opened: list[Tab] = []

    def open_tab() -> Tab:
        tab = Tab(backend.url)
        opened.append(tab)
        return tab

    yield open_tab
    for tab in opened:
        if tab.sio.connected:
            await tab.close()


async def try_every_manager_move(tab: Tab, order_id: int) -> list[tuple[str, str]]:
    """Send the manager's handlers for a Received order, one at a time; their answers."""
    answers = []
    moves = [
        (f"{ACCEPT_FORM_STATE}.start", {"order_id": order_id}),
        (f"{ACCEPT_FORM_STATE}.accept", {}),
        (f"{MANAGER_STATE}.reject", {"order_id": order_id}),
        (f"{MANAGER_STATE}.cancel", {"order_id": order_id, "expected": "received"}),
    ]
    await tab.send(f"{MANAGER_STATE}.set_reason", value="Hostile tab")
    for handler, payload in moves:
        mark = await tab.send(handler, **payload)
        answers.append(await tab.wait_for(refusal, since=mark))
    return answers


async def test_an_anonymous_tab_cannot_accept_an_order(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    before = order_trace(backend.engine, demo_rows.received_id)
    tab = tabs()
    await tab.open("/manage")
    assert await tab.wait_for(refusal) == ("redirect", "/signin")

    start, accept, reject, cancel = await try_every_manager_move(tab, demo_rows.received_id)

    assert start == reject == cancel == ("redirect", "/signin")
    # The empty form fails its own checks before the caller is asked who they are.
    assert accept[0] == "redirect" or "is not a valid" in accept[1], accept
    assert order_trace(backend.engine, demo_rows.received_id) == before


async def test_a_session_token_in_the_boot_event_is_ignored(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    """A script on the page (an XSS) cannot sign a tab in with a token it got elsewhere: only
    the cookie the browser sent with the websocket upgrade counts, not the event's storage
    vars nor the headers the event claims."""
    token = session_token(backend.engine, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD)
    tab = tabs()
    await tab.open(
        "/manage",
        payload={"vars": {f"{SESSION_STATE}.session_token_rx_state_": token}},
        boot_router_data={"headers": {"cookie": f"{SESSION_COOKIE}={token}"}},
    )
    assert await tab.wait_for(refusal) == ("redirect", "/signin")
    mark = await tab.send(f"{ACCEPT_FORM_STATE}.start", order_id=demo_rows.received_id)
    assert await tab.wait_for(refusal, since=mark) == ("redirect", "/signin")
    assert not any(received_names(update) for update in tab.updates)

    # The same token as the cookie of the upgrade is a manager's board.
    signed = tabs()
    await signed.open("/manage", session_token=token)
    assert "Alex" in await signed.wait_for(received_names)


async def test_a_kitchen_staff_tab_cannot_accept_an_order(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    token = session_token(backend.engine, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD)
    before = order_trace(backend.engine, demo_rows.received_id)
    tab = tabs()
    await tab.open("/manage", session_token=token)
    kind, where = await tab.wait_for(refusal)
    assert kind == "redirect" and where in ("/kds", "/signin")

    start, accept, reject, cancel = await try_every_manager_move(tab, demo_rows.received_id)

    for answer in (start, reject, cancel):
        assert answer[0] == "toast" and ROLE_REFUSED in answer[1], answer
    assert accept[0] == "toast", accept
    assert order_trace(backend.engine, demo_rows.received_id) == before
    # Nothing of the manager board reached the kitchen tab.
    assert not any(received_names(update) for update in tab.updates)


async def test_a_managers_board_shows_an_order_posted_to_the_api_live(
    backend: Backend, demo_rows: Demo, tabs
) -> None:
    token = session_token(backend.engine, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD)
    tab = tabs()
    await tab.open("/manage", session_token=token)
    shown = await tab.wait_for(received_names)
    assert "Alex" in shown
    customer = f"Wanda {uuid.uuid4().hex[:6]}"
    mark = len(tab.updates)

    async with httpx.AsyncClient(base_url=backend.url, timeout=ANSWER_TIMEOUT) as client:
        response = await client.post(
            f"/api/trucks/{demo_data.CBD_TRUCK_SLUG}/orders",
            json={
                "lines": [{"item_id": demo_rows.item_id}],
                "customer_name": customer,
                "dining_method": "takeaway",
                "payment_method": "cash_at_counter",
                "idempotency_key": str(uuid.uuid4()),
            },
        )
        assert response.status_code == 201, response.text
        names = await tab.wait_for(
            lambda u: customer in (received_names(u) or []), since=mark, timeout=5.0
        )  # live, without a reload; how fast is bench/'s to measure
        assert names

    # The control for the refusals above: the same handlers over the same socket work for a
    # manager, and the board follows.
    with Session(backend.engine) as session:
        new_order = session.exec(select(Order).where(Order.customer_name == customer)).one()
    mark = await tab.send(f"{ACCEPT_FORM_STATE}.start", order_id=new_order.id)
    await tab.wait_for(
        lambda u: (
            (u.get("delta") or {}).get(ACCEPT_FORM_STATE, {}).get("order_id_rx_state_")
            == new_order.id
        ),
        since=mark,
    )
    mark = await tab.send(f"{ACCEPT_FORM_STATE}.accept")
    await tab.wait_for(
        lambda u: (names := received_names(u)) is not None and customer not in names, since=mark
    )
    assert order_trace(backend.engine, new_order.id)[0] == Stage.IN_PROGRESS.value


def test_the_demo_logins_exist(backend: Backend) -> None:
    """The websocket tests sign in as the demo staff that ``cliqmenu seed-demo`` made."""
    with Session(backend.engine) as session:
        emails = set(session.exec(select(StaffMember.email)))
    assert {demo_data.MANAGER_EMAIL, demo_data.KITCHEN_EMAIL} <= emails
