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
