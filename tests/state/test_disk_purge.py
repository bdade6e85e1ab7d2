"""Reflex's disk state manager purges expired state files at most once a minute (our patch)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from reflex.istate.manager.disk import StateManagerDisk

from cliqmenu.realtime import disk_purge

HOUR = 3600


def _expired_state(directory: Path, name: str) -> Path:
    path = directory / f"{name}.pkl"
    path.write_bytes(b"state")
    two_hours_ago = time.time() - 2 * HOUR
    os.utime(path, (two_hours_ago, two_hours_ago))
    return path


@pytest.fixture
def states_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFLEX_STATES_WORKDIR", str(tmp_path))
    disk_purge.install()
    return tmp_path


def test_expired_states_are_purged_at_start_then_at_most_once_a_minute(states_dir: Path):
    at_start = _expired_state(states_dir, "at-start")
    manager = StateManagerDisk(token_expiration=HOUR)
    assert manager.states_directory == states_dir.absolute()
    assert not at_start.exists()

    # The write queue calls the purge on every pass; within the minute the directory is left.
    later = _expired_state(states_dir, "later")
    manager._purge_expired_states()
    manager._purge_expired_states()
    assert later.exists()

    # A minute on, the next pass purges it; a fresh state file is kept.
    fresh = states_dir / "fresh.pkl"
    fresh.write_bytes(b"state")
    manager._cliq_last_purge -= disk_purge.PURGE_INTERVAL_S
    manager._purge_expired_states()
    assert not later.exists()
    assert fresh.exists()


def test_install_fails_loudly_when_reflex_drops_the_purge(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delattr(StateManagerDisk, "_purge_expired_states")
    with pytest.raises(RuntimeError, match="disk_purge.py"):
        disk_purge.install()
