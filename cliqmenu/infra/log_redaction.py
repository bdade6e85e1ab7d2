"""Tokens and cookies never reach a log line.

Reflex logs client tokens (e.g. "Attempting to send delta to disconnected client '<token>'"),
and a logged header dump or URL could carry the session cookie, a sign-in code or an
invitation token. Every record made in the process is rewritten once, when it is made (records
below a logger's level are never made, so this costs nothing for them).
"""

from __future__ import annotations

import logging
import re

from cliqmenu.routes import SESSION_COOKIE

REDACTED = "[redacted]"
_PATTERNS = [
    # Reflex client tokens (uuid4), socket ids in the same shape.
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
    # The session cookie, wherever it is written; a whole Cookie header.
    re.compile(rf"(?<={re.escape(SESSION_COOKIE)}=)[^;\s'\"]+"),
    re.compile(r"(?i)(?<=['\"]cookie['\"]: ['\"])[^'\"]+"),
    re.compile(r"(?i)(?<=^cookie: )[^\n]+", re.M),
    # Single-use sign-in codes and invitation links.
    re.compile(r"(?<=/api/session/)[\w-]+"),
    re.compile(r"(?<=[?&]token=)[^&\s'\"]+"),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def install() -> None:
    """Rewrite every log record made from now on (once per process)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "cliqmenu_redacts", False):
        return

    def redacting(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler, as logging does
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    redacting.cliqmenu_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting)
