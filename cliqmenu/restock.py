""" "Out today" items coming back at the truck's midnight: a job in every app process, and
``cliqmenu restock-day``.

The rule and its locking are ``services.stock.restock_day``; this module runs it in its own
unit of work and tells the open screens: the customer menus and stock screens of the trucks
whose items or options came back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cliqmenu.db import read_scope, session_scope
from cliqmenu.jobs import every
from cliqmenu.realtime import Audience, publish
from cliqmenu.services import stock
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.stock")


def restock_round(now: dt.datetime | None = None) -> set[int]:
    """Bring back what is due now, in one transaction; the ids of the trucks concerned."""
    with read_scope() as session:
        if not stock.has_due_restocks(session, now=now):
            return set()
    with session_scope() as session:
        return stock.restock_day(session, now=now)


def truck_audiences(truck_ids: set[int]) -> set[Audience]:
    return {Audience(kind, truck_id) for truck_id in truck_ids for kind in ("menu", "stock")}


async def restock_and_publish() -> int:
    """One round, then the menus and stock screens of its trucks; how many trucks."""
    trucks = await asyncio.to_thread(restock_round)
    for audience in truck_audiences(trucks):
        try:
            await publish(audience)
        except Exception:  # the stock is back either way; a reload shows it
            log.exception("publishing %s after the day's restock failed", audience)
    return len(trucks)


async def restock_worker() -> None:
    """The app's background task: a round every ``CLIQMENU_RESTOCK_SECONDS`` (0: off, then run
    ``cliqmenu restock-day`` from cron just after midnight in each truck's time zone)."""
    await every(
        get_settings().restock_seconds,
        restock_and_publish,
        log=log,
        failed="bringing back out-today stock failed",
        done="out-today stock back in at %d truck(s)",
    )
