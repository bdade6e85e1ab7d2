"""Expiring Online orders nobody paid: a job in every app process, and ``cliqmenu expire-orders``.

The rule and its locking are ``services.payments.expire_stale_orders``; this module runs it in
its own unit of work and tells the open screens. The only live screen that shows an unpaid order
is the customer's tracking page (staff boards never show Awaiting Payment), so the tracking
pages of the expired orders are published, and the stock screens (and customer menus) of trucks
whose counted portions came back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cliqmenu.db import read_scope, session_scope
from cliqmenu.jobs import every
from cliqmenu.realtime import Audience, publish
from cliqmenu.services import payments, portions
from cliqmenu.settings import get_settings

log = logging.getLogger("cliqmenu.payments")


def _expire(now: dt.datetime | None) -> tuple[list[str], portions.PortionChanges]:
    with read_scope() as session:
        if not payments.has_stale_orders(session, now=now):
            return [], portions.PortionChanges()
    with session_scope() as session:
        expired = [order.public_id for order in payments.expire_stale_orders(session, now=now)]
        return expired, portions.changed(session)


def expire_round(now: dt.datetime | None = None) -> list[str]:
    """Expire what is stale now, in one transaction; the public ids of the orders expired."""
    return _expire(now)[0]


def tracking_audiences(public_ids: list[str]) -> set[Audience]:
    return {Audience("tracker", public_id) for public_id in public_ids}


def portion_audiences(counted: portions.PortionChanges) -> set[Audience]:
    """The stock screens, and the customer menus that show it, of trucks whose counts changed."""
    return {Audience("stock", truck_id) for truck_id in counted.stock_truck_ids} | {
        Audience("menu", truck_id) for truck_id in counted.menu_truck_ids
    }


def expire_round_audiences(now: dt.datetime | None = None) -> tuple[int, set[Audience]]:
    """One round: how many orders expired, and the audiences to tell (their tracking pages; the
    stock screens and menus of trucks whose portions came back)."""
    expired, counted = _expire(now)
    return len(expired), tracking_audiences(expired) | portion_audiences(counted)


async def expire_and_publish() -> int:
    """One round, then the audiences it changed; how many orders expired."""
    expired, audiences = await asyncio.to_thread(expire_round_audiences)
    for audience in audiences:
        try:
            await publish(audience)
        except Exception:  # the order is expired either way; a reload shows it
            log.exception("publishing %s after expiring it failed", audience)
    return expired


async def expiry_worker() -> None:
    """The app's background task: expire stale orders every ``CLIQMENU_EXPIRE_ORDERS_SECONDS``.

    Every app process runs one; rounds that overlap skip each other's rows. 0 turns it off
    (then run ``cliqmenu expire-orders`` from cron).
    """
    await every(
        get_settings().expire_orders_seconds,
        expire_and_publish,
        log=log,
        failed="expiring unpaid orders failed",
        done="expired %d unpaid online order(s)",
    )
