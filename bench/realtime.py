"""Realtime shapes: order-to-screen latency, CPU per order, memory per screen.

One server per mode (``reflex run --env prod``, own database, 102 trucks seeded), then in turn:

- one truck, 20 Order Manager screens, orders at 5/s through the order API;
- one truck's menu open on 500 customer phones, a manager marks an item out / back in stock;
- 100 trucks x 5 Order Manager screens, 10 orders/s platform-wide through the order API;
- those 500 screens reconnecting at once after the server is restarted: the time until every
  screen has its view rebuilt, then one order per truck proves each screen is live;
- ``stations``: trucks that work by stations, each with three station displays and an expo,
  orders accepted at each truck in turn (bench/stations.py): how fast a station and the expo
  see an Accept, and that the stations not in the order get nothing;
- ``pickup``: one truck's pickup boards against its customers' tracking pages, the same number
  of screens, orders accepted one by one (bench/pickup_board.py): what one screen of each
  audience costs.

Screens are simulated (bench/screens.py); one real Chromium page watches the first truck of each
order shape. Latency is the time from sending the POST (or the stock change) to the screen's
view holding it. CPU is user + system of the server's processes from /proc, gross and net of the
idle cost of the open screens (their heartbeats), measured just before.

    python -m bench.realtime [--mode embedded|redis2|redis4] [--shapes one fleet menu restart pickup stations]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

from bench.browser import launch, open_watching, seen_at
from bench.figures import percentile, row, spread
from bench.fleet import BenchTruck, place_order
from bench.pickup_board import phases
from bench.screens import STOCK, Page, Screen, close_all, open_all, wait_for
from bench.server import BenchServer, Mode, load_average, run_heading
from bench.stations import stations_shape

ROW = "order-"  # the manager board's row of order N has id order-N


@dataclass
class Posted:
    truck: BenchTruck
    number: int
    sent: float  # perf_counter
    sent_epoch_ms: float
    answered: float


@dataclass
class Outcome:
    shape: str
    latencies_ms: list[float]
    last_screen_ms: list[float]
    missing: int
    stale: int
    cpu_ms_per_event: float
    net_cpu_ms_per_event: float
    rss_kb_per_screen: float
    chromium_ms: list[float]
    note: str = ""


async def post_one(http: httpx.AsyncClient, truck: BenchTruck) -> Posted:
    sent, sent_epoch = time.perf_counter(), time.time() * 1000
    number = await place_order(http, truck)
    return Posted(truck, number, sent, sent_epoch, time.perf_counter())


async def post_at_rate(http: httpx.AsyncClient, plan: list[BenchTruck], rate: float) -> list:
    """POST one order per entry of ``plan`` on a fixed schedule: a slow answer delays nothing."""
    started = time.perf_counter()
    tasks = []
    for k, truck in enumerate(plan):
        await asyncio.sleep(max(0.0, started + k / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(post_one(http, truck)))
    return await asyncio.gather(*tasks)


async def idle_cpu_rate(server: BenchServer, seconds: float = 3.0) -> float:
    """Cores the server uses with the screens open and nothing happening (heartbeats)."""
    await asyncio.sleep(2)
    before = server.cpu_seconds()
    await asyncio.sleep(seconds)
    return (server.cpu_seconds() - before) / seconds


async def open_screens(server: BenchServer, screens: list[Screen]) -> tuple[float, float]:
    """Open ``screens``; (seconds to open them, backend RSS KB added per screen)."""
    await asyncio.sleep(2)
    rss_before = server.rss_bytes()
    opened = await open_all(screens)
    await asyncio.sleep(3)
    return opened, (server.rss_bytes() - rss_before) / 1024 / len(screens)


async def orders_to_screens(
    server: BenchServer,
    boards: dict[int, list[Screen]],
    plan: list[BenchTruck],
    rate: float,
    page,
    shape: str,
    rss_kb: float,
) -> Outcome:
    """Post ``plan`` at ``rate``; where and when every order showed on its truck's screens."""
    idle = await idle_cpu_rate(server)
    everyone = [s for screens in boards.values() for s in screens]
    traffic_before = _traffic(everyone)
    cpu_before, started = server.cpu_seconds(), time.perf_counter()

    def delivered() -> bool:
        return all(p.number in s.seen for p in posted for s in boards[p.truck.id])

    with server.profiled(shape.split(",")[0].replace(" ", "")):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            posted = await post_at_rate(http, plan, rate)
        await wait_for(delivered, 30, step=0.05)
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
    latencies, last, missing = [], [], 0
    for p in posted:
        times = [
            (s.seen[p.number] - p.sent) * 1000 for s in boards[p.truck.id] if p.number in s.seen
        ]
        missing += len(boards[p.truck.id]) - len(times)
        latencies += times
        if times:
            last.append(max(times))
    stale = sum(1 for screens in boards.values() for s in screens for n in s.gone if n in s.seen)
    chromium = []
    if page is not None:
        for p in posted:
            if p.truck.id == plan[0].id:
                # one page, awaited in turn: a loop reads better than a comprehension here
                chromium.append(await seen_at(page, p.number, ROW) - p.sent_epoch_ms)  # noqa: PERF401
    return Outcome(
        shape,
        latencies,
        last,
        missing,
        stale,
        cpu * 1000 / len(posted),
        (cpu - idle * elapsed) * 1000 / len(posted),
        rss_kb,
        chromium,
        note=(
            f"idle {idle:.2f} cores with the screens open; {_per_message(everyone, traffic_before)}"
            f"; {sum(s.drops for s in everyone)} disconnects"
        ),
    )


def _traffic(screens: list[Screen]) -> tuple[int, int]:
    return sum(s.messages for s in screens), sum(s.bytes for s in screens)


def _per_message(screens: list[Screen], before: tuple[int, int]) -> str:
    messages, size = (now - then for now, then in zip(_traffic(screens), before, strict=True))
    return f"{messages} messages to screens, {size / max(1, messages) / 1024:.1f} KB each"


async def watch_board(browser, server: BenchServer, truck: BenchTruck):
    if browser is None:
        return None
    return await open_watching(
        browser, server.base_url, "/manage", truck.manager_token, ROW, "#tab-received"
    )


async def one_truck(
    server: BenchServer,
    browser,
    truck: BenchTruck,
    screens: int = 20,
    rate: float = 5,
    orders: int = 50,
) -> Outcome:
    boards = {
        truck.id: [
            Screen(server.base_url, Page.manage(), truck.manager_token) for _ in range(screens)
        ]
    }
    _opened, rss_kb = await open_screens(server, boards[truck.id])
    page = await watch_board(browser, server, truck)
    outcome = await orders_to_screens(
        server,
        boards,
        [truck] * orders,
        rate,
        page,
        f"1 truck x {screens} staff screens, {rate:g}/s",
        rss_kb,
    )
    await close_all(boards[truck.id])
    if page is not None:
        await page.context.close()
    return outcome


async def fleet(
    server: BenchServer,
    browser,
    trucks: list[BenchTruck],
    per_truck: int = 5,
    rate: float = 10,
    seconds: float = 20,
) -> tuple[Outcome, dict[int, list[Screen]]]:
    boards = {
        t.id: [Screen(server.base_url, Page.manage(), t.manager_token) for _ in range(per_truck)]
        for t in trucks
    }
    everyone = [s for screens in boards.values() for s in screens]
    opened, rss_kb = await open_screens(server, everyone)
    page = await watch_board(browser, server, trucks[0])
    plan = [trucks[k % len(trucks)] for k in range(int(rate * seconds))]
    outcome = await orders_to_screens(
        server,
        boards,
        plan,
        rate,
        page,
        f"{len(trucks)} trucks x {per_truck} staff screens, {rate:g}/s",
        rss_kb,
    )
    outcome.note += f"; {len(everyone)} screens opened in {opened:.1f} s"
    if page is not None:
        await page.context.close()
    return outcome, boards


async def menu_phones(
    server: BenchServer, truck: BenchTruck, phones: int = 500, changes: int = 6
) -> Outcome:
    """A manager marks the burger out of stock and back, ``changes`` times, on 500 open menus."""
    menus = [Screen(server.base_url, Page.menu(truck.slug)) for _ in range(phones)]
    _opened, rss_kb = await open_screens(server, menus)
    manager = Screen(server.base_url, Page.stock(), truck.manager_token)
    await manager.open()
    idle = await idle_cpu_rate(server)
    traffic_before = _traffic(menus)
    latencies, last, missing = [], [], 0
    cpu, busy = 0.0, 0.0
    for change in range(changes):
        in_stock = change % 2 == 1
        cpu_before, sent = server.cpu_seconds(), time.perf_counter()
        for phone in menus:
            phone.stock_at.pop((truck.burger_id, in_stock), None)
        payload = {"item_id": truck.burger_id, "value": "in" if in_stock else "out"}
        await manager.emit(STOCK, "set_item_status", payload)
        key = (truck.burger_id, in_stock)
        await wait_for(lambda key=key: all(key in p.stock_at for p in menus), 30, step=0.02)
        busy += time.perf_counter() - sent
        cpu += server.cpu_seconds() - cpu_before
        times = [(p.stock_at[key] - sent) * 1000 for p in menus if key in p.stock_at]
        missing += phones - len(times)
        latencies += times
        last.append(max(times) if times else float("nan"))
        await asyncio.sleep(1)
    await close_all([*menus, manager])
    return Outcome(
        f"1 truck's menu on {phones} phones, stock change",
        latencies,
        last,
        missing,
        0,
        cpu * 1000 / changes,
        (cpu - idle * busy) * 1000 / changes,
        rss_kb,
        [],
        note=f"idle {idle:.2f} cores with the menus open; CPU is per stock change; "
        + _per_message(menus, traffic_before),
    )


async def restart(server: BenchServer, boards: dict[int, list[Screen]]) -> str:
    """Restart the server under 500 open screens; time until each is live, then one order each."""
    everyone = [s for screens in boards.values() for s in screens]
    stopped = time.perf_counter()
    await asyncio.to_thread(server.restart)
    serving = time.perf_counter()
    cpu_before = server.cpu_seconds()
    live = await wait_for(lambda: all(s.loaded.is_set() for s in everyone), 120, step=0.05)
    all_live = time.perf_counter()
    cpu = server.cpu_seconds() - cpu_before
    waiting = sum(1 for s in everyone if not s.loaded.is_set())
    plan = [t for t in server.trucks if t.id in boards]
    for screens in boards.values():
        for s in screens:
            s.seen.clear()
            s.gone.clear()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        posted = await post_at_rate(http, plan, 20)
    got = lambda: all(p.number in s.seen for p in posted for s in boards[p.truck.id])  # noqa: E731
    await wait_for(got, 30, step=0.05)
    missed = sum(1 for p in posted for s in boards[p.truck.id] if p.number not in s.seen)
    await close_all(everyone)
    return (
        f"{len(everyone)} screens: all live again {all_live - serving:.1f} s after the server "
        f"answered (restart took {serving - stopped:.1f} s: stop, frontend build, start); "
        f"{'all' if live else f'{waiting} not'} live; reconnect storm {cpu:.1f} s server CPU; "
        f"then one order per truck: {missed} of {len(everyone)} deliveries missed"
    )


PICKUP_SHAPES = {
    "none": "1 truck, Accept with no customer screen open",
    "tracker": "1 truck, Accept, each order's tracking page open",
    "board": "1 truck, Accept, pickup boards open",
}


async def pickup_audiences(server: BenchServer, truck: BenchTruck, orders: int) -> None:
    """Pickup boards against tracking pages: a row per phase, then the cost per screen."""

    def outcome_of(kind, latencies, cpu, busy, idle, screens, rss_kb, traffic, accepts):
        shape = (
            f"{PICKUP_SHAPES[kind]} ({len(screens)} screens)" if screens else PICKUP_SHAPES[kind]
        )
        return Outcome(
            shape,
            latencies,
            [],
            0,
            0,
            cpu * 1000 / accepts,
            (cpu - idle * busy) * 1000 / accepts,
            rss_kb,
            [],
            note=f"idle {idle:.3f} cores with the screens open; "
            + (_per_message(screens, traffic) if screens else "no customer screen"),
        )

    base, tracker, board = await phases(server, truck, orders, idle_cpu_rate, outcome_of)
    for outcome in (base, tracker, board):
        print_outcome(outcome)
    per_tracker = tracker.net_cpu_ms_per_event - base.net_cpu_ms_per_event
    per_board = (board.net_cpu_ms_per_event - base.net_cpu_ms_per_event) / orders
    print(
        f"  push cost per screen (net CPU per Accept over the no-screen phase, per screen pushed): "
        f"tracking page {per_tracker:.2f} ms, pickup board {per_board:.2f} ms; RSS per screen "
        f"{tracker.rss_kb_per_screen:.0f} / {board.rss_kb_per_screen:.0f} KB",
        flush=True,
    )


async def station_audiences(server: BenchServer, trucks: list[BenchTruck], orders: int) -> None:
    latencies, cpu, extra, busy = await stations_shape(server, trucks, orders)
    print_outcome(
        Outcome(
            f"{len(trucks)} trucks x (3 stations + expo + manager), Accept in turn",
            latencies,
            [],
            0,
            0,
            cpu,
            cpu,
            0,
            [],
            note=f"{orders * len(trucks)} Accepts in {busy:.1f} s, CPU per Accept includes "
            f"opening the screens; {extra} messages beyond their estimated beats reached the "
            "stations not in the orders (no order did)",
        )
    )


def print_outcome(o: Outcome) -> None:
    last95 = percentile(o.last_screen_ms, 0.95) if o.last_screen_ms else float("nan")
    print(
        row(
            o.shape,
            spread(o.latencies_ms),
            f"{max(o.last_screen_ms, default=float('nan')):.0f} (p95 of last screen {last95:.0f})",
            f"{o.missing} / {len(o.latencies_ms) + o.missing}",
            o.stale,
            f"{o.cpu_ms_per_event:.1f} ({o.net_cpu_ms_per_event:.1f} net)",
            f"{o.rss_kb_per_screen:.0f}",
            spread(o.chromium_ms) if o.chromium_ms else "-",
        ),
        flush=True,
    )
    print(f"  ({o.note})", flush=True)


async def main_async(args: argparse.Namespace) -> None:
    mode = Mode.parse(args.mode)
    print(run_heading(mode))
    async with async_playwright() as playwright:
        browser = None if args.no_chromium else await launch(playwright)
        with BenchServer(
            mode, trucks=args.trucks + 3, profile_dir=args.profile, nice=args.nice
        ) as server:
            print(
                row(
                    "shape",
                    "p50 / p95 / p99 / max ms",
                    "slowest screen ms",
                    "missed",
                    "stale",
                    "CPU ms per order",
                    "RSS KB per screen",
                    "Chromium page p50 / p95 / p99 / max ms",
                )
            )
            print(row(*["---"] * 8))
            fleet_trucks, spare = server.trucks[: args.trucks], server.trucks[args.trucks :]
            if "one" in args.shapes:
                print_outcome(await one_truck(server, browser, spare[0]))
            if "menu" in args.shapes:
                print_outcome(await menu_phones(server, spare[1], phones=args.phones))
            if "pickup" in args.shapes:
                await pickup_audiences(server, spare[2], args.screens_per_audience)
            if "stations" in args.shapes:
                await station_audiences(server, fleet_trucks[: args.station_trucks], args.orders)
            if "fleet" in args.shapes or "restart" in args.shapes:
                outcome, boards = await fleet(server, browser, fleet_trucks, rate=args.rate)
                print_outcome(outcome)
                if "restart" in args.shapes:
                    print(await restart(server, boards), flush=True)
                else:
                    await close_all([s for screens in boards.values() for s in screens])
            if errors := server.errors_logged():
                print(f"server logged {len(errors)} error lines, first:", *errors[:3], sep="\n  ")
        if browser is not None:
            await browser.close()
    print(f"after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="embedded", help="embedded, redis2 or redis4")
    parser.add_argument(
        "--nice", type=int, default=0, help="e.g. -10: measure ahead of others' work (root)"
    )
    parser.add_argument("--shapes", nargs="+", default=["one", "menu", "fleet", "restart"])
    parser.add_argument("--rate", type=float, default=10, help="fleet orders per second")
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument(
        "--screens-per-audience", type=int, default=40, help="pickup shape: boards, and phones"
    )
    parser.add_argument("--trucks", type=int, default=100, help="trucks in the fleet shape")
    parser.add_argument("--station-trucks", type=int, default=5, help="stations shape: trucks")
    parser.add_argument("--orders", type=int, default=10, help="stations shape: per truck")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--profile", type=Path, help="py-spy the server's order phases into here")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
