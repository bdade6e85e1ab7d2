"""Journeys: a screen that dropped out of its audience comes back up to date, and says "Live" only
when it is.

A screen keeps its socket but drops out of the server's audience when its beats stop for longer
than three heartbeats: a tab whose timers the browser holds back (Chrome runs the timers of a tab
hidden for five minutes once a minute; an old or busy tablet behaves alike), a server whose
event loop stalled, a registry that was lost (a Redis flush). Orders pushed meanwhile never
reach it; its next beat must bring them, and the badge must not say "Live" before.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from playwright.sync_api import Page, expect
from redis import Redis

from cliqmenu import demo_data
from cliqmenu.infra.redis_keys import namespace_for
from cliqmenu.realtime.registry import MISSED_HEARTBEATS
from cliqmenu.settings import get_settings
from tests.e2e.helpers import place, sign_in, unique

pytestmark = pytest.mark.e2e

# The registry's age limit for staff screens, and a margin.
LAPSE_S = get_settings().heartbeat_seconds * MISSED_HEARTBEATS + 2 + 3
# One heartbeat, and the time a beat and its answer take on a loaded machine.
ONE_BEAT_MS = get_settings().heartbeat_seconds * 1000 + 3000

# The page's timers, held back on demand: an interval callback runs at most once a minute while
# ``window.cliqThrottle.on`` (what Chrome's intensive wake-up throttling does to a hidden tab).
THROTTLE_TIMERS = """
(() => {
  const realSetInterval = window.setInterval;
  window.cliqThrottle = { on: false, periodMs: 60000 };
  window.setInterval = function (callback, ms, ...args) {
    let ranAt = 0;
    return realSetInterval(() => {
      const now = Date.now();
      if (window.cliqThrottle.on && now - ranAt < window.cliqThrottle.periodMs) return;
      ranAt = now;
      if (typeof callback === "function") callback(...args);
    }, ms);
  };
})();
"""


def manager_screen(screen, name: str = "manager") -> Page:
    manager = screen(390, 844, name=name)
    manager.add_init_script(THROTTLE_TIMERS)
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    expect(manager.locator("#tab-received")).to_be_visible()
    expect_live(manager)
    return manager


def expect_live(page: Page, timeout_ms: float = 15_000) -> None:
    badge = page.locator("#live-badge[data-state='live']")
    expect(badge).to_have_attribute("data-freshness", "live", timeout=timeout_ms)
    expect(badge.locator("[data-sync-label]")).to_contain_text("Live · ")


def test_throttled_screens_catch_up_within_a_beat_and_say_catching_up_until_confirmed(
    screen, app_server
):
    """Two manager screens lapse together (one wait of the age limit serves both cases): one
    comes back when its timers run again, the other when its tab is shown again."""
    throttled, shown = manager_screen(screen, "throttled"), manager_screen(screen, "shown")
    throttled.locator("#tab-received").click()
    for page in (throttled, shown):
        page.evaluate("window.cliqThrottle.on = true")
    time.sleep(LAPSE_S)  # no beat for longer than the age limit: out of the audience
    number = place(app_server, unique("Thea Throttled"))
    time.sleep(3)
    # Both screens were out of their audience, the case this test is for.
    expect(throttled.locator(f"#order-{number}")).to_have_count(0)
    expect(shown.locator(f"#order-{number}")).to_have_count(0)

    # Becoming visible beats at once; "Catching up…" shows until the beat's answer, which
    # comes with the missed order.
    shown.evaluate(
        """() => {
          window.cliqSeen = [];
          const label = document.querySelector('#live-badge [data-sync-label]');
          new MutationObserver(() => window.cliqSeen.push(label.textContent))
            .observe(label, { childList: true, characterData: true, subtree: true });
          window.cliqThrottle.on = false;
          document.dispatchEvent(new Event('visibilitychange'));
        }"""
    )
    throttled.evaluate("window.cliqThrottle.on = false")  # its timers run again
    for page in (shown, throttled):
        expect(page.locator(f"#order-{number}")).to_have_count(1, timeout=ONE_BEAT_MS)
        expect_live(page)
    seen = shown.evaluate("window.cliqSeen")
    assert "Catching up…" in seen, seen

    later = place(app_server, unique("Lena Later"))  # back in the audience: pushed again
    expect(throttled.locator(f"#order-{later}")).to_be_visible(timeout=5_000)


def redis_url() -> str:
    return os.environ.get("REFLEX_REDIS_URL", "")


@pytest.mark.skipif(not redis_url(), reason="the embedded registry lives inside the server process")
def test_a_screen_the_registry_lost_is_up_to_date_by_its_next_beat(screen, app_server):
    """A Redis flush or failover loses every screen's registration; the sockets stay."""
    manager = manager_screen(screen)
    manager.locator("#tab-received").click()
    redis = Redis.from_url(redis_url())
    try:
        namespace = namespace_for(app_server.db_url)
        keys = list(redis.scan_iter(f"cliqmenu:{namespace}:audience:manager:*"))
        assert keys, "the manager screen is registered in Redis"
        redis.delete(*keys)
    finally:
        redis.close()

    number = place(app_server, unique("Rory Redis"))
    expect(manager.locator(f"#order-{number}")).to_be_visible(timeout=ONE_BEAT_MS)
    expect_live(manager)


def test_after_a_server_stall_longer_than_the_age_limit_an_order_shows_within_a_beat(
    screen, app_server
):
    """Every process of the app is stopped (SIGSTOP), as an event loop stalled by a long
    database wait or a swapping machine; the browser keeps waiting on its socket."""
    manager = manager_screen(screen)
    manager.locator("#tab-received").click()
    expect(manager.locator("#tab-received")).to_have_attribute("aria-pressed", "true")
    # The tab's event is done before the stall: an event frozen half-way loses its state lock
    # (Reflex logs that, as it should); this test is about the screens, not that event.
    manager.wait_for_timeout(1000)
    group = app_server.process.pid  # the server leads its own process group
    os.killpg(group, signal.SIGSTOP)
    try:
        time.sleep(LAPSE_S)
    finally:
        os.killpg(group, signal.SIGCONT)

    number = place(app_server, unique("Stella Stalled"))
    expect(manager.locator(f"#order-{number}")).to_be_visible(timeout=ONE_BEAT_MS + 10_000)
    expect_live(manager, timeout_ms=30_000)
