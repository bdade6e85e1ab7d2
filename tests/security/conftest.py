"""The state-layer fixtures (a tab's state tree on the test's own database) for attack tests."""

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from cliqmenu.api import build_api
from tests.state.conftest import app_engine, root  # noqa: F401


@pytest.fixture
def cookie_route(app_engine: Engine) -> Iterator[TestClient]:  # noqa: F811
    """The app's HTTP routes in-process, on the test's database; the client keeps cookies like a
    browser and does not follow redirects."""
    with TestClient(build_api(), base_url="http://testserver", follow_redirects=False) as client:
        yield client
