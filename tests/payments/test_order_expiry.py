"""The job that expires Online orders nobody paid: once per order, whoever runs it and when."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cliqmenu import cli, db, order_expiry
from cliqmenu.models import AuditEvent, Order, Stage, utcnow
from cliqmenu.realtime import Audience
from cliqmenu.services import payments
from cliqmenu.settings import get_settings
from tests import factories
from tests.payments.support import fresh, online_order, paid_checkout

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def placed_ago(session: Session, order: Order, age: dt.timedelta) -> Order:
    order.placed_at = utcnow() - age
    session.add(order)
    session.commit()
    return order


def unpaid(session: Session, world: factories.World, age: dt.timedelta = HOUR + MINUTE) -> Order:
    """An Online order placed ``age`` ago and never paid."""
    return placed_ago(session, online_order(session, world), age)


def expiries(engine: Engine, order_id: int) -> list[AuditEvent]:
    with Session(engine) as check:
        query = select(AuditEvent).where(
            AuditEvent.order_id == order_id, AuditEvent.action == "order.expired"
        )
        return list(check.exec(query))


def stage_of(engine: Engine, order: Order) -> Stage:
    with Session(engine) as check:
        return check.get(Order, order.id).stage


@pytest.fixture(autouse=True)
def _stripe_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIQMENU_STRIPE_SECRET_KEY", "sk_test_unit")
    monkeypatch.delenv("CLIQMENU_STRIPE_API_BASE", raising=False)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[Audience]:
    """The audiences the job publishes (no screen is open in these tests to push them to)."""
    seen: list[Audience] = []

    async def record(audience: Audience) -> None:
        seen.append(audience)

    monkeypatch.setattr(order_expiry, "publish", record)
    return seen


def test_a_round_expires_orders_unpaid_for_an_hour_and_nothing_else(
    session: Session, world: factories.World, engine: Engine, app_database: None
) -> None:
    stale = unpaid(session, world)
    young = unpaid(session, world, age=HOUR - MINUTE)
    paid = unpaid(session, world)
    payments.mark_paid(session, checkout=paid_checkout(paid), business_id=None, via="webhook")
    counter = placed_ago(session, factories.place(session, world=world), 2 * HOUR)

    assert order_expiry.expire_round() == [stale.public_id]
    assert order_expiry.expire_round() == []

    assert stage_of(engine, stale) == Stage.EXPIRED
    assert fresh(session, stale).close_reason == "Not paid within an hour."
    assert [stage_of(engine, o) for o in (young, paid, counter)] == [
        Stage.AWAITING_PAYMENT,
        Stage.RECEIVED,
        Stage.RECEIVED,
    ]
    [event] = expiries(engine, stale.id)
    assert (event.actor_label, event.reason) == ("System", "Not paid within an hour.")


def test_two_workers_at_once_expire_each_order_once(
    session: Session, world: factories.World, engine: Engine
) -> None:
    orders = [unpaid(session, world) for _ in range(6)]
    session.close()  # no transaction of ours may hold the database while the workers run
    start = threading.Barrier(2)
    expired: dict[str, list[int]] = {}

    def worker(name: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            start.wait(timeout=10)
            expired[name] = [order.id for order in payments.expire_stale_orders(own)]
            own.commit()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(expired["a"] + expired["b"]) == sorted(order.id for order in orders)
    for order in orders:
        assert stage_of(engine, order) == Stage.EXPIRED
        assert len(expiries(engine, order.id)) == 1


@pytest.fixture
def postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks that others skip are PostgreSQL's; SQLite runs writers in turn")


def no_waiting(session: Session) -> None:
    """A lock wait fails this session's statements after 5 s instead of hanging the test."""
    session.exec(text("SET LOCAL lock_timeout = '5s'"))


def test_a_worker_skips_orders_another_worker_is_expiring(
    session: Session, world: factories.World, engine: Engine, postgres_only: None
) -> None:
    first, second = unpaid(session, world), unpaid(session, world)
    with Session(engine) as a, Session(engine) as b:
        no_waiting(b)
        assert [o.id for o in payments.expire_stale_orders(a)] == [first.id, second.id]
        # A holds both rows until it commits: B neither waits for them nor expires them again.
        assert payments.expire_stale_orders(b) == []
        b.commit()
        a.commit()
        assert payments.expire_stale_orders(b) == []
        b.commit()

    assert [len(expiries(engine, o.id)) for o in (first, second)] == [1, 1]


def test_an_order_being_paid_is_left_to_the_payment(
    session: Session, world: factories.World, engine: Engine, postgres_only: None
) -> None:
    """The webhook holds the order's row while it marks it paid; the job must not expire it."""
    order = unpaid(session, world)
    with Session(engine) as webhook, Session(engine) as job:
        no_waiting(job)
        payments.mark_paid(webhook, checkout=paid_checkout(order), business_id=None, via="webhook")
        assert payments.expire_stale_orders(job) == []
        job.commit()
        webhook.commit()
        assert payments.expire_stale_orders(job) == []
        job.commit()

    assert stage_of(engine, order) == Stage.RECEIVED
    assert expiries(engine, order.id) == []


async def test_the_app_job_expires_stale_orders_and_updates_their_tracking_pages(
    session: Session,
    world: factories.World,
    engine: Engine,
    app_database: None,
    configure: Callable[..., None],
    published: list[Audience],
) -> None:
    configure(expire_orders_seconds=0.05)
    order = unpaid(session, world)
    job = asyncio.create_task(order_expiry.expiry_worker())
    try:
        for _ in range(600):
            if published or job.done():
                break
            await asyncio.sleep(0.05)
    finally:
        job.cancel()

    assert published == [Audience("tracker", order.public_id)]
    assert stage_of(engine, order) == Stage.EXPIRED
    assert len(expiries(engine, order.id)) == 1


def test_the_app_job_can_be_turned_off(configure: Callable[..., None]) -> None:
    configure(expire_orders_seconds=0)
    assert asyncio.run(asyncio.wait_for(order_expiry.expiry_worker(), timeout=30)) is None


def test_cli_expires_once(cli_database: None, capsys) -> None:
    assert cli.main(["migrate"]) == 0
    with Session(db.get_engine(), expire_on_commit=False) as session:
        world = factories.make_world(session)
        session.commit()
        stale = [unpaid(session, world), unpaid(session, world)]
        unpaid(session, world, age=MINUTE)

    assert cli.main(["expire-orders"]) == 0
    assert cli.main(["expire-orders"]) == 0
    with Session(db.get_engine()) as check:
        expired = check.exec(select(Order.id).where(Order.stage == Stage.EXPIRED)).all()

    out = capsys.readouterr().out
    assert "Expired 2 online order(s) not paid within an hour." in out
    assert "Expired 0 online order(s) not paid within an hour." in out
    assert sorted(expired) == sorted(order.id for order in stale)


def test_cli_refuses_a_database_that_is_not_migrated(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("REFLEX_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    try:
        assert cli.main(["expire-orders"]) == 1
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()
    assert "Run `cliqmenu migrate` first." in capsys.readouterr().err
