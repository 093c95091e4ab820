import os

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f

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
    """A small county: the bureau, two departments, three enterprises, users of each role.

    Naming follows healthchecks' alice/bob/charlie: an owner, a peer of the same kind,
    and an outsider.
    """
    bureau_dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    housing = f.DepartmentFactory(name="县住建局")
    transport = f.DepartmentFactory(name="县交通局")
    t1 = f.TownshipFactory(name="城关镇")
    t2 = f.TownshipFactory(name="东坝镇")
    ent_a = f.EnterpriseFactory(name="甲机械厂", township=t1, supervising_department=bureau_dept)
    ent_b = f.EnterpriseFactory(
        name="乙物流公司", township=t2, supervising_department=transport, industry="transport"
    )
    ent_c = f.EnterpriseFactory(
        name="丙建筑公司", township=t1, supervising_department=housing, industry="construction"
    )

    class World:
        pass

    w = World()
    w.bureau_dept, w.housing, w.transport, w.t1, w.t2 = bureau_dept, housing, transport, t1, t2
    w.ent_a, w.ent_b, w.ent_c = ent_a, ent_b, ent_c
    w.bureau = f.bureau_user(username="bureau", department=bureau_dept)
    w.inspector = f.inspector(bureau_dept, username="inspector")
    w.inspector_housing = f.inspector(housing, username="inspector_housing")
    w.inspector_transport = f.inspector(transport, username="inspector_transport")
    w.user_a = f.enterprise_user(ent_a, username="user_a")
    w.user_a2 = f.enterprise_user(ent_a, username="user_a2")
    w.user_b = f.enterprise_user(ent_b, username="user_b")
    w.user_c = f.enterprise_user(ent_c, username="user_c")
    w.leader_a = f.leader(username="leader_a", enterprise=ent_a)
    w.leader_t2 = f.leader(username="leader_t2", township=t2)
    w.leader_other = f.leader(username="leader_other")
    return w


@pytest.fixture
def api():
    """An API client factory: api(user) authenticates with that user's token."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
