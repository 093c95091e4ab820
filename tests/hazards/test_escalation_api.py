"""/api/v1/escalations/: scope, acknowledge (leader, once), resolve (bureau, once)."""

from __future__ import annotations

import pytest

from hazards.models import Escalation, EventKind, HazardEvent
from hazards.sweeps import escalate
from tests.support.world import due_hazard

ESCALATIONS = "/api/v1/escalations/"
FIELDS = {
    "id",
    "hazard",
    "hazard_code",
    "round",
    "leader",
    "reason",
    "state",
    "outcome",
    "acknowledgement_note",
    "resolution_note",
    "created_at",
    "acknowledged_at",
    "resolved_at",
}


def url(esc, action: str | None = None) -> str:
    return f"{ESCALATIONS}{esc.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def escalations(world):
    """One escalation addressed to leader_a, one to leader_t2."""
    a = due_hazard(world, failures=2)
    b = due_hazard(world, failures=2, leader=world.leader_t2)
    escalate.escalate_due()
    return Escalation.objects.get(hazard=a), Escalation.objects.get(hazard=b)


def snapshot(esc: Escalation) -> tuple:
    """Everything a refused request must leave unchanged."""
    esc.refresh_from_db()
    return (
        esc.state,
        esc.acknowledged_at,
        esc.acknowledgement_note,
        esc.outcome,
        esc.resolution_note,
        esc.resolved_at,
        HazardEvent.objects.filter(hazard_id=esc.hazard_id).count(),
    )


def ids(resp) -> set[int]:
    assert resp.status_code == 200, resp.content
    return {row["id"] for row in resp.json()["results"]}


# --- reading ------------------------------------------------------------------------------


def test_bureau_sees_every_escalation(world, api, escalations):
    a, b = escalations
    resp = api(world.bureau).get(ESCALATIONS)
    assert ids(resp) == {a.pk, b.pk}
    row = next(r for r in resp.json()["results"] if r["id"] == a.pk)
    assert set(row) == FIELDS
    assert row["hazard"] == a.hazard_id and row["hazard_code"] == a.hazard.code
    assert row["round"] == 1 and row["leader"] == world.leader_a.pk
    assert row["state"] == "open" and row["outcome"] == ""


def test_leader_sees_only_his_own_escalations(world, api, escalations):
    a, b = escalations
    assert ids(api(world.leader_a).get(ESCALATIONS)) == {a.pk}
    assert ids(api(world.leader_t2).get(ESCALATIONS)) == {b.pk}
    assert api(world.leader_a).get(url(a)).status_code == 200
    assert api(world.leader_a).get(url(b)).status_code == 404


@pytest.mark.parametrize("who", ["leader_other", "inspector", "user_a"])
def test_others_see_no_escalations(world, api, escalations, who):
    a, _b = escalations
    client = api(getattr(world, who))
    assert ids(client.get(ESCALATIONS)) == set()
    assert client.get(url(a)).status_code == 404


def test_anonymous_is_refused(api, escalations):
    a, _b = escalations
    assert api().get(ESCALATIONS).status_code in (401, 403)
    assert api().post(url(a, "acknowledge"), {"note": "x"}).status_code in (401, 403)


def test_list_filters_by_state(world, api, escalations):
    a, b = escalations
    a.acknowledge(by=world.leader_a, note="已签收。")
    assert ids(api(world.bureau).get(ESCALATIONS, {"state": "open"})) == {b.pk}
    assert ids(api(world.bureau).get(ESCALATIONS, {"state": "acknowledged"})) == {a.pk}


# --- acknowledge ------------------------------------------------------------------------------


def test_leader_acknowledges_his_escalation_with_a_note(world, api, escalations):
    a, _b = escalations
    resp = api(world.leader_a).post(
        url(a, "acknowledge"), {"note": "已收到，督促企业一周内整改。"}, format="json"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["state"] == "acknowledged"
    assert body["acknowledgement_note"] == "已收到，督促企业一周内整改。"
    assert body["acknowledged_at"]
    event = HazardEvent.objects.get(hazard_id=a.hazard_id, kind=EventKind.ESCALATION_ACKNOWLEDGED)
    assert event.actor == world.leader_a
    assert event.note == "已收到，督促企业一周内整改。" and event.data == {"round": 1}


def test_another_leader_cannot_acknowledge(world, api, escalations):
    a, b = escalations
    before = snapshot(a)
    # leader_t2 has an escalation of his own, but not this one: out of his scope.
    resp = api(world.leader_t2).post(url(a, "acknowledge"), {"note": "代签"}, format="json")
    assert resp.status_code == 404
    assert snapshot(a) == before


def test_bureau_cannot_acknowledge_for_the_leader(world, api, escalations):
    a, _b = escalations
    before = snapshot(a)
    resp = api(world.bureau).post(url(a, "acknowledge"), {"note": "代签"}, format="json")
    assert resp.status_code == 403
    assert resp.json()["detail"]
    assert snapshot(a) == before


@pytest.mark.parametrize("who", ["leader_other", "user_a", "inspector"])
def test_outsiders_cannot_acknowledge(world, api, escalations, who):
    a, _b = escalations
    before = snapshot(a)
    resp = api(getattr(world, who)).post(url(a, "acknowledge"), {"note": "x"}, format="json")
    assert resp.status_code == 404
    assert snapshot(a) == before


def test_acknowledging_twice_is_a_conflict(world, api, escalations):
    a, _b = escalations
    client = api(world.leader_a)
    assert client.post(url(a, "acknowledge"), {"note": "已签收"}, format="json").status_code == 200
    before = snapshot(a)
    resp = client.post(url(a, "acknowledge"), {"note": "再签一次"}, format="json")
    assert resp.status_code == 409
    assert resp.json()["detail"]
    assert snapshot(a) == before
    assert (
        HazardEvent.objects.filter(
            hazard_id=a.hazard_id, kind=EventKind.ESCALATION_ACKNOWLEDGED
        ).count()
        == 1
    )


@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "   "}])
def test_acknowledge_needs_a_note(world, api, escalations, body):
    a, _b = escalations
    before = snapshot(a)
    resp = api(world.leader_a).post(url(a, "acknowledge"), body, format="json")
    assert resp.status_code == 400
    assert "note" in resp.json()
    assert snapshot(a) == before


# --- resolve --------------------------------------------------------------------------------


def test_bureau_resolves_with_an_outcome(world, api, escalations):
    a, _b = escalations
    a.acknowledge(by=world.leader_a, note="已签收。")
    resp = api(world.bureau).post(
        url(a, "resolve"),
        {"outcome": "interview", "note": "约谈企业法定代表人。"},
        format="json",
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["state"] == "resolved" and body["outcome"] == "interview"
    assert body["resolution_note"] == "约谈企业法定代表人。" and body["resolved_at"]
    event = HazardEvent.objects.get(hazard_id=a.hazard_id, kind=EventKind.ESCALATION_RESOLVED)
    assert event.actor == world.bureau
    assert event.data == {"round": 1, "outcome": "interview"}
    # The whole story is in the hazard's timeline, in order.
    kinds = list(HazardEvent.objects.filter(hazard_id=a.hazard_id).values_list("kind", flat=True))
    assert kinds[-3:] == [
        EventKind.ESCALATED,
        EventKind.ESCALATION_ACKNOWLEDGED,
        EventKind.ESCALATION_RESOLVED,
    ]


def test_the_leader_cannot_resolve_his_own_escalation(world, api, escalations):
    a, _b = escalations
    before = snapshot(a)
    resp = api(world.leader_a).post(
        url(a, "resolve"), {"outcome": "other", "note": "自行处理"}, format="json"
    )
    assert resp.status_code == 403
    assert snapshot(a) == before


@pytest.mark.parametrize("who", ["leader_t2", "inspector", "user_a"])
def test_others_cannot_resolve(world, api, escalations, who):
    a, _b = escalations
    before = snapshot(a)
    resp = api(getattr(world, who)).post(
        url(a, "resolve"), {"outcome": "fine", "note": "罚款"}, format="json"
    )
    assert resp.status_code == 404
    assert snapshot(a) == before


def test_resolving_twice_is_a_conflict(world, api, escalations):
    a, _b = escalations
    client = api(world.bureau)
    first = client.post(url(a, "resolve"), {"outcome": "fine", "note": "罚款"}, format="json")
    assert first.status_code == 200
    before = snapshot(a)
    resp = client.post(
        url(a, "resolve"), {"outcome": "suspension", "note": "再处理"}, format="json"
    )
    assert resp.status_code == 409
    assert snapshot(a) == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"outcome": "jail", "note": "x"}, "outcome"),
        ({"note": "x"}, "outcome"),
        ({"outcome": "fine"}, "note"),
        ({"outcome": "fine", "note": " "}, "note"),
    ],
)
def test_resolve_rejects_bad_input(world, api, escalations, body, field):
    a, _b = escalations
    before = snapshot(a)
    resp = api(world.bureau).post(url(a, "resolve"), body, format="json")
    assert resp.status_code == 400
    assert field in resp.json()
    assert snapshot(a) == before


def test_acknowledging_a_resolved_escalation_is_a_conflict(world, api, escalations):
    a, _b = escalations
    a.resolve(by=world.bureau, outcome="criticism", note="通报批评。")
    before = snapshot(a)
    resp = api(world.leader_a).post(url(a, "acknowledge"), {"note": "迟到的签收"}, format="json")
    assert resp.status_code == 409
    assert snapshot(a) == before


def test_escalations_are_documented_in_the_schema(client):
    resp = client.get("/api/schema/", {"format": "json"})
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    assert "/api/v1/escalations/" in paths
    ack = paths["/api/v1/escalations/{id}/acknowledge/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(ack["responses"])
    resolve = paths["/api/v1/escalations/{id}/resolve/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(resolve["responses"])
