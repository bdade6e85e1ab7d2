"""Checks for text that people type: trimmed, bounded, and free of control characters.

A NUL or other control character is refused with a message, never stored (PostgreSQL would
refuse a NUL with a server error; SQLite would keep it). Bidirectional controls and zero-width
characters are removed: they let a name or note show something else than it holds (an
override that reverses "Bob" on the screen, an invisible character that makes two names that
look the same differ).
"""

from __future__ import annotations

import re
import unicodedata

from cliqmenu.services.errors import DomainError

ALLOWED_CONTROLS = {"\n", "\t"}
# Bidi embeddings, overrides and isolates, the directional marks, the Arabic letter mark; the
# zero-width space, (non-)joiner, word joiner, invisible operators, BOM, Mongolian vowel separator.
_INVISIBLE = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060-\u2064\ufeff\u180e]"
)
# Control characters and lone surrogates (JSON can carry "\\ud800"; no database stores one).
_UNUSABLE_CATEGORIES = {"Cc", "Cs"}


def has_control_characters(value: str) -> bool:
    return any(
        unicodedata.category(ch) in _UNUSABLE_CATEGORIES and ch not in ALLOWED_CONTROLS
        for ch in value
    )


def strip_invisible(value: str) -> str:
    """``value`` without bidirectional controls and zero-width characters."""
    return _INVISIBLE.sub("", value)


def clean_text(value: str | None, *, what: str, max_length: int) -> str:
    """``value`` trimmed and without invisible characters (``strip_invisible``); refused with a
    message naming ``what`` when too long or unprintable."""
    text = strip_invisible(value or "").strip()
    if has_control_characters(text):
        raise DomainError(f"The {what} contains characters that cannot be used.")
    if problem := length_problem(text, what=what, max_length=max_length):
        raise DomainError(problem)
    return text


def length_problem(value: str, *, what: str, max_length: int) -> str:
    """The message for ``value`` past ``max_length`` (as ``clean_text`` counts it), else "":
    forms say it as the field is typed, the services refuse with it."""
    if len(strip_invisible(value).strip()) > max_length:
        return f"The {what} is too long (at most {max_length} characters)."
    return ""
