"""Database engine and sessions: SQLite (WAL) on the embedded default, PostgreSQL scaled out."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from cliqmenu.settings import get_settings

_READ_ONLY = "cliqmenu_read_only"


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A read takes no write lock: WAL readers see the last commit and never wait for writers.
    read_only = conn.get_execution_options().get(_READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings this app relies on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        # pysqlite's own transaction handling is off so every unit of work can start with
        # BEGIN IMMEDIATE: writers queue on the lock instead of failing to upgrade a read.
        engine.dialect.isolation_level = None  # pyright: ignore[reportAttributeAccessIssue]
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine."""
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_scope() -> Iterator[Session]:
    """A unit of work that only reads: on SQLite a plain BEGIN, not BEGIN IMMEDIATE; no commit.

    Loaded objects stay readable after the block, as with ``session_scope``.
    """
    engine = get_engine().execution_options(**{_READ_ONLY: True})
    with Session(engine, expire_on_commit=False) as session:
        yield session


def database_unavailable(error: BaseException) -> bool:
    """A lost connection or a database that is down or locked: the unit of work did not commit.

    The pool drops a connection that failed this way; the next unit of work gets a fresh one.
    """
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


# Free bytes under SQLite's file below which it is taken as full: a write needs a few pages and
# their WAL frames, and a disk this close to full has none to spare for long.
DISK_NEARLY_FULL_BYTES = 64 * 1024


def probe() -> str:
    """Can the database take a change now? "ok", "unavailable" (it does not answer: restarting,
    connections refused or dropped) or "disk full" (SQLite's disk has no room left). One
    ``SELECT 1`` on a pooled connection (PostgreSQL's pre-ping replaces a dead one first)."""
    engine = get_engine()
    try:
        with engine.execution_options(**{_READ_ONLY: True}).connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError as error:
        if database_unavailable(error):
            return "unavailable"
        raise
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        folder = Path(str(engine.url.database)).resolve().parent
        if shutil.disk_usage(folder).free < DISK_NEARLY_FULL_BYTES:
            return "disk full"
    return "ok"


def disk_full(error: BaseException) -> bool:
    """SQLite could not write: the disk (or the filesystem the database lives on) is full."""
    return isinstance(error, OperationalError) and "disk is full" in str(error.orig)


def log_failure(log: logging.Logger, message: str) -> None:
    """Log the exception being handled: a database away for a moment (restarting, connections
    dropped) is a one-line warning, since the next round or request catches up by itself;
    anything else an error with its traceback."""
    import sys

    error = sys.exc_info()[1]
    if error is not None and database_unavailable(error):
        log.warning("%s: the database is unavailable (%s)", message, getattr(error, "orig", error))
    else:
        log.exception(message)
