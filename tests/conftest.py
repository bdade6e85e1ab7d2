"""Shared fixtures: a fresh database per test (temp-file SQLite, or PostgreSQL when asked).

Set ``CLIQMENU_TEST_DATABASE_URL`` to a PostgreSQL URL (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run against PostgreSQL: one
uniquely named database is created on that server for the test session, its tables are emptied
before every test, and it is dropped at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

# Set before anything reads the settings, so invitation links are signed without ./data.
os.environ["CLIQMENU_SECRET_KEY"] = "cliqmenu-test-secret-key-0123456789abcdefghijklm"

import cliqmenu.models  # noqa: E402,F401  (fills SQLModel.metadata)
from cliqmenu import db  # noqa: E402
from cliqmenu.db import make_engine  # noqa: E402
from cliqmenu.infra import rate_limits, session_generation  # noqa: E402
from cliqmenu.realtime import registry  # noqa: E402
from cliqmenu.settings import get_settings  # noqa: E402
from tests import factories  # noqa: E402

# Property tests check rules, not speed: on a busy 2-core CI box a slow example is no failure.
hypothesis_settings.register_profile("cliqmenu", deadline=None)
hypothesis_settings.load_profile("cliqmenu")

TEST_DATABASE_URL = os.environ.get("CLIQMENU_TEST_DATABASE_URL", "").strip()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are cached per process; every test starts from (and leaves) a clean cache."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_redis_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app keeps one Redis client per process for each of these; an asyncio client belongs to
    the event loop it first ran in, and every test has its own loop."""
    monkeypatch.setattr(registry, "_registry", None)
    monkeypatch.setattr(session_generation, "_mark", None)
    monkeypatch.setattr(rate_limits, "_counter", None)


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Override settings for one test: ``configure(invite_valid_hours=-1)``."""

    def _configure(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"CLIQMENU_{name.upper()}", str(value))
        get_settings.cache_clear()

    return _configure


def _truncate_all(engine: Engine) -> None:
    quote = engine.dialect.identifier_preparer.format_table
    tables = ", ".join(quote(table) for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine | None]:
    """A throwaway PostgreSQL database for this test session, or None on SQLite runs."""
    if not TEST_DATABASE_URL:
        yield None
        return
    url = make_url(TEST_DATABASE_URL)
    if url.get_backend_name() != "postgresql":
        raise pytest.UsageError("CLIQMENU_TEST_DATABASE_URL must be a PostgreSQL URL")
    name = f"cliqmenu_test_{os.getpid()}_{secrets.token_hex(4)}"
    # The URL's own database need not exist: only the maintenance database is used to create ours.
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        SQLModel.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def engine(tmp_path, _postgres_engine: Engine | None) -> Iterator[Engine]:
    """A database with every table and no rows, private to this test."""
    if _postgres_engine is not None:
        _truncate_all(_postgres_engine)
        yield _postgres_engine
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'cliqmenu.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """The test's unit of work; tests commit where the real caller would."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(session: Session) -> factories.World:
    """A GST-registered business (card 2.5%, online 3%) with a truck, three staff and a menu."""
    built = factories.make_world(session)
    session.commit()
    return built


@pytest.fixture
def app_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's own engine (``db.get_engine``) on the test's database."""
    monkeypatch.setenv("REFLEX_DB_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()


@pytest.fixture
def cli_database(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh SQLite file for ``cliqmenu`` commands run in this process (``cli.main``)."""
    monkeypatch.setenv("REFLEX_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()
