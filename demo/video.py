"""Playwright records video through its own ffmpeg build, which it downloads from its CDN (out of
reach here). imageio-ffmpeg (PyPI) ships an ffmpeg with the VP8 encoder Playwright uses: when
Playwright's own is missing, it is linked where Playwright looks, in a browsers folder under
.tools/ that PLAYWRIGHT_BROWSERS_PATH then names.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import playwright

from tests.e2e.conftest import ROOT

BROWSERS = ROOT / ".tools" / "ms-playwright"


def _ffmpeg_revision() -> str:
    listing = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    browsers = json.loads(listing.read_text())["browsers"]
    return next(browser["revision"] for browser in browsers if browser["name"] == "ffmpeg")


def _default_browsers() -> Path:
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    return Path(configured) if configured else Path.home() / ".cache" / "ms-playwright"


def ensure_video_encoder() -> None:
    """Make sure Playwright finds an ffmpeg for record_video_dir (Linux only)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere: `playwright install ffmpeg`
    folder = f"ffmpeg-{_ffmpeg_revision()}"
    if (_default_browsers() / folder / "ffmpeg-linux").exists():
        return
    import imageio_ffmpeg

    link = BROWSERS / folder / "ffmpeg-linux"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.unlink(missing_ok=True)  # a dangling link from an older venv
        link.symlink_to(imageio_ffmpeg.get_ffmpeg_exe())
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(BROWSERS)
