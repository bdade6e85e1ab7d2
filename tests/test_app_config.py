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


def test_a_worker_that_dies_is_started_again_and_the_others_serve_on() -> None:
    """Without it granian stops every worker when one is killed (tests/e2e/test_faults_scaled_out)."""
    from granian.server import Server

    import rxconfig  # noqa: F401  (what `reflex run` loads first)

    assert Server(target="cliqmenu.cliqmenu:app", workers=2).respawn_failed_workers
