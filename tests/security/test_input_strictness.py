"""Malformed query and body values are refused (400, named field), never guessed or 500."""

import pytest

from inspections.models import Campaign

pytestmark = pytest.mark.django_db

HUGE = "486708647563208691810304"  # beyond BIGINT


@pytest.mark.parametrize(
    "url,field",
    [
        (f"/api/v1/escalations/?leader={HUGE}", "leader"),
        ("/api/v1/escalations/?round=1.5", "round"),
        (f"/api/v1/hazards/?township={HUGE}", "township"),
        (f"/api/v1/hazards/?enterprise={HUGE}", "enterprise"),
        ("/api/v1/hazards/?deadline_before=10/25/2026", "deadline_before"),
        ("/api/v1/hazards/?created_after=2026-13-01", "created_after"),
        ("/api/v1/hazards/?overdue=maybe", "overdue"),
        ("/api/v1/hazards/export/?escalated=null", "escalated"),
        ("/api/v1/enterprises/?department=1.5", "department"),
        ("/api/v1/hazards/?page_size=null", "page_size"),
        ("/api/v1/hazards/?page_size=0", "page_size"),
        ("/api/v1/enterprises/?page_size=-5", "page_size"),
    ],
)
def test_malformed_query_values_are_400_naming_the_field(world, api, url, field):
    resp = api(world.bureau).get(url)
    assert resp.status_code == 400, resp.content
    assert field in resp.json()


def test_page_size_over_the_maximum_is_capped_at_200(world, api):
    resp = api(world.bureau).get("/api/v1/townships/?page_size=500")
    assert resp.status_code == 200
    resp = api(world.bureau).get("/api/v1/hazards/?page_size=500")
    assert resp.status_code == 200


def test_numbers_where_text_belongs_are_refused(world, api):
    resp = api(world.bureau).patch(
        f"/api/v1/enterprises/{world.ent_a.pk}/", {"address": 12345}, format="json"
    )
    assert resp.status_code == 400
    assert "address" in resp.json()
    world.ent_a.refresh_from_db()
    assert world.ent_a.address == ""


def test_a_list_of_ids_must_be_a_list(world, api):
    before = Campaign.objects.count()
    resp = api(world.bureau).post(
        "/api/v1/campaigns/",
        {
            "name": "危化品专项整治",
            "kind": "special",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "townships": {},
        },
        format="json",
    )
    assert resp.status_code == 400, resp.content
    assert "townships" in resp.json()
    assert Campaign.objects.count() == before


def test_a_list_of_choices_must_be_a_list(world, api):
    before = Campaign.objects.count()
    resp = api(world.bureau).post(
        "/api/v1/campaigns/",
        {
            "name": "交通运输专项整治",
            "kind": "special",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "industries": {"transport": 1},
        },
        format="json",
    )
    assert resp.status_code == 400, resp.content
    assert "industries" in resp.json()
    assert Campaign.objects.count() == before


def test_an_empty_filter_means_no_filter(world, api):
    # What a browser sends for an untouched field of the ledger's filter form.
    full = api(world.bureau).get("/api/v1/hazards/").json()["count"]
    resp = api(world.bureau).get("/api/v1/hazards/?deadline_before=&township=&overdue=")
    assert resp.status_code == 200
    assert resp.json()["count"] == full
