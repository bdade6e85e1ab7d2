"""Reflex options; each can be overridden by a REFLEX_* environment variable."""

import reflex as rx

from cliqmenu.infra.workers import respawn_failed_workers
from cliqmenu.settings import get_settings

respawn_failed_workers()  # one worker killed must not stop the others (cliqmenu/infra/workers.py)

config = rx.Config(
    app_name="cliqmenu",
    db_url=get_settings().database_url,
    # Only pages of our own public address may open the websocket or read credentialed API
    # answers (Reflex's default is any origin). Requests without an Origin header (not from a
    # browser page) are let through: see docs/operations.md, "Origins".
    cors_allowed_origins=get_settings().allowed_origins(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The app's look (Radix Themes): orange accent, sand greys, large radius. Configured here;
    # App(theme=...) is deprecated in Reflex 0.10 and warned at every start.
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="orange", gray_color="sand", radius="large")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
