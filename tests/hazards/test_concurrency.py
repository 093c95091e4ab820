"""Two people acting at the same moment, with real threads on PostgreSQL."""

import threading

import pytest
from django.db import connection

from hazards.models import EventKind, Hazard, HazardEvent, State
from tests.support import factories as f
from tests.support.api import HAZARDS, payload, url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls):
    """Run the calls at once (released together by a barrier); return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_reviewers_at_once_exactly_one_wins(world, api):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    hazard.submit(by=world.user_a, note="已整改")
    inspector, bureau = api(world.inspector), api(world.bureau)

    results = _race(
        [
            lambda: inspector.post(url(hazard, "review"), {"result": "pass"}),
            lambda: bureau.post(url(hazard, "review"), {"result": "pass"}),
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], results
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["detail"] == "隐患当前状态为“已销号”，不能复查。"
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED
    assert hazard.reviews == 1
    assert HazardEvent.objects.filter(hazard=hazard, kind=EventKind.REVIEW_PASSED).count() == 1


def test_pass_and_fail_at_once_leave_one_consistent_outcome(world, api):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    hazard.submit(by=world.user_a, note="已整改")
    deadline = (hazard.deadline).isoformat()
    results = _race(
        [
            lambda: api(world.inspector).post(url(hazard, "review"), {"result": "pass"}),
            lambda: api(world.bureau).post(
                url(hazard, "review"),
                {"result": "fail", "comment": "不合格", "new_deadline": deadline},
            ),
        ]
    )
    statuses = [r.status_code for r in results]
    hazard.refresh_from_db()
    events = list(
        HazardEvent.objects.filter(hazard=hazard)
        .exclude(kind__in=[EventKind.CREATED, EventKind.SUBMITTED])
        .values_list("kind", flat=True)
    )
    # Whoever locked first decided. A pass first leaves nothing to fail (409); a fail
    # first sends it back to rectifying, where a pass is refused (409) too.
    assert sorted(statuses) == [200, 409], results
    assert len(events) == 1
    if events == [EventKind.REVIEW_PASSED]:
        assert hazard.state == State.CLOSED and hazard.failed_reviews == 0
    else:
        assert hazard.state == State.RECTIFYING and hazard.failed_reviews == 1


def test_two_registrations_at_once_get_consecutive_codes(world, api):
    f.make_hazard(enterprise=world.ent_a, by=world.inspector)  # this year's counter exists
    first, second = api(world.inspector), api(world.bureau)
    results = _race(
        [
            lambda: first.post(HAZARDS, payload(world), format="json"),
            lambda: second.post(HAZARDS, payload(world, title="安全出口锁闭"), format="json"),
        ]
    )
    assert [r.status_code for r in results] == [201, 201], results
    numbers = sorted(int(r.json()["code"].rsplit("-", 1)[1]) for r in results)
    assert numbers == [2, 3]
    assert Hazard.objects.count() == 3


def test_first_registrations_of_a_year_race_for_the_counter(world, api):
    clients = [api(world.inspector), api(world.bureau), api(world.user_a)]
    results = _race(
        [
            (lambda c=c, i=i: c.post(HAZARDS, payload(world, title=f"隐患{i}"), format="json"))
            for i, c in enumerate(clients)
        ]
    )
    assert [r.status_code for r in results] == [201, 201, 201], results
    numbers = sorted(int(r.json()["code"].rsplit("-", 1)[1]) for r in results)
    assert numbers == [1, 2, 3]
