"""Long life: a compressed week of service, and what the server holds at the end of it.

One server per mode (as the other benches start it, 20 trucks seeded), then rounds of
``--round`` seconds until ``--minutes`` are up. Each round: orders at ``--rate`` per second
through the order API across all trucks; ``--churn`` of the open screens (manager boards and
kitchen displays, half each) close and as many new ones connect (a new tab: a new token, a new
state); the orders of the round before are closed (Delivered, by SQL, as the crew would), so
boards stay the size of a service. After each round it samples, on the server:

- memory (RSS of the server's processes) and open file handles (/proc/<pid>/fd);
- the states directory (embedded: Reflex's disk state manager, ``.states``; scaled out: the
  Redis keys of Reflex's states) and the screen registry (scaled out: the registry's Redis keys;
  embedded it lives inside the server's memory and is counted in RSS);
- the outbox and audit table rows;
- the p95 latency of the round's order API calls.

    python -m bench.soak --minutes 10                     # embedded (SQLite, 1 worker)
    python -m bench.soak --minutes 10 --mode redis2       # scaled out (PostgreSQL, Redis, 2)

``soak()`` is also what ``tests/e2e/test_soak.py`` runs, for well under a minute, against the
e2e server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.figures import percentile, row
from bench.fleet import BenchTruck, place_order
from bench.screens import Page, Screen, close_all, open_all
from bench.server import BenchServer, Mode, group_rss, load_average, run_heading
from cliqmenu.db import make_engine
from cliqmenu.infra.redis_keys import namespace_for
from cliqmenu.models import AuditEvent, Order, OutboxEmail, Stage, utcnow

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sample:
    seconds: float
    orders: int  # placed so far
    connects: int  # screens opened so far
    rss_bytes: int
    file_handles: int
    states: int  # bytes of .states (embedded) or Reflex state keys in Redis (scaled out)
    registry: int  # the screen registry's keys in Redis (scaled out; 0 embedded)
    outbox: int
    audit: int
    p95_ms: float


def open_handles(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())
    return total


def states_bytes() -> int:
    folder = ROOT / ".states"
    return sum(p.stat().st_size for p in folder.glob("*") if p.is_file()) if folder.is_dir() else 0


def redis_keys(redis_url: str, db_url: str) -> tuple[int, int]:
    """(other keys: Reflex's states; this server's screen registry entries: keys, and members of
    its sets and hashes) in its Redis database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    sizes = {b"zset": client.zcard, b"set": client.scard, b"hash": client.hlen}
    try:
        ours = 0
        for key in client.scan_iter(f"cliqmenu:{namespace_for(db_url)}:*", count=1000):
            size = sizes.get(client.type(key))  # pyright: ignore[reportArgumentType]
            ours += int(size(key)) if size else 1  # pyright: ignore[reportArgumentType]
        every = sum(1 for _ in client.scan_iter("cliqmenu:*", count=1000))
        return client.dbsize() - every, ours
    finally:
        client.close()


def table_rows(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        outbox = connection.execute(sa.select(sa.func.count()).select_from(OutboxEmail)).scalar()
        audit = connection.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar()
    return int(outbox or 0), int(audit or 0)


def close_orders(engine: sa.Engine, before_id: int) -> None:
    """The crew hands over every order up to ``before_id``: Delivered."""
    with engine.begin() as connection:
        connection.execute(
            sa.update(Order)
            .where(Order.id <= before_id, Order.stage != Stage.DELIVERED)  # pyright: ignore[reportArgumentType]
            .values(stage=Stage.DELIVERED, delivered_at=utcnow(), updated_at=utcnow())
        )


def new_screen(base_url: str, truck: BenchTruck, kitchen: bool) -> Screen:
    page, token = (
        (Page.kds(), truck.kitchen_token) if kitchen else (Page.manage(), truck.manager_token)
    )
    return Screen(base_url, page, session_token=token, truck_id=truck.id)


async def soak(
    *,
    base_url: str,
    db_url: str,
    trucks: list[BenchTruck],
    pids: Callable[[], list[int]],
    seconds: float | None = None,
    rounds: int | None = None,
    round_seconds: float = 10,
    rate: float = 10,
    screens: int = 40,
    churn: float = 0.5,
    redis_url: str | None = None,
    report: Callable[[Sample], None] | None = None,
) -> list[Sample]:
    """Run the soak for ``seconds`` or ``rounds`` (whichever ends first); one sample before it
    starts and one after each round."""
    engine = make_engine(db_url)
    samples: list[Sample] = []
    placed = connects = 0
    last_id = 0
    rng = random.Random(7)
    open_now: list[Screen] = []
    started = time.perf_counter()

    def sample(latencies: list[float]) -> None:
        states, registry = redis_keys(redis_url, db_url) if redis_url else (states_bytes(), 0)
        outbox, audit = table_rows(engine)
        processes = pids()
        taken = Sample(
            round(time.perf_counter() - started, 1),
            placed,
            connects,
            group_rss(processes),
            open_handles(processes),
            states,
            registry,
            outbox,
            audit,
            percentile(latencies, 0.95) * 1000 if latencies else 0.0,
        )
        samples.append(taken)
        if report is not None:
            report(taken)

    async def post(http: httpx.AsyncClient, truck: BenchTruck, latencies: list[float]) -> None:
        sent = time.perf_counter()
        await place_order(http, truck)
        latencies.append(time.perf_counter() - sent)

    async def churn_screens() -> None:
        nonlocal connects
        leaving = rng.sample(open_now, int(len(open_now) * churn)) if open_now else []
        await close_all(leaving)
        for screen in leaving:
            open_now.remove(screen)
        coming = [
            new_screen(
                base_url, trucks[(connects + n) % len(trucks)], kitchen=(connects + n) % 2 == 1
            )
            for n in range(screens - len(open_now))
        ]
        await open_all(coming, at_once=10)
        open_now.extend(coming)
        connects += len(coming)

    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            await churn_screens()
            sample([])
            while (rounds is None or len(samples) <= rounds) and (
                seconds is None or time.perf_counter() - started < seconds
            ):
                latencies: list[float] = []
                round_started = time.perf_counter()
                sends = []
                for n in range(int(rate * round_seconds)):
                    due = round_started + n / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    sends.append(asyncio.create_task(post(http, rng.choice(trucks), latencies)))
                await asyncio.gather(*sends)
                placed += len(sends)
                close_orders(engine, last_id)
                with engine.connect() as connection:
                    last_id = int(
                        connection.execute(sa.select(sa.func.max(Order.id))).scalar() or 0
                    )
                await churn_screens()
                sample(latencies)
    finally:
        await close_all(open_now)
        engine.dispose()
    return samples


def print_sample(s: Sample) -> None:
    print(
        row(
            f"{s.seconds:.0f}",
            s.orders,
            s.connects,
            f"{s.rss_bytes / 2**20:.0f}",
            s.file_handles,
            s.states,
            s.registry,
            s.outbox,
            s.audit,
            f"{s.p95_ms:.0f}",
        ),
        flush=True,
    )


async def main_async(args: argparse.Namespace) -> None:
    mode = Mode.parse(args.mode)
    print(run_heading(mode))
    with BenchServer(mode, trucks=args.trucks, nice=args.nice) as server:
        print(
            row(
                "s",
                "orders",
                "screen connects",
                "RSS MB",
                "file handles",
                "states (bytes or keys)",
                "registry keys",
                "outbox rows",
                "audit rows",
                "p95 order ms",
            )
        )
        print(row(*["---"] * 10))
        samples = await soak(
            base_url=server.base_url,
            db_url=server.db_url,
            trucks=server.trucks,
            pids=server.pids,
            seconds=args.minutes * 60,
            round_seconds=args.round,
            rate=args.rate,
            screens=args.screens,
            redis_url=server.redis_url,
            report=print_sample,
        )
        warm, last = samples[1] if len(samples) > 2 else samples[0], samples[-1]
        print(
            f"RSS after warm-up {warm.rss_bytes / 2**20:.0f} MB, at the end "
            f"{last.rss_bytes / 2**20:.0f} MB ({(last.rss_bytes / warm.rss_bytes - 1) * 100:+.1f} %)"
        )
        if errors := server.errors_logged():
            print(f"server logged {len(errors)} error lines, first:", *errors[:3], sep="\n  ")
    print(f"after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="embedded", help="embedded or redis2")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--round", type=float, default=10, help="seconds per round")
    parser.add_argument("--trucks", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20, help="orders per second")
    parser.add_argument("--screens", type=int, default=40, help="screens open at a time")
    parser.add_argument("--nice", type=int, default=0, help="e.g. -10 (root)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
