"""Where the server's time goes: py-spy samples of every server process, summed by function.

``Profiler`` records the server's process tree with ``py-spy record --subprocesses -f raw`` (one
collapsed stack per line, with its sample count) while a shape runs; ``summary`` prints the
functions holding most samples, inclusive (anywhere on the stack) and self (on top).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

OURS = ("cliqmenu/", "reflex/", "reflex_base/", "socketio/", "engineio/", "sqlalchemy/", "json")


class Profiler:
    def __init__(self, pid: int, out: Path, rate: int = 100) -> None:
        py_spy = Path(sys.executable).parent / "py-spy"
        self.out = out
        self.process = subprocess.Popen(
            [
                str(py_spy),
                "record",
                "-p",
                str(pid),
                "--subprocesses",
                "--nonblocking",
                "-r",
                str(rate),
                "-f",
                "raw",
                "-o",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        self.process.wait(timeout=60)


def _frame_name(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:line)"
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    short = "/".join(path.split("/")[-2:])
    return f"{name} ({short})"


def summary(raw: Path, top: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if "(" in f]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count
    lines = [f"{total} samples", "", "inclusive (on the stack):"]
    lines += [f"  {n * 100 / total:5.1f} %  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "self (on top of the stack):"]
    lines += [f"  {n * 100 / total:5.1f} %  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1])))
