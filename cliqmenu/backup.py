"""Backups of the whole database while the app runs, and restoring one into an empty database.

SQLite: SQLite's online backup API (a consistent copy even while the app writes), the backup
being an ordinary SQLite file. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from cliqmenu.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in one line."""


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the database at ``database_url`` to ``target`` (a new file)."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), target)
    elif url.get_backend_name() == "postgresql":
        _run_pg("pg_dump", ["--format=custom", "--no-owner", f"--file={target}"], url)
    else:
        raise BackupError(f"No backup for {url.get_backend_name()} databases.")


def restore(source: Path, database_url: str) -> None:
    """Load the backup ``source`` into the database at ``database_url``, which must be empty."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    url = make_url(database_url)
    kind = _backup_kind(source)
    if kind != url.get_backend_name():
        raise BackupError(f"{source} is a {kind} backup; it cannot go into {url.drivername}.")
    _require_empty(database_url)
    if kind == "sqlite":
        _sqlite_copy(source, _sqlite_path(url))
    else:
        _run_pg(
            "pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction"], url, source
        )


def _backup_kind(source: Path) -> str:
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is not a CliqMenu backup (neither SQLite nor pg_dump).")


def _require_empty(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"The database already has {len(tables)} tables; restore into a new, empty database."
        )


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The SQLite database must be a file.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as from_db, sqlite3.connect(target) as to_db:
        from_db.backup(to_db)
    from_db.close()
    to_db.close()


def _run_pg(tool: str, args: list[str], url: URL, source: Path | None = None) -> None:
    """Run pg_dump or pg_restore against ``url``; the password travels in the environment."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [program, *args, f"--dbname={plain}"] + ([str(source)] if source else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{tool} failed: {reason}")
