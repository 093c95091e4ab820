"""Starting, reading and editing inspections through the API, within scope."""

import datetime as dt

import pytest
from django.utils import timezone

from inspections.models import Inspection, InspectionItem
from tests.support import factories as f


def test_an_inspector_starts_an_inspection_and_is_on_it_by_default(world, api):
    res = api(world.inspector).post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_a.pk, "kind": "spot", "summary": "夜间抽查"},
        format="json",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["inspectors"] == [world.inspector.pk]
    assert body["inspected_on"] == timezone.localdate().isoformat()
    assert body["hazards"] == [] and body["items_count"] == 0
    # Law enforcement needs two inspectors: warned, not blocked.
    assert "执法检查应有两名以上检查人员。" in body["warnings"]
    inspection = Inspection.objects.get(pk=body["id"])
    assert inspection.created_by == world.inspector and inspection.status == "draft"


def test_two_inspectors_clear_the_warning(world, api):
    peer = f.inspector(world.bureau_dept, username="peer")
    res = api(world.inspector).post(
        "/api/v1/inspections/",
        {
            "enterprise": world.ent_a.pk,
            "kind": "routine",
            "inspectors": [world.inspector.pk, peer.pk],
        },
        format="json",
    )
    assert res.status_code == 201
    assert res.json()["warnings"] == []


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"kind": "routine"}, "enterprise"),
        ({"enterprise": 999999, "kind": "routine"}, "enterprise"),
        ({"enterprise": "abc", "kind": "routine"}, "enterprise"),
        ({"kind": "weekly"}, "kind"),
        ({"inspectors": [999999]}, "inspectors"),
        ({"inspectors": "me"}, "inspectors"),
        ({"template": 999999}, "template"),
        ({"campaign": 999999}, "campaign"),
        ({"inspected_on": "2999-01-01"}, "inspected_on"),
        ({"inspected_on": "yesterday"}, "inspected_on"),
        ({"kind": "follow_up"}, "original"),  # a follow-up needs its original
    ],
)
def test_bad_input_is_400_and_writes_nothing(world, api, payload, field):
    data = {"enterprise": world.ent_a.pk, "kind": "routine", **payload}
    if "enterprise" not in payload and field == "enterprise":
        data.pop("enterprise")
    res = api(world.inspector).post("/api/v1/inspections/", data, format="json")
    assert res.status_code == 400, res.content
    assert field in res.json()
    assert not Inspection.objects.exists()


def test_an_enterprise_user_cannot_be_listed_as_an_inspector(world, api):
    res = api(world.inspector).post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_a.pk, "kind": "routine", "inspectors": [world.user_a.pk]},
        format="json",
    )
    assert res.status_code == 400
    assert "inspectors" in res.json()
    assert not Inspection.objects.exists()


def test_an_enterprise_out_of_scope_is_400_and_writes_nothing(world, api):
    # ent_c is supervised by 住建局; a 交通局 inspector may not inspect it.
    res = api(world.inspector_transport).post(
        "/api/v1/inspections/", {"enterprise": world.ent_c.pk, "kind": "routine"}, format="json"
    )
    assert res.status_code == 400
    assert "enterprise" in res.json()
    assert not Inspection.objects.exists()


def test_a_retired_template_cannot_be_used(world, api, checklist):
    checklist.is_active = False
    checklist.save()
    res = api(world.inspector).post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_a.pk, "kind": "routine", "template": checklist.pk},
        format="json",
    )
    assert res.status_code == 400
    assert "template" in res.json()
    assert not InspectionItem.objects.exists()


def test_a_template_of_another_industry_is_warned_about(world, api, checklist):
    res = api(world.inspector).post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_b.pk, "kind": "routine", "template": checklist.pk},
        format="json",
    )
    assert res.status_code == 201
    assert "所选检查表的行业与企业行业不一致。" in res.json()["warnings"]


class TestScope:
    """Owner (the housing inspector who started it), peer (another housing inspector),
    outsider (a transport inspector): the outsider gets 404 on every route."""

    @pytest.fixture
    def setup(self, world, checklist):
        peer = f.inspector(world.housing, username="housing_peer")
        inspection = Inspection.start(
            by=world.inspector_housing,
            enterprise=world.ent_c,
            kind="routine",
            template=checklist,
            inspectors=[world.inspector_housing, peer],
        )
        return inspection, peer

    def test_owner_and_peer_read_it(self, world, api, setup):
        inspection, peer = setup
        for user in (world.inspector_housing, peer, world.bureau, world.inspector):
            client = api(user)
            assert client.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 200
            ids = [row["id"] for row in client.get("/api/v1/inspections/").json()["results"]]
            assert ids == [inspection.pk]

    def test_outsider_gets_404_everywhere_and_changes_nothing(self, world, api, setup):
        inspection, _ = setup
        item = inspection.items.first()
        client = api(world.inspector_transport)
        base = f"/api/v1/inspections/{inspection.pk}"
        assert client.get("/api/v1/inspections/").json()["results"] == []
        assert client.get(f"{base}/").status_code == 404
        assert client.patch(f"{base}/", {"summary": "x"}, format="json").status_code == 404
        assert client.get(f"{base}/items/").status_code == 404
        assert (
            client.patch(f"{base}/items/{item.pk}/", {"result": "pass"}, format="json").status_code
            == 404
        )
        assert client.post(f"{base}/finalize/").status_code == 404
        assert client.get(f"{base}/notice.pdf").status_code == 404
        assert client.get(f"{base}/follow-up/").status_code == 404
        inspection.refresh_from_db()
        item.refresh_from_db()
        assert inspection.summary == "" and inspection.status == "draft"
        assert item.result == ""

    def test_enterprise_users_and_leaders_are_refused(self, world, api, setup):
        inspection, _ = setup
        for user in (world.user_c, world.leader_a):
            client = api(user)
            assert client.get("/api/v1/inspections/").status_code == 403
            assert client.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 403

    def test_an_item_of_another_inspection_is_404(self, world, api, setup, start, checklist):
        inspection, _ = setup
        other = start(template=checklist)
        res = api(world.inspector).patch(
            f"/api/v1/inspections/{inspection.pk}/items/{other.items.first().pk}/",
            {"result": "pass"},
            format="json",
        )
        assert res.status_code == 404


def test_list_filters(world, api, start):
    a = start(kind="routine")
    b = start(kind="spot", enterprise=world.ent_b)
    client = api(world.bureau)

    def ids(query):
        return [r["id"] for r in client.get(f"/api/v1/inspections/?{query}").json()["results"]]

    assert ids(f"enterprise={world.ent_b.pk}") == [b.pk]
    assert ids("kind=routine") == [a.pk]
    assert sorted(ids("status=draft")) == sorted([a.pk, b.pk])
    assert ids("status=finalized") == []


def test_a_draft_can_be_edited(world, api, start):
    inspection = start()
    peer = f.inspector(world.bureau_dept, username="peer2")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    res = api(world.inspector).patch(
        f"/api/v1/inspections/{inspection.pk}/",
        {"summary": "补充检查情况", "inspected_on": yesterday.isoformat(), "inspectors": [peer.pk]},
        format="json",
    )
    assert res.status_code == 200, res.content
    inspection.refresh_from_db()
    assert inspection.summary == "补充检查情况"
    assert inspection.inspected_on == yesterday
    assert list(inspection.inspectors.all()) == [peer]


def test_bad_edits_are_400_and_change_nothing(world, api, start):
    inspection = start(summary="原情况")
    client = api(world.inspector)
    for payload in (
        {"inspected_on": "2999-01-01"},
        {"inspectors": [world.user_a.pk]},
        {"campaign": 424242},
    ):
        res = client.patch(f"/api/v1/inspections/{inspection.pk}/", payload, format="json")
        assert res.status_code == 400, payload
    inspection.refresh_from_db()
    assert inspection.summary == "原情况"
    assert set(inspection.inspectors.all()) == {world.inspector, world.bureau}


def test_list_queries_do_not_grow_with_inspections(world, api, start, checklist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support.factories import make_hazard

    client = api(world.bureau)
    start(template=checklist)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/inspections/").status_code == 200
    for _ in range(4):
        inspection = start(template=checklist)
        make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=inspection)
    with CaptureQueriesContext(connection) as five:
        res = client.get("/api/v1/inspections/")
    assert res.json()["count"] == 5
    assert len(five) == len(one)
