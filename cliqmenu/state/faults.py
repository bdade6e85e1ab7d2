"""What a screen shows when an event fails because the database went away (restarting, its
connections dropped): a plain message, instead of Reflex's "An error occurred. Contact the
website administrator." The event's unit of work rolled back whole; the live screens catch up by
themselves at their next heartbeat once the database is back (their badge says they are not
live meanwhile). Any other failure keeps Reflex's own handling (logged with its traceback)."""

from __future__ import annotations

import logging

import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from cliqmenu.db import database_unavailable

DATABASE_AWAY = (
    "The order system cannot reach its database just now, so that was not saved. "
    "Try again in a moment: this screen catches up by itself when it is back."
)

log = logging.getLogger(__name__)


def on_backend_error(exception: Exception) -> EventSpec:
    if not database_unavailable(exception):
        return default_backend_exception_handler(exception)
    log.warning("an event failed: the database is unavailable (%s)", exception)
    return rx.toast.warning(DATABASE_AWAY, id="database-away", position="top-center", duration=8000)
