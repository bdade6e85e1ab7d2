"""Background jobs of every app process (lifespan tasks): one round every few seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from cliqmenu.db import log_failure


async def every(
    seconds: float,
    one_round: Callable[[], Awaitable[int]],
    *,
    log: logging.Logger,
    failed: str,
    done: str,
) -> None:
    """Run ``one_round`` every ``seconds`` (0: never), logging ``done % count`` when it did
    something. A failed round is logged and the next one catches up (the database may be away
    for a moment)."""
    if not seconds:
        return
    while True:
        await asyncio.sleep(seconds)
        try:
            count = await one_round()
        except Exception:
            log_failure(log, failed)
            continue
        if count:
            log.info(done, count)


async def drain(
    one_round: Callable[[], Awaitable[int]],
    *,
    batch: int,
    poll_seconds: float,
    log: logging.Logger,
    failed: str,
) -> None:
    """Run ``one_round`` (it returns how many rows it handled) for as long as the app runs: at
    once again after a full batch, else after ``poll_seconds``. A failed round is logged (the
    database may be away for a moment; the rows keep everything)."""
    while True:
        try:
            handled = await one_round()
        except Exception:
            log_failure(log, failed)
            handled = 0
        if handled < batch:
            await asyncio.sleep(poll_seconds)
