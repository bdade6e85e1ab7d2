"""axe-core on a page as it stands, in the light and the dark theme: the audit's one tool, shared
by tests/e2e/test_audit.py and the first-run set-up page's audit in tests/e2e/test_owner.py (the
only place with an empty install)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, ViewportSize

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
Theme = Literal["light", "dark"]
RULES = {
    "type": "tag",
    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
}
BLOCKING = ("serious", "critical")
SHOTS = os.environ.get("CLIQMENU_AUDIT_SHOTS") == "1"
ROOT_THEME = '.radix-themes[data-is-root-theme="true"]'

AXE = Axe()
MINOR: dict[str, set[str]] = {}


def write_minor(file_name: str) -> None:
    """The minor and moderate findings so far, one line a rule, into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{rule}: {'; '.join(sorted(where))}" for rule, where in sorted(MINOR.items())]
    (ARTIFACTS / file_name).write_text("\n".join(lines) + "\n" if lines else "none\n")


def use_theme(page: Page, theme: Theme) -> None:
    """Set the device's colour scheme; the page follows it (its root theme's class)."""
    page.emulate_media(color_scheme=theme)
    page.wait_for_function(
        "([sel, theme]) => document.querySelector(sel)?.classList.contains(theme)",
        arg=[ROOT_THEME, theme],
        timeout=5000,
    )


class Auditor:
    """Runs axe on the page as it is now and keeps what it found, for one assert at the end."""

    def __init__(self, page: Page, rest: ViewportSize = PHONE) -> None:
        """``rest``: the size the page is left at after each check."""
        self.page, self.rest, self.found = page, rest, []

    def check(
        self,
        where: str,
        sizes: tuple[ViewportSize, ...] = (PHONE, DESKTOP),
        dark: bool = True,
        messages: bool = False,
    ) -> None:
        """Audit at each of ``sizes`` in the light theme, then (``dark``) in the dark theme at
        the first size.

        Each run starts at the top of the page (as a person opening this state sees it): where
        a page is scrolled to would decide what its sticky header covers. A message (toast)
        lies over the page for a few seconds by design: it is hidden for the run, unless
        ``messages``, when the run audits the messages alone.
        """
        for size in sizes:
            self._run(where, size, "light", messages)
        if dark:
            use_theme(self.page, "dark")
            self._run(where, sizes[0], "dark", messages)
            use_theme(self.page, "light")
        self.page.set_viewport_size(self.rest)
        self.page.evaluate("document.getElementById('audit-no-toasts')?.remove()")

    def _run(self, where: str, size: ViewportSize, theme: Theme, messages: bool) -> None:
        self.page.set_viewport_size(size)
        self.page.evaluate(
            """hide => { window.scrollTo(0, 0);
            let style = document.getElementById('audit-no-toasts');
            if (hide && !style) {
              style = document.createElement('style');
              style.id = 'audit-no-toasts';
              style.textContent = '[data-sonner-toaster] { display: none !important; }';
              document.head.appendChild(style);
            } else if (!hide && style) style.remove(); }""",
            not messages,
        )
        self.page.wait_for_timeout(150)  # layout settles (breakpoints)
        options = {"runOnly": RULES, "resultTypes": ["violations"]}
        context = "[data-sonner-toaster]" if messages else None
        results = AXE.run(self.page, context=context, options=options).response
        label = f"{where} {size['width']}px {theme}"
        if SHOTS and size == PHONE:
            folder = ARTIFACTS / "audit"
            folder.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w-]+", "-", f"{where}-{theme}").strip("-")
            self.page.screenshot(path=str(folder / f"{name}.png"))
        for violation in results["violations"]:
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:4]]
            if violation["impact"] in BLOCKING:
                self.found.append(
                    f"{label}: {violation['id']} ({violation['impact']}) "
                    f"{violation['help']}: {targets}"
                )
            else:
                MINOR.setdefault(f"{violation['id']} ({violation['impact']})", set()).add(
                    f"{where} {targets}"
                )

    def assert_clean(self) -> None:
        assert not self.found, "serious or critical violations:\n" + "\n".join(self.found)
