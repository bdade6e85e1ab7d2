"""Journey: CliqMenu installs as a phone app.

Every page links the web app manifest; the manifest names the app, its colours and icons that
exist in the stated sizes; the service worker registers and activates; offline, a page shows the
honest offline page (no orders), which reconnects by itself; the start URL lands each role on
its view.
"""

from __future__ import annotations

import json
import re
import struct

import pytest
from playwright.sync_api import Page, expect

from cliqmenu import demo_data
from tests.e2e.helpers import at, sign_in, visit

pytestmark = pytest.mark.e2e

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PAGES = [
    "/",
    "/signin",
    f"/t/{demo_data.CBD_TRUCK_SLUG}",
    "/o/no-such-order",
    "/manage",
    "/manage/history",
    "/kds",
    "/admin",
    "/admin/reports",
]
# As the prerendered pages carry them (pwa.js is added to the head by the app once it runs).
HEAD_LINKS = [
    '<link href="/manifest.webmanifest" rel="manifest"/>',
    '<link href="/icons/apple-touch-icon.png" rel="apple-touch-icon" sizes="180x180"/>',
]


def png_size(body: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    assert body[:8] == PNG_SIGNATURE, "not a PNG"
    return struct.unpack(">II", body[16:24])


def linked(page: Page, rel: str) -> str:
    """The href of the page's ``<link rel=...>`` in its head."""
    link = page.locator(f'head link[rel="{rel}"]')
    expect(link).to_have_count(1)
    return link.get_attribute("href") or ""


def read_manifest(page: Page) -> dict:
    answer = page.request.get(linked(page, "manifest"))
    assert answer.ok, answer.status
    return json.loads(answer.body())


SHELL_FILE = re.compile(r"\.(js|css|png|svg|ico|woff2?|webmanifest)$")


def cached_paths(page: Page) -> list[str]:
    """The paths of everything in the page's Cache Storage."""
    return page.evaluate(
        """async () => {
            const paths = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
            }
            return paths;
        }"""
    )


def wait_for_service_worker(page: Page) -> str:
    """Waits for the page's service worker to be active; returns its script URL."""
    return page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            const worker = registration.active;
            if (worker.state !== "activated") {
                await new Promise((done) => worker.addEventListener("statechange", () => {
                    if (worker.state === "activated") done();
                }));
            }
            return worker.scriptURL;
        }"""
    )


def test_every_page_links_the_manifest_and_its_icons_exist_in_their_sizes(screen) -> None:
    page = screen(390, 844, name="phone")
    for path in PAGES:  # as the server sends them, before any redirect of a signed-out visitor
        html = page.request.get(path).text()
        for link in HEAD_LINKS:
            assert link in html, f"{path} has no {link}"

    visit(page, "/signin")
    manifest = read_manifest(page)
    assert manifest["name"] == "CliqMenu OMS"
    assert manifest["short_name"] == "CliqMenu"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["theme_color"] == "#ea580c" and manifest["background_color"]

    stated = set()
    for icon in manifest["icons"]:
        answer = page.request.get(icon["src"])
        assert answer.ok, f"{icon['src']}: {answer.status}"
        assert answer.headers["content-type"] == "image/png" == icon["type"]
        width, height = png_size(answer.body())
        assert f"{width}x{height}" == icon["sizes"], icon["src"]
        stated.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= stated

    apple = page.request.get(linked(page, "apple-touch-icon"))
    assert apple.ok and png_size(apple.body()) == (180, 180)


def test_service_worker_activates_and_offline_pages_say_so_without_orders(screen) -> None:
    manager = screen(390, 844, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    assert wait_for_service_worker(manager).endswith("/sw.js")
    manager.reload()  # now under the service worker's control
    expect(manager.locator(".order-card").first).to_be_visible()
    assert manager.evaluate("navigator.serviceWorker.controller !== null")

    # The shell is kept; pages (they carry orders) and API answers never are.
    cached = cached_paths(manager)
    assert "/offline.html" in cached and any(p.startswith("/assets/") for p in cached), cached
    pages = [p for p in cached if not SHELL_FILE.search(p) and p != "/offline.html"]
    assert pages == [], pages

    manager.context.set_offline(True)
    manager.goto("/manage/history")
    offline = manager.locator("#offline-page")
    expect(offline).to_contain_text("You are offline")
    expect(offline).to_contain_text("Orders are not shown while offline")
    expect(offline).to_contain_text("reconnects by itself")
    expect(manager.locator(".order-card")).to_have_count(0)
    expect(manager.locator("#offline-status")).to_contain_text("Still offline")

    # Back online, the offline page loads the page that was asked for, by itself.
    manager.context.set_offline(False)
    expect(manager.locator("#history-search")).to_be_visible(timeout=20_000)
    expect(manager).to_have_url(at("/manage/history"))


@pytest.mark.parametrize(
    ("email", "password", "view"),
    [
        (demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, "/manage"),
        (demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, "/kds"),
        (demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, "/admin"),
    ],
)
def test_the_start_url_lands_each_role_on_its_view(screen, email, password, view) -> None:
    page = screen(390, 844, name="installed")
    sign_in(page, email, password, lands_on=view)
    start_url = read_manifest(page)["start_url"]
    page.goto(start_url)
    expect(page).to_have_url(at(view))
