"""The ledger page /hazards/: scope, the API's filters, sort, pages, export link,
and a number of queries that does not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard, Level
from tests.support import factories as f

URL = reverse("hazard-list")


def codes(response) -> list[str]:
    return [h.code for h in response.context["page"].object_list]


def make_overdue(hazard, days: int = 2) -> None:
    Hazard.objects.filter(pk=hazard.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=days)
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_each_user_sees_only_hazards_in_scope(world, hazard_a, hazard_b, login):
    # owner: enterprise A's user sees A's hazard only
    assert codes(login(world.user_a).get(URL)) == [hazard_a.code]
    # peer of the same kind at another enterprise sees only its own
    assert codes(login(world.user_b).get(URL)) == [hazard_b.code]
    # outsider: the housing inspector supervises neither enterprise
    response = login(world.inspector_housing).get(URL)
    assert codes(response) == []
    assert 'data-testid="ledger-count">0<' in response.content.decode()
    # the bureau sees both
    assert set(codes(login(world.bureau).get(URL))) == {hazard_a.code, hazard_b.code}


@pytest.mark.parametrize(
    "query",
    [
        "overdue=true",
        "state=open",
        "state=rectifying&state=pending_review",
        "level=major",
        "q=叉车",
        "deadline_before=2999-01-01",
        "escalated=false&overdue=false",
    ],
)
def test_count_equals_the_api_count_for_the_same_filters(world, login, api, query):
    today = timezone.localdate()
    for _i in range(3):
        f.make_hazard(enterprise=world.ent_a, by=world.bureau, person=world.user_a)
    overdue = f.make_hazard(enterprise=world.ent_b, by=world.bureau, title="叉车制动失灵")
    make_overdue(overdue)
    f.make_hazard(
        enterprise=world.ent_c,
        by=world.bureau,
        level=Level.MAJOR,
        emergency_plan="停用并设置警戒",
        deadline=today + dt.timedelta(days=40),
    )
    page = login(world.bureau).get(f"{URL}?{query}")
    api_count = api(world.bureau).get(f"/api/v1/hazards/?{query}").json()["count"]
    assert page.status_code == 200
    assert page.context["page"].paginator.count == api_count
    assert f'data-testid="ledger-count">{api_count}<' in page.content.decode()


def test_search_and_overdue_filter_narrow_the_list(world, login):
    a = f.make_hazard(enterprise=world.ent_a, by=world.bureau, title="消防通道堵塞")
    b = f.make_hazard(enterprise=world.ent_a, by=world.bureau, title="配电箱未接地")
    make_overdue(b)
    client = login(world.bureau)
    assert codes(client.get(URL, {"q": "消防"})) == [a.code]
    assert codes(client.get(URL, {"overdue": "true"})) == [b.code]
    assert codes(client.get(URL, {"q": world.ent_a.name[:2]})) != []


def test_sort_by_deadline_both_ways(world, login):
    today = timezone.localdate()
    late = f.make_hazard(
        enterprise=world.ent_a, by=world.bureau, deadline=today + dt.timedelta(days=30)
    )
    early = f.make_hazard(
        enterprise=world.ent_a, by=world.bureau, deadline=today + dt.timedelta(days=3)
    )
    client = login(world.bureau)
    assert codes(client.get(URL, {"ordering": "deadline"})) == [early.code, late.code]
    assert codes(client.get(URL, {"ordering": "-deadline"})) == [late.code, early.code]
    # default: newest first
    assert codes(client.get(URL)) == [early.code, late.code]


def test_pages_and_export_link_keep_the_filters(world, login):
    for _ in range(27):
        f.make_hazard(enterprise=world.ent_a, by=world.bureau, person=world.user_a)
    client = login(world.bureau)
    first = client.get(URL, {"state": "rectifying", "ordering": "code"})
    second = client.get(URL, {"state": "rectifying", "ordering": "code", "page": 2})
    assert len(codes(first)) == 25 and len(codes(second)) == 2
    assert not set(codes(first)) & set(codes(second))
    html = first.content.decode()
    assert 'href="/api/v1/hazards/export/?state=rectifying&amp;ordering=code"' in html
    assert "page=2" in html
    # the export link serves the same filtered set
    export = client.get("/api/v1/hazards/export/?state=rectifying&ordering=code")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_malformed_filter_is_shown_next_to_the_field_not_a_500(world, hazard_a, login):
    response = login(world.bureau).get(URL, {"deadline_after": "明天", "level": "huge"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-deadline_after"' in html
    assert 'data-testid="error-level"' in html


def test_enterprise_filter_from_a_drill_down_is_shown_and_removable(world, hazard_a, login):
    response = login(world.bureau).get(URL, {"enterprise": world.ent_a.pk})
    html = response.content.decode()
    assert world.ent_a.name in html
    assert codes(response) == [hazard_a.code]
    assert f'name="enterprise" value="{world.ent_a.pk}"' in html


@pytest.mark.parametrize("query", ["", "state=open&ordering=deadline", "enterprise=1&overdue=true"])
def test_ledger_query_count_does_not_grow_with_the_data(world, login, query):
    client = login(world.bureau)

    def count_queries() -> int:
        client.get(URL + "?" + query)  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL + "?" + query)
        assert response.status_code == 200
        return len(ctx)

    for _ in range(10):
        f.make_hazard(enterprise=world.ent_a, by=world.bureau)
    ten = count_queries()
    for _ in range(30):
        f.make_hazard(enterprise=world.ent_b, by=world.bureau)
    forty = count_queries()
    assert ten == forty
    assert forty <= 12
