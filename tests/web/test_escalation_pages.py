"""Escalations (督办) in the browser: the leader sees his own and acknowledges
them; the bureau resolves them; everyone else gets nothing."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hazards.models import Escalation, EventKind, HazardEvent
from hazards.sweeps import escalate as sweep_module
from tests.support import factories as f


def fail_twice(hazard, inspector) -> None:
    for _ in range(2):
        hazard.submit(by=hazard.responsible_person, note="已整改")
        hazard.review(
            by=inspector,
            passed=False,
            comment="仍未整改到位",
            new_deadline=timezone.localdate() + dt.timedelta(days=5),
        )


@pytest.fixture
def esc(world):
    hazard = f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=world.leader_a
    )
    fail_twice(hazard, world.inspector)
    sweep_module.sweep()
    return Escalation.objects.get(hazard=hazard)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_leader_sees_his_escalation_with_the_hazard_history(world, esc, login):
    client = login(world.leader_a)
    listing = client.get(reverse("escalation-list")).content.decode()
    assert esc.hazard.code in listing
    page = client.get(reverse("escalation-detail", args=[esc.pk])).content.decode()
    assert "仍未整改到位" in page  # the failed reviews in the timeline
    assert 'data-testid="form-acknowledge"' in page
    assert 'data-testid="form-resolve"' not in page
    home = client.get(reverse("home")).content.decode()
    assert esc.hazard.code in home and "件督办等待您签收" in home


def test_other_leaders_and_other_roles_see_nothing(world, esc, login):
    # a peer leader: empty list, 404 on the id
    client = login(world.leader_other)
    assert esc.hazard.code not in client.get(reverse("escalation-list")).content.decode()
    assert client.get(reverse("escalation-detail", args=[esc.pk])).status_code == 404
    assert (
        client.post(reverse("escalation-acknowledge", args=[esc.pk]), {"ack-note": "x"}).status_code
        == 404
    )
    # an outsider role: not a page for them
    assert login(world.user_a).get(reverse("escalation-list")).status_code == 403
    esc.refresh_from_db()
    assert esc.state == Escalation.EscalationState.OPEN


def test_the_leader_acknowledges_with_a_note(world, esc, login):
    client = login(world.leader_a)
    url = reverse("escalation-acknowledge", args=[esc.pk])
    response = client.post(url, {"ack-note": ""})
    assert response.status_code == 200 and 'data-testid="error-note"' in response.content.decode()
    esc.refresh_from_db()
    assert esc.state == Escalation.EscalationState.OPEN
    response = client.post(url, {"ack-note": "已约谈企业负责人，责令三日内整改"})
    assert response.status_code == 302
    esc.refresh_from_db()
    assert esc.state == Escalation.EscalationState.ACKNOWLEDGED
    event = HazardEvent.objects.get(hazard=esc.hazard, kind=EventKind.ESCALATION_ACKNOWLEDGED)
    assert event.actor == world.leader_a and event.note.startswith("已约谈")
    # a second time is a message, not a 500
    response = client.post(url, {"ack-note": "再次签收"})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "该督办已签收，不能重复签收。"


def test_the_bureau_resolves_and_the_leader_cannot(world, esc, login):
    url = reverse("escalation-resolve", args=[esc.pk])
    response = login(world.leader_a).post(
        url, {"resolve-outcome": "interview", "resolve-note": "x"}
    )
    assert response.status_code == 403
    assert "只有安监局可以作出追责处理。" in response.content.decode()
    client = login(world.bureau)
    response = client.post(url, {"resolve-outcome": "jail", "resolve-note": "x"})
    assert response.status_code == 200
    assert 'data-testid="error-outcome"' in response.content.decode()
    response = client.post(url, {"resolve-outcome": "criticism", "resolve-note": "通报批评"})
    assert response.status_code == 302
    esc.refresh_from_db()
    assert esc.state == Escalation.EscalationState.RESOLVED and esc.outcome == "criticism"
    assert HazardEvent.objects.filter(
        hazard=esc.hazard, kind=EventKind.ESCALATION_RESOLVED, actor=world.bureau
    ).exists()


def test_escalation_forms_need_csrf(world, esc):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader_a)
    assert (
        client.post(reverse("escalation-acknowledge", args=[esc.pk]), {"ack-note": "x"}).status_code
        == 403
    )
