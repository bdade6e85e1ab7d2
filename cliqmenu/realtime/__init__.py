"""Real-time fan-out: screens subscribe to audiences; services' callers publish them after commit."""

from cliqmenu.realtime.hub import (
    Audience,
    drain,
    end_access,
    kitchen_audiences,
    publish,
    publish_soon,
    subscribe,
    unsubscribe,
)

__all__ = [
    "Audience",
    "drain",
    "end_access",
    "kitchen_audiences",
    "publish",
    "publish_soon",
    "subscribe",
    "unsubscribe",
]
