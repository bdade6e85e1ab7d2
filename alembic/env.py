"""Alembic environment for CliqMenu: the schema is SQLModel.metadata of cliqmenu.models.

The database URL is, in order: ``-x url=...`` on the command line, ``config.attributes["url"]``
or ``sqlalchemy.url`` set by a caller (``cliqmenu migrate``, tests), else the app settings
(``REFLEX_DB_URL``). A caller may also lend an open connection as
``config.attributes["connection"]``.
"""

from __future__ import annotations

from logging.config import fileConfig
from pathlib import Path

import sqlalchemy as sa
from alembic import context
from sqlalchemy import create_engine, make_url, pool
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import cliqmenu.models  # noqa: F401  (registers every table on SQLModel.metadata)
from cliqmenu.settings import get_settings

config = context.config

# Only the `alembic` command configures logging; an embedding caller keeps its own loggers.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def database_url() -> str:
    """The URL to migrate, from the most specific source that gives one."""
    return (
        context.get_x_argument(as_dictionary=True).get("url")
        or config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or get_settings().database_url
    )


def render_item(type_: str, obj, autogen_context) -> str | bool:
    """Render column types by what the database stores, so revisions never import app code.

    The app's TypeDecorators become their underlying type, and enums kept as plain text
    (``native_enum=False`` without a CHECK constraint) become ``sa.String``: adding a member
    to such an enum needs no migration, and the revision should not pretend otherwise.
    """
    if type_ != "type":
        return False
    if isinstance(obj, TypeDecorator) and obj.__module__.startswith("cliqmenu"):
        return f"sa.{obj.impl!r}"
    if isinstance(obj, sa.Enum) and not obj.native_enum and not obj.create_constraint:
        return f"sa.String(length={obj.length})"
    return False


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_item=render_item,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) without a database."""
    _configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate a live database, on a lent connection or a fresh one."""
    lent = config.attributes.get("connection")
    if lent is not None:
        _run(lent)
        return
    url = database_url()
    if url.startswith("sqlite"):
        # The database file's folder may not exist yet on a first run (./data).
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A plain engine: the app's SQLite engine turns foreign keys on, which would make batch
    # table copies cascade; migrations run with SQLite's default (off).
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
