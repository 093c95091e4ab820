"""The escalation pipeline with real processes: a Celery worker and beat started as
subprocesses (``.venv/bin/celery -A config worker|beat``) against the test database.

- with PostgreSQL and Redis (CI): two failed reviews through the API → escalation,
  unread notification and email within a few sweeps; a second beat beside the first
  duplicates nothing; a worker killed with SIGKILL while sweeps are in flight loses
  nothing and duplicates no row.
- with nothing configured (``make run``'s embedded default): SQLite and kombu's
  filesystem broker deliver the beat's sweep to the worker too.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, NotificationKind
from hazards.models import Escalation, EventKind, Hazard, HazardEvent
from hazards.sweeps.mail import _message_id
from tests.support import factories as f

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CELERY = str(BIN / "celery")
SWEEP_SECONDS = 1
# The Redis database these tests own (the broker's queues are flushed there first).
# Parallel checkouts on one machine each set their own (README "Tests").
REDIS_TEST_DB = int(os.environ.get("REDIS_TEST_DB", "14"))


def wait_for(check, *, timeout: float = 30, interval: float = 0.25, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Processes:
    """Worker and beat subprocesses, each in its own process group, logged to files.
    ``stop_all`` (called by the fixture in a finally) leaves nothing running."""

    def __init__(self, env: dict, logs: Path):
        self.env = env
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}
        self.runs = Counter()

    def start(self, name: str, *args: str) -> Path:
        self.runs[name] += 1
        log = self.logs / f"{name}-{self.runs[name]}.log"
        with log.open("wb") as out:
            self.procs[name] = subprocess.Popen(
                [CELERY, "-A", "config", *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return log

    def start_worker(self, name: str = "worker", *extra: str) -> Path:
        return self.start(
            name,
            "worker",
            "-l",
            "info",
            "-n",
            f"{name}-{self.runs[name] + 1}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *extra,
        )

    def start_beat(self, name: str) -> Path:
        schedule = self.logs / f"{name}-schedule"
        return self.start(name, "beat", "-l", "info", "-s", str(schedule))

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        proc.wait(timeout=15)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self.procs.clear()

    def tails(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
            for log in sorted(self.logs.glob("*.log"))
        )


def read_mail(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Every message the file-based email backend wrote (one file per connection)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def mails_about(mail_dir: Path, code: str) -> list[email.message.EmailMessage]:
    return [m for m in read_mail(mail_dir) if code in str(m["Subject"])]


# --- PostgreSQL + Redis ---------------------------------------------------------------------


def _test_database_url() -> str:
    """The database pytest-django created for this run, as a DATABASE_URL."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


def _test_redis_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{REDIS_TEST_DB}"))


@pytest.fixture
def cluster(tmp_path, transactional_db):
    import redis

    redis_url = _test_redis_url()
    # This Redis database belongs to these tests: start from empty queues.
    redis.Redis.from_url(redis_url).flushdb()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "VAR_DIR": str(tmp_path / "var"),
        "ESCALATION_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    procs = Processes(env, logs)
    procs.mail_dir = mail_dir
    try:
        yield procs
    finally:
        procs.stop_all()


def _fail_through_api(client, hazard: Hazard) -> None:
    """The enterprise submits through the API, the inspector fails the re-check."""
    hazard.refresh_from_db()
    if hazard.state == "rectifying":
        enterprise = APIClient()
        enterprise.force_authenticate(hazard.responsible_person)
        resp = enterprise.post(
            f"/api/v1/hazards/{hazard.pk}/submit/", {"note": "已整改，请复查。"}, format="multipart"
        )
        assert resp.status_code == 200, resp.content
    resp = client.post(
        f"/api/v1/hazards/{hazard.pk}/review/",
        {
            "result": "fail",
            "comment": "复查发现整改不到位。",
            "new_deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
        format="json",
    )
    assert resp.status_code == 200, resp.content


def _assert_exactly_once(hazard: Hazard, mail_dir: Path, *, emails_exact: bool) -> None:
    """The invariants: every failure at or past the threshold is one escalation row
    with one event and one notification, and its email went out."""
    hazard.refresh_from_db()
    rounds = sorted(Escalation.objects.filter(hazard=hazard).values_list("round", flat=True))
    expected = list(range(1, hazard.failed_reviews - 2 + 2))
    assert rounds == expected, (hazard.code, rounds)
    assert hazard.escalation_round == len(expected)
    events = HazardEvent.objects.filter(hazard=hazard, kind=EventKind.ESCALATED)
    assert sorted(e.data["round"] for e in events) == expected
    notes = Notification.objects.filter(hazard=hazard, kind=NotificationKind.ESCALATION)
    assert notes.count() == len(expected)
    assert not Escalation.objects.filter(hazard=hazard, notified_at__isnull=True).exists()
    # Emails are keyed by a Message-ID fixed per escalation (hazards/sweeps/mail.py).
    ids = Counter(str(m["Message-ID"]) for m in mails_about(mail_dir, hazard.code))
    for esc in Escalation.objects.filter(hazard=hazard):
        copies = ids[_message_id(f"escalation.{esc.pk}")]
        assert copies >= 1, (hazard.code, esc.round, ids)
        if emails_exact:
            assert copies == 1, (hazard.code, esc.round, ids)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_escalate_exactly_once(world, api, cluster):
    leader = world.leader_a
    leader.email = "leader_a@example.cn"
    leader.save(update_fields=["email"])
    hazard = f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=leader
    )
    try:
        cluster.start_worker("worker", "--pool", "threads", "--concurrency", "4")
        cluster.start_beat("beat1")

        # 1. Two failed re-inspections through the API → within a sweep or so the leader
        #    has the escalation, an unread notification and an email.
        inspector = api(world.inspector)
        _fail_through_api(inspector, hazard)
        _fail_through_api(inspector, hazard)
        esc = wait_for(
            lambda: Escalation.objects.filter(hazard=hazard, notified_at__isnull=False).first(),
            what="the escalation and its email",
        )
        assert (esc.round, esc.leader_id) == (1, leader.pk)
        as_leader = api(leader)
        unread = as_leader.get("/api/v1/notifications/", {"unread": "1"}).json()["results"]
        assert [(n["kind"], n["hazard"]) for n in unread] == [("escalation", hazard.pk)]
        listed = as_leader.get("/api/v1/escalations/").json()["results"]
        assert [(e["hazard"], e["round"], e["state"]) for e in listed] == [(hazard.pk, 1, "open")]
        [message] = mails_about(cluster.mail_dir, hazard.code)
        assert message["To"] == "leader_a@example.cn"
        assert hazard.title in message.get_content()
        detail = api(world.inspector).get(f"/api/v1/hazards/{hazard.pk}/").json()
        assert detail["escalated"] is True
        timeline = api(world.inspector).get(f"/api/v1/hazards/{hazard.pk}/events/").json()
        assert [e["kind"] for e in timeline["results"]][-1] == "escalated"

        # 2. A second beat beside the first: every sweep now runs twice, concurrently
        #    (the worker has four threads). A third failure is still escalated once.
        beat2_log = cluster.start_beat("beat2")
        wait_for(
            lambda: "escalation_sweep" in beat2_log.read_text(errors="replace"),
            what="the second beat to send a sweep",
        )
        _fail_through_api(inspector, hazard)
        wait_for(
            lambda: Escalation.objects.filter(
                hazard=hazard, round=2, notified_at__isnull=False
            ).exists(),
            what="round 2",
        )
        time.sleep(3 * SWEEP_SECONDS + 0.5)  # a few more double sweeps
        _assert_exactly_once(hazard, cluster.mail_dir, emails_exact=True)

        # 3. SIGKILL the worker while sweeps are in flight, a few times, each time with
        #    new work due; then let a fresh worker finish and check every invariant.
        cluster.kill("worker", signal.SIGKILL)
        hazards = [hazard]
        in_flight_kills = 0
        for attempt in range(6):
            batch = [
                f.make_hazard(enterprise=world.ent_a, by=world.inspector, leader_user=leader)
                for _ in range(40)
            ]
            Hazard.objects.filter(pk__in=[h.pk for h in batch]).update(failed_reviews=2)
            hazards += batch
            log = cluster.start_worker("victim", "--pool", "threads", "--concurrency", "2")
            wait_for(
                lambda log=log: "escalation_sweep" in log.read_text(errors="replace"),
                interval=0.01,
                what="the worker to take a sweep",
            )
            time.sleep(random.uniform(0, 0.15))
            cluster.kill("victim", signal.SIGKILL)
            text = log.read_text(errors="replace")
            received = set(re.findall(r"escalation_sweep\[([0-9a-f-]+)\] received", text))
            done = set(re.findall(r"escalation_sweep\[([0-9a-f-]+)\] succeeded", text))
            in_flight_kills += bool(received - done)
            if in_flight_kills and attempt >= 1:
                break
        assert in_flight_kills, "no kill landed while a sweep was running"

        cluster.start_worker("worker", "--pool", "threads", "--concurrency", "4")
        wait_for(
            lambda: (
                not Hazard.objects.due_for_escalation(2).exists()
                and not Escalation.objects.filter(notified_at__isnull=True).exists()
            ),
            timeout=30,
            what="the restarted worker to catch up",
        )
        time.sleep(2 * SWEEP_SECONDS)
        for h in hazards:
            # A kill between the mail server accepting a message and the COMMIT of its
            # mark may repeat that one email (at-least-once): count, don't require 1.
            _assert_exactly_once(h, cluster.mail_dir, emails_exact=(h is hazard))
        assert Escalation.objects.count() == len(hazards) + 1
        # One distinct message per escalation, whatever the kills repeated.
        messages = read_mail(cluster.mail_dir)
        assert len({str(m["Message-ID"]) for m in messages}) == Escalation.objects.count()
        repeated = len(messages) - Escalation.objects.count()
        print(f"{in_flight_kills} kill(s) mid-sweep; {repeated} email(s) repeated by a kill")
    except BaseException:
        print(cluster.tails())
        raise


# --- the embedded default: SQLite and the filesystem broker ----------------------------------

SETUP_SCRIPT = """
import datetime as dt
from django.utils import timezone
from tests.support import factories as f

bureau_dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
ent = f.EnterpriseFactory(supervising_department=bureau_dept)
inspector = f.inspector(bureau_dept, username="inspector")
person = f.enterprise_user(ent, username="ent_user")
leader = f.leader(username="leader", email="leader@example.cn")
hazard = f.make_hazard(enterprise=ent, by=inspector, person=person, leader_user=leader)
for _ in range(2):
    hazard.submit(by=person, note="已整改，请复查。")
    hazard.review(by=inspector, passed=False, comment="整改不到位。",
                  new_deadline=timezone.localdate() + dt.timedelta(days=7))
print("HAZARD", hazard.pk, hazard.code)
"""


def test_embedded_default_broker_delivers_the_beat_sweep_to_the_worker(tmp_path):
    """`make run` with nothing configured: SQLite file, kombu filesystem broker."""
    var = tmp_path / "var"
    mail_dir = tmp_path / "mail"
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env.update(
        {
            "APP_ENV": "development",
            "VAR_DIR": str(var),
            "ESCALATION_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [*manage, "shell", "-v", "0", "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _, pk, code = re.search(r"HAZARD (\d+) (\S+)", out).group(0).split()

    def escalation_row():
        db = sqlite3.connect(f"file:{var / 'db.sqlite3'}?mode=ro", uri=True, timeout=10)
        try:
            return db.execute(
                "SELECT round, notified_at FROM hazards_escalation WHERE hazard_id = ?", (pk,)
            ).fetchall()
        except sqlite3.OperationalError:  # locked by the worker this instant
            return None
        finally:
            db.close()

    assert escalation_row() == []
    procs = Processes(env, logs)
    try:
        # The same worker as scripts/runall.py starts (prefork, two processes).
        procs.start_worker("worker", "--concurrency", "2")
        procs.start_beat("beat")
        rows = wait_for(
            lambda: (r := escalation_row()) and r[0][1] is not None and r,
            timeout=45,
            what="the escalation in the SQLite database",
        )
        assert [r[0] for r in rows] == [1]
        [message] = mails_about(mail_dir, code)
        assert message["To"] == "leader@example.cn"
    except BaseException:
        print(procs.tails())
        raise
    finally:
        procs.stop_all()
