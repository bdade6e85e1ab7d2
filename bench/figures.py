"""Percentiles and the markdown rows the benches print."""

from __future__ import annotations

import statistics


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def spread(ms: list[float]) -> str:
    """``p50 / p95 / p99 / max`` in milliseconds, or a dash when nothing arrived."""
    if not ms:
        return "- / - / - / -"
    return (
        f"{statistics.median(ms):.1f} / {percentile(ms, 0.95):.1f} / "
        f"{percentile(ms, 0.99):.1f} / {max(ms):.1f}"
    )


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}x" if floor else "-"


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"
