"""Campaigns (专项整治 / 安全生产大检查) and their progress, counted in SQL."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards.models import Hazard
from inspections.models import Campaign, InspectionKind
from tests.support import factories as f
from tests.support.factories import in_days, make_hazard


@pytest.fixture
def campaign(world):
    c = Campaign.objects.create(
        name="工贸行业粉尘涉爆专项整治",
        kind="special",
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    c.set_industries(["industry_trade", "construction"])
    c.townships.set([world.t1])
    return c


def _progress_world(world, campaign, start):
    """In scope: ent_a (industry_trade, t1), ent_c (construction, t1), one more
    industry_trade enterprise in t1, and a closed one that does not count.
    Out of scope: ent_b (transport, t2), an industry_trade one in t2."""
    extra = f.EnterpriseFactory(
        name="丁五金厂", township=world.t1, supervising_department=world.bureau_dept
    )
    f.EnterpriseFactory(
        name="已关闭厂",
        township=world.t1,
        status="closed",
        supervising_department=world.bureau_dept,
    )
    f.EnterpriseFactory(
        name="外镇工厂", township=world.t2, supervising_department=world.bureau_dept
    )

    a = start(campaign=campaign, kind=InspectionKind.SPECIAL)
    a2 = start(campaign=campaign, kind=InspectionKind.SPECIAL)  # the same enterprise twice
    c = start(enterprise=world.ent_c, campaign=campaign, kind=InspectionKind.SPECIAL)
    start(enterprise=extra)  # not in the campaign

    open_ = make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=a)
    closed = make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=a2)
    closed.submit(by=world.user_a, note="已整改")
    closed.review(by=world.inspector, passed=True)
    overdue = make_hazard(enterprise=world.ent_c, by=world.inspector, inspection=c)
    Hazard.objects.filter(pk=overdue.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    voided = make_hazard(enterprise=world.ent_c, by=world.inspector, inspection=c)
    voided.void(by=world.bureau, reason="重复登记")
    make_hazard(enterprise=extra, by=world.inspector)  # not from the campaign
    return open_, closed, overdue


def test_progress_counts_match_the_rows_behind_them(world, campaign, start):
    _progress_world(world, campaign, start)
    assert campaign.progress() == {
        "enterprises_total": 3,  # ent_a, ent_c, 丁五金厂 (not the closed one, not t2)
        "enterprises_inspected": 2,  # ent_a (twice), ent_c
        "inspections_count": 3,
        "hazards_found": 3,  # the voided one does not count
        "hazards_remediated": 1,
        "hazards_overdue": 1,
    }


def test_progress_is_counted_within_the_callers_scope(world, campaign, start, api):
    _progress_world(world, campaign, start)
    body = api(world.inspector_housing).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    # 住建局 supervises only ent_c.
    assert body["progress"] == {
        "enterprises_total": 1,
        "enterprises_inspected": 1,
        "inspections_count": 1,
        "hazards_found": 1,
        "hazards_remediated": 0,
        "hazards_overdue": 1,
        "remediation_rate": 0.0,
    }
    body = api(world.bureau).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert body["progress"]["hazards_found"] == 3
    assert body["progress"]["remediation_rate"] == round(1 / 3, 4)
    assert body["industries"] == ["construction", "industry_trade"]
    assert body["townships"] == [world.t1.pk]


def test_a_campaign_with_no_sectors_or_townships_covers_the_county(world):
    c = Campaign.objects.create(
        name="安全生产大检查", kind="comprehensive", starts_on=in_days(-1), ends_on=in_days(1)
    )
    assert c.progress()["enterprises_total"] == 3


def test_campaign_list_queries_do_not_grow_with_campaigns(world, api, campaign):
    client = api(world.bureau)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/campaigns/").status_code == 200
    for n in range(5):
        c = Campaign.objects.create(
            name=f"活动{n}", kind="special", starts_on=in_days(0), ends_on=in_days(9)
        )
        c.set_industries(["mining"])
        c.townships.set([world.t2])
    with CaptureQueriesContext(connection) as six:
        res = client.get("/api/v1/campaigns/")
    assert res.json()["count"] == 6
    assert len(six) == len(one)


def test_the_bureau_creates_and_edits_campaigns(world, api):
    client = api(world.bureau)
    res = client.post(
        "/api/v1/campaigns/",
        {
            "name": "危化品专项整治",
            "kind": "special",
            "industries": ["hazardous_chemicals"],
            "townships": [world.t1.pk, world.t2.pk],
            "starts_on": in_days(0).isoformat(),
            "ends_on": in_days(60).isoformat(),
        },
        format="json",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["industries"] == ["hazardous_chemicals"]
    assert body["progress"]["enterprises_total"] == 0
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.created_by == world.bureau

    res = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/",
        {"industries": ["industry_trade"], "townships": [world.t1.pk]},
        format="json",
    )
    assert res.status_code == 200, res.content
    assert res.json()["industries"] == ["industry_trade"]
    assert res.json()["progress"]["enterprises_total"] == 1  # ent_a


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"industries": ["space"]}, "industries"),
        ({"townships": [999999]}, "townships"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"kind": "routine"}, "kind"),
        ({"starts_on": "soon"}, "starts_on"),
    ],
)
def test_bad_campaigns_are_400_and_write_nothing(world, api, payload, field):
    data = {
        "name": "测试活动",
        "kind": "special",
        "starts_on": in_days(0).isoformat(),
        "ends_on": in_days(10).isoformat(),
        **payload,
    }
    res = api(world.bureau).post("/api/v1/campaigns/", data, format="json")
    assert res.status_code == 400
    assert field in res.json()
    assert not Campaign.objects.exists()


def test_only_the_bureau_writes_campaigns(world, api, campaign):
    for user in (world.inspector, world.user_a, world.leader_a):
        client = api(user)
        assert client.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200
        res = client.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "改名"}, format="json")
        assert res.status_code == 403
        res = client.post(
            "/api/v1/campaigns/",
            {"name": "x", "kind": "special", "starts_on": "2026-01-01", "ends_on": "2026-02-01"},
            format="json",
        )
        assert res.status_code == 403
    campaign.refresh_from_db()
    assert campaign.name == "工贸行业粉尘涉爆专项整治"
    assert Campaign.objects.count() == 1


def test_inspections_filter_by_campaign_and_warn_outside_it(world, api, campaign, start):
    inside = start(campaign=campaign)
    start()
    client = api(world.inspector)
    res = client.get(f"/api/v1/inspections/?campaign={campaign.pk}")
    assert [r["id"] for r in res.json()["results"]] == [inside.pk]
    res = client.post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_b.pk, "kind": "special", "campaign": campaign.pk},
        format="json",
    )
    assert res.status_code == 201
    assert "该企业不在专项检查活动的行业或乡镇范围内。" in res.json()["warnings"]


def test_a_draft_can_join_a_campaign(world, api, campaign, start):
    inspection = start()
    res = api(world.inspector).patch(
        f"/api/v1/inspections/{inspection.pk}/", {"campaign": campaign.pk}, format="json"
    )
    assert res.status_code == 200, res.content
    assert res.json()["campaign"] == campaign.pk
    assert campaign.progress()["inspections_count"] == 1


@pytest.mark.parametrize("kind", ["illegal_mining", "illegal_business"])
def test_crackdown_campaigns_are_their_own_kinds(world, api, kind):
    """打击非法开采 and 打击非法生产经营 (the speech's 打非) are campaigns of their own."""
    res = api(world.bureau).post(
        "/api/v1/campaigns/",
        {
            "name": "打非治违专项行动",
            "kind": kind,
            "starts_on": in_days(0).isoformat(),
            "ends_on": in_days(90).isoformat(),
        },
        format="json",
    )
    assert res.status_code == 201, res.content
    assert res.json()["kind"] == kind
