"""Reading request bodies that anyone on the internet may send: bounded while reading, checked
for nesting before parsing, so a malformed body is a 4xx with a message, never a 500."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

# A JSON string (possibly unterminated) or a bracket: the brackets outside strings give the depth.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_OPENING = frozenset(b"[{")


class BadBody(Exception):
    """The body cannot be used; ``str(error)`` is the message for the caller."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


async def read_body(request: Request, *, max_bytes: int) -> bytes:
    """The body, read in chunks and abandoned as soon as it passes ``max_bytes``."""
    too_large = BadBody(413, f"The body is too large (at most {max_bytes // 1024} kB).")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def nesting_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in ``body`` (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _TOKENS.finditer(body):
        first = token.group()[0]
        if first in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif first != ord('"'):
            depth -= 1
    return deepest


def parse_json(body: bytes, *, max_depth: int) -> Any:
    """``body`` as JSON (UTF-8), refused before parsing when nested deeper than ``max_depth``."""
    if nesting_depth(body) > max_depth:
        raise BadBody(400, f"The body is nested too deeply (at most {max_depth} levels).")
    try:
        return json.loads(body.decode("utf-8") if body else "null")
    except (ValueError, RecursionError) as error:  # JSON, UTF-8 and too-long-number errors
        raise BadBody(400, "The body must be JSON (UTF-8).") from error


async def read_json(request: Request, *, max_bytes: int, max_depth: int) -> Any:
    return parse_json(await read_body(request, max_bytes=max_bytes), max_depth=max_depth)
