"""Connection truth on every live screen: the heartbeat, the live badge, the reconnect cover."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from cliqmenu.realtime.registry import HEARTBEAT_MS


def heartbeat(on_beat, interval_ms: int = HEARTBEAT_MS) -> rx.Component:
    """Sends ``on_beat`` every few seconds, and at once when the tab is back in front: keeps the
    screen registered and up to date. live.js presses this hidden button (a timer of our own
    can tell when the browser held it back)."""
    return rx.el.button(
        on_click=on_beat(""),
        id="live-beat",
        type="button",
        data_interval=str(interval_ms),
        tab_index=-1,
        aria_hidden="true",
        hidden=True,
    )


def live_badge(last_sync_ms: rx.Var) -> rx.Component:
    """Live, stale (no update lately) or reconnecting; live.js keeps the time current."""
    return rx.cond(
        has_connection_errors,
        rx.badge(
            rx.icon("wifi-off", size=14),
            "Reconnecting…",
            color_scheme="red",
            variant="solid",
            size="2",
            id="live-badge",
            data_state="reconnecting",
        ),
        rx.badge(
            rx.icon("radio", size=14),
            rx.el.span("Live", data_sync_label=""),
            color_scheme="green",
            variant="soft",
            size="2",
            id="live-badge",
            class_name="live-badge",
            data_state="live",
            data_sync=last_sync_ms.to_string(),
        ),
    )


def database_notice(notice: rx.Var[str]) -> rx.Component:
    """The staff screen's heartbeat found the database away (or its disk full): said at once,
    before anyone presses a button; gone at the first beat after it is back."""
    return rx.cond(
        notice != "",
        rx.box(
            rx.callout(notice, icon="database", color_scheme="red", size="2", width="100%"),
            class_name="database-notice",
            id="database-notice",
            role="alert",
        ),
    )


def reconnect_cover() -> rx.Component:
    """While disconnected the queue is covered, never shown as if all were done."""
    return rx.cond(
        has_connection_errors,
        rx.center(
            rx.vstack(
                rx.icon("wifi-off", size=40),
                rx.heading("Reconnecting…", size="6"),
                rx.text("Orders shown may be out of date. The screen reloads them when back."),
                align="center",
                spacing="3",
            ),
            class_name="reconnect-cover",
            id="reconnect-cover",
        ),
    )


def connection_notice() -> rx.Component:
    """App-wide, in place of Reflex's connection toast (which names the websocket URL): one
    plain message while the connection is down; pages with their own Reconnecting cover hide
    it (cliqmenu.css), so a screen never shows two."""
    return rx.cond(
        has_connection_errors,
        rx.el.div(
            rx.icon("wifi-off", size=16),
            rx.el.span("Connection lost. Reconnecting…"),
            id="connection-notice",
            class_name="connection-notice",
            role="status",
        ),
    )


def connection_overlay() -> rx.Component:
    """The app wrap that shows ``connection_notice`` on every page (memoised, as Reflex's own
    overlay is, so it re-renders alone when the connection changes)."""
    from reflex_base.components.memo import memo

    return rx.fragment(memo(connection_notice)())


def live_script() -> rx.Component:
    """live.js, and the polite live region it speaks through: each new order (an element with
    ``data-announce``) is read out once, whatever else re-renders."""
    return rx.fragment(
        rx.script(src="/live.js"),
        rx.el.div(id="live-announcer", role="status", aria_live="polite", class_name="sr-only"),
    )
