"""Orders per second through POST /api/trucks/{slug}/orders, with screens linked.

Starts the app in the given mode with ``--trucks`` trucks, opens ``--screens`` simulated Order
Manager screens spread over them, then ``--concurrency`` senders post orders back to back (each
waits for its answer: the API answers once the order is stored; the truck's board is pushed in
the background, one round for every order that arrived while the last round ran) for
``--seconds``. Each row's trucks keep the orders of the rows before (boards grow: put the row
with the most orders per truck last). Prints orders/s, answer times, server CPU per order, and checks that every
screen's board shows every order of its truck.

    python -m bench.ingest --mode embedded --trucks 1 10 --screens 10
    python -m bench.ingest --mode redis2 --trucks 10 50 --screens 10
    python -m bench.ingest --trucks 1 --profile /tmp/prof    # py-spy: where the server's time goes
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from pathlib import Path

import httpx

from bench.figures import row, spread
from bench.realtime import Posted, post_one
from bench.screens import Page, Screen, close_all, open_all, wait_for
from bench.server import BenchServer, Mode, load_average, run_heading


async def send_for(
    http: httpx.AsyncClient, trucks: itertools.cycle, until: float, posted: list[Posted]
) -> int:
    failed = 0
    while time.perf_counter() < until:
        try:
            posted.append(await post_one(http, next(trucks)))
        except httpx.HTTPError:
            failed += 1
    return failed


async def run(server: BenchServer, trucks: int, screens: int, args: argparse.Namespace) -> str:
    used = server.trucks[:trucks]
    boards = {t.id: [] for t in used}
    for k in range(screens):
        truck = used[k % trucks]
        boards[truck.id].append(Screen(server.base_url, Page.manage(), truck.manager_token))
    everyone = [s for group in boards.values() for s in group]
    await open_all(everyone)
    await asyncio.sleep(3)
    posted: list[Posted] = []
    limits = httpx.Limits(max_connections=args.concurrency)
    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    client_before = time.process_time()
    with server.profiled(f"ingest-{trucks}trucks"):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=limits) as http:
            order = itertools.cycle(used)
            until = started + args.seconds
            senders = [send_for(http, order, until, posted) for _ in range(args.concurrency)]
            failed = sum(await asyncio.gather(*senders))
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
        client = time.process_time() - client_before
    expected = [(p.number, s) for p in posted for s in boards[p.truck.id]]
    await wait_for(lambda: all(n in s.seen for n, s in expected), 30, step=0.05)
    missed = sum(1 for n, s in expected if n not in s.seen)
    await close_all(everyone)
    answers = [(p.answered - p.sent) * 1000 for p in posted]
    return row(
        trucks,
        screens,
        args.concurrency,
        len(posted),
        f"{len(posted) / elapsed:.0f}",
        spread(answers),
        f"{cpu * 1000 / max(1, len(posted)):.1f}",
        f"{cpu / elapsed:.2f}",
        f"{client / elapsed:.2f}",
        f"{missed} / {len(expected)}",
        failed,
    )


async def main_async(args: argparse.Namespace) -> None:
    mode = Mode.parse(args.mode)
    print(run_heading(mode))
    print(
        row(
            "trucks",
            "screens",
            "senders",
            "orders",
            "orders/s",
            "answer p50/p95/p99/max ms",
            "CPU ms per order",
            "server cores busy",
            "load client cores busy",
            "missed on screens",
            "failed POSTs",
        )
    )
    print(row(*["---"] * 11))
    with BenchServer(
        mode, trucks=max(args.trucks), profile_dir=args.profile, nice=args.nice
    ) as server:
        for trucks in args.trucks:
            print(await run(server, trucks, args.screens, args), flush=True)
        if errors := server.errors_logged():
            print(f"server logged {len(errors)} error lines, first:", *errors[:3], sep="\n  ")
    print(f"after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="embedded", help="embedded, redis2 or redis4")
    parser.add_argument(
        "--nice", type=int, default=0, help="e.g. -10: measure ahead of others' work (root)"
    )
    parser.add_argument("--trucks", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--screens", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--profile", type=Path, help="py-spy the server's sending phases into here")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
