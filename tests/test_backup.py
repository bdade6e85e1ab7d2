"""`cliqmenu backup` and `cliqmenu restore`: a populated database, backed up while the app's
engine holds it open, restored into a fresh database, reads back row for row the same (SQLite's
online backup API on SQLite, pg_dump/pg_restore on PostgreSQL)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from cliqmenu import cli
from cliqmenu.db import make_engine
from cliqmenu.models import DiningMethod, OrderLine, PaymentMethod
from cliqmenu.services import orders
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
