"""The two floors the product is measured against, run like the product's bench server.

``raw``: bench/floor_raw.py under granian, a websocket broadcast (the floor of this machine).
``reflex``: bench/floor_reflex, a bare Reflex app pushing each screen's own state
(``reflex run --env prod --backend-only``, one worker, disk state manager as embedded).
``reflex-room``: the same app sending one delta per change to all the truck's sockets
(cliqmenu/realtime/fanout.py), the ceiling of that design inside Reflex.
Both take the order API's POST and send the Order Manager's rows; the screens are
bench/screens.py's, the raw one over a plain websocket (``RawScreen``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from bench.fleet import BenchTruck
from bench.floor_raw import VIEW
from bench.screens import Page, Screen
from bench.server import ProcessGroup
from tests.e2e.conftest import _free_port, _stop

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("reflex", "raw")  # the floors the product's figures are divided by
ROOM = "reflex-room"  # bare Reflex pushing one delta per audience: what that design can reach
LABELS = {"reflex": "bare Reflex", "raw": "raw websocket", ROOM: "bare Reflex, one emit"}


def floor_page(truck: BenchTruck) -> Page:
    return Page(f"/t/{truck.slug}", VIEW, 0)


@dataclass
class RawScreen(Screen):
    """A screen of the raw floor: the same decoding, over a plain websocket."""

    def __post_init__(self) -> None:
        self.loaded = asyncio.Event()
        self._beat = None
        self._retry = None
        self._closing = False
        self._http: aiohttp.ClientSession | None = None
        self._reader: asyncio.Task | None = None

    async def _connect(self, timeout: float) -> None:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        url = self.base_url.replace("http", "ws", 1) + "/ws/" + self.page.path.rsplit("/", 1)[-1]
        socket = await self._http.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=timeout))
        self._reader = asyncio.get_running_loop().create_task(self._read(socket))

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                self._on_event(message.data)
        if not self._closing:
            self._on_disconnect()

    async def emit(self, state: str, handler: str, payload: dict[str, Any]) -> None:
        raise NotImplementedError("the raw floor takes no events")

    async def close(self) -> None:
        self._closing = True
        if self._reader is not None:
            self._reader.cancel()
        if self._http is not None:
            await self._http.close()


def floor_screen(kind: str, base_url: str, truck: BenchTruck) -> Screen:
    cls = RawScreen if kind == "raw" else Screen
    return cls(base_url, floor_page(truck))


class FloorServer(ProcessGroup):
    """``with FloorServer("raw" | "reflex", trucks=N) as floor:``; ``floor.trucks`` to use."""

    def __init__(
        self, kind: str, trucks: int = 1, nice: int = 0, profile_dir: Path | None = None
    ) -> None:
        self.kind, self.nice, self.profile_dir = kind, nice, profile_dir
        self.trucks = [BenchTruck(k, str(k), 0, 0, "", "") for k in range(1, trucks + 1)]
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix=f"floor-{kind}-"))
        self.process: subprocess.Popen | None = None

    def leader(self) -> int | None:
        return self.process.pid if self.process else None

    def _command(self) -> tuple[list[str], Path]:
        if self.kind == "raw":
            granian = Path(sys.executable).parent / "granian"
            command = [str(granian), "--interface", "asgi", "--host", "127.0.0.1"]
            return [*command, "--port", str(self.port), "bench.floor_raw:app"], ROOT
        command = [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod"]
        command += ["--backend-only", "--backend-host", "127.0.0.1"]
        return [*command, "--backend-port", str(self.port)], ROOT / "bench" / "floor_reflex"

    def __enter__(self) -> FloorServer:
        command, cwd = self._command()
        env = dict(os.environ, PYTHONPATH=str(ROOT), REFLEX_TELEMETRY_ENABLED="false")
        env.update(REFLEX_CHECK_LATEST_VERSION="0", PYTHONUNBUFFERED="1")
        for name in ("REFLEX_REDIS_URL", "GRANIAN_WORKERS", "REFLEX_DB_URL"):
            env.pop(name, None)
        if self.kind == ROOM:
            env["FLOOR_PUSH"] = "room"
        with (self.workdir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log_text = (self.workdir / "server.log").read_text(errors="replace")
                raise RuntimeError(f"the {self.kind} floor did not start:\n{log_text}")
            time.sleep(0.25)
        self._prioritize()
        return self

    def _answers(self) -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(self.base_url + "/ping", timeout=2).status_code == 200
        return False

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            _stop(self.process)
        shutil.rmtree(self.workdir, ignore_errors=True)
