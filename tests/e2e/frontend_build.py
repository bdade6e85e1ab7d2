"""Serve an already built frontend when a new e2e server would build exactly the same one.

``reflex run --env prod`` compiles the app and builds the frontend on every start (45 s and more
on a busy 2-core machine), and the test command starts a server in six pytest processes. The
build depends on the code, the assets, the locked packages and the backend address baked into
it (``.web/env.json``). With ``CLIQMENU_E2E_PORT`` set (scripts/test.sh sets it) every server
answers on the same port, so a build of the same inputs is reused (tests/e2e/serve_built.py).
Without it each server gets a free port and the fingerprint never matches a different one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / ".web"
BUILT = WEB / "build" / "client"
STAMP = WEB / "cliqmenu-e2e-build.stamp"
# What the frontend is built from; state and page code included (var and event names).
INPUTS = ("cliqmenu", "assets", "rxconfig.py", "pyproject.toml", "uv.lock", "reflex.lock")
# Settings that reach the built pages (the backend's address, the app's public address).
FRONTEND_SETTINGS = (
    "REFLEX_API_URL",
    "REFLEX_DEPLOY_URL",
    "REFLEX_FRONTEND_PATH",
    "CLIQMENU_PUBLIC_URL",
)


def app_port() -> int | None:
    """The port CI fixes for the browser's address, or None for a free one."""
    fixed = os.environ.get("CLIQMENU_E2E_PORT", "").strip()
    return int(fixed) if fixed else None


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(env: Mapping[str, str], port: str) -> str:
    digest = hashlib.sha256(f"port={port}\n".encode())
    for name in FRONTEND_SETTINGS:
        digest.update(f"{name}={env.get(name, '')}\n".encode())
    for name in INPUTS:
        for file in _files(ROOT / name):
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def is_current(env: Mapping[str, str], port: str) -> bool:
    """True when the frontend in .web was built from these inputs for this address."""
    if not STAMP.exists() or not (BUILT / "index.html").exists():
        return False
    return STAMP.read_text().strip() == fingerprint(env, port)


def forget() -> None:
    """Before a build: until it has served, the frontend in .web is of unknown inputs."""
    STAMP.unlink(missing_ok=True)


def remember(env: Mapping[str, str], port: str) -> None:
    STAMP.write_text(fingerprint(env, port) + "\n")
