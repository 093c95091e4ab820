import pytest

from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def _ids(resp):
    assert resp.status_code == 200, resp.content
    return {row["id"] for row in resp.json()["results"]}


def test_each_role_sees_exactly_its_scope(world, api):
    w = world
    all_ids = {w.ent_a.pk, w.ent_b.pk, w.ent_c.pk}
    assert _ids(api(w.bureau).get("/api/v1/enterprises/")) == all_ids
    # The bureau's own inspector covers the whole county.
    assert _ids(api(w.inspector).get("/api/v1/enterprises/")) == all_ids
    # An industry department's inspector sees only what it supervises.
    assert _ids(api(w.inspector_housing).get("/api/v1/enterprises/")) == {w.ent_c.pk}
    assert _ids(api(w.inspector_transport).get("/api/v1/enterprises/")) == {w.ent_b.pk}
    assert _ids(api(w.user_a).get("/api/v1/enterprises/")) == {w.ent_a.pk}
    assert _ids(api(w.user_b).get("/api/v1/enterprises/")) == {w.ent_b.pk}
    # A township leader sees his township's enterprises.
    assert _ids(api(w.leader_t2).get("/api/v1/enterprises/")) == {w.ent_b.pk}


def test_out_of_scope_detail_is_404_like_a_missing_one(world, api):
    w = world
    assert api(w.user_a).get(f"/api/v1/enterprises/{w.ent_a.pk}/").status_code == 200
    assert api(w.user_a).get(f"/api/v1/enterprises/{w.ent_b.pk}/").status_code == 404
    assert api(w.inspector_housing).get(f"/api/v1/enterprises/{w.ent_a.pk}/").status_code == 404
    assert api(w.user_a).get("/api/v1/enterprises/999999/").status_code == 404


def test_anonymous_is_refused(world, api):
    assert api().get("/api/v1/enterprises/").status_code in (401, 403)


def _payload(world, **over):
    data = {
        "name": "新登记化工有限公司",
        "credit_code": "914403001922038216",
        "industry": "hazardous_chemicals",
        "township": world.t1.pk,
        "supervising_department": world.bureau_dept.pk,
        "legal_representative": "周强",
        "employees": 40,
    }
    data.update(over)
    return data


def test_bureau_creates_and_updates(world, api):
    resp = api(world.bureau).post("/api/v1/enterprises/", _payload(world), format="json")
    assert resp.status_code == 201, resp.content
    ent_id = resp.json()["id"]
    resp = api(world.bureau).patch(
        f"/api/v1/enterprises/{ent_id}/", {"status": "suspended"}, format="json"
    )
    assert resp.status_code == 200
    assert Enterprise.objects.get(pk=ent_id).status == "suspended"


@pytest.mark.parametrize("who", ["inspector", "user_a", "leader_a"])
def test_non_bureau_writes_are_refused(world, api, who):
    before = Enterprise.objects.count()
    user = getattr(world, who)
    assert api(user).post("/api/v1/enterprises/", _payload(world), format="json").status_code == 403
    resp = api(user).patch(
        f"/api/v1/enterprises/{world.ent_a.pk}/", {"name": "改名"}, format="json"
    )
    assert resp.status_code == 403
    assert Enterprise.objects.count() == before
    assert Enterprise.objects.get(pk=world.ent_a.pk).name == "甲机械厂"


def test_delete_is_not_offered(world, api):
    assert api(world.bureau).delete(f"/api/v1/enterprises/{world.ent_a.pk}/").status_code == 405


@pytest.mark.parametrize(
    "over,field",
    [
        ({"credit_code": "914403001922038217"}, "credit_code"),
        ({"township": 999999}, "township"),
        ({"township": "城关镇"}, "township"),
        ({"industry": "fishing"}, "industry"),
        ({"employees": -3}, "employees"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_gets_field_errors_and_creates_nothing(world, api, over, field):
    before = Enterprise.objects.count()
    resp = api(world.bureau).post("/api/v1/enterprises/", _payload(world, **over), format="json")
    assert resp.status_code == 400
    assert field in resp.json()
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_refused(world, api):
    resp = api(world.bureau).post(
        "/api/v1/enterprises/", _payload(world, credit_code=world.ent_a.credit_code), format="json"
    )
    assert resp.status_code == 400
    assert "已登记" in resp.json()["credit_code"][0]


def test_malformed_json_is_a_400(world, api):
    before = Enterprise.objects.count()
    resp = api(world.bureau).post(
        "/api/v1/enterprises/", data='{"name": "x",', content_type="application/json"
    )
    assert resp.status_code == 400
    assert "detail" in resp.json()
    assert Enterprise.objects.count() == before


def test_filters(world, api):
    client = api(world.bureau)
    assert _ids(client.get("/api/v1/enterprises/", {"industry": "transport"})) == {world.ent_b.pk}
    assert _ids(client.get("/api/v1/enterprises/", {"township": world.t1.pk})) == {
        world.ent_a.pk,
        world.ent_c.pk,
    }
    assert _ids(client.get("/api/v1/enterprises/", {"department": world.housing.pk})) == {
        world.ent_c.pk
    }
    assert _ids(client.get("/api/v1/enterprises/", {"q": "物流"})) == {world.ent_b.pk}
    assert _ids(client.get("/api/v1/enterprises/", {"q": world.ent_c.credit_code[4:]})) == {
        world.ent_c.pk
    }


def test_reference_lists(world, api):
    resp = api(world.user_a).get("/api/v1/townships/")
    assert resp.status_code == 200
    assert {t["name"] for t in resp.json()} >= {"城关镇", "东坝镇"}
    assert api(world.user_a).get("/api/v1/departments/").status_code == 200


def test_a_trade_enterprise_carries_its_sub_industry(world, api):
    """The 工贸 sub-industry picks the checklist by the 工贸 standard's industry articles."""
    client = api(world.bureau)
    resp = client.post(
        "/api/v1/enterprises/",
        _payload(world, industry="industry_trade", sub_industry="machinery"),
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["sub_industry"] == "machinery"
    ent_id = resp.json()["id"]
    listed = client.get("/api/v1/enterprises/?sub_industry=machinery").json()["results"]
    assert [row["id"] for row in listed] == [ent_id]


def test_a_sub_industry_is_refused_outside_industry_and_trade(world, api):
    client = api(world.bureau)
    before = Enterprise.objects.count()
    resp = client.post(
        "/api/v1/enterprises/", _payload(world, sub_industry="textile"), format="json"
    )
    assert resp.status_code == 400
    assert set(resp.json()) == {"sub_industry"}
    assert Enterprise.objects.count() == before
    # Moving a 工贸 enterprise with a sub-industry to another industry is refused too.
    ent = world.ent_a
    ent.sub_industry = "machinery"
    ent.save()
    resp = client.patch(f"/api/v1/enterprises/{ent.pk}/", {"industry": "transport"}, format="json")
    assert resp.status_code == 400 and set(resp.json()) == {"sub_industry"}
    ent.refresh_from_db()
    assert ent.industry == "industry_trade"


def test_the_database_refuses_a_sub_industry_outside_industry_and_trade(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=world.ent_b.pk).update(sub_industry="textile")


def test_the_demo_county_has_the_speechs_departments():
    from enterprises.demo import (
        COAL_MINE_DEPARTMENT,
        DEPARTMENTS,
        ENTERPRISE_SUB_INDUSTRY,
        ENTERPRISES,
        department_for,
    )

    names = {name for name, _short, _bureau in DEPARTMENTS}
    for word in ("煤炭", "林业", "农业", "电业", "教育和体育", "消防救援"):
        assert any(word in name for name in names), word
    assert COAL_MINE_DEPARTMENT in names
    industry = {name: ind for name, ind, _legal in ENTERPRISES}
    assert department_for("清河县阳光幼儿园", industry["清河县阳光幼儿园"]) == "县教育和体育局"
    assert industry["清河县长青煤矸石砖厂"] == "industry_trade"
    assert ENTERPRISE_SUB_INDUSTRY["清河县长青煤矸石砖厂"] == "building_materials"
    for name in ENTERPRISE_SUB_INDUSTRY:
        assert industry[name] == "industry_trade", name
    for name, ind in industry.items():
        assert department_for(name, ind) in names
