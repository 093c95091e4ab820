import os

import pytest
from django.db import connection

from tests.support.api import api_client
from tests.support.world import build_world

pytest_plugins = ["tests.support.collection"]


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL or Redis: skipped locally when absent, but in CI
    (REQUIRE_SERVICES=1) a missing service is a failure, never a silent skip."""
    have_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    have_redis = bool(os.environ.get("REDIS_URL"))
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    for item in items:
        for marker, present, what in (
            ("postgres", have_pg, "DATABASE_URL"),
            ("redis", have_redis, "REDIS_URL"),
        ):
            if item.get_closest_marker(marker) and not present:
                if required:
                    raise pytest.UsageError(f"{item.nodeid} needs {what}, which CI must set")
                item.add_marker(pytest.mark.skip(reason=f"needs {what} (set in CI)"))


@pytest.fixture
def world(db):
    """A small county: the bureau, two departments, three enterprises, users of each role
    (who is who: tests/support/world.py)."""
    return build_world()


@pytest.fixture
def api():
    """An API client factory: api(user) authenticates with that user's token."""
    return api_client


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
