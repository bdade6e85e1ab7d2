"""The pickup board's audience against the tracking pages': what one more screen costs.

One truck, one Order Manager screen. Three phases of ``orders`` orders each, every order placed
through the order API and then accepted as the manager's button does (bench/kds_latency.py):

1. no customer screen open: the cost of an Accept itself (transaction, manager and kitchen
   rounds, the accept form);
2. each order's tracking page open (``orders`` phones, one per order): each Accept pushes one;
3. ``orders`` pickup boards of the truck open: each Accept pushes every board.

Per phase: time from the Accept to the screen showing the order (simulated screens), server CPU
per Accept gross and net of the idle cost, RSS per screen and idle CPU of the open screens (their
heartbeats), bytes per message. The cost of one screen's push is (CPU per Accept - phase 1) /
screens pushed per Accept.

    python -m bench.realtime --shapes pickup [--mode redis2]
"""

from __future__ import annotations

import asyncio
import time

import httpx

from bench.fleet import BenchTruck, order_answer
from bench.kds_latency import accept
from bench.screens import Page, Screen, close_all, open_all, wait_for


async def place(http: httpx.AsyncClient, truck: BenchTruck) -> tuple[int, str]:
    """One order through the order API: its number and its tracking page's public id."""
    body = await order_answer(http, truck, "Bench Customer")
    return body["order_number"], body["tracking_url"].rstrip("/").rsplit("/", 1)[1]


async def accept_all(
    server, manager: Screen, numbers: list[int], watchers: dict[int, list[Screen]]
) -> tuple[list[float], float, float]:
    """Accept each order in turn and wait until its watchers show it; (latencies ms, CPU
    seconds, busy seconds)."""
    latencies: list[float] = []
    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    for number in numbers:
        clicked, _epoch = await accept(manager, number)
        screens = watchers.get(number, [])
        assert await wait_for(lambda n=number, s=screens: all(n in w.seen for w in s), 30), (
            f"order {number} missing on a customer screen"
        )
        latencies += [(w.seen[number] - clicked) * 1000 for w in screens]
    return latencies, server.cpu_seconds() - cpu_before, time.perf_counter() - started


async def phases(server, truck: BenchTruck, orders: int, idle_cpu_rate, outcome_of) -> list:
    """The three phases' outcomes (``outcome_of(shape, latencies, cpu, busy, idle, screens,
    rss_kb, traffic)`` makes a realtime.Outcome)."""
    manager = Screen(server.base_url, Page.manage(), truck.manager_token)
    await open_all([manager])
    results = []
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        for kind in ("none", "tracker", "board"):
            placed = [await place(http, truck) for _ in range(orders)]
            numbers = [number for number, _ in placed]
            if kind == "tracker":
                screens = [Screen(server.base_url, Page.tracker(p)) for _, p in placed]
                watchers = {n: [s] for n, s in zip(numbers, screens, strict=True)}
            elif kind == "board":
                screens = [Screen(server.base_url, Page.board(truck.slug)) for _ in range(orders)]
                watchers = dict.fromkeys(numbers, screens)
            else:
                screens, watchers = [], {}
            rss_before = server.rss_bytes()
            if screens:
                await open_all(screens)
            await asyncio.sleep(3)
            rss_kb = (server.rss_bytes() - rss_before) / 1024 / max(1, len(screens))
            idle = await idle_cpu_rate(server)
            traffic = (sum(s.messages for s in screens), sum(s.bytes for s in screens))
            latencies, cpu, busy = await accept_all(server, manager, numbers, watchers)
            results.append(
                outcome_of(kind, latencies, cpu, busy, idle, screens, rss_kb, traffic, orders)
            )
            await close_all(screens)
            # The orders leave the manager's Received list before the next phase.
            await asyncio.sleep(1)
    await close_all([manager])
    return results
