"""The app server's worker processes: one that dies is started again, the others serve on.

Reflex starts granian with N workers on one port (``GRANIAN_WORKERS``) but not with granian's
``respawn_failed_workers``: without it, one worker killed (kill -9, the out-of-memory killer)
makes granian stop every other worker too, and the whole app is down until something restarts
it. With it, the other workers keep serving the screens that reconnect to them through the
proxy, and granian starts a new worker at once (it gives up only on a crash loop: a worker
dying again within 5.5 s of being started).
"""

from __future__ import annotations

import functools
from typing import Any

_RESPAWNING = "cliqmenu_respawns"


def respawn_failed_workers() -> None:
    """Make every granian server of this process start its failed workers again."""
    from granian.server.common import AbstractServer

    init = AbstractServer.__init__
    if getattr(init, _RESPAWNING, False):
        return

    @functools.wraps(init)
    def respawning_init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        init(self, *args, **kwargs)

    setattr(respawning_init, _RESPAWNING, True)
    AbstractServer.__init__ = respawning_init
