"""The recorded demo: the app with fresh demo data, driven through the whole story in Chromium.

    bash scripts/demo.sh [--out demo-output] [--pause 1.0]

Starts the app as the end-to-end tests do (``cliqmenu migrate``, ``cliqmenu seed-demo``,
``reflex run --env prod`` on a free port, a temp SQLite database of its own), runs demo/story.py,
and leaves a numbered screenshot of every step and a video per screen in the output folder.
Exits 1 when a step fails (its screenshot ends in -FAILED.png) and 2 when the app did not start.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from demo.recorder import Recorder, StepFailed
from demo.story import Screens, Story
from demo.video import ensure_video_encoder
from tests.e2e.conftest import (
    BAD_LOG_LINE,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    AppServer,
    _cliqmenu,
    _free_port,
    _server_env,
    _stop,
    launch,
)


def start_app(workdir: Path) -> AppServer:
    """The app with fresh demo data in ``workdir``, serving on a free port of 127.0.0.1."""
    base_url = f"http://127.0.0.1:{_free_port()}"
    database_url = f"sqlite:///{workdir / 'demo.db'}"
    env = _server_env(database_url, base_url)
    _cliqmenu(["migrate"], env)
    _cliqmenu(["seed-demo"], env)
    return launch(base_url, database_url, workdir / "server.log", env)


def play(server: AppServer, out: Path, pause_s: float) -> Recorder:
    """Run the story in Chromium; screenshots into ``out``, videos into ``out/video``."""
    recorder = Recorder(out, pause_s)
    ensure_video_encoder()
    with sync_playwright() as driver:
        options: dict = {"args": CHROMIUM_ARGS}
        if CHROMIUM.exists():
            options["executable_path"] = str(CHROMIUM)
        browser = driver.chromium.launch(**options)
        screens = Screens(browser, server.base_url, str(out / "video"), {})
        try:
            Story(screens).run(recorder)
        finally:
            for context in screens.contexts.values():
                context.close()  # writes the context's video
            browser.close()
            name_videos(out / "video")
    return recorder


def name_videos(video_dir: Path) -> None:
    """Each screen's video as video/<screen>.webm (Playwright names them by a random id)."""
    for screen_dir in sorted(p for p in video_dir.glob("*") if p.is_dir()):
        for number, video in enumerate(sorted(screen_dir.glob("*.webm"))):
            suffix = f"-{number + 1}" if number else ""
            video.rename(video_dir / f"{screen_dir.name}{suffix}.webm")
        shutil.rmtree(screen_dir)


def server_errors(log: Path) -> list[str]:
    """The ERROR and Traceback lines of the server's log."""
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if BAD_LOG_LINE.search(line)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "demo-output", help="output folder")
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds to hold each step's screen (video)"
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    (out / "video").mkdir(parents=True)

    workdir = Path(tempfile.mkdtemp(prefix="cliqmenu-demo-"))
    started = time.monotonic()
    print(f"Starting CliqMenu with fresh demo data ({workdir}) ...", flush=True)
    try:
        server = start_app(workdir)
    except RuntimeError as error:
        print(f"The app did not start:\n{error}", file=sys.stderr)
        return 2
    print(f"Serving {server.base_url} after {time.monotonic() - started:.0f} s", flush=True)
    try:
        recorder = play(server, out, args.pause)
    except StepFailed as failure:
        print(f"\nDEMO FAILED: {failure}\nScreenshots so far: {out}", file=sys.stderr)
        return 1
    finally:
        if server.process is not None:
            _stop(server.process)
        shutil.copyfile(server.log_path, out / "server.log")
        shutil.rmtree(workdir, ignore_errors=True)
    if errors := server_errors(out / "server.log"):
        print("\nDEMO FAILED: the server logged errors:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    print(f"\nDemo done: {len(recorder.shots)} steps in {time.monotonic() - started:.0f} s.")
    print(f"Screenshots: {out}\nVideos:      {out / 'video'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
