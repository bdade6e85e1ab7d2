"""Numbered steps of the demo: each is printed, run, and photographed into the output folder."""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page


class StepFailed(Exception):
    """A step of the story did not happen as it should; the demo stops there."""


@dataclass
class Recorder:
    """Runs the story's steps in order, one screenshot each: ``01-customer-opens-the-menu.png``."""

    out: Path
    pause_s: float = 1.0  # after each step, so the videos can be followed
    number: int = 0
    shots: list[Path] = field(default_factory=list)

    def step(self, title: str, shows: Callable[[], Page], action: Callable[[], None]) -> None:
        """Run ``action``, then photograph the page ``shows()`` returns; raise StepFailed."""
        self.number += 1
        name = f"{self.number:02d}-{_slug(title)}"
        print(f"[{self.number:2d}] {title} ...", flush=True)
        started = time.monotonic()
        try:
            action()
        except Exception as error:
            self._photograph(shows, f"{name}-FAILED.png")
            traceback.print_exc()
            raise StepFailed(f"step {self.number} failed: {title}: {error}") from error
        shot = self._photograph(shows, f"{name}.png")
        print(f"     ok in {time.monotonic() - started:.1f} s -> {shot}", flush=True)

    def _photograph(self, shows: Callable[[], Page], file_name: str) -> Path:
        path = self.out / file_name
        try:
            page = shows()
            page.wait_for_timeout(400)  # let the last live update paint
            page.screenshot(path=str(path))
            page.wait_for_timeout(self.pause_s * 1000)
        except Exception as error:  # a crashed page must not hide why the step failed
            print(f"     no screenshot: {error}", flush=True)
        self.shots.append(path)
        return path


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
