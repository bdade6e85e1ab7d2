"""The embedded server's disk fills up (SQLite on a size-limited tmpfs): orders are refused with
a clear message, nothing is half-written or corrupted, and orders are taken again by themselves
once space is freed, without a restart."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select

from cliqmenu import db
from cliqmenu.api import build_api
from cliqmenu.api.orders import DISK_FULL
from cliqmenu.models import AuditEvent, Order, OrderLine, OutboxEmail
from cliqmenu.settings import get_settings
from tests import factories
from tests.conftest import TEST_DATABASE_URL
from tests.small_disk import fill
from tests.small_disk import small_disk as mounted

pytestmark = [
    pytest.mark.skipif(
        os.geteuid() != 0, reason="a full disk is a small tmpfs, which only root can mount"
    ),
    pytest.mark.skipif(
        bool(TEST_DATABASE_URL), reason="the embedded mode's SQLite (PostgreSQL runs elsewhere)"
    ),
]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted(tmp_path / "disk") as folder:
        yield folder


@pytest.fixture
def app_engine(small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The app's own engine on a SQLite database on the small disk."""
    monkeypatch.setenv("REFLEX_DB_URL", f"sqlite:///{small_disk / 'cliqmenu.db'}")
    monkeypatch.setenv("CLIQMENU_ORDER_API_PER_MINUTE", "1000")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    engine = db.get_engine()
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()
    db.get_engine.cache_clear()


def counts(engine: Engine) -> tuple[int, int, int, int]:
    """Orders, order lines, audit events, outbox emails."""
    with Session(engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Order, OrderLine, AuditEvent, OutboxEmail)
        )  # pyright: ignore[reportReturnType]


def integrity(small_disk: Path) -> str:
    with sqlite3.connect(small_disk / "cliqmenu.db") as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


async def test_a_full_disk_refuses_orders_clearly_corrupts_nothing_and_recovers_by_itself(
    app_engine: Engine, small_disk: Path
) -> None:
    with Session(app_engine) as session:
        world = factories.make_world(session)
        session.commit()
        body = {
            "lines": [{"item_id": world.menu.fries.id}],
            "customer_name": "Sam",
            "customer_email": "sam@example.com",  # a confirmation email in the outbox, too
            "dining_method": "takeaway",
            "payment_method": "cash_at_counter",
        }
        url = f"/api/trucks/{world.truck.slug}/orders"
    transport = httpx.ASGITransport(app=build_api(), client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as api:
        assert (await api.post(url, json={**body, "idempotency_key": "before-full"})).is_success
        before = counts(app_engine)

        filler = fill(small_disk)
        for attempt in range(3):
            refused = await api.post(url, json={**body, "idempotency_key": f"disk-full-{attempt}"})
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"] == DISK_FULL
            assert refused.headers["Retry-After"] == "1"
        assert counts(app_engine) == before  # no order, line, audit event or email half-written
        assert integrity(small_disk) == "ok"

        filler.unlink()  # the operator frees space; the app is not restarted
        taken = await api.post(url, json={**body, "idempotency_key": "disk-full-0"})
        assert taken.status_code == 201, taken.text
    orders, lines, events, emails = counts(app_engine)
    assert (orders, lines) == (before[0] + 1, before[1] + 1)
    assert events > before[2] and emails == before[3] + 1
    assert integrity(small_disk) == "ok"
