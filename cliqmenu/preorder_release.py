"""Pre-orders reaching the kitchen at their time: a job in every app process, and
``cliqmenu release-preorders``.

The rule and its locking are ``services.slots.release_due`` (exactly once, also with several
processes racing); this module runs it in its own unit of work and tells the open screens: the
truck's manager board and kitchen display (a new card there chimes like any new order) and the
order's tracking page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cliqmenu.db import read_scope, session_scope
from cliqmenu.jobs import every
from cliqmenu.realtime import Audience, kitchen_audiences, publish
from cliqmenu.services import slots, stations
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.preorders")


def release_round(now: dt.datetime | None = None) -> list[slots.Released]:
    """Release what is due now, in one transaction; the orders released."""
    with read_scope() as session:
        if not slots.has_due_releases(session, now=now):
            return []
    with session_scope() as session:
        return slots.release_due(session, now=now)


def released_audiences(released: list[slots.Released]) -> set[Audience]:
    trucks = {order.truck_id for order in released}
    with read_scope() as session:
        making = {
            truck_id: stations.stations_of_orders(
                session, [order.order_id for order in released if order.truck_id == truck_id]
            )
            for truck_id in trucks
        }
    return (
        {Audience(kind, truck_id) for truck_id in trucks for kind in ("manager", "kitchen")}
        | {a for truck_id, ids in making.items() for a in kitchen_audiences(truck_id, ids)}
        | {Audience("tracker", order.public_id) for order in released}
    )


async def release_and_publish() -> int:
    """One round, then the screens it changed; how many orders went to the kitchen."""
    released = await asyncio.to_thread(release_round)
    for audience in released_audiences(released):
        try:
            await publish(audience)
        except Exception:  # the order is in the kitchen either way; a reload shows it
            log.exception("publishing %s after releasing pre-orders failed", audience)
    return len(released)


async def release_worker() -> None:
    """The app's background task: a round every ``CLIQMENU_RELEASE_PREORDERS_SECONDS`` (0: off,
    then run ``cliqmenu release-preorders`` from cron every minute)."""
    await every(
        get_settings().release_preorders_seconds,
        release_and_publish,
        log=log,
        failed="releasing pre-orders to the kitchen failed",
        done="sent %d pre-order(s) to the kitchen",
    )
