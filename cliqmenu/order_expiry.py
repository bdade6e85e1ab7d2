"""Expiring Online orders nobody paid: a job in every app process, and ``cliqmenu expire-orders``.

The rule and its locking are ``services.payments.expire_stale_orders``; this module runs it in
its own unit of work and tells the open screens. The only live screen that shows an unpaid order
is the customer's tracking page (staff boards never show Awaiting Payment), so the tracking
pages of the expired orders are published.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cliqmenu.db import read_scope, session_scope
from cliqmenu.realtime import Audience, publish
from cliqmenu.services import payments
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.payments")


def expire_round(now: dt.datetime | None = None) -> list[str]:
    """Expire what is stale now, in one transaction; the public ids of the orders expired."""
    with read_scope() as session:
        if not payments.has_stale_orders(session, now=now):
            return []
    with session_scope() as session:
        return [order.public_id for order in payments.expire_stale_orders(session, now=now)]


def tracking_audiences(public_ids: list[str]) -> set[Audience]:
    return {Audience("tracker", public_id) for public_id in public_ids}


async def expire_and_publish() -> int:
    """One round, then the expired orders' tracking pages; how many orders expired."""
    expired = await asyncio.to_thread(expire_round)
    for audience in tracking_audiences(expired):
        try:
            await publish(audience)
        except Exception:  # the order is expired either way; a reload shows it
            log.exception("publishing %s after expiring it failed", audience)
    return len(expired)


async def expiry_worker() -> None:
    """The app's background task: expire stale orders every ``CLIQMENU_EXPIRE_ORDERS_SECONDS``.

    Every app process runs one; rounds that overlap skip each other's rows. 0 turns it off
    (then run ``cliqmenu expire-orders`` from cron).
    """
    seconds = get_settings().expire_orders_seconds
    if not seconds:
        return
    while True:
        await asyncio.sleep(seconds)
        try:
            expired = await expire_and_publish()
        except Exception:  # the database may be away for a moment; the next round catches up
            log.exception("expiring unpaid orders failed")
            continue
        if expired:
            log.info("expired %d unpaid online order(s)", expired)
