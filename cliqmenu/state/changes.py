"""Assign a pushed value to a screen's state only when it differs from what the screen holds."""

from __future__ import annotations

from typing import Any

import reflex as rx


def assign_changed(state: rx.State, name: str, value: Any) -> bool:
    """Set ``state.<name>`` to ``value`` unless equal; True if it was set.

    Reflex sends every assigned var to the browser, equal or not: a push that reassigned the
    whole board sent every list to every screen (bench/README.md, "Realtime shapes").
    """
    if state.get_value(name) == value:
        return False
    setattr(state, name, value)
    return True
