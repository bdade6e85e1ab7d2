"""A bench server: the real app in prod mode, as tests/e2e starts it, on its own database.

Embedded default: a temp SQLite file, disk state manager, one worker. Scaled out: a PostgreSQL
database of the bench's own (created fresh each run), Reflex's Redis state manager and
``GRANIAN_WORKERS`` workers. CPU and memory come from /proc, summed over the server's process
group (the ``reflex run`` process, granian and its workers).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.fleet import BenchTruck, seed_fleet
from bench.profile import Profiler, summary
from tests.e2e.conftest import AppServer, _cliqmenu, _free_port, _server_env, _stop

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "bench"
REDIS_URL = "redis://127.0.0.1:6379/11"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Mode:
    """How the server runs: ``workers`` > 0 means scaled out (PostgreSQL + Redis)."""

    workers: int = 0

    @property
    def label(self) -> str:
        if not self.workers:
            return "embedded (SQLite, disk, 1 worker)"
        return f"scaled out (PostgreSQL, Redis, {self.workers} workers)"

    @staticmethod
    def parse(text: str) -> Mode:
        """``embedded`` or ``redis2`` / ``redis4``."""
        return Mode(int(text.removeprefix("redis"))) if text.startswith("redis") else Mode()


def _fresh_pg_database() -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{PG_DATABASE}"')
    admin.dispose()
    return f"{PG_SERVER}/{PG_DATABASE}"


def group_pids(group: int) -> list[int]:
    """The processes of process group ``group`` (a server started in its own session)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            found.append(int(entry.name))
    return found


def group_rss(pids: list[int]) -> int:
    """Resident memory of ``pids``, summed (bytes)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class ProcessGroup:
    """A server started in its own process group (``leader`` is its pid): its CPU and memory,
    its priority on a shared machine, a py-spy profile of it."""

    nice: int = 0
    profile_dir: Path | None = None

    def leader(self) -> int | None:
        raise NotImplementedError

    def pids(self) -> list[int]:
        return group_pids(self.leader() or -1)

    def cpu_seconds(self) -> float:
        """User + system CPU of every process of the server so far."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / CLOCK_TICKS

    def rss_bytes(self) -> int:
        return group_rss(self.pids())

    def _prioritize(self) -> None:
        """On a shared machine: run the server and this load client ahead of others' work.

        Set only once the server serves, so its frontend build does not take others' cores.
        With autogroup scheduling (Debian's default) a process's nice value only counts
        inside its session, so the sessions' autogroup nice values are set too.
        """
        if self.nice and (leader := self.leader()) is not None:
            for pid in (leader, os.getpid()):
                os.setpriority(os.PRIO_PGRP, os.getpgid(pid), self.nice)
                with contextlib.suppress(OSError):
                    Path(f"/proc/{pid}/autogroup").write_text(str(self.nice))

    @contextlib.contextmanager
    def profiled(self, name: str):
        """With ``profile_dir`` set, py-spy samples the server while the block runs."""
        if self.profile_dir is None or (leader := self.leader()) is None:
            yield
            return
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        raw = self.profile_dir / f"{name}.txt"
        profiler = Profiler(leader, raw)
        try:
            yield
        finally:
            profiler.stop()
            print(f"profile of the server during {name} ({raw}):\n{summary(raw)}", flush=True)


class BenchServer(ProcessGroup):
    """Start with ``with BenchServer(mode, trucks=...) as server:``; ``server.trucks`` is seeded."""

    def __init__(
        self, mode: Mode, trucks: int = 1, profile_dir: Path | None = None, nice: int = 0
    ) -> None:
        self.mode = mode
        self.profile_dir = profile_dir
        self.nice = nice
        self.workdir = Path(tempfile.mkdtemp(prefix="cliqmenu-bench-"))
        self.db_url = (
            _fresh_pg_database() if mode.workers else f"sqlite:///{self.workdir / 'bench.db'}"
        )
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        os.environ.pop("REFLEX_REDIS_URL", None)
        env = _server_env(self.db_url, self.base_url)
        if mode.workers:
            env.update(REFLEX_REDIS_URL=REDIS_URL, GRANIAN_WORKERS=str(mode.workers))
        _cliqmenu(["migrate"], env)
        _cliqmenu(["seed-demo"], env)
        self.trucks: list[BenchTruck] = seed_fleet(self.db_url, trucks)
        log = self.workdir / "server.log"
        log.touch()
        self.app = AppServer(self.base_url, self.db_url, log, env)

    def __enter__(self) -> BenchServer:
        self.app.start()
        self.app.wait_until_serving()
        self._prioritize()
        return self

    def __exit__(self, *_exc) -> None:
        if self.app.process is not None:
            _stop(self.app.process)
        if not self.errors_logged():  # keep the database and log of a run that logged errors
            shutil.rmtree(self.workdir, ignore_errors=True)

    def restart(self) -> None:
        self.app.restart()
        self._prioritize()

    def kill_and_start(self) -> None:
        """Stop the server (as a deploy does) and start it again without waiting."""
        if self.app.process is not None:
            _stop(self.app.process)
        self.app.start()

    def leader(self) -> int | None:
        return self.app.process.pid if self.app.process else None

    @property
    def redis_url(self) -> str | None:
        return REDIS_URL if self.mode.workers else None

    def errors_logged(self) -> list[str]:
        text = self.app.log_since(0)
        return [line for line in text.splitlines() if "ERROR" in line or "Traceback" in line]


def wait_idle(server: BenchServer, below: float = 0.05, timeout: float = 60) -> float:
    """Wait until the server used under ``below`` of a core for two 0.5 s windows in a row."""
    started = time.monotonic()
    quiet = 0
    while quiet < 2 and time.monotonic() - started < timeout:
        before = server.cpu_seconds()
        time.sleep(0.5)
        quiet = quiet + 1 if (server.cpu_seconds() - before) / 0.5 < below else 0
    return time.monotonic() - started


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_heading(mode: Mode) -> str:
    """When, how the server runs, and how busy the machine was before the run."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"{when}, {mode.label}\nbefore: {load_average()}"
