"""`cliqmenu backup` and `cliqmenu restore`: a populated database, backed up while the app's
engine holds it open, restored into a fresh database, reads back row for row the same (SQLite's
online backup API on SQLite, pg_dump/pg_restore on PostgreSQL)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from cliqmenu import cli
from cliqmenu.db import make_engine
from cliqmenu.models import (
    DiningMethod,
    OrderLine,
    OrderSource,
    PaymentMethod,
    StaffMember,
    Truck,
)
from cliqmenu.services import orders, payments, refunds
from cliqmenu.settings import get_settings
from tests import factories


@pytest.fixture
def fresh_url(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as the test's."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"cliqmenu_restore_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def run_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> int:
    monkeypatch.setenv("REFLEX_DB_URL", database_url)
    get_settings.cache_clear()
    return cli.main(list(args))


def contents(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary key order."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        sa.select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def populated(session: Session, world: factories.World) -> str:
    """A day's trade: orders with options, notes and a confirmation email in the outbox."""
    menu = world.menu
    factories.place(session, world=world, customer_email="sam@example.com")
    factories.place(
        session,
        world=world,
        lines=[factories.line(menu.burger, menu.beef, quantity=2, note="no onion")],
        payment_method=PaymentMethod.CARD_AT_COUNTER,
        dining_method=DiningMethod.DINE_IN,
        idempotency_key="backup-test-order-2",
    )
    factories.place(session, world=world, customer_name="Alex")
    session.commit()
    return session.get_bind().url.render_as_string(hide_password=False)


def test_backup_restored_into_a_fresh_database_reads_back_the_same(
    populated: str, world: factories.World, fresh_url: str, tmp_path: Path, monkeypatch
):
    backup_file = tmp_path / "backups" / "cliqmenu.backup"
    assert run_cli(monkeypatch, populated, "backup", str(backup_file)) == 0
    assert run_cli(monkeypatch, fresh_url, "restore", str(backup_file)) == 0

    before, after = contents(populated), contents(fresh_url)
    assert len(before["order"]) == 3 and before["orderline"] and before["outboxemail"]
    assert after == before
    # The app reads the restored order as it was: the same number, lines and note.
    engine = make_engine(fresh_url)
    try:
        with Session(engine) as session:
            order = orders.find_by_idempotency_key(
                session, truck_id=world.truck.id, key="backup-test-order-2"
            )
            assert order is not None and order.number == 2
            lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
            assert [(line.quantity, line.note) for line in lines] == [(2, "no onion")]
    finally:
        engine.dispose()


def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(
    populated: str, tmp_path: Path, monkeypatch, capsys
):
    backup_file = tmp_path / "cliqmenu.backup"
    assert run_cli(monkeypatch, populated, "backup", str(backup_file)) == 0
    before = contents(populated)

    assert run_cli(monkeypatch, populated, "restore", str(backup_file)) == 1
    assert "restore into a new, empty database" in capsys.readouterr().err
    assert contents(populated) == before


def test_backup_does_not_overwrite_a_file(populated: str, tmp_path: Path, monkeypatch, capsys):
    existing = tmp_path / "keep.backup"
    existing.write_text("an older backup")
    assert run_cli(monkeypatch, populated, "backup", str(existing)) == 1
    assert "exists already" in capsys.readouterr().err
    assert existing.read_text() == "an older backup"


def test_restore_refuses_a_file_that_is_no_backup(
    fresh_url: str, tmp_path: Path, monkeypatch, capsys
):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    assert run_cli(monkeypatch, fresh_url, "restore", str(junk)) == 1
    assert "is not a CliqMenu backup" in capsys.readouterr().err


def trade_until(
    stop: threading.Event, database_url: str, world: factories.World, placed: list[int]
) -> None:
    """Orders placed, paid at the counter and every other one refunded, each step its own unit
    of work, until ``stop``; the id of each order placed goes into ``placed``."""
    truck_id, manager_id = world.truck.id, world.manager.id
    lines = [factories.line(world.menu.burger, world.menu.beef), factories.line(world.menu.fries)]
    engine = make_engine(database_url)
    try:
        while not stop.is_set():
            with Session(engine) as session:
                truck, manager = session.get(Truck, truck_id), session.get(StaffMember, manager_id)
                assert truck is not None and manager is not None
                order, _ = orders.place_order(
                    session,
                    truck=truck,
                    request=factories.order_request(lines=lines),
                    source=OrderSource.CUSTOMER,
                )
                session.commit()
                placed.append(order.id)
                payments.record_counter_payment(session, actor=manager, order_id=order.id)
                session.commit()
                if len(placed) % 2:
                    refunds.request_refund(
                        session,
                        actor=manager,
                        order_id=order.id,
                        request=refunds.RefundRequest(
                            request_id=f"under-load-{order.id}", kind=refunds.FULL, reason="cold"
                        ),
                    )
                    session.commit()
    finally:
        engine.dispose()


def disagreements(database_url: str) -> list[str]:
    """Where orders, their lines, payments, refunds and audit events of a database disagree."""
    rows = contents(database_url)
    columns = {t.name: [c.name for c in t.columns] for t in SQLModel.metadata.sorted_tables}

    def named(table: str) -> list[dict]:
        return [dict(zip(columns[table], row, strict=True)) for row in rows[table]]

    def total(table: str) -> dict[int, int]:
        sums: dict[int, int] = {}
        for row in named(table):
            sums[row["order_id"]] = sums.get(row["order_id"], 0) + row["amount_cents"]
        return sums

    paid, refunded = total("payment"), total("refund")
    lined = {line["order_id"] for line in named("orderline")}
    audited: dict[str, set[int]] = {}
    for event in named("auditevent"):
        audited.setdefault(event["action"], set()).add(event["order_id"])
    found: list[str] = []
    for order in named("order"):
        key, name = order["id"], f"order #{order['number']}"
        if key not in lined:
            found.append(f"{name} has no lines")
        if key not in audited.get("order.placed", set()):
            found.append(f"{name} has no audit event of its placing")
        if (order["payment_status"] != "unpaid") != (key in paid):
            found.append(f"{name} is {order['payment_status']}, paid {paid.get(key, 0)}")
        if key in paid and paid[key] != order["total_cents"]:
            found.append(f"{name}: paid {paid[key]} of {order['total_cents']}")
        if key in paid and key not in audited.get("payment.recorded", set()):
            found.append(f"{name}: its payment has no audit event")
        if refunded.get(key, 0) > paid.get(key, 0):
            found.append(f"{name}: refunded {refunded[key]} of {paid.get(key, 0)} paid")
        if key in refunded and key not in audited.get("refund.recorded", set()):
            found.append(f"{name}: its refund has no audit event")
    return found


def test_a_backup_taken_while_orders_flow_restores_to_a_database_that_agrees_with_itself(
    populated: str, world: factories.World, fresh_url: str, tmp_path: Path, monkeypatch
):
    stop, placed = threading.Event(), []
    with ThreadPoolExecutor(1) as pool:
        trading = pool.submit(trade_until, stop, populated, world, placed)

        def until(count: int) -> None:
            deadline = time.monotonic() + 60
            while len(placed) < count:
                assert not trading.done(), trading.result()
                assert time.monotonic() < deadline, f"fewer than {count} orders within 60 s"
                time.sleep(0.02)

        until(5)  # trade is under way
        backup_file = tmp_path / "under-load.backup"
        assert run_cli(monkeypatch, populated, "backup", str(backup_file)) == 0
        until(len(placed) + 2)  # and goes on after the backup
        stop.set()
        trading.result(timeout=60)
    assert run_cli(monkeypatch, fresh_url, "restore", str(backup_file)) == 0

    restored = contents(fresh_url)
    assert 3 + 5 <= len(restored["order"]) < 3 + len(placed)  # a copy of the middle of trade
    assert len(restored["refund"]) >= 2
    assert disagreements(fresh_url) == []
    assert disagreements(populated) == []
