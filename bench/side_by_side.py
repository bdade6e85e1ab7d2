"""The product beside its two floors, one command: the same shapes, client and measures.

For each system in turn (the product as bench/realtime.py runs it, the bare Reflex floor, the
raw websocket floor; bench/floors.py), one server, a fresh truck per shape: optionally fill the
truck with open orders first, open N Order Manager screens on it, POST orders at a fixed rate
through the order API, and time each order until each screen's view holds it. Then one table:
every figure of the product beside both floors and the ratios.

    python -m bench.side_by_side --nice -10                      # 1 x 20 and 1 x 100 at 5/s
    python -m bench.side_by_side --shapes 20 20+200 --systems product   # 200 open orders first
    python -m bench.side_by_side --mode redis2                  # the product scaled out

A shape is ``SCREENS`` or ``SCREENS+OPEN`` (OPEN orders placed before the screens open).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.figures import percentile, ratio, row, spread
from bench.fleet import BenchTruck, place_order
from bench.floors import KINDS, LABELS, ROOM, FloorServer, floor_screen
from bench.realtime import Outcome, open_screens, orders_to_screens
from bench.screens import Page, Screen, close_all
from bench.server import BenchServer, Mode, load_average, run_heading

PRODUCT = "product"


@dataclass(frozen=True)
class Shape:
    screens: int
    open_orders: int = 0

    @staticmethod
    def parse(text: str) -> Shape:
        screens, _, open_orders = text.partition("+")
        return Shape(int(screens), int(open_orders or 0))

    def label(self, rate: float) -> str:
        extra = f" + {self.open_orders} open orders" if self.open_orders else ""
        return f"1 truck x {self.screens} screens{extra}, {rate:g}/s"


async def fill(base_url: str, truck: BenchTruck, orders: int, at_once: int = 8) -> None:
    """Place ``orders`` open orders on ``truck`` before its screens open."""
    gate = asyncio.Semaphore(at_once)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:

        async def one() -> None:
            async with gate:
                await place_order(http, truck)

        await asyncio.gather(*(one() for _ in range(orders)))
    await asyncio.sleep(2)  # the pushes of the fill are over before anything is measured


def screen_of(system: str, base_url: str, truck: BenchTruck) -> Screen:
    if system == PRODUCT:
        return Screen(base_url, Page.manage(), truck.manager_token)
    return floor_screen(system, base_url, truck)


async def measure(system: str, server, shapes: list[Shape], args) -> dict[Shape, Outcome]:
    found = {}
    for shape, truck in zip(shapes, server.trucks, strict=False):
        if shape.open_orders:
            await fill(server.base_url, truck, shape.open_orders)
        screens = [screen_of(system, server.base_url, truck) for _ in range(shape.screens)]
        _opened, rss_kb = await open_screens(server, screens)
        label = f"{LABELS.get(system, system)}: {shape.label(args.rate)}"
        found[shape] = await orders_to_screens(
            server, {truck.id: screens}, [truck] * args.orders, args.rate, None, label, rss_kb
        )
        await close_all(screens)
        o = found[shape]
        print(f"  {label}: {spread(o.latencies_ms)} ms, {o.net_cpu_ms_per_event:.1f} ms CPU net")
        print(f"  ({o.note})", flush=True)
    return found


def server_for(system: str, args, trucks: int):
    if system == PRODUCT:
        mode = Mode.parse(args.mode)
        return BenchServer(mode, trucks=trucks, profile_dir=args.profile, nice=args.nice)
    return FloorServer(system, trucks=trucks, nice=args.nice, profile_dir=args.profile)


def report(shapes: list[Shape], results: dict[str, dict[Shape, Outcome]], rate: float) -> None:
    print(
        row(
            "shape",
            "system",
            "p50 / p95 / p99 / max ms",
            "CPU ms per order (net)",
            "RSS KB per screen",
            "missed",
            "stale",
            "p95 / CPU vs bare Reflex",
            "p95 / CPU vs raw",
        )
    )
    print(row(*["---"] * 9))
    for shape in shapes:
        floors = {k: results[k][shape] for k in KINDS if k in results}
        for system, outcomes in results.items():
            o = outcomes[shape]
            p95 = percentile(o.latencies_ms, 0.95) if o.latencies_ms else float("nan")
            against = []
            for kind in KINDS:
                floor = floors.get(kind)
                if floor is None or system == kind or not floor.latencies_ms:
                    against.append("")
                    continue
                f95 = percentile(floor.latencies_ms, 0.95)
                against.append(
                    f"{ratio(p95, f95)} / {ratio(o.net_cpu_ms_per_event, floor.net_cpu_ms_per_event)}"
                )
            print(
                row(
                    shape.label(rate),
                    LABELS.get(system, system),
                    spread(o.latencies_ms),
                    f"{o.cpu_ms_per_event:.1f} ({o.net_cpu_ms_per_event:.1f})",
                    f"{o.rss_kb_per_screen:.0f}",
                    f"{o.missing} / {len(o.latencies_ms) + o.missing}",
                    o.stale,
                    *against,
                ),
                flush=True,
            )


async def main_async(args: argparse.Namespace) -> None:
    shapes = [Shape.parse(text) for text in args.shapes]
    print(run_heading(Mode.parse(args.mode)))
    results: dict[str, dict[Shape, Outcome]] = {}
    for system in args.systems:
        print(f"{LABELS.get(system, system)} ...", flush=True)
        with server_for(system, args, len(shapes)) as server:
            results[system] = await measure(system, server, shapes, args)
    report(shapes, results, args.rate)
    print(f"after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mode", default="embedded", help="the product's: embedded, redis2, redis4"
    )
    parser.add_argument("--systems", nargs="+", default=[PRODUCT, *KINDS, ROOM])
    parser.add_argument("--shapes", nargs="+", default=["20", "100"])
    parser.add_argument("--rate", type=float, default=5, help="orders per second")
    parser.add_argument("--orders", type=int, default=50)
    parser.add_argument("--nice", type=int, default=0, help="e.g. -10 (root)")
    parser.add_argument("--profile", type=Path, help="py-spy each server's order phases here")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
