"""The ledger's free-text search ``q``: codes (or pieces of them), titles, enterprises."""

import pytest
from django.db import connection

from tests.support.factories import make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazards(world):
    a = make_hazard(enterprise=world.ent_a, by=world.inspector, title="配电箱未接地")
    b = make_hazard(enterprise=world.ent_b, by=world.inspector, title="消防通道堵塞")
    return a, b


def codes(api, world, q):
    resp = api(world.bureau).get("/api/v1/hazards/", {"q": q})
    assert resp.status_code == 200
    return {row["code"] for row in resp.json()["results"]}


def test_search_by_whole_or_partial_code(world, api, hazards):
    a, b = hazards
    assert codes(api, world, a.code) == {a.code}
    assert codes(api, world, a.code.lower()) == {a.code}
    assert codes(api, world, a.code[-6:]) == {a.code}  # "000001"
    assert codes(api, world, a.code[3:]) == {a.code}  # "2026-000001"


def test_search_by_title_or_enterprise_name(world, api, hazards):
    a, b = hazards
    assert codes(api, world, "配电箱") == {a.code}
    assert codes(api, world, "物流") == {b.code}
    assert codes(api, world, "不存在的隐患") == set()


@pytest.mark.postgres
def test_code_search_has_its_trigram_index():
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'hazard_code_trgm'")
        (definition,) = cur.fetchone()
    assert "gin_trgm_ops" in definition and "upper" in definition.lower()
