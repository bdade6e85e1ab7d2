"""Staff screens left idle say so when the database goes away, at their next heartbeat, not only
when someone presses a button; the notice goes once the database is back, and the screen is live
again.

Scaled out, PostgreSQL restarts (every connection dropped, none accepted meanwhile: the way
tests/e2e/test_faults_scaled_out.py does it, on the test's own database only). On the embedded
default, the disk under SQLite fills up (as root, a 2 MB tmpfs as in tests/test_disk_full.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import reflex as rx
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from cliqmenu.db import make_engine
from cliqmenu.state import faults
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.live import BEAT_ANSWERED
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.stock import StockState
from tests import factories
from tests.conftest import _truncate_all
from tests.small_disk import fill, small_disk
from tests.state.support import Screens, outcome, substate


@pytest.fixture
def engine(request: pytest.FixtureRequest, _postgres_engine: Engine | None) -> Iterator[Engine]:
    """The test's database: PostgreSQL when the run has one, else SQLite on a small disk."""
    if _postgres_engine is not None:
        yield request.getfixturevalue("engine_on_postgres")
        return
    with small_disk(request.getfixturevalue("tmp_path") / "disk") as disk:
        engine = make_engine(f"sqlite:///{disk / 'cliqmenu.db'}")
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def engine_on_postgres(_postgres_engine: Engine) -> Engine:
    _truncate_all(_postgres_engine)
    return _postgres_engine


@pytest.fixture(autouse=True)
def _probe_every_beat(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app asks the database at most every few seconds per process; here every beat asks."""
    monkeypatch.setattr(faults, "PROBE_SECONDS", 0.0)
    monkeypatch.setattr(faults, "_probe", faults._Probe())


@contextmanager
def database_away(engine: Engine) -> Iterator[str]:
    """The database cannot take a change: PostgreSQL restarting, or SQLite's disk full. Yields
    the notice the staff screens should show."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    if url.get_backend_name() != "postgresql":
        filler = fill(Path(str(url.database)).parent)
        try:
            yield faults.DISK_FULL_NOTICE
        finally:
            filler.unlink()
        return
    name = url.database
    admin = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            yield faults.DATABASE_AWAY_NOTICE
        finally:
            connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def confirmed_live(result: object) -> bool:
    return result is not None and outcome(result) == ("script", BEAT_ANSWERED)


async def test_idle_staff_screens_show_the_database_away_at_their_next_beat_and_clear_it(
    screens: Screens, session: Session, world: factories.World, engine: Engine
) -> None:
    waiting = factories.place(session, world=world, customer_name="Before The Fault")
    session.commit()
    opened: list[rx.State] = []
    for member, cls in (
        (world.manager, ManagerState),
        (world.kitchen, KitchenState),
        (world.manager, StockState),
    ):
        screen = substate(screens.open(session, member), cls)
        assert await screen.load() is None
        assert confirmed_live(await screen.heartbeat(""))
        assert screen.database_notice == ""
        opened.append(screen)
    session.close()

    with database_away(engine) as notice:
        for screen in opened:
            # Nobody pressed anything: the beat itself finds out, says so, and is not live.
            assert not confirmed_live(await screen.heartbeat(""))
            assert screen.database_notice == notice
        board = opened[0]
        assert isinstance(board, ManagerState)
        assert [row.customer_name for row in board.received] == ["Before The Fault"]

    for screen in opened:
        assert confirmed_live(await screen.heartbeat(""))
        assert screen.database_notice == ""
    assert waiting.id
