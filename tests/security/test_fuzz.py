"""API fuzzing: schemathesis over the whole OpenAPI schema, as each role.

No 5xx, responses conform to the schema, malformed input is rejected. The number of
examples is bounded so CI stays fast; for a longer run:

    FUZZ_EXAMPLES=200 make test PYTEST_ARGS="tests/security/test_fuzz.py"
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

from config.wsgi import application
from tests.support.collection import collected_node_ids

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


# Generated from the live Django app at collection time (no database needed for that).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

ROLES = ["bureau", "inspector_housing", "user_a", "leader_a", "leader_t2"]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's request signals would close
    the test's database connection after each call (the test Client disconnects them;
    do the same here)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(world):
    from tests.support.factories import make_hazard

    # Objects to find: a hazard per enterprise, one of them failed and escalated.
    make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=world.leader_a
    )
    make_hazard(
        enterprise=world.ent_b, by=world.inspector, person=world.user_b, leader_user=world.leader_t2
    )
    headers = {}
    for role in ROLES:
        token, _ = Token.objects.get_or_create(user=getattr(world, role))
        headers[role] = {"Authorization": f"Token {token.key}"}
    return headers


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_holds_up_under_generated_input(case, role_headers):
    # Every generated request is sent once as each role.
    for headers in role_headers.values():
        case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, negative_data_rejection],
        )


HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def schema_operations() -> set[str]:
    """The operations the served OpenAPI document declares, read without schemathesis."""
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    return {
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method in item
        if method in HTTP_METHODS
    }


def test_fuzz_collects_every_schema_operation(request):
    """The fuzz test above must run once per operation of the schema: a collection or
    scheduling quirk that leaves operations out (see tests/support/collection.py)
    fails here instead of passing quietly with fewer cases."""
    fuzz = test_api_holds_up_under_generated_input.__name__
    node_ids = collected_node_ids(request.config, __name__, fuzz)
    if node_ids is None:
        # Only this test was selected: collect the fuzz test's items here.
        module = request.node.getparent(pytest.Module)
        collector = next(node for node in module.collect() if node.name == fuzz)
        node_ids = [item.nodeid for item in collector.collect()]
    # pytest-xdist schedules by node id: two items with one id run once.
    assert len(set(node_ids)) == len(node_ids), "fuzz cases share node ids"
    labels = [nodeid.partition("[")[2].removesuffix("]") for nodeid in node_ids]
    expected = schema_operations()
    assert expected, "the schema declares no operations"
    assert set(labels) == expected, (
        f"collected {len(labels)} of {len(expected)} operations; "
        f"missing: {sorted(expected - set(labels))}"
    )
