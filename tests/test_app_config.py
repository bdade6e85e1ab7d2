"""The app starts without Reflex's deprecation warnings and keeps its look."""

from __future__ import annotations

import reflex as rx
from reflex.config import get_config


def test_the_theme_comes_from_the_radix_plugin_not_the_deprecated_app_argument():
    from cliqmenu.cliqmenu import app

    assert app.theme is None  # App(theme=...) prints a DeprecationWarning at every start
    (plugin,) = [p for p in get_config().plugins if isinstance(p, rx.plugins.RadixThemesPlugin)]
    props = plugin.theme.render()["props"]
    assert 'accentColor:"orange"' in props
    assert 'grayColor:"sand"' in props
    assert 'radius:"large"' in props
