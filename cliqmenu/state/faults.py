"""What a screen shows when an event fails because the database went away (restarting, its
connections dropped): a plain message, instead of Reflex's "An error occurred. Contact the
website administrator." The event's unit of work rolled back whole; the live screens catch up by
themselves at their next heartbeat once the database is back (their badge says they are not
live meanwhile). Any other failure keeps Reflex's own handling (logged with its traceback).

A staff screen nobody touches learns it too: its heartbeat reads ``database_notice`` (one probe
of the database per process every few seconds) and shows the notice until the database is back."""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from cliqmenu import db
from cliqmenu.db import database_unavailable

DATABASE_AWAY = (
    "The order system cannot reach its database just now, so that was not saved. "
    "Try again in a moment: this screen catches up by itself when it is back."
)

# What an idle staff screen shows while its heartbeat finds the database away (state/live.py),
# before anyone presses a button; gone at the first beat after it is back.
DATABASE_AWAY_NOTICE = (
    "The order system cannot reach its database just now: nothing can be saved and new orders "
    "cannot come in. This screen catches up by itself when it is back."
)
DISK_FULL_NOTICE = (
    "The truck's server has no disk space left: nothing can be saved and new orders cannot come "
    "in. Free some space on it (old backups, logs); this screen catches up by itself."
)
NOTICES = {"ok": "", "unavailable": DATABASE_AWAY_NOTICE, "disk full": DISK_FULL_NOTICE}

# Every live screen beats every few seconds: the process asks the database at most this often
# and every beat meanwhile reads the last answer.
PROBE_SECONDS = 2.0
# A probe still waiting after this long (a database host that does not answer at all) is an
# answer too: away.
PROBE_PATIENCE_SECONDS = 3.0

log = logging.getLogger(__name__)


class _Probe:
    answer: str = "ok"
    asked_at: float = 0.0
    running_since: float | None = None


_probe = _Probe()


async def database_notice() -> str:
    """What the staff screens should say about the database now ("" when all is well): the
    process's last probe (``db.probe``, in a thread), asked again when it is older than
    ``PROBE_SECONDS``. Beats arriving while a probe runs read the last answer, or "away" once
    the probe has taken longer than ``PROBE_PATIENCE_SECONDS``."""
    now = time.monotonic()
    if _probe.running_since is not None:
        if now - _probe.running_since > PROBE_PATIENCE_SECONDS:
            return DATABASE_AWAY_NOTICE
        return NOTICES[_probe.answer]
    if now - _probe.asked_at >= PROBE_SECONDS:
        _probe.running_since = now
        try:
            answer = await asyncio.to_thread(db.probe)
        except Exception:  # anything else the database said: not the screens' to explain
            log.exception("the database probe failed")
            answer = "ok"
        finally:
            _probe.running_since = None
        if answer != _probe.answer:
            log.warning("the database probe says: %s", answer)
        _probe.answer, _probe.asked_at = answer, time.monotonic()
    return NOTICES[_probe.answer]


def on_backend_error(exception: Exception) -> EventSpec:
    if not database_unavailable(exception):
        return default_backend_exception_handler(exception)
    log.warning("an event failed: the database is unavailable (%s)", exception)
    return rx.toast.warning(DATABASE_AWAY, id="database-away", position="top-center", duration=8000)
