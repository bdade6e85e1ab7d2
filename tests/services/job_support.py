"""Running an app process's background job in a test until it told enough screens."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import ModuleType

import pytest

from cliqmenu.realtime import Audience


async def published_by(
    job_module: ModuleType,
    worker: Callable[[], Awaitable[None]],
    monkeypatch: pytest.MonkeyPatch,
    *,
    count: int,
) -> list[Audience]:
    """Run ``worker`` (set its interval short first) until it published ``count`` audiences
    (or 30 s passed); the audiences, in order."""
    published: list[Audience] = []

    async def record(audience: Audience) -> None:
        published.append(audience)

    monkeypatch.setattr(job_module, "publish", record)
    job = asyncio.create_task(worker())
    try:
        for _ in range(600):
            if len(published) >= count or job.done():
                break
            await asyncio.sleep(0.05)
    finally:
        job.cancel()
    return published
