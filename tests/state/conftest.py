"""Fixtures for the state layer: Reflex states made directly, on the test's own database.

The app's handlers reach the database through ``cliqmenu.db.get_engine()``, which reads
``REFLEX_DB_URL`` once per process; ``app_engine`` points it at the test's database (the one
the ``engine`` fixture of tests/conftest.py made) and clears the caches on both sides.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import reflex as rx
from reflex.istate.data import SessionData
from sqlalchemy.engine import Engine

import cliqmenu.state.kitchen  # noqa: F401
import cliqmenu.state.manager  # noqa: F401
import cliqmenu.state.owner_home  # noqa: F401  (every screen's state is part of the tree)
import cliqmenu.state.signin  # noqa: F401
from cliqmenu import db
from cliqmenu.infra import session_generation
from cliqmenu.realtime import drain, hub, registry
from cliqmenu.settings import get_settings
from tests.state.support import Screens


@pytest.fixture
def app_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The engine the app's handlers use, on the same database as the ``engine`` fixture."""
    monkeypatch.setenv("REFLEX_DB_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    # A fresh in-memory registry and no publish rounds left over from another test.
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
async def root(app_engine: Engine) -> AsyncIterator[rx.State]:
    """A whole state tree for one browser tab, as the state manager would make it.

    Under pytest Reflex lets a test build states directly; the root made with
    its substates answers ``get_state`` for any screen's state from its own tree.
    """
    state = rx.State(_reflex_internal_init=True)
    state.rx_router_session = SessionData(
        client_token=str(uuid.uuid4()), client_ip="127.0.0.1", session_id="test-sid"
    )
    yield state
    # Handlers that succeeded scheduled publish rounds; they finish inside this test.
    await drain()


@pytest.fixture
async def screens(app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Screens]:
    """Open tabs that the hub's real publish rounds push to (``tests.state.support.Screens``)."""
    opened = Screens()
    monkeypatch.setattr(hub, "_app", lambda: opened)
    yield opened
    await drain()
