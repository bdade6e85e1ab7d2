"""Checks for text that people type: trimmed, bounded, and free of control characters.

A NUL or other control character is refused with a message, never stored (PostgreSQL would
refuse a NUL with a server error; SQLite would keep it).
"""

from __future__ import annotations

import unicodedata

from cliqmenu.services.errors import DomainError

ALLOWED_CONTROLS = {"\n", "\t"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value)


def clean_text(value: str | None, *, what: str, max_length: int) -> str:
    """``value`` trimmed; refused with a message naming ``what`` when too long or unprintable."""
    text = (value or "").strip()
    if has_control_characters(text):
        raise DomainError(f"The {what} contains characters that cannot be used.")
    if len(text) > max_length:
        raise DomainError(f"The {what} is too long (at most {max_length} characters).")
    return text
