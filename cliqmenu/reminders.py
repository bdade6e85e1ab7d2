"""Reminders for orders waiting unaccepted: a job in every app process, and
``cliqmenu send-reminders``.

The rule and its claim are ``services.notifications.send_reminders``; this module runs it in its
own unit of work. It only stores notifications: the push worker (push_delivery.py) sends them.
No screen changes, so nothing is published.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cliqmenu.db import read_scope, session_scope
from cliqmenu.jobs import every
from cliqmenu.services import notifications
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.push")


def reminder_round(now: dt.datetime | None = None) -> int:
    """Remind what is due now, in one transaction; how many orders were reminded."""
    with read_scope() as session:
        if not notifications.has_due_reminders(session, now=now):
            return 0
    with session_scope() as session:
        return notifications.send_reminders(session, now=now)


async def remind() -> int:
    return await asyncio.to_thread(reminder_round)


async def reminder_worker() -> None:
    """The app's background task: a round every ``CLIQMENU_REMINDER_POLL_SECONDS`` (0: off, then
    run ``cliqmenu send-reminders`` from cron)."""
    await every(
        get_settings().reminder_poll_seconds,
        remind,
        log=log,
        failed="reminding of waiting orders failed",
        done="reminded the Order Managers of %d waiting order(s)",
    )
