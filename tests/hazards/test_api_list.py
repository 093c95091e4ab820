"""Reading the ledger: scope on every read, filters, ordering, fixed query count."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hazards.models import Hazard, Level, State
from inspections.models import Inspection
from tests.support import factories as f
from tests.support.api import HAZARDS, url

pytestmark = pytest.mark.django_db


def _codes(resp) -> set[str]:
    assert resp.status_code == 200, resp.content
    return {row["code"] for row in resp.json()["results"]}


@pytest.fixture
def ledger(world):
    """One hazard at each of the three enterprises, plus one led by the township leader."""
    w = world
    a = f.make_hazard(enterprise=w.ent_a, by=w.inspector, person=w.user_a, leader_user=w.leader_a)
    b = f.make_hazard(enterprise=w.ent_b, by=w.inspector_transport, person=w.user_b)
    c = f.make_hazard(enterprise=w.ent_c, by=w.inspector_housing, person=w.user_c)
    # ent_c is in township 1; its hazard names leader_t2 (township 2) as responsible leader.
    c2 = f.make_hazard(
        enterprise=w.ent_c, by=w.inspector_housing, person=w.user_c, leader_user=w.leader_t2
    )
    return a, b, c, c2


def test_each_role_lists_exactly_its_scope(world, api, ledger):
    w = world
    a, b, c, c2 = (h.code for h in ledger)
    everything = {a, b, c, c2}
    assert _codes(api(w.bureau).get(HAZARDS)) == everything
    assert _codes(api(w.inspector).get(HAZARDS)) == everything  # the bureau's own department
    assert _codes(api(w.inspector_housing).get(HAZARDS)) == {c, c2}
    assert _codes(api(w.inspector_transport).get(HAZARDS)) == {b}
    assert _codes(api(w.user_a).get(HAZARDS)) == {a}
    assert _codes(api(w.user_b).get(HAZARDS)) == {b}
    assert _codes(api(w.user_c).get(HAZARDS)) == {c, c2}
    # Leaders: the hazards they lead, their enterprise's, and their township's.
    assert _codes(api(w.leader_a).get(HAZARDS)) == {a}
    assert _codes(api(w.leader_t2).get(HAZARDS)) == {b, c2}
    assert _codes(api(w.leader_other).get(HAZARDS)) == set()
    assert api().get(HAZARDS).status_code in (401, 403)


def test_out_of_scope_detail_is_404_like_a_missing_one(world, api, ledger):
    a, b, *_ = ledger
    assert api(world.user_a).get(url(a)).status_code == 200
    assert api(world.user_b).get(url(a)).status_code == 404  # peer enterprise
    assert api(world.inspector_housing).get(url(a)).status_code == 404  # outsider
    assert api(world.user_a).get(url(999999)).status_code == 404
    assert api(world.user_a).get(f"{HAZARDS}abc/").status_code == 404
    assert api().get(url(a)).status_code in (401, 403)


def test_filters_never_widen_the_scope(world, api, ledger):
    a, b, *_ = ledger
    client = api(world.user_a)
    assert _codes(client.get(HAZARDS, {"enterprise": world.ent_b.pk})) == set()
    assert _codes(client.get(HAZARDS, {"township": world.t2.pk})) == set()
    assert _codes(client.get(HAZARDS, {"q": b.code})) == set()
    assert client.get(HAZARDS, {"q": "乙物流"}).json()["count"] == 0


def test_filters(world, api):
    w = world
    today = timezone.localdate()
    by = w.inspector
    general = f.make_hazard(enterprise=w.ent_a, by=by, title="配电箱未接地", category="equipment")
    major = f.make_hazard(
        enterprise=w.ent_b,
        by=by,
        title="液氨储罐泄漏",
        level=Level.MAJOR,
        emergency_plan="泄漏应急预案",
        category="environment",
        deadline=today + dt.timedelta(days=30),
    )
    overdue = f.make_hazard(enterprise=w.ent_c, by=by, title="脚手架未设防护网")
    Hazard.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=2))
    pending = f.make_hazard(enterprise=w.ent_a, by=by, title="灭火器过期")
    pending.submit(by=w.ent_a.users.first(), note="已更换")
    Hazard.objects.filter(pk=pending.pk).update(deadline=today - dt.timedelta(days=2))
    escalated = f.make_hazard(enterprise=w.ent_b, by=by, title="车辆未年检")
    Hazard.objects.filter(pk=escalated.pk).update(escalation_round=1)
    voided = f.make_hazard(enterprise=w.ent_a, by=by, title="误登记")
    voided.void(by=w.bureau, reason="误登记")

    client = api(w.bureau)

    def codes(**params):
        return _codes(client.get(HAZARDS, params))

    assert codes(state="pending_review") == {pending.code}
    assert codes(state=["voided", "pending_review"]) == {voided.code, pending.code}
    assert codes(state="open") == {general.code, major.code, overdue.code, pending.code,
                                   escalated.code}  # fmt: skip
    assert codes(level="major") == {major.code}
    assert codes(category="environment") == {major.code}
    assert codes(enterprise=w.ent_a.pk) == {general.code, pending.code, voided.code}
    assert codes(township=w.t2.pk) == {major.code, escalated.code}
    assert codes(department=w.housing.pk) == {overdue.code}
    assert codes(industry="construction") == {overdue.code}
    # Overdue means rectifying past the deadline: the pending one is not overdue.
    assert codes(overdue="true") == {overdue.code}
    assert overdue.code not in codes(overdue="false")
    assert pending.code in codes(overdue="false")
    assert codes(escalated="true") == {escalated.code}
    assert escalated.code not in codes(escalated="false")
    assert codes(deadline_after=(today + dt.timedelta(days=20)).isoformat()) == {major.code}
    assert codes(deadline_before=(today - dt.timedelta(days=1)).isoformat()) == {
        overdue.code,
        pending.code,
    }
    assert codes(q="液氨") == {major.code}
    assert codes(q="乙物流") == {major.code, escalated.code}
    assert codes(q=general.code.lower()) == {general.code}
    assert codes(created_after=today.isoformat(), created_before=today.isoformat()) == codes()


def test_overdue_flag_agrees_with_the_filter(world, api):
    today = timezone.localdate()
    rows = []
    for days, state in [(-1, None), (0, None), (1, None), (-5, "pending")]:
        h = f.make_hazard(enterprise=world.ent_a, by=world.inspector)
        if state == "pending":
            h.submit(by=world.user_a, note="已整改")
        Hazard.objects.filter(pk=h.pk).update(deadline=today + dt.timedelta(days=days))
        rows.append(h)
    client = api(world.bureau)
    listed = {r["code"]: r["is_overdue"] for r in client.get(HAZARDS).json()["results"]}
    flagged = {code for code, flag in listed.items() if flag}
    assert flagged == {rows[0].code}
    assert _codes(client.get(HAZARDS, {"overdue": "true"})) == flagged
    assert _codes(client.get(HAZARDS, {"overdue": "false"})) == set(listed) - flagged
    assert client.get(url(rows[0])).json()["is_overdue"] is True


def test_overdue_uses_the_date_in_shanghai(world, api):
    with time_machine.travel("2031-03-10 12:00 +0800", tick=False):
        hazard = f.make_hazard(
            enterprise=world.ent_a, by=world.inspector, deadline=dt.date(2031, 3, 10)
        )
    # 23:30 UTC on the 10th is already the 11th in Shanghai: the deadline has passed.
    with time_machine.travel("2031-03-10 23:30 +0000", tick=False):
        body = api(world.bureau).get(url(hazard)).json()
        assert body["is_overdue"] is True
        assert _codes(api(world.bureau).get(HAZARDS, {"overdue": "true"})) == {hazard.code}
    with time_machine.travel("2031-03-10 15:30 +0000", tick=False):  # 23:30 in Shanghai
        assert api(world.bureau).get(url(hazard)).json()["is_overdue"] is False


def test_created_date_filter_is_the_local_date(world, api):
    # 00:30 on 1 April in Shanghai is still 31 March in UTC.
    with time_machine.travel("2031-04-01 00:30 +0800", tick=False):
        hazard = f.make_hazard(
            enterprise=world.ent_a, by=world.inspector, deadline=dt.date(2031, 4, 30)
        )
    client = api(world.bureau)
    assert _codes(client.get(HAZARDS, {"created_after": "2031-04-01"})) == {hazard.code}
    assert _codes(client.get(HAZARDS, {"created_before": "2031-03-31"})) == set()


def test_inspection_filter(world, api):
    inspection = Inspection.objects.create(
        enterprise=world.ent_a, kind="routine", created_by=world.inspector
    )
    found = f.make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=inspection)
    f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    assert _codes(api(world.bureau).get(HAZARDS, {"inspection": inspection.pk})) == {found.code}


@pytest.mark.parametrize(
    "params",
    [
        {"enterprise": "abc"},
        {"enterprise": "1.5"},
        {"township": "999999"},
        {"deadline_before": "yesterday"},
        {"level": "critical"},
        {"state": "lost"},
        {"ordering": "title"},
    ],
)
def test_bad_filter_values_are_400(world, api, params):
    resp = api(world.bureau).get(HAZARDS, params)
    assert resp.status_code == 400
    assert set(resp.json()) == set(params)


def test_ordering(world, api):
    today = timezone.localdate()
    hazards = []
    for days in (5, 1, 9):
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=len(hazards))):
            hazards.append(
                f.make_hazard(
                    enterprise=world.ent_a,
                    by=world.inspector,
                    deadline=today + dt.timedelta(days=days),
                )
            )
    client = api(world.bureau)

    def order(param):
        resp = client.get(HAZARDS, {"ordering": param} if param else {})
        assert resp.status_code == 200
        return [r["id"] for r in resp.json()["results"]]

    h5, h1, h9 = (h.pk for h in hazards)
    assert order("deadline") == [h1, h5, h9]
    assert order("-deadline") == [h9, h5, h1]
    assert order("code") == [h5, h1, h9]
    assert order("-code") == [h9, h1, h5]
    assert order("created_at") == [h5, h1, h9]
    assert order("-created_at") == [h9, h1, h5]
    assert order(None) == [h9, h1, h5]  # newest first by default


def test_pagination(world, api):
    for _ in range(7):
        f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    client = api(world.bureau)
    page1 = client.get(HAZARDS, {"page_size": 5, "ordering": "code"}).json()
    assert page1["count"] == 7 and len(page1["results"]) == 5 and page1["next"]
    page2 = client.get(HAZARDS, {"page_size": 5, "ordering": "code", "page": 2}).json()
    assert len(page2["results"]) == 2 and page2["next"] is None
    ids = [r["id"] for r in page1["results"] + page2["results"]]
    assert len(set(ids)) == 7
    assert client.get(HAZARDS, {"page_size": 1000}).json()["count"] == 7


# Token lookup, count, page; an inspector's scope also reads his department. The
# serializer's names and flags come from joins and SQL annotations, never per row.
@pytest.mark.parametrize(
    ("who", "queries"),
    [("bureau", 3), ("inspector_housing", 4), ("user_c", 3), ("leader_t2", 3)],
)
def test_list_query_count_does_not_grow_with_page_size(
    world, api, who, queries, django_assert_num_queries
):
    for i in range(60):
        enterprise = (world.ent_b, world.ent_c)[i % 2]
        f.make_hazard(
            enterprise=enterprise,
            by=world.bureau,
            person=enterprise.users.first(),
            leader_user=world.leader_t2,
        )
    client = api(getattr(world, who))
    for size in (5, 50):
        with django_assert_num_queries(queries):
            resp = client.get(HAZARDS, {"page_size": size, "ordering": "deadline"})
        assert resp.status_code == 200
        assert len(resp.json()["results"]) == min(size, resp.json()["count"])
        with django_assert_num_queries(queries):
            resp = client.get(HAZARDS, {"page_size": size, "state": "open", "q": "配电"})
        assert resp.status_code == 200


def test_detail_shows_spec_fields(world, api, ledger):
    a = ledger[0]
    body = api(world.user_a).get(url(a)).json()
    assert body["code"] == a.code
    assert body["state"] == State.RECTIFYING
    assert body["deadline"] == a.deadline.isoformat()
    assert body["enterprise"] == world.ent_a.pk
