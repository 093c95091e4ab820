"""The escalation sweep: the two-strike rule, exactly once (hazards/sweeps/)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.models import Notification, NotificationKind
from hazards.models import Escalation, EventKind, Hazard, HazardEvent, State
from hazards.sweeps import claim, escalate
from hazards.sweeps import mail as sweep_mail
from tests.support import factories as f
from tests.support.factories import fail_review
from tests.support.world import due_hazard


@pytest.fixture
def county(world):
    """The world, with email addresses for the people the sweep writes to."""
    for user, address in (
        (world.leader_a, "leader_a@example.cn"),
        (world.leader_t2, "leader_t2@example.cn"),
        (world.user_a, "user_a@example.cn"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    return world


def escalated_events(hazard) -> list[HazardEvent]:
    return list(HazardEvent.objects.filter(hazard=hazard, kind=EventKind.ESCALATED))


def leader_notifications(hazard, leader) -> list[Notification]:
    return list(
        Notification.objects.filter(
            hazard=hazard, recipient=leader, kind=NotificationKind.ESCALATION
        )
    )


def test_second_failed_review_escalates_once_to_the_responsible_leader(county):
    hazard = due_hazard(county, failures=2)

    result = escalate.sweep()

    esc = Escalation.objects.get(hazard=hazard)
    assert [(e.id, e.round) for e in result.escalations] == [(esc.pk, 1)]
    assert esc.round == 1
    assert esc.leader == county.leader_a
    assert esc.state == Escalation.EscalationState.OPEN
    assert hazard.code in esc.reason and "第 2 次" in esc.reason
    hazard.refresh_from_db()
    assert hazard.escalation_round == 1 and hazard.escalated
    # The timeline: one "escalated" event, written by the system (no actor).
    [event] = escalated_events(hazard)
    assert event.actor is None
    assert event.data == {"round": 1, "escalation": esc.pk, "leader": county.leader_a.pk}
    assert event.from_state == event.to_state == State.RECTIFYING
    # An unread in-app notification and one email, to the leader.
    [note] = leader_notifications(hazard, county.leader_a)
    assert note.read_at is None and hazard.code in note.message
    [message] = mail.outbox
    assert message.to == ["leader_a@example.cn"]
    assert hazard.code in message.subject and hazard.title in message.body
    # Fixed by the row: a repeated send carries the same ID (mail systems de-duplicate).
    assert message.extra_headers["Message-ID"] == f"<hazard-ledger.escalation.{esc.pk}@localhost>"
    esc.refresh_from_db()
    assert esc.notified_at is not None
    assert result.emails_sent == 1 and result.emails_failed == 0


def test_one_failed_review_does_not_escalate(county):
    hazard = due_hazard(county, failures=1)
    assert escalate.sweep().escalations == []
    assert not Escalation.objects.exists()
    assert escalated_events(hazard) == [] and mail.outbox == []
    hazard.refresh_from_db()
    assert hazard.escalation_round == 0


def test_sweep_run_twice_escalates_once(county):
    hazard = due_hazard(county, failures=2)
    escalate.sweep()
    again = escalate.sweep()

    assert again.escalations == [] and again.emails_sent == 0
    assert Escalation.objects.filter(hazard=hazard).count() == 1
    assert len(escalated_events(hazard)) == 1
    assert len(leader_notifications(hazard, county.leader_a)) == 1
    assert len(mail.outbox) == 1


def test_third_failure_escalates_again_as_round_two(county):
    hazard = due_hazard(county, failures=2)
    escalate.sweep()
    fail_review(hazard, by=county.inspector)

    result = escalate.sweep()

    assert [e.round for e in result.escalations] == [2]
    assert list(
        Escalation.objects.filter(hazard=hazard).order_by("round").values_list("round", flat=True)
    ) == [1, 2]
    assert "第 3 次" in Escalation.objects.get(hazard=hazard, round=2).reason
    assert [e.data["round"] for e in escalated_events(hazard)] == [1, 2]
    assert len(leader_notifications(hazard, county.leader_a)) == 2
    assert len(mail.outbox) == 2
    hazard.refresh_from_db()
    assert hazard.escalation_round == 2


def test_failures_between_two_sweeps_each_get_their_round(county):
    # Three failures before any sweep ran (a worker was down): rounds 1 and 2, once each.
    hazard = due_hazard(county, failures=3)
    escalate.sweep()
    escalate.sweep()
    assert sorted(Escalation.objects.filter(hazard=hazard).values_list("round", flat=True)) == [
        1,
        2,
    ]
    assert len(escalated_events(hazard)) == 2
    hazard.refresh_from_db()
    assert hazard.escalation_round == 2


@override_settings(ESCALATION_FAILURE_THRESHOLD=3)
def test_threshold_comes_from_settings(county):
    hazard = due_hazard(county, failures=2)
    assert escalate.sweep().escalations == []
    fail_review(hazard, by=county.inspector)
    [new] = escalate.sweep().escalations
    assert new.round == 1
    assert "第 3 次" in Escalation.objects.get(pk=new.id).reason


def test_explicit_threshold_overrides_settings(county):
    hazard = due_hazard(county, failures=1)
    [new] = escalate.escalate_due(threshold=1)
    assert new.hazard_id == hazard.pk and new.round == 1


def test_voided_hazard_is_not_escalated(county):
    hazard = due_hazard(county, failures=2)
    hazard.void(by=county.bureau, reason="重复登记。")
    assert escalate.sweep().escalations == []
    assert not Escalation.objects.exists() and escalated_events(hazard) == []


def test_closed_hazard_is_not_escalated(county):
    hazard = due_hazard(county, failures=2)
    hazard.submit(by=county.user_a, note="已整改。")
    hazard.review(by=county.inspector, passed=True, comment="复查合格。")
    assert escalate.sweep().escalations == []
    assert not Escalation.objects.exists() and escalated_events(hazard) == []


def test_resubmitted_hazard_is_still_escalated(county):
    # Failed twice, and the enterprise re-submitted before the sweep ran: still escalated.
    hazard = due_hazard(county, failures=2)
    hazard.submit(by=county.user_a, note="再次整改。")
    [new] = escalate.sweep().escalations
    assert new.hazard_id == hazard.pk
    assert escalated_events(hazard)[0].to_state == State.PENDING_REVIEW


def test_each_hazard_goes_to_its_own_leader(county):
    a = due_hazard(county, failures=2)
    b = due_hazard(county, failures=2, leader=county.leader_t2)
    escalate.sweep()
    assert Escalation.objects.get(hazard=a).leader == county.leader_a
    assert Escalation.objects.get(hazard=b).leader == county.leader_t2
    assert sorted(m.to[0] for m in mail.outbox) == ["leader_a@example.cn", "leader_t2@example.cn"]


def test_leader_without_email_gets_the_notification_only(county):
    hazard = due_hazard(county, failures=2, leader=county.leader_other)
    result = escalate.sweep()
    assert result.emails_sent == 0 and mail.outbox == []
    assert len(leader_notifications(hazard, county.leader_other)) == 1
    # Nothing left to send: the next sweep does not try again.
    assert Escalation.objects.get(hazard=hazard).notified_at is not None


def test_email_lost_with_a_killed_worker_is_sent_by_the_next_sweep(county):
    # Phase 1 committed, then the worker died before emailing (simulated by running
    # phase 1 alone): the row and the notification exist, the email does not.
    hazard = due_hazard(county, failures=2)
    escalate.escalate_due()
    esc = Escalation.objects.get(hazard=hazard)
    assert esc.notified_at is None and mail.outbox == []
    assert len(leader_notifications(hazard, county.leader_a)) == 1

    result = escalate.sweep()

    assert result.escalations == [] and result.emails_sent == 1
    assert len(mail.outbox) == 1
    assert Escalation.objects.filter(hazard=hazard).count() == 1
    assert len(leader_notifications(hazard, county.leader_a)) == 1


def test_failed_email_is_retried_without_duplicating_anything(county, monkeypatch):
    hazard = due_hazard(county, failures=2)

    class Down:
        def send_messages(self, messages):
            raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(sweep_mail, "_mailer", lambda: Down())
    first = escalate.sweep()
    assert first.emails_sent == 0 and first.emails_failed == 1
    assert Escalation.objects.get(hazard=hazard).notified_at is None

    monkeypatch.undo()
    second = escalate.sweep()
    assert second.escalations == [] and second.emails_sent == 1
    assert len(mail.outbox) == 1
    assert len(escalated_events(hazard)) == 1
    assert len(leader_notifications(hazard, county.leader_a)) == 1


def _make_due(world, n: int) -> None:
    hazards = [
        f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
        for _ in range(n)
    ]
    # Straight to "failed twice": this test is about the sweep, not the review.
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(failed_reviews=2)


# Phase 1 (escalate_due): SAVEPOINT, SELECT due … FOR UPDATE, INSERT … RETURNING,
# INSERT events, INSERT notifications, UPDATE hazards, RELEASE SAVEPOINT.
SWEEP_QUERIES = 7


@pytest.mark.parametrize("due", [3, 30])
def test_sweep_query_count_does_not_grow_with_the_hazards_it_escalates(
    world, due, django_assert_num_queries
):
    _make_due(world, due)
    with django_assert_num_queries(SWEEP_QUERIES):
        created = escalate.escalate_due()
    assert len(created) == due
    assert Escalation.objects.count() == due
    assert HazardEvent.objects.filter(kind=EventKind.ESCALATED).count() == due
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == due


def test_nothing_due_costs_one_select(world, django_assert_num_queries):
    f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    with django_assert_num_queries(3):  # SAVEPOINT, SELECT, RELEASE
        assert escalate.escalate_due() == []


def test_backlog_larger_than_a_batch_is_worked_off_in_one_run(world):
    _make_due(world, 5)
    created = escalate.escalate_due(batch_size=2)
    assert len(created) == 5
    assert not Hazard.objects.due_for_escalation(2).exists()


def test_insert_returning_reports_only_the_rows_it_inserted(world):
    hazard = due_hazard(world, failures=2)
    kept = Escalation.objects.create(hazard=hazard, round=1, leader=world.leader_a, reason="旧")
    rows = claim.insert_returning(
        [
            Escalation(hazard=hazard, round=1, leader=world.leader_a, reason="重复"),
            Escalation(hazard=hazard, round=2, leader=world.leader_a, reason="新"),
        ],
        conflict=("hazard", "round"),
        returning=("id", "round"),
    )
    assert [r[1] for r in rows] == [2]
    assert Escalation.objects.get(pk=kept.pk).reason == "旧"


def test_sweep_heals_an_escalation_row_written_behind_its_back(world):
    # A round-1 row already exists but the hazard's counter says 0 (e.g. restored from
    # a backup): the sweep must not notify twice, and catches the counter up.
    hazard = due_hazard(world, failures=2)
    Escalation.objects.create(hazard=hazard, round=1, leader=world.leader_a, reason="已有")
    assert escalate.escalate_due() == []
    assert escalated_events(hazard) == []
    assert Escalation.objects.filter(hazard=hazard).count() == 1
    hazard.refresh_from_db()
    assert hazard.escalation_round == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_escalate_each_hazard_exactly_once(world):
    """Two beats fire at once: real threads, real PostgreSQL row locks."""
    _make_due(world, 20)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(escalate.escalate_due(batch_size=5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    created = [e for batch in results for e in batch]
    assert len(created) == 20
    assert len({(e.hazard_id, e.round) for e in created}) == 20
    assert Escalation.objects.count() == 20
    assert HazardEvent.objects.filter(kind=EventKind.ESCALATED).count() == 20
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 20
    assert set(Hazard.objects.values_list("escalation_round", flat=True)) == {1}


def test_escalate_command_runs_the_sweep_and_prints_what_it_did(county, capsys):
    hazard = due_hazard(county, failures=2)
    call_command("escalate")
    out = capsys.readouterr().out
    assert "1 new escalation" in out
    assert f"{hazard.code} round 1 -> {county.leader_a.display_name}" in out
    assert "1 sent" in out
    assert Escalation.objects.filter(hazard=hazard).count() == 1

    call_command("escalate")
    assert "0 new escalation" in capsys.readouterr().out
    assert Escalation.objects.filter(hazard=hazard).count() == 1


def test_beat_runs_the_sweep_every_configured_interval():
    from django.conf import settings

    import hazards.tasks  # noqa: F401  (what the worker's autodiscovery imports)
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["escalation-sweep"]
    assert entry["task"] == "hazards.tasks.escalation_sweep"
    assert entry["schedule"].total_seconds() == settings.ESCALATION_SWEEP_SECONDS
    notices = settings.CELERY_BEAT_SCHEDULE["deadline-notices"]
    assert notices["task"] == "hazards.tasks.send_deadline_notices"
    assert {"hazards.tasks.escalation_sweep", "hazards.tasks.send_deadline_notices"} <= set(
        app.tasks
    )


def test_sweep_task_escalates(county):
    from hazards.tasks import escalation_sweep

    hazard = due_hazard(county, failures=2)
    out = escalation_sweep.apply().get()
    assert out["escalated"] == [f"{hazard.code}#1"] and out["emails_sent"] == 1
