"""Reflex options; each can be overridden by a REFLEX_* environment variable."""

import reflex as rx

from cliqmenu.settings import get_settings

config = rx.Config(
    app_name="cliqmenu",
    db_url=get_settings().database_url,
    # Only pages of our own public address may open the websocket or read credentialed API
    # answers (Reflex's default is any origin). Requests without an Origin header (not from a
    # browser page) are let through: see docs/operations.md, "Origins".
    cors_allowed_origins=get_settings().allowed_origins(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
