"""A short soak (bench/soak.py) against the e2e server: orders across trucks, screens closing
and new ones connecting every round. Fails on growth that does not stop: the server's memory
after warm-up must stay within 10 %, its open file handles flat, and the screen registry must
not grow with the orders (scaled out, where it is in Redis). The figures of a long run are in
bench/README.md; this one runs 5 rounds of 5 s (longer on a loaded machine: the rounds, not a
time, bound it)."""

from __future__ import annotations

import asyncio

import pytest

from bench.fleet import seed_fleet
from bench.server import group_pids
from bench.soak import Sample, soak

pytestmark = pytest.mark.e2e


def test_a_compressed_service_leaves_memory_file_handles_and_the_registry_flat(app_server):
    trucks = seed_fleet(app_server.db_url, 4)
    redis_url = app_server.env.get("REFLEX_REDIS_URL")
    group = app_server.process.pid
    samples: list[Sample] = asyncio.run(
        soak(
            base_url=app_server.base_url,
            db_url=app_server.db_url,
            trucks=trucks,
            pids=lambda: group_pids(group),
            rounds=5,
            round_seconds=5,
            rate=6,
            screens=12,
            redis_url=redis_url,
            report=print,
        )
    )
    warm, last = samples[2], samples[-1]  # a round of screens and orders first
    assert len(samples) == 6
    assert last.rss_bytes <= warm.rss_bytes * 1.10, (warm, last)
    assert last.file_handles <= warm.file_handles + 10, (warm, last)
    if redis_url:  # a few entries per screen that connected, none per order or push
        grown, connected = last.registry - warm.registry, last.connects - warm.connects
        assert grown <= 6 * connected + 20, (warm, last)
