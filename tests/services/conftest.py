"""Fixtures of the service tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.push_service import PushService


@pytest.fixture
def push(configure: Callable[..., None]) -> Iterator[PushService]:
    """A running push service double, and the app told that devices may name it."""
    service = PushService().start()
    configure(push_service_hosts="127.0.0.1", push_retry_seconds=10, push_max_attempts=3)
    yield service
    service.stop()
