"""The real-browser check: one Chromium page beside the simulated screens, timing the same orders.

The page is signed in with the same ``cliq_session`` cookie a sign-in sets, and notes in epoch
milliseconds when each element whose id matches a pattern (a card of an order) first appeared.
"""

from __future__ import annotations

from playwright.async_api import Browser, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
# window.__seen[<number>] = epoch ms when an element with id <prefix><number> first appeared.
WATCH = """
window.__seen = {};
new MutationObserver(() => {
  const now = performance.timeOrigin + performance.now();
  document.querySelectorAll("[id^='%(prefix)s']").forEach((el) => {
    const n = el.id.slice(%(length)d);
    if (/^[0-9]+$/.test(n) && !(n in window.__seen)) window.__seen[n] = now;
  });
}).observe(document, { childList: true, subtree: true });
"""


async def launch(playwright) -> Browser:
    return await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)


async def open_watching(
    browser: Browser, base_url: str, path: str, session_token: str, prefix: str, ready: str
) -> Page:
    """A signed-in page at ``path`` noting when each ``#<prefix><number>`` appears."""
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    await context.add_cookies(
        [
            {
                "name": "cliq_session",
                "value": session_token,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
    await context.add_init_script(WATCH % {"prefix": prefix, "length": len(prefix)})
    page = await context.new_page()
    await page.goto(f"{base_url}{path}")
    await page.wait_for_selector(ready, timeout=120_000)
    return page


async def seen_at(page: Page, number: int, prefix: str, timeout_ms: int = 30_000) -> float:
    """Epoch ms when ``#<prefix><number>`` appeared on the page (waits for it)."""
    await page.wait_for_selector(f"#{prefix}{number}", state="attached", timeout=timeout_ms)
    return await page.evaluate(f"window.__seen['{number}']")
