"""Real-time fan-out: screens subscribe to audiences; services' callers publish them after commit."""

from cliqmenu.realtime.hub import Audience, drain, publish, publish_soon, subscribe, unsubscribe

__all__ = ["Audience", "drain", "publish", "publish_soon", "subscribe", "unsubscribe"]
