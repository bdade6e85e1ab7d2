"""Reflex's disk state manager purges expired state files at most once a minute.

Reflex 0.10.1's ``StateManagerDisk`` runs ``_purge_expired_states`` (list the states directory,
stat every ``.pkl``) on every pass of its write queue. With hundreds of open screens that is
about a third of the server's time (bench/README.md, "Where the time goes"). The purge only
removes files older than the token expiration (an hour by default), so running it at most
once per ``PURGE_INTERVAL_S`` removes the same files, a little later.

``install()`` wraps the method once per process. If Reflex no longer has it (an upgrade
renamed or removed it), ``install()`` raises at start instead of silently doing nothing:
re-check the write queue of the new version and drop or adapt this patch.
"""

from __future__ import annotations

import functools
import time

from reflex.istate.manager.disk import StateManagerDisk

PURGE_INTERVAL_S = 60.0
_METHOD = "_purge_expired_states"
_LAST_PURGE = "_cliq_last_purge"


def _throttled(purge):
    @functools.wraps(purge)
    def purge_at_most_once_a_minute(manager: StateManagerDisk) -> None:
        now = time.monotonic()
        last = getattr(manager, _LAST_PURGE, None)
        if last is not None and now - last < PURGE_INTERVAL_S:
            return
        setattr(manager, _LAST_PURGE, now)
        purge(manager)

    setattr(purge_at_most_once_a_minute, "cliq_throttled", True)  # noqa: B010 (a mark on a function)
    return purge_at_most_once_a_minute


def install() -> None:
    """Throttle ``StateManagerDisk._purge_expired_states``; fails loudly if it is gone."""
    purge = getattr(StateManagerDisk, _METHOD, None)
    if not callable(purge):
        raise RuntimeError(
            f"reflex StateManagerDisk.{_METHOD} is gone (Reflex upgraded?): "
            "review cliqmenu/realtime/disk_purge.py"
        )
    if getattr(purge, "cliq_throttled", False):
        return
    setattr(StateManagerDisk, _METHOD, _throttled(purge))
