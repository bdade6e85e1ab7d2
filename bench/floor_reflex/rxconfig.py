"""The bare Reflex floor (bench/floors.py): an app with nothing but one board per truck."""

import reflex as rx

config = rx.Config(
    app_name="floor_reflex",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
)
