"""Accept → card visible on N open kitchen displays: p50 / p95 / p99 in milliseconds.

Real Chromium pages (one browser, one signed-in context, N tabs: N kitchen screens, each with its
own Reflex state) against a running app with the demo data. For every order: place it through
the order API, accept it on a manager page (the time is taken in that page just before the
click), and each kitchen page notes with a MutationObserver when the card appeared. The order
is then bumped, so the queue stays the same size between orders. All pages run on this machine,
so their clocks agree.

    python bench/kds_latency.py --base-url http://127.0.0.1:3000 \\
        --db-url sqlite:///data/cliqmenu.db --screens 1 10 50 --orders 20

Chromium itself shares the machine's cores with the server: at N = 50 the numbers include the
browser's own rendering load, so they are an upper bound for the server's fan-out.
"""

from __future__ import annotations

import argparse
import secrets
import statistics

import httpx
from playwright.sync_api import Page, sync_playwright
from sqlmodel import Session, create_engine, select

from cliqmenu import demo
from cliqmenu.models import MenuItem

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
# Notes, in epoch ms, when each card first appeared on this page.
WATCH_CARDS = """
window.__cardSeen = {};
new MutationObserver(() => {
  const now = performance.timeOrigin + performance.now();
  document.querySelectorAll("[data-kds-card]").forEach((el) => {
    const n = el.dataset.orderNumber;
    if (n && !(n in window.__cardSeen)) window.__cardSeen[n] = now;
  });
}).observe(document, { childList: true, subtree: true });
"""


def item_id(db_url: str, name: str = "Smoky Slaw") -> int:
    engine = create_engine(db_url)
    with Session(engine) as session:
        found = session.exec(select(MenuItem.id).where(MenuItem.name == name)).first()
    engine.dispose()
    assert found is not None, f"no {name!r}: is the demo seeded?"
    return found


def place(base_url: str, item: int) -> int:
    answer = httpx.post(
        f"{base_url}/api/trucks/{demo.CBD_TRUCK_SLUG}/orders",
        json={
            "lines": [{"item_id": item, "quantity": 1}],
            "customer_name": "Bench",
            "dining_method": "takeaway",
            "payment_method": "cash_at_counter",
            "idempotency_key": secrets.token_urlsafe(12),
        },
        timeout=15,
    )
    answer.raise_for_status()
    return answer.json()["order_number"]


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_function("!location.pathname.startsWith('/signin')", timeout=30_000)


def accept(manager: Page, base_url: str, number: int) -> float:
    """Accept on the manager page; the epoch ms taken in the page right before the click."""
    manager.goto(f"{base_url}/manage")
    manager.click("#tab-received")
    manager.click(f"#order-{number}")
    manager.wait_for_selector("#accept-order:not([disabled])")
    return manager.evaluate(
        """() => { const t = performance.timeOrigin + performance.now();
                   document.getElementById("accept-order").click(); return t; }"""
    )


def run(base_url: str, db_url: str, screens: int, orders: int) -> list[float]:
    item = item_id(db_url)
    latencies: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        manager = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(manager, base_url, demo.MANAGER_EMAIL, demo.MANAGER_PASSWORD)
        kitchen_context = browser.new_context(viewport={"width": 1280, "height": 720})
        kitchen_context.add_init_script(WATCH_CARDS)
        first = kitchen_context.new_page()
        sign_in(first, base_url, demo.KITCHEN_EMAIL, demo.KITCHEN_PASSWORD)
        kitchens = [first]
        for _ in range(screens - 1):  # one at a time: 50 pages booting at once swamp 2 cores
            page = kitchen_context.new_page()
            page.goto(f"{base_url}/kds")
            page.wait_for_selector("#kds-queue, #kds-empty", timeout=120_000)
            kitchens.append(page)
        for _ in range(orders):
            number = place(base_url, item)
            clicked = accept(manager, base_url, number)
            for page in kitchens:
                page.wait_for_selector(f"#kds-order-{number}", timeout=30_000)
                seen = page.evaluate(f"window.__cardSeen['{number}']")
                latencies.append(seen - clicked)
            first.click(f"#kds-order-{number} .kds-bump")
            for page in kitchens:
                page.wait_for_selector(f"#kds-order-{number}", state="detached", timeout=30_000)
        browser.close()
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:3000")
    parser.add_argument("--db-url", default="sqlite:///data/cliqmenu.db")
    parser.add_argument("--screens", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--orders", type=int, default=20)
    args = parser.parse_args()
    print("| screens | orders | samples | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for screens in args.screens:
        ms = run(args.base_url.rstrip("/"), args.db_url, screens, args.orders)
        print(
            f"| {screens} | {args.orders} | {len(ms)} | {statistics.median(ms):.0f} | "
            f"{percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} | {max(ms):.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
