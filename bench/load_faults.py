#!/usr/bin/env python
"""Load and faults: 50 simulated users for 2 minutes against gunicorn + PostgreSQL +
Redis + Celery worker + beat, with one PostgreSQL restart and one Redis outage.

    DATABASE_URL is ignored: the script creates its own database (default hazard_load).
    .venv/bin/python bench/load_faults.py [--users 50] [--seconds 120] [--no-faults]

Run it alone on the machine (it restarts the local PostgreSQL and Redis). At the end it
accounts for every action: hazards and events in the database equal what the clients
did (an action whose response was lost in an outage is looked up by its unique title),
every hazard's state equals its last event's, failed_reviews equals its failed-review
events, and every hazard due for escalation has exactly its escalations. Exit code 0
only when there were no 500s and nothing is missing or extra.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


def sh(cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, shell=True, check=check, capture_output=True, text=True)


class Client:
    def __init__(self, token: str):
        self.token = token

    def call(
        self, method: str, path: str, body: dict | None = None, multipart: tuple | None = None
    ):
        headers = {"Authorization": f"Token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if multipart is not None:
            boundary = uuid.uuid4().hex
            data, headers["Content-Type"] = _multipart(boundary, *multipart)
        req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw or b"null")
            except ValueError:
                return exc.code, None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return None, None  # the outcome is unknown: reconciled at the end


def _multipart(boundary: str, fields: dict, files: list[tuple[str, str, bytes]]):
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (random.randrange(256), 80, 80)).save(buf, "JPEG")
    return buf.getvalue()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.status = collections.Counter()
        self.done = collections.Counter()  # confirmed actions by kind
        self.unknown: list[tuple[str, str, dict]] = []  # (kind, key, info)
        self.created_titles: set[str] = set()

    def record(self, kind: str, status, ok: bool, key: str = "", info: dict | None = None):
        with self.lock:
            self.status[status] += 1
            if ok:
                self.done[kind] += 1
            elif status is None or status >= 500:
                self.unknown.append((kind, key, info or {}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--db", default="hazard_load")
    ap.add_argument("--no-faults", action="store_true")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hl-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "APP_ENV": "development",
        "DEBUG": "false",
        "VAR_DIR": str(tmp / "var"),
        "ESCALATION_SWEEP_SECONDS": "5",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "AXES_ENABLED": "false",
    }
    os.environ.update(env)
    sh(f"dropdb -h 127.0.0.1 -U postgres --if-exists --force {args.db}")
    sh(f"createdb -h 127.0.0.1 -U postgres {args.db}")
    sh("redis-cli -n 7 flushdb", check=False)
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [BIN / "python", "manage.py", "seed_demo", "--password", "load-pass-1"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from enterprises.models import Department, Enterprise
    from hazards.models import Hazard

    bureau_dept = Department.objects.get(is_bureau=True)
    n_inspectors = args.users // 2
    inspectors = []
    for i in range(n_inspectors):
        u, _ = User.objects.get_or_create(
            username=f"load_insp_{i}",
            defaults={
                "role": Role.INSPECTOR,
                "department": bureau_dept,
                "display_name": f"检查员{i}",
            },
        )
        inspectors.append(Token.objects.get_or_create(user=u)[0].key)
    enterprises = list(Enterprise.objects.all())
    people = {e.pk: e.users.filter(role=Role.ENTERPRISE).first() for e in enterprises}
    leaders = {
        t: User.objects.filter(role=Role.LEADER, township_id=t).first()
        for t in {e.township_id for e in enterprises}
    }
    ent_tokens = [Token.objects.get_or_create(user=people[e.pk])[0].key for e in enterprises]
    base_hazards = Hazard.objects.count()
    from django.db.models import Count

    from hazards.models import HazardEvent

    base_events = dict(HazardEvent.objects.values_list("kind").annotate(n=Count("pk")))
    connection.close()

    procs = {
        "web": subprocess.Popen(
            [
                BIN / "gunicorn",
                "config.wsgi",
                "-b",
                f"127.0.0.1:{PORT}",
                "--workers",
                "4",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(tmp / "web.log", "w"),
            stderr=subprocess.STDOUT,
        ),
        "worker": subprocess.Popen(
            [BIN / "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "2"],
            cwd=ROOT,
            env=env,
            stdout=open(tmp / "worker.log", "w"),
            stderr=subprocess.STDOUT,
        ),
        "beat": subprocess.Popen(
            [BIN / "celery", "-A", "config", "beat", "-l", "info", "-s", str(tmp / "beat")],
            cwd=ROOT,
            env=env,
            stdout=open(tmp / "beat.log", "w"),
            stderr=subprocess.STDOUT,
        ),
    }
    for _ in range(60):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=2)
            break
        except Exception:
            time.sleep(0.5)

    tally = Tally()
    stop_at = time.time() + args.seconds
    today = dt.date.today()

    def inspector_loop(token: str, seed: int):
        rnd = random.Random(seed)
        c = Client(token)
        n = 0
        while time.time() < stop_at:
            if rnd.random() < 0.4:
                ent = rnd.choice(enterprises)
                n += 1
                title = f"负载测试隐患 {seed}-{n}"
                body = {
                    "enterprise": ent.pk,
                    "title": title,
                    "category": "equipment",
                    "level": "general",
                    "measures": "立即整改",
                    "responsible_person": people[ent.pk].pk,
                    "responsible_leader": leaders[ent.township_id].pk,
                    "deadline": (today + dt.timedelta(days=10)).isoformat(),
                    "funds": "100",
                }
                status, _ = c.call("POST", "/api/v1/hazards/", body)
                tally.record("create", status, status == 201, title)
            else:
                status, page = c.call(
                    "GET",
                    "/api/v1/hazards/?state=pending_review&page_size=20",
                )
                tally.record("list", status, status == 200)
                if status == 200 and page and page["results"]:
                    h = rnd.choice(page["results"])
                    passed = rnd.random() < 0.5
                    body = {
                        "result": "pass" if passed else "fail",
                        "comment": "复查意见",
                        "new_deadline": (today + dt.timedelta(days=7)).isoformat(),
                    }
                    status, _ = c.call("POST", f"/api/v1/hazards/{h['id']}/review/", body)
                    tally.record(
                        "review_pass" if passed else "review_fail",
                        status,
                        status == 200,
                        str(h["id"]),
                    )
            time.sleep(rnd.uniform(0.05, 0.3))

    def enterprise_loop(token: str, seed: int):
        rnd = random.Random(seed)
        c = Client(token)
        while time.time() < stop_at:
            status, page = c.call("GET", "/api/v1/hazards/?state=rectifying&page_size=20")
            tally.record("list", status, status == 200)
            if status == 200 and page and page["results"]:
                h = rnd.choice(page["results"])
                files = [("evidence", "after.jpg", jpeg())] if rnd.random() < 0.3 else []
                status, _ = c.call(
                    "POST",
                    f"/api/v1/hazards/{h['id']}/submit/",
                    multipart=({"note": "已完成整改"}, files),
                )
                tally.record("submit", status, status == 200, str(h["id"]))
            time.sleep(rnd.uniform(0.05, 0.3))

    health: list[tuple[float, str, int | None, dict | None]] = []

    def faults():
        def probe(label):
            try:
                with urllib.request.urlopen(BASE + "/healthz", timeout=5) as r:
                    health.append((time.time(), label, r.status, json.loads(r.read())))
            except urllib.error.HTTPError as exc:
                health.append((time.time(), label, exc.code, json.loads(exc.read() or b"null")))
            except Exception:
                health.append((time.time(), label, None, None))

        time.sleep(args.seconds * 0.25)
        version = sh("ls /etc/postgresql").stdout.split()[0]
        probe("before-pg")
        sh(f"pg_ctlcluster --skip-systemctl-redirect {version} main stop -m fast", check=False)
        for _ in range(6):
            probe("pg-down")
            time.sleep(1)
        sh(f"pg_ctlcluster --skip-systemctl-redirect {version} main start", check=False)
        time.sleep(3)
        probe("pg-back")
        time.sleep(args.seconds * 0.25)
        sh("redis-cli shutdown nosave", check=False)
        for _ in range(10):
            probe("redis-down")
            time.sleep(1)
        sh(
            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
            check=False,
        )
        time.sleep(3)
        probe("redis-back")

    threads = [
        threading.Thread(target=inspector_loop, args=(tok, i)) for i, tok in enumerate(inspectors)
    ]
    threads += [
        threading.Thread(target=enterprise_loop, args=(ent_tokens[i % len(ent_tokens)], 1000 + i))
        for i in range(args.users - n_inspectors)
    ]
    if not args.no_faults:
        threads.append(threading.Thread(target=faults))
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    time.sleep(15)  # let beat sweep escalations due during the Redis outage

    report = account(base_hazards, base_events, tally)
    for p in procs.values():
        p.terminate()
    for p in procs.values():
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()

    print(
        f"\n== load and faults: {args.users} users, {elapsed:.0f} s, faults={'off' if args.no_faults else 'on'}"
    )
    print(
        "responses by status:",
        dict(sorted(tally.status.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))),
    )
    print("confirmed actions:", dict(tally.done))
    for _when, label, status, body in health:
        print(f"  healthz {label:<10} {status} {body}")
    for line in report["lines"]:
        print(line)
    ok = tally.status.get(500, 0) == 0 and report["ok"]
    print("RESULT:", "PASS" if ok else "FAIL", f"(logs in {tmp})")
    return 0 if ok else 1


def account(base_hazards: int, base_events: dict, tally: Tally) -> dict:
    """Compare what the clients did with what the database holds."""
    from django.db import connection
    from django.db.models import Count, Q

    from hazards.models import Escalation, EventKind, Hazard, HazardEvent

    connection.close()
    lines, ok = [], True
    # Creates whose response was lost: did they land? (titles are unique per client action)
    lost_creates = [key for kind, key, _ in tally.unknown if kind == "create"]
    landed = set(Hazard.objects.filter(title__in=lost_creates).values_list("title", flat=True))
    expected_hazards = base_hazards + tally.done["create"] + len(landed)
    actual_hazards = Hazard.objects.count()
    lines.append(
        f"hazards: expected {expected_hazards} (incl. {len(landed)} of {len(lost_creates)} lost responses that landed), found {actual_hazards}"
    )
    ok &= expected_hazards == actual_hazards
    load = Hazard.objects.filter(title__startswith="负载测试隐患")
    events = HazardEvent.objects.filter(hazard__in=load)
    by_kind = dict(events.values_list("kind").annotate(n=Count("pk")))
    lines.append(f"load events by kind: {by_kind}")
    ok &= by_kind.get(EventKind.CREATED, 0) == load.count()
    # Transitions whose response was lost are ambiguous (they may or may not have
    # committed); the confirmed ones must all be there and nothing beyond both.
    unknown = collections.Counter(kind for kind, _, _ in tally.unknown)
    for kind, event_kind in (
        ("submit", EventKind.SUBMITTED),
        ("review_pass", EventKind.REVIEW_PASSED),
        ("review_fail", EventKind.REVIEW_FAILED),
    ):
        made = HazardEvent.objects.filter(kind=event_kind).count() - base_events.get(event_kind, 0)
        confirmed = tally.done[kind]
        fits = confirmed <= made <= confirmed + unknown[kind]
        lines.append(
            f"{kind}: {made} events for {confirmed} confirmed + {unknown[kind]} lost responses"
            f" -> {'ok' if fits else 'MISMATCH'}"
        )
        ok &= fits
    # Half-written transitions: state must equal the last event's to_state, counters the events.
    bad_state = 0
    for h in Hazard.objects.annotate(
        fails=Count("events", filter=Q(events__kind=EventKind.REVIEW_FAILED)),
    ).iterator():
        last = (
            HazardEvent.objects.filter(hazard=h)
            .exclude(to_state="")
            .order_by("-created_at", "-pk")
            .first()
        )
        if last.to_state != h.state or h.failed_reviews != h.fails:
            bad_state += 1
    lines.append(f"hazards whose state or failure count disagrees with their events: {bad_state}")
    ok &= bad_state == 0
    from django.conf import settings

    threshold = settings.ESCALATION_FAILURE_THRESHOLD
    missing = extra = 0
    for h in Hazard.objects.filter(failed_reviews__gte=threshold).annotate(n=Count("escalations")):
        due = (
            h.failed_reviews - threshold + 1 if h.state in ("rectifying", "pending_review") else h.n
        )
        missing += max(0, due - h.n)
        extra += max(0, h.n - max(due, h.escalation_round))
    dupes = (
        Escalation.objects.values("hazard", "round").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    lines.append(
        f"escalations: missing {missing}, extra {extra}, duplicated (hazard, round) {dupes}"
    )
    ok &= missing == 0 and extra == 0 and dupes == 0
    return {"ok": ok, "lines": lines}


if __name__ == "__main__":
    sys.exit(main())
