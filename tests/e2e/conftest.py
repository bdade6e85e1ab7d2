"""End-to-end fixtures: the real app in prod mode, real Chromium, one fresh database per run.

The server is started exactly as a user starts it (``cliqmenu migrate``, ``cliqmenu seed-demo``,
``reflex run --env prod``) on a free port, with its own database:

- by default a temp SQLite file;
- with ``CLIQMENU_E2E_DATABASE_URL`` set to a PostgreSQL URL (``CLIQMENU_TEST_DATABASE_URL`` is
  taken too, as scripts/test.sh sets that one): a uniquely named database created on that server
  for the run and dropped after it. ``REFLEX_REDIS_URL``, when set, is passed through, so Reflex
  keeps its state in Redis and runs two workers.

With ``CLIQMENU_E2E_PROXY=nginx`` (scripts/test.sh sets it on PostgreSQL + Redis) the browser and
the API calls go through nginx, configured from deploy/nginx/cliqmenu.conf (tests/e2e/proxy.py);
``CLIQMENU_PUBLIC_URL`` and ``REFLEX_API_URL`` are then nginx's address, as in a real deploy.
The app delivers its emails by SMTP to an aiosmtpd server on 127.0.0.1 (``mail_server``), as it
would to a real mail service; the outbox page still shows every email.

Every test fails if the server logged an ERROR or a Traceback while it ran, and saves a
screenshot of each of its pages into test-artifacts/ when it fails.

Run: ``pytest tests/e2e -m e2e -p no:asyncio`` (Playwright's sync API clashes with
pytest-asyncio).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.e2e import frontend_build
from tests.e2e.helpers import forget_page_loads, track_page_loads
from tests.e2e.proxy import NginxProxy
from tests.smtp_server import MailServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SECRET_KEY = "cliqmenu-e2e-secret-key-" + secrets.token_hex(16)
# The first start on a fresh checkout installs the frontend packages and builds: allow for it.
START_TIMEOUT_S = 240
BAD_LOG_LINE = re.compile(r"\bERROR\b|Traceback")
TIMINGS: dict[str, float] = {}
SERVER_STATE: dict[str, str] = {}  # how the last server started keeps Reflex state, for the summary

expect.set_options(timeout=10_000)


@dataclass
class AppServer:
    """The running app: where it answers and where its log goes."""

    base_url: str
    db_url: str
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None
    page_checked: bool = False
    # Where the app itself listens when base_url is a proxy in front of it.
    app_port: int = 0
    built: bool = False  # the frontend of this port is built in .web

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def start(self) -> None:
        """Run ``reflex run --env prod`` on this port, its output appended to the log.

        Once it has served, a restart serves the frontend it built (tests/e2e/serve_built.py)
        instead of compiling and building the same code again; so does a first start whose
        frontend an earlier run built from the same inputs (tests/e2e/frontend_build.py).
        """
        port = str(self.app_port or self.base_url.rsplit(":", 1)[1])
        if not self.built and frontend_build.is_current(self.env, port):
            self.built = True
        if self.built:
            command = [sys.executable, "-m", "tests.e2e.serve_built", port, "127.0.0.1"]
        else:
            frontend_build.forget()
            command = ["reflex", "run", "--env", "prod", "--frontend-port", port]
            command += ["--backend-host", "127.0.0.1"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, ended as one
            )

    def wait_until_serving(self) -> None:
        """Wait until /ping answers and a page is served; fail early if the server exits."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (_answers(self.url("/ping")) and _answers(self.url("/signin/"))):
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"reflex run is not running:\n{self.log_since(0)}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the app did not answer within {START_TIMEOUT_S} s:\n{self.log_since(0)}"
                )
            time.sleep(0.25)
        if not self.built:
            frontend_build.remember(self.env, str(self.app_port or self.base_url.rsplit(":", 1)[1]))
        self.built = True

    def kill(self) -> None:
        """kill -9 the server's whole process group, as a crash or the OOM killer would."""
        if self.process is None:
            return
        pgid = self.process.pid  # the server leads its own session, so its group id is its pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.process = None

    def restart(self, while_down: Callable[[], None] | None = None) -> None:
        """Stop the server and start it again: same port, database and log.

        ``while_down`` runs while nothing serves (to look at the screens meanwhile).
        """
        if self.process is not None:
            _stop(self.process)
        if while_down is not None:
            while_down()
        self.start()
        self.wait_until_serving()


def app_base_url() -> str:
    """The address the browser opens: on CI's fixed port (one frontend build for every step),
    else on a free one."""
    return f"http://127.0.0.1:{frontend_build.app_port() or _free_port()}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tool_path() -> str:
    """PATH with this checkout's venv and bun first (what scripts/env.sh does)."""
    extra = [str(Path(sys.executable).parent)]
    extra += [str(p) for p in sorted(ROOT.glob(".tools/node_modules/@oven/bun-linux-*/bin"))]
    return os.pathsep.join([*extra, os.environ.get("PATH", "")])


def _npm_registry() -> str | None:
    npm = shutil.which("npm")
    if not npm:
        return None
    found = subprocess.run(
        [npm, "config", "get", "registry"], capture_output=True, text=True, timeout=30
    )
    return found.stdout.strip() or None


def _postgres_url() -> str:
    url = os.environ.get("CLIQMENU_E2E_DATABASE_URL", "").strip()
    return url or os.environ.get("CLIQMENU_TEST_DATABASE_URL", "").strip()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this run: temp SQLite, or a new PostgreSQL database."""
    server_url = _postgres_url()
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'e2e.db'}"
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    if url.get_backend_name() != "postgresql":
        raise pytest.UsageError("CLIQMENU_E2E_DATABASE_URL must be a PostgreSQL URL")
    name = f"cliqmenu_e2e_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _server_env(database_url: str, base_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = _tool_path()
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "0")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env.setdefault("REFLEX_SOCKET_INTERVAL", "5")
    env.setdefault("REFLEX_SOCKET_TIMEOUT", "5")
    # The fault tests' bursts and the benches send every order from one address: not throttled
    # (tests/security/test_order_api_limits.py tests the limit).
    env.setdefault("CLIQMENU_ORDER_API_PER_MINUTE", "1000000")
    # Devices may subscribe with the push service double on 127.0.0.1 (tests/push_service.py).
    env.setdefault("CLIQMENU_PUSH_SERVICE_HOSTS", "127.0.0.1")
    if not env.get("NPM_CONFIG_REGISTRY") and (registry := _npm_registry()):
        env["NPM_CONFIG_REGISTRY"] = registry
    env.update(
        REFLEX_DB_URL=database_url,
        CLIQMENU_ENV="prod",
        CLIQMENU_SECRET_KEY=SECRET_KEY,
        CLIQMENU_PUBLIC_URL=base_url,
        PYTHONUNBUFFERED="1",
    )
    if env.get("REFLEX_REDIS_URL"):
        env["GRANIAN_WORKERS"] = "2"
    else:
        env.pop("REFLEX_REDIS_URL", None)
        env.pop("GRANIAN_WORKERS", None)
    return env


def _cliqmenu(args: list[str], env: dict[str, str]) -> None:
    command = Path(sys.executable).parent / "cliqmenu"
    executable = str(command) if command.exists() else shutil.which("cliqmenu", path=env["PATH"])
    if executable is None:
        raise RuntimeError("the cliqmenu command is not installed (run scripts/bootstrap.sh)")
    done = subprocess.run(
        [executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    if done.returncode != 0:
        raise RuntimeError(f"cliqmenu {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen) -> None:
    """End the server's whole process group: reflex, granian workers, anything they started."""
    pgid = process.pid  # the server leads its own session, so its group id is its pid
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    deadline = time.monotonic() + 5
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
        process.wait(timeout=10)


def _proxy_kind() -> str:
    kind = os.environ.get("CLIQMENU_E2E_PROXY", "").strip().lower()
    if kind not in ("", "nginx"):
        raise pytest.UsageError(f"CLIQMENU_E2E_PROXY={kind!r}: only 'nginx' is supported")
    return kind


def launch(
    base_url: str, database_url: str, log_path: Path, env: dict[str, str], app_port: int = 0
) -> AppServer:
    """Start the app on a migrated database and wait until it serves; stopped if it never does."""
    log_path.touch()
    server = AppServer(base_url, database_url, log_path, env, app_port=app_port)
    server.start()
    try:
        server.wait_until_serving()
    except BaseException:
        if server.process is not None:
            _stop(server.process)
        raise
    return server


@pytest.fixture(scope="session")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxProxy | None]:
    """nginx in front of the app when CLIQMENU_E2E_PROXY=nginx, else None."""
    if not _proxy_kind():
        yield None
        return
    fixed = frontend_build.app_port()  # nginx on CI's fixed port, the app on the next one
    ports = (fixed, fixed + 1) if fixed else (_free_port(), _free_port())
    nginx = NginxProxy(*ports, tmp_path_factory.mktemp("nginx"))
    nginx.start()
    try:
        yield nginx
    finally:
        nginx.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(nginx.access_log, ARTIFACTS / "e2e-nginx-access.log")


def start_app_server(
    database_url: str, log_path: Path, proxy: NginxProxy | None, extra_env: dict[str, str]
) -> AppServer:
    """Migrate and seed ``database_url``, then start the app (behind ``proxy`` if given)."""
    base_url = proxy.base_url if proxy else app_base_url()
    port = proxy.app_port if proxy else int(base_url.rsplit(":", 1)[1])
    env = {**_server_env(database_url, base_url), **extra_env}
    if proxy:
        env["REFLEX_API_URL"] = base_url  # the pages open their websocket through the proxy
        # nginx appends the peer it saw to X-Forwarded-For: the app takes that one entry as the
        # client's address (sign-in limits), never what the client itself put in the header.
        env["REFLEX_TRUSTED_PROXY_HOPS"] = "1"

    started = time.monotonic()
    _cliqmenu(["migrate"], env)
    _cliqmenu(["seed-demo"], env)
    TIMINGS["cliqmenu migrate + seed-demo"] = time.monotonic() - started

    started = time.monotonic()
    server = launch(base_url, database_url, log_path, env, app_port=port)
    TIMINGS["reflex run until /ping and a page answer"] = time.monotonic() - started
    workers = env.get("GRANIAN_WORKERS", "1")
    redis = env.get("REFLEX_REDIS_URL")
    SERVER_STATE["state"] = f"Redis, {workers} workers" if redis else "disk, 1 worker"
    return server


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    """The SMTP server the app delivers its emails to (aiosmtpd on 127.0.0.1)."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


def stop_app_server(server: AppServer) -> None:
    if server.process is not None:
        _stop(server.process)  # the one running now: a test may have restarted it


@pytest.fixture(scope="session")
def app_server(
    database_url: str,
    proxy: NginxProxy | None,
    mail_server: MailServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AppServer]:
    """The real app, migrated and seeded with the demo business, serving on a free port."""
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    mail_env = {f"CLIQMENU_{name.upper()}": str(v) for name, v in mail_server.settings().items()}
    server = start_app_server(database_url, log_path, proxy, mail_env)
    try:
        yield server
    finally:
        stop_app_server(server)
        ARTIFACTS.mkdir(exist_ok=True)
        mode = "postgresql" if _postgres_url() else "sqlite"
        shutil.copyfile(log_path, ARTIFACTS / f"e2e-server-{mode}.log")


def pytest_terminal_summary(terminalreporter) -> None:
    if not TIMINGS:
        return
    database = "PostgreSQL" if _postgres_url() else "SQLite"
    state = SERVER_STATE.get("state", "")
    through = f", behind {_proxy_kind()}" if _proxy_kind() else ""
    terminalreporter.write_line(f"e2e: database {database}, Reflex state {state}{through}")
    for name, seconds in TIMINGS.items():
        terminalreporter.write_line(f"e2e: {name}: {seconds:.1f} s")


# Playwright and the browser live per module, not per session: a module may bring its own
# (only one sync Playwright can run in a thread at a time).
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, app_server: AppServer) -> Iterator[Browser]:
    """Debian's Chromium where it exists (Playwright's download fails here), else Playwright's."""
    options: dict = {"args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        options["executable_path"] = str(CHROMIUM)
    browser = playwright.chromium.launch(**options)
    if not app_server.page_checked:
        # One page load in Chromium first, so a broken frontend fails here, clearly.
        page = browser.new_page()
        page.goto(app_server.url("/signin"))
        expect(page.locator("#email")).to_be_visible(timeout=30_000)
        page.close()
        app_server.page_checked = True
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def server_log_is_clean(request: pytest.FixtureRequest, app_server: AppServer) -> Iterator[None]:
    """Fails the test when the server logged an ERROR or a Traceback while it ran."""
    offset = app_server.log_size()
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.skipped and hasattr(report, "wasxfail"):
        return  # a known app bug, documented on the test: its server errors are expected
    time.sleep(0.3)  # let pushes and handlers the test set off finish writing
    new = app_server.log_since(offset)
    # A test that breaks a part on purpose names the error lines that breaking it logs.
    expected = [re.compile(m.args[0]) for m in request.node.iter_markers("expected_log_lines")]
    bad = [
        line
        for line in new.splitlines()
        if BAD_LOG_LINE.search(line) and not any(e.search(line) for e in expected)
    ]
    if bad:
        pytest.fail("the server logged errors during this test:\n" + new[-6000:], pytrace=False)


Screen = Callable[..., Page]


@pytest.fixture
def screen(
    request: pytest.FixtureRequest, browser: Browser, app_server: AppServer
) -> Iterator[Screen]:
    """Opens a page in a browser of its own (its own cookies): ``screen(width, height)``.

    On failure every page the test opened is saved to test-artifacts/.
    """
    contexts: list[tuple[str, BrowserContext]] = []

    def open_screen(width: int = 1280, height: int = 800, name: str = "", **options) -> Page:
        """``options`` go to the browser context: ``color_scheme``, ``reduced_motion``..."""
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=app_server.base_url, **options
        )
        context.set_default_timeout(15_000)
        contexts.append((name or f"screen{len(contexts) + 1}", context))
        page = context.new_page()
        track_page_loads(page)
        return page

    yield open_screen

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        test_name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for name, context in contexts:
            for number, page in enumerate(context.pages):
                path = ARTIFACTS / f"{test_name}-{name}-{number}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception as error:  # a crashed page must not hide the real failure
                    print(f"no screenshot of {name}: {error}")
    for _name, context in contexts:
        for page in context.pages:
            forget_page_loads(page)
        context.close()


@contextlib.contextmanager
def own_app_server(folder: Path, base_url: str, settings: dict[str, str]) -> Iterator[AppServer]:
    """A module's own app at ``base_url``: demo data on fresh SQLite, ``settings`` added to its
    environment (one Reflex worker, state on disk). Such a module runs in a pytest process of
    its own: a second ``reflex run`` rebuilds the frontend another server serves."""
    database_url = f"sqlite:///{folder}/app.db"
    env = _server_env(database_url, base_url)
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("GRANIAN_WORKERS", None)
    env.update(settings)
    _cliqmenu(["migrate"], env)
    _cliqmenu(["seed-demo"], env)
    log_path = folder / "server.log"
    server = None
    try:
        server = launch(base_url, database_url, log_path, env)
        yield server
    finally:
        if server is not None:
            stop_app_server(server)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(log_path, ARTIFACTS / f"e2e-server-{folder.name}.log")
