"""Faults of the scaled-out mode (PostgreSQL, Redis, two workers, behind nginx when
CLIQMENU_E2E_PROXY=nginx): Redis restarts during service, a worker is killed, and the database
connection drops in the middle of placing an order.

This module brings its own app (and its own Redis, on a free port, so the shared one is never
touched): run it in a pytest process of its own, with a PostgreSQL URL, as scripts/test.sh does:
``CLIQMENU_E2E_DATABASE_URL=postgresql+psycopg://... pytest tests/e2e/test_faults_scaled_out.py
-m e2e -p no:asyncio``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, func
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session, select

from cliqmenu import demo_data
from cliqmenu.models import Order, OrderLine
from cliqmenu.realtime import registry
from cliqmenu.state.customer import ORDER_NOT_SENT
from cliqmenu.state.faults import DATABASE_AWAY
from tests.e2e import conftest as e2e
from tests.e2e.helpers import (
    ORDERS_API,
    order_body,
    place,
    sign_in,
    stored_orders,
    unique,
    visit,
)
from tests.e2e.proxy import NginxProxy
from tests.e2e.test_kitchen_display import accept_in_database, accept_on_manager

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not e2e._postgres_url(), reason="scaled-out faults need PostgreSQL"),
]


class PrivateRedis:
    """A redis-server of this module's own on a free port, without persistence."""

    def __init__(self) -> None:
        self.port = e2e._free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while not self._answers():
            assert self.process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not answer within 15 s"
            time.sleep(0.1)

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


@pytest.fixture(scope="module")
def private_redis() -> Iterator[PrivateRedis]:
    redis_server = PrivateRedis()
    redis_server.start()
    try:
        yield redis_server
    finally:
        redis_server.stop()


@pytest.fixture(scope="module")
def app_server(
    database_url: str,
    proxy: NginxProxy | None,
    private_redis: PrivateRedis,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[e2e.AppServer]:
    """This module's app: its own PostgreSQL database, the private Redis, two workers."""
    log_path = tmp_path_factory.mktemp("faults") / "server.log"
    extra = {"REFLEX_REDIS_URL": private_redis.url, "GRANIAN_WORKERS": "2"}
    server = e2e.start_app_server(database_url, log_path, proxy, extra)
    try:
        yield server
    finally:
        e2e.stop_app_server(server)
        e2e.ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(log_path, e2e.ARTIFACTS / "e2e-server-faults-scaled-out.log")


def expect_live(page: Page) -> None:
    expect(page.locator("#live-badge[data-state='live']")).to_be_visible(timeout=60_000)
    expect(page.locator("#reconnect-cover")).to_have_count(0)


def staff_screens(screen) -> tuple[Page, Page]:
    """The manager's board and the kitchen display, signed in and live."""
    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    for page in (manager, kitchen):
        expect_live(page)
    return manager, kitchen


# Reflex's own subscriptions (socket records, lost-and-found updates) log their failed reconnects
# while Redis is down: the restart this test makes on purpose.
@pytest.mark.expected_log_lines(r"_subscribe_\w+_updates: task error suppressed: Error 111")
def test_screens_recover_after_redis_restarts_and_show_the_whole_queue(
    screen, app_server, private_redis
):
    cooking = place(app_server, "Before Restart Cook")
    accept_in_database(app_server, cooking)  # In Progress: on the kitchen display
    waiting = place(app_server, "Before Restart Wait")  # Received: on the manager's board

    manager, kitchen = staff_screens(screen)
    expect(manager.locator(f"#order-{waiting}")).to_be_visible()
    expect(kitchen.locator(f"#kds-order-{cooking}")).to_be_visible()

    private_redis.stop()  # every screen's state and the screen registry are gone with it
    private_redis.start()
    after = place(app_server, "After Restart")

    for page in (manager, kitchen):
        expect_live(page)
    expect(manager.locator(f"#order-{waiting}")).to_be_visible()
    expect(manager.locator(f"#order-{after}")).to_be_visible(timeout=30_000)  # pushed live
    expect(kitchen.locator(f"#kds-order-{cooking}")).to_be_visible()
    # Events work again too: the manager accepts the new order, the open kitchen display gets it.
    accept_on_manager(manager, after)
    expect(kitchen.locator(f"#kds-order-{after}")).to_be_visible(timeout=30_000)


def worker_holding(page: Page, redis_url: str) -> int:
    """The process id of the worker holding ``page``'s socket, as the screen registry has it."""
    import redis

    token = page.evaluate("window.sessionStorage.getItem('token')")
    client = redis.Redis.from_url(redis_url)
    try:
        [key] = client.keys(f"cliqmenu:*:socket-of:{token}")
        return int(client.get(key).decode().split("-", 1)[0])
    finally:
        client.close()


def live_workers(redis_url: str) -> set[int]:
    """Process ids of the workers that said they are alive in the last few seconds."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        [key] = client.keys("cliqmenu:*:workers")
        beats = client.hgetall(key)
    finally:
        client.close()
    recent = time.time() - 2 * registry.WORKER_BEAT_SECONDS - 1
    return {int(w.decode().split("-", 1)[0]) for w, at in beats.items() if float(at) > recent}


def wait_for_new_worker(redis_url: str, known: set[int]) -> int:
    deadline = time.monotonic() + 30
    while not (new := live_workers(redis_url) - known):
        assert time.monotonic() < deadline, "no worker was started in place of the dead one"
        time.sleep(0.2)
    return new.pop()


@pytest.mark.expected_log_lines(r"Unexpected exit from worker-\d")
def test_a_killed_worker_s_screens_move_to_the_other_and_miss_no_order(
    screen, app_server, private_redis
):
    waiting = place(app_server, "Before Worker Dies")
    manager, kitchen = staff_screens(screen)
    expect(manager.locator(f"#order-{waiting}")).to_be_visible()

    workers = live_workers(private_redis.url)
    dead = worker_holding(manager, private_redis.url)
    assert len(workers) == 2 and dead in workers
    killed = time.monotonic()
    os.kill(dead, signal.SIGKILL)  # as the out-of-memory killer would
    during = place(app_server, "Worker Just Died")  # served by the other worker

    # The manager's screen reconnects through nginx to a live worker and shows the order placed
    # meanwhile, pushed or rebuilt from the database, without a reload.
    expect_live(manager)
    expect(manager.locator(f"#order-{during}")).to_be_visible(timeout=30_000)
    expect(manager.locator(f"#order-{waiting}")).to_be_visible()
    assert worker_holding(manager, private_redis.url) != dead
    print(
        f"worker killed: the manager's screen showed the new order {time.monotonic() - killed:.1f} s later"
    )
    # granian started a worker in place of the dead one; the app never stopped.
    wait_for_new_worker(private_redis.url, workers)
    assert app_server.process is not None and app_server.process.poll() is None

    # Nothing stuck: the order moves on, and the kitchen display gets it pushed.
    accept_on_manager(manager, during)
    expect(kitchen.locator(f"#kds-order-{during}")).to_be_visible(timeout=30_000)
    expect_live(kitchen)


@contextmanager
def database_restarting(database_url: str) -> Iterator[None]:
    """What a PostgreSQL restart does to the app, on this database only (the server is shared):
    every connection of the app dies at once, and none is accepted until the block ends."""
    url = make_url(database_url).set(drivername="postgresql")
    name = url.database
    admin = url.set(database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            yield
        finally:
            connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_postgresql_restarting_answers_503_tells_the_screens_and_recovers_by_itself(
    screen, app_server
):
    waiting = place(app_server, "Before Database Restart")
    manager, kitchen = staff_screens(screen)
    expect(manager.locator(f"#order-{waiting}")).to_be_visible()
    body = order_body(app_server, "During Database Restart")

    with database_restarting(app_server.db_url):
        refused = httpx.post(app_server.url(ORDERS_API), json=body, timeout=30)
        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "1"
        assert "database is unavailable" in refused.json()["error"]
        # The manager accepts an order meanwhile: a plain message, not Reflex's error toast.
        manager.locator(f"#order-{waiting}").click()
        expect(manager.locator("#accept-order")).to_be_enabled()
        manager.locator("#accept-order").click()
        expect(manager.get_by_text(DATABASE_AWAY)).to_be_visible()
        expect(manager.get_by_text("An error occurred")).to_have_count(0)
    back = time.monotonic()

    # No restart of the app: the pool replaces its dead connections, the same order goes in.
    retried = httpx.post(app_server.url(ORDERS_API), json=body, timeout=30)
    assert retried.status_code == 201, retried.text
    print(f"database back: an order was taken {time.monotonic() - back:.1f} s later")
    assert stored_orders(app_server.db_url, body["idempotency_key"]) == (1, 1, 0)
    number = retried.json()["order_number"]
    for page in (manager, kitchen):
        expect_live(page)
    # The order it tried to accept (a toast has a Close button too).
    manager.locator("#order-detail").get_by_role("button", name="Close").click()
    expect(manager.locator(f"#order-{number}")).to_be_visible(timeout=30_000)  # pushed
    # The accept that met the database away left the order as it was: Received, and it can
    # be accepted now.
    accept_on_manager(manager, waiting)
    expect(kitchen.locator(f"#kds-order-{waiting}")).to_be_visible(timeout=30_000)


@contextmanager
def connection_dropped_while_inserting_lines(database_url: str) -> Iterator[None]:
    """Order lines cannot be inserted until the block ends; then the app's connection waiting
    to insert them (its order row already inserted in the same transaction) is terminated.

    Inside the block, start placing an order.
    """
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(False)) as lock:
        lock.execute("LOCK TABLE orderline IN SHARE MODE")
        yield
        _terminate_waiting_insert(url, "orderline")
        lock.rollback()


def _terminate_waiting_insert(url: URL, table: str) -> None:
    admin = url.set(database="postgres").render_as_string(False)
    deadline = time.monotonic() + 30
    with psycopg.connect(admin, autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND query ILIKE %s",
                (url.database, f"INSERT INTO {table}%"),
            ).fetchone()
            if row:
                connection.execute("SELECT pg_terminate_backend(%s)", (row[0],))
                return
            time.sleep(0.1)
    raise AssertionError(f"no app connection waited to insert into {table}")


def test_a_connection_dropped_mid_order_answers_503_saves_nothing_and_the_retry_works(
    app_server,
):
    body = order_body(app_server, "Dropped Connection")
    answers: list[httpx.Response] = []
    with connection_dropped_while_inserting_lines(app_server.db_url):
        sender = threading.Thread(
            target=lambda: answers.append(
                httpx.post(app_server.url(ORDERS_API), json=body, timeout=60)
            )
        )
        sender.start()
    sender.join(timeout=60)

    (answer,) = answers
    assert answer.status_code == 503, answer.text
    assert "database is unavailable" in answer.json()["error"]
    # Nothing of the order was stored: no order row, so no order without its lines.
    key = body["idempotency_key"]
    assert stored_orders(app_server.db_url, key) == (0, 0, 0)

    retried = httpx.post(app_server.url(ORDERS_API), json=body, timeout=30)
    assert retried.status_code == 201, retried.text
    assert stored_orders(app_server.db_url, key) == (1, 1, 0)


def orders_of(database_url: str, customer: str) -> list[tuple[int, int]]:
    """(order id, number of lines) of each order placed by ``customer``."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Order.id, func.count(OrderLine.id))
                .join(OrderLine, OrderLine.order_id == Order.id, isouter=True)
                .where(Order.customer_name == customer)
                .group_by(Order.id)
            )
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def test_a_customer_whose_order_met_a_dropped_connection_is_told_and_sends_it_again(
    screen, app_server
):
    customer = screen(390, 844, name="customer")
    visit(customer, f"/t/{demo_data.CBD_TRUCK_SLUG}")
    customer.get_by_role("button", name="Sides", exact=True).click()
    customer.locator('.menu-item[data-item="Loaded Fries"]').click()
    customer.locator("#add-to-order").click()
    customer.locator("#view-order").click()
    name = unique("Dropped")
    customer.locator("#customer-name").fill(name)
    customer.locator("#pay-cash_at_counter").click()

    with connection_dropped_while_inserting_lines(app_server.db_url):
        customer.locator("#place-order").click()
    expect(customer.get_by_role("dialog")).to_contain_text(ORDER_NOT_SENT)
    assert orders_of(app_server.db_url, name) == []  # nothing saved, not even the order row

    customer.locator("#place-order").click()  # the same cart, so the same idempotency key
    expect(customer).to_have_url(re.compile(r"/o/[\w-]{22}/?$"))
    [(_order, lines)] = orders_of(app_server.db_url, name)
    assert lines == 1
