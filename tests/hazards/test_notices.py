"""Deadline reminders and overdue notices: one per hazard, kind and Shanghai day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from accounts.models import Notification, NotificationKind
from hazards.models import Hazard, HazardNotice
from hazards.sweeps import deadlines
from hazards.sweeps import mail as sweep_mail
from tests.support import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY0 = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def days(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


@pytest.fixture
def county(world):
    for user, address in ((world.leader_a, "leader_a@example.cn"), (world.user_a, "a@example.cn")):
        user.email = address
        user.save(update_fields=["email"])
    return world


def hazard_due_on(world, deadline: dt.date) -> Hazard:
    """Registered on DAY0 (deadlines may not be in the past) with the given deadline."""
    with time_machine.travel(at(DAY0), tick=False):
        return f.make_hazard(
            enterprise=world.ent_a,
            by=world.inspector,
            person=world.user_a,
            leader_user=world.leader_a,
            deadline=deadline,
        )


def notifications(hazard, kind) -> list[tuple[str, dt.date]]:
    return [
        (n.recipient.username, n.created_at.astimezone(SHANGHAI).date())
        for n in Notification.objects.filter(hazard=hazard, kind=kind).order_by("pk")
    ]


# --- reminders ------------------------------------------------------------------------------


def test_reminder_three_days_before_the_deadline_goes_to_the_responsible_person(county):
    hazard = hazard_due_on(county, days(3))
    with time_machine.travel(at(DAY0), tick=False):
        result = deadlines.send_deadline_notices()

    assert result.reminders == 1 and result.overdue == 0
    notice = HazardNotice.objects.get(hazard=hazard)
    assert (notice.kind, notice.day) == (HazardNotice.Kind.REMINDER, DAY0)
    assert notice.sent_at is not None
    assert notifications(hazard, NotificationKind.REMINDER) == [("user_a", DAY0)]
    note = Notification.objects.get(hazard=hazard)
    assert hazard.code in note.message and days(3).isoformat() in note.message
    [message] = mail.outbox
    assert message.to == ["a@example.cn"] and hazard.code in message.subject


@pytest.mark.parametrize("ahead", [1, 2, 4, 10])
def test_no_reminder_on_other_days(county, ahead):
    hazard_due_on(county, days(ahead))
    with time_machine.travel(at(DAY0), tick=False):
        result = deadlines.send_deadline_notices()
    assert result.reminders == 0 and not HazardNotice.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


@override_settings(REMINDER_DAYS_BEFORE=5)
def test_reminder_days_come_from_settings(county):
    hazard = hazard_due_on(county, days(5))
    hazard_due_on(county, days(3))
    with time_machine.travel(at(DAY0), tick=False):
        deadlines.send_deadline_notices()
    assert list(HazardNotice.objects.values_list("hazard", flat=True)) == [hazard.pk]


def test_reminder_is_sent_once_however_often_the_job_runs(county):
    hazard = hazard_due_on(county, days(3))
    for hour, minute in [(8, 0), (8, 5), (12, 30), (20, 0), (23, 59)]:
        with time_machine.travel(at(DAY0, hour, minute), tick=False):
            deadlines.send_deadline_notices()
    assert HazardNotice.objects.filter(hazard=hazard).count() == 1
    assert len(notifications(hazard, NotificationKind.REMINDER)) == 1
    assert len(mail.outbox) == 1


def test_no_reminder_for_a_hazard_awaiting_review(county):
    hazard = hazard_due_on(county, days(3))
    hazard.submit(by=county.user_a, note="已整改。")
    with time_machine.travel(at(DAY0), tick=False):
        assert deadlines.send_deadline_notices().reminders == 0
    assert not HazardNotice.objects.exists()


# --- overdue ---------------------------------------------------------------------------------


def test_overdue_notice_every_day_once_to_person_and_leader(county):
    hazard = hazard_due_on(county, days(1))
    # Day 1 is the deadline itself: not overdue yet.
    with time_machine.travel(at(days(1)), tick=False):
        assert deadlines.send_deadline_notices().overdue == 0
    # Days 2, 3, 4 are overdue: the job runs many times a day, one notice a day.
    for day in (days(2), days(3), days(4)):
        for hour in (8, 9, 13, 20):
            with time_machine.travel(at(day, hour), tick=False):
                deadlines.send_deadline_notices()

    notices = list(
        HazardNotice.objects.filter(hazard=hazard).order_by("day").values_list("kind", "day")
    )
    assert notices == [(HazardNotice.Kind.OVERDUE, d) for d in (days(2), days(3), days(4))]
    got = notifications(hazard, NotificationKind.OVERDUE)
    assert sorted(got) == sorted(
        (who, d) for d in (days(2), days(3), days(4)) for who in ("user_a", "leader_a")
    )
    # One email a day, to both of them.
    assert len(mail.outbox) == 3
    assert all(sorted(m.to) == ["a@example.cn", "leader_a@example.cn"] for m in mail.outbox)
    assert "逾期 1 天" in Notification.objects.filter(hazard=hazard).order_by("pk")[0].message


def test_overdue_notices_stop_when_the_hazard_leaves_rectifying(county):
    hazard = hazard_due_on(county, days(1))
    with time_machine.travel(at(days(2)), tick=False):
        deadlines.send_deadline_notices()
        hazard.submit(by=county.user_a, note="已整改。")
    with time_machine.travel(at(days(3)), tick=False):
        assert deadlines.send_deadline_notices().overdue == 0
    assert HazardNotice.objects.filter(hazard=hazard).count() == 1


@pytest.mark.parametrize("end", ["void", "close"])
def test_no_notices_for_voided_or_closed_hazards(county, end):
    hazard = hazard_due_on(county, days(3))
    with time_machine.travel(at(DAY0), tick=False):
        if end == "void":
            hazard.void(by=county.bureau, reason="重复登记。")
        else:
            hazard.submit(by=county.user_a, note="已整改。")
            hazard.review(by=county.inspector, passed=True, comment="合格。")
        deadlines.send_deadline_notices()
    with time_machine.travel(at(days(5)), tick=False):
        deadlines.send_deadline_notices()
    assert not HazardNotice.objects.exists()
    assert not Notification.objects.filter(
        kind__in=[NotificationKind.REMINDER, NotificationKind.OVERDUE]
    ).exists()


def test_the_day_is_the_shanghai_calendar_day(county):
    hazard = hazard_due_on(county, days(3))
    # 2026-03-01 17:30 UTC is already 2026-03-02 01:30 in Shanghai.
    with time_machine.travel(dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC), tick=False):
        assert deadlines.send_deadline_notices().reminders == 1
    assert HazardNotice.objects.get(hazard=hazard).day == DAY0


def test_failed_notice_email_is_retried_without_a_second_notification(county, monkeypatch):
    hazard = hazard_due_on(county, days(1))

    class Down:
        def send_messages(self, messages):
            raise ConnectionRefusedError("mail server down")

    with time_machine.travel(at(days(2), 8), tick=False):
        monkeypatch.setattr(sweep_mail, "_mailer", lambda: Down())
        first = deadlines.send_deadline_notices()
        assert first.overdue == 1 and first.emails_failed == 1
        assert HazardNotice.objects.get(hazard=hazard).sent_at is None
        monkeypatch.undo()
    with time_machine.travel(at(days(2), 9), tick=False):
        second = deadlines.send_deadline_notices()
    assert second.overdue == 0 and second.emails_sent == 1
    assert len(mail.outbox) == 1
    assert len(notifications(hazard, NotificationKind.OVERDUE)) == 2  # person + leader, once
    assert HazardNotice.objects.get(hazard=hazard).sent_at is not None


def test_people_without_email_get_the_notification_only(world):
    hazard = hazard_due_on(world, days(1))
    with time_machine.travel(at(days(2)), tick=False):
        result = deadlines.send_deadline_notices()
    assert result.notifications == 2 and result.emails_sent == 0 and mail.outbox == []
    assert HazardNotice.objects.get(hazard=hazard).sent_at is not None


# Phase 1 per batch: SAVEPOINT, SELECT targets, INSERT … RETURNING notices,
# INSERT notifications, RELEASE SAVEPOINT.
NOTICE_QUERIES = 5


@pytest.mark.parametrize("count", [3, 30])
def test_notice_query_count_does_not_grow_with_the_hazards(world, count, django_assert_num_queries):
    overdue = [hazard_due_on(world, days(1)) for _ in range(count)]
    for _ in range(count):
        hazard_due_on(world, days(5))  # reminder day is days(2) + 3
    with time_machine.travel(at(days(2)), tick=False):
        with django_assert_num_queries(NOTICE_QUERIES):
            result, scanned = deadlines._notice_batch(
                today=days(2), now=at(days(2)), limit=deadlines.BATCH_SIZE
            )
    assert scanned == 2 * count
    assert (result.overdue, result.reminders) == (count, count)
    assert HazardNotice.objects.count() == 2 * count
    assert Notification.objects.filter(hazard__in=overdue).count() == 2 * count


def test_notice_backlog_larger_than_a_batch_is_worked_off(world):
    for _ in range(5):
        hazard_due_on(world, days(1))
    with time_machine.travel(at(days(2)), tick=False):
        result = deadlines.send_deadline_notices(batch_size=2)
    assert result.overdue == 5
    assert HazardNotice.objects.count() == 5


def test_notices_task_runs_the_job(county):
    from hazards.tasks import send_deadline_notices

    hazard_due_on(county, days(3))
    with time_machine.travel(at(DAY0), tick=False):
        out = send_deadline_notices.apply().get()
    assert out["reminders"] == 1 and out["emails_sent"] == 1
