"""The state-layer fixtures (a tab's state tree on the test's own database) for attack tests."""

from tests.state.conftest import app_engine, root  # noqa: F401
