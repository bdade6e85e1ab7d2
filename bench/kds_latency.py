"""Accept -> card visible on N open kitchen displays: p50 / p95 / p99 in milliseconds.

Starts the app (``reflex run --env prod``, own temp database), opens one simulated Order Manager
screen (/manage) and N simulated kitchen displays (/kds) of one truck, all speaking Reflex's
websocket protocol (bench/screens.py), plus one real Chromium kitchen page of the same truck as
the check (bench/browser.py). One server serves every N in turn. For every order: place it through the order API, open it on the manager screen (the
accept form fills), then send Accept exactly as the page's button does, and time until each
kitchen display's view holds the card. The first display then bumps it (Cooking Done), so the
queue stays the same size.

    python -m bench.kds_latency --screens 1 10 50 --orders 20 [--mode redis2]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx
from playwright.async_api import async_playwright

from bench.browser import launch, open_watching, seen_at
from bench.figures import row, spread
from bench.fleet import BenchTruck, place_order
from bench.screens import ACCEPT_FORM, KITCHEN, MANAGER, Page, Screen, open_all, wait_for
from bench.server import BenchServer, Mode, load_average, run_heading, wait_idle

KDS_CARD = "kds-order-"


def order_id(manager: Screen, number: int) -> int | None:
    for card in manager.view().get("received") or []:
        if card["number"] == number:
            return card["id"]
    return None


async def accept(manager: Screen, number: int) -> tuple[float, float]:
    """Open order ``number`` (Received) on the manager screen and send Accept as the page's
    button does; (perf_counter and epoch ms of the Accept)."""
    assert await wait_for(lambda: order_id(manager, number) is not None, 10), "order not on board"
    ident = order_id(manager, number)
    await manager.emit(MANAGER, "open_order", {"order_id": ident})
    form_ready = lambda: manager.view(ACCEPT_FORM).get("order_id") == ident  # noqa: E731
    assert await wait_for(form_ready, 10), "accept form did not fill"
    await asyncio.sleep(0.05)  # let the form's own round settle, as a person would
    clicked, clicked_epoch = time.perf_counter(), time.time() * 1000
    await manager.emit(ACCEPT_FORM, "accept", {})
    return clicked, clicked_epoch


async def accept_once(
    http: httpx.AsyncClient, truck: BenchTruck, manager: Screen, kitchens: list[Screen]
) -> tuple[int, float, float]:
    """Place, open and Accept one order; (number, perf_counter and epoch ms of the Accept)."""
    number = await place_order(http, truck)
    clicked, clicked_epoch = await accept(manager, number)
    seen_everywhere = lambda: all(number in k.seen for k in kitchens)  # noqa: E731
    assert await wait_for(seen_everywhere, 30), f"order {number} missing on a kitchen display"
    return number, clicked, clicked_epoch


async def bump(kitchens: list[Screen], number: int) -> None:
    card = next(c for c in kitchens[0].view()["cards"] if c["number"] == number)
    await kitchens[0].emit(KITCHEN, "bump", {"order_id": card["id"]})
    assert await wait_for(lambda: all(number in k.gone for k in kitchens), 30), "bump not shown"


async def run(server: BenchServer, screens: int, orders: int, browser) -> tuple[list, list]:
    truck = server.trucks[0]
    base = server.base_url
    manager = Screen(base, Page.manage(), truck.manager_token)
    kitchens = [Screen(base, Page.kds(), truck.kitchen_token) for _ in range(screens)]
    await open_all([manager, *kitchens])
    page = None
    if browser is not None:
        ready = "#kds-queue, #kds-empty"
        page = await open_watching(browser, base, "/kds", truck.kitchen_token, KDS_CARD, ready)
    await asyncio.to_thread(wait_idle, server)
    simulated: list[float] = []
    chromium: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=15) as http:
        for _ in range(orders):
            number, clicked, clicked_epoch = await accept_once(http, truck, manager, kitchens)
            simulated += [(k.seen[number] - clicked) * 1000 for k in kitchens]
            if page is not None:
                chromium.append(await seen_at(page, number, KDS_CARD) - clicked_epoch)
            await bump(kitchens, number)
            if page is not None:
                await page.wait_for_selector(f"#kds-order-{number}", state="detached")
    for screen in [manager, *kitchens]:
        await screen.close()
    if page is not None:
        await page.context.close()
    return simulated, chromium


async def main_async(args: argparse.Namespace) -> None:
    mode = Mode.parse(args.mode)
    print(run_heading(mode))
    print(
        row(
            "kitchen displays",
            "orders",
            "simulated p50 / p95 / p99 / max ms",
            "Chromium page p50 / p95 / p99 / max ms",
        )
    )
    print(row(*["---"] * 4))
    async with async_playwright() as playwright:
        browser = None if args.no_chromium else await launch(playwright)
        with BenchServer(mode, trucks=1, nice=args.nice) as server:
            for screens in args.screens:
                simulated, chromium = await run(server, screens, args.orders, browser)
                print(row(screens, args.orders, spread(simulated), spread(chromium)), flush=True)
            if errors := server.errors_logged():
                print("server errors:", *errors[:5], sep="\n  ")
        if browser:
            await browser.close()
    print(f"after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--mode", default="embedded", help="embedded, redis2 or redis4")
    parser.add_argument(
        "--nice", type=int, default=0, help="e.g. -10: measure ahead of others' work (root)"
    )
    parser.add_argument("--no-chromium", action="store_true")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
