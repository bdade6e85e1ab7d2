"""Fixtures for payments: a real localstripe (127.0.0.1, no persistence), Stripe settings that
point the real ``stripe`` library at it, the app's database on the test's engine, and a webhook
receiver that hands localstripe's deliveries to the app's own HTTP route."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from cliqmenu import db
from cliqmenu.api import build_api
from cliqmenu.infra import session_generation
from cliqmenu.realtime import hub, registry
from cliqmenu.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "sk_test_cliqmenu_localstripe"
PUBLISHABLE_KEY = "pk_test_cliqmenu_localstripe"
WEBHOOK_SECRET = "whsec_cliqmenu_test_secret"


def wait_for(check: Callable[[], object], *, timeout: float = 10.0, what: str = "condition"):
    """Poll ``check`` until it returns something truthy; its value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """A localstripe for this test session, from tests/payments/localstripe_server.py."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.payments.localstripe_server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("LISTENING "):
            process.kill()
            raise RuntimeError(f"localstripe did not start: {line}{process.stdout.read()}")
        url = f"http://127.0.0.1:{int(line.split()[1])}"
        wait_for(lambda: _answers(url), what="localstripe")
        # Keep reading its output so a full pipe never blocks it.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def app_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The engine the app's own code (routes, handlers) uses: the test's database."""
    monkeypatch.setenv("REFLEX_DB_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    monkeypatch.setattr(registry, "_registry", None)
    monkeypatch.setattr(session_generation, "_mark", None)
    monkeypatch.setattr(hub, "_running", {})
    monkeypatch.setattr(hub, "_again", set())
    app = db.get_engine()
    assert app.url == engine.url
    yield app
    app.dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def stripe_env(monkeypatch: pytest.MonkeyPatch, localstripe_url: str) -> str:
    """Installation-wide Stripe keys that point at localstripe."""
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("CLIQMENU_STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY)
    monkeypatch.setenv("CLIQMENU_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("CLIQMENU_STRIPE_API_BASE", localstripe_url)
    return localstripe_url


@dataclass
class Published:
    """The audiences the payment routes published."""

    audiences: list[str] = field(default_factory=list)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Published:
    import cliqmenu.payment_check as check

    seen = Published()

    async def record(audience) -> None:
        seen.audiences.append(str(audience))

    monkeypatch.setattr(check, "publish", record)
    return seen


@dataclass
class Delivery:
    status: int
    event_type: str
    event_id: str


@dataclass
class Webhooks:
    """What localstripe delivered to the app's webhook route, and the route's answers."""

    deliveries: list[Delivery] = field(default_factory=list)

    def of(self, event_type: str, status: int = 200) -> list[Delivery]:
        return [d for d in self.deliveries if d.event_type == event_type and d.status == status]


@pytest.fixture(scope="session")
def _receiver(localstripe_url: str) -> Iterator[Webhooks]:
    """One HTTP receiver for the session, registered with localstripe as its webhook endpoint.

    It hands each delivery to ``POST /api/stripe/webhook`` of the app's own Starlette API
    (in process, so it uses the current test's database) and answers with the route's status.
    Deliveries are handled one at a time, like a single worker.
    """
    import json

    app = build_api()
    lock = threading.Lock()

    async def deliver(body: bytes, signature: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.post(
                "/api/stripe/webhook", content=body, headers={"stripe-signature": signature}
            )

    record = Webhooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                answer = asyncio.run(deliver(body, self.headers.get("Stripe-Signature", "")))
            event = json.loads(body)
            record.deliveries.append(Delivery(answer.status_code, event["type"], event["id"]))
            self.send_response(answer.status_code)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    httpx.post(
        f"{localstripe_url}/_config/webhooks/cliqmenu",
        data={"url": url, "secret": WEBHOOK_SECRET},
    ).raise_for_status()
    yield record
    server.shutdown()


@pytest.fixture
def webhooks(_receiver: Webhooks, app_engine: Engine, stripe_env: str) -> Webhooks:
    """Deliveries made during this test only."""
    _receiver.deliveries.clear()
    return _receiver


@dataclass
class LocalStripe:
    """Test-only controls of the localstripe wrapper (tests/payments/localstripe_server.py)."""

    url: str

    def pay(self, checkout_url: str, *, card: str = "visa", webhook: bool = True) -> httpx.Response:
        """The customer pays on the hosted page."""
        return httpx.post(
            f"{checkout_url}/pay", data={"card": card, "webhook": "1" if webhook else "0"}
        )

    def expire(self, session_id: str) -> None:
        httpx.post(
            f"{self.url}/v1/checkout/sessions/{session_id}/expire",
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
        ).raise_for_status()

    def events(self, event_type: str) -> list[dict]:
        found = httpx.get(f"{self.url}/_config/events", params={"type": event_type})
        return found.json()["data"]

    def resend(self, event_id: str) -> None:
        httpx.post(f"{self.url}/_config/events/{event_id}/resend").raise_for_status()

    def plan_refunds(self, mode: str, count: int = 1) -> None:
        httpx.post(f"{self.url}/_config/refunds", data={"mode": mode, "count": count})

    def refunds(self, payment_intent_id: str) -> list[dict]:
        found = httpx.get(
            f"{self.url}/v1/refunds",
            params={"payment_intent": payment_intent_id},
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
        )
        found.raise_for_status()
        return found.json()["data"]


@pytest.fixture
def localstripe(stripe_env: str) -> Iterator[LocalStripe]:
    controls = LocalStripe(stripe_env)
    yield controls
    controls.plan_refunds("", 0)
