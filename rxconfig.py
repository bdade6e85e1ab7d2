"""Reflex options; each can be overridden by a REFLEX_* environment variable."""

import reflex as rx

from cliqmenu.settings import get_settings

config = rx.Config(
    app_name="cliqmenu",
    db_url=get_settings().database_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
