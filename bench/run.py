#!/usr/bin/env python
"""Benchmarks at county scale (docs/architecture.md, "Performance"), against PostgreSQL loaded by seed_bulk.

    createdb -h 127.0.0.1 -U postgres hazard_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazard_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_bulk --enterprises 10000 --hazards 1000000
    .venv/bin/python bench/run.py all            # or: dashboard | ledger | sweep | export

Requests go through Django's full stack in-process (test Client: middleware, auth,
view, serialisation, template), so the numbers are the server's work without the
network. Each is repeated (``--repeat``, after ``--warmup``) and reported as median
and p95 next to its SQL floor: the very SQL statements that request ran, captured and
replayed directly through psycopg2 on a separate connection, alternating with the
requests so that load from other processes falls on both alike. The ratios
request/floor (of the medians and of the p95s) are Django's and Python's overhead on
top of the database work. The query count per request is printed too.

The sweep and export benches change data only inside a transaction that is rolled
back, so the loaded database is left as it was.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("AXES_ENABLED", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.measure import (  # noqa: E402
    ROWS,
    bench_request,
    data_statements,
    header,
    interleaved,
    raw_connection,
    report,
)

# --- actors ------------------------------------------------------------------------------------


def actors():
    from rest_framework.authtoken.models import Token

    bureau = User.objects.filter(role=Role.BUREAU, username="bench_bureau").first()
    if bureau is None:
        raise SystemExit("No bench_bureau user: run manage.py seed_bulk first.")
    inspector = (
        User.objects.filter(role=Role.INSPECTOR, department__is_bureau=False)
        .order_by("department__name", "pk")
        .first()
    )
    enterprise_user = (
        User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).order_by("pk").first()
    )
    out = {}
    for name, user in (
        ("bureau", bureau),
        ("inspector", inspector),
        ("enterprise", enterprise_user),
    ):
        if user is None:
            continue
        token, _created = Token.objects.get_or_create(user=user)
        api = Client()
        page = Client()
        page.force_login(user)
        out[name] = (user, api, {"Authorization": f"Token {token.key}"}, page)
    return out


# --- benches -------------------------------------------------------------------------------------


def dashboard(args):
    from dashboard.filters import DashboardFilters
    from dashboard.summary import build_summary
    from enterprises.models import Township

    header("dashboard summary (API and page)")
    people = actors()
    user, api, auth, page = people["bureau"]
    township = Township.objects.order_by("pk").first()
    import datetime as dt

    from hazards.models import local_today

    since = (local_today() - dt.timedelta(days=90)).isoformat()
    cases = [
        ("county", ""),
        ("county, one township", f"township={township.pk}"),
        ("county, last 90 days, major", f"created_after={since}&level=major"),
    ]
    for name, query in cases:
        bench_request(
            f"API  bureau {name}",
            api,
            f"/api/v1/dashboard/summary/?{query}",
            repeat=args.repeat,
            warmup=args.warmup,
            headers=auth,
        )
        bench_request(
            f"page bureau {name}",
            page,
            f"/dashboard/?{query}",
            repeat=args.repeat,
            warmup=args.warmup,
        )
    for who in ("inspector", "enterprise"):
        if who in people:
            user, api, auth, page = people[who]
            bench_request(
                f"API  {who} (own scope)",
                api,
                "/api/v1/dashboard/summary/",
                repeat=args.repeat,
                warmup=args.warmup,
                headers=auth,
            )
    # The figures alone, without HTTP: what build_summary costs over its SQL.
    user = people["bureau"][0]
    with CaptureQueriesContext(connection) as ctx:
        build_summary(user, DashboardFilters())
    statements = data_statements(ctx.captured_queries)
    ms, floor_ms = interleaved(
        lambda: build_summary(user, DashboardFilters()), statements, repeat=args.repeat, warmup=1
    )
    report("build_summary() bureau county", ms, floor_ms, len(ctx.captured_queries))
    if args.explain:
        explain(statements)


def explain(statements):
    conn = raw_connection()
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n" + sql[:300])
            print("\n".join(r[0] for r in cur.fetchall()))
    conn.close()


def ledger(args):
    from django.urls import Resolver404, resolve

    from enterprises.models import Township

    header("ledger list (API and page), page size 50")
    people = actors()
    user, api, auth, page = people["bureau"]
    township = Township.objects.order_by("pk").first()
    cases = [
        ("newest first", ""),
        ("open, by deadline", "state=open&ordering=deadline"),
        ("overdue", "overdue=true"),
        ("township + industry", f"township={township.pk}&industry=construction"),
        ("escalated, open", "escalated=true&state=open"),
        ("search q=配电箱", "q=配电箱"),
        ("search q=part of a code", "q=2024-00012"),
    ]
    try:
        resolve("/hazards/")
        has_page = True
    except Resolver404:
        has_page = False
    for name, query in cases:
        bench_request(
            f"API  {name}",
            api,
            f"/api/v1/hazards/?{query}",
            repeat=args.repeat,
            warmup=args.warmup,
            headers=auth,
        )
        if has_page:
            bench_request(
                f"page {name}", page, f"/hazards/?{query}", repeat=args.repeat, warmup=args.warmup
            )
    if not has_page:
        print("(no /hazards/ page yet: only the API was measured)")
    if "enterprise" in people:
        user, api, auth, page = people["enterprise"]
        bench_request(
            "API  enterprise user, newest first",
            api,
            "/api/v1/hazards/",
            repeat=args.repeat,
            warmup=args.warmup,
            headers=auth,
        )
    if args.explain:
        user, api, auth, page = people["bureau"]
        with CaptureQueriesContext(connection) as ctx:
            api.get("/api/v1/hazards/?state=open&ordering=deadline", headers=auth)
        explain(data_statements(ctx.captured_queries))


@contextmanager
def rolled_back():
    """Everything inside is undone, whatever the code under test commits."""
    with transaction.atomic():
        sid = transaction.savepoint()
        try:
            yield
        finally:
            transaction.savepoint_rollback(sid)
            transaction.set_rollback(True)


SWEEP_SQL = """
WITH due AS (
    SELECT h.id, h.code, h.title, h.state, h.failed_reviews, h.escalation_round,
           h.responsible_leader_id, e.name AS enterprise_name
    FROM hazards_hazard h JOIN enterprises_enterprise e ON e.id = h.enterprise_id
    WHERE h.state IN ('rectifying', 'pending_review') AND h.failed_reviews >= %(t)s
      AND h.escalation_round < h.failed_reviews - %(t)s + 1
    FOR UPDATE OF h SKIP LOCKED
), rounds AS (
    SELECT due.*, r AS round FROM due,
           generate_series(due.escalation_round + 1, due.failed_reviews - %(t)s + 1) r
), esc AS (
    INSERT INTO hazards_escalation (hazard_id, round, leader_id, reason, state, created_at,
                                    acknowledgement_note, outcome, resolution_note)
    SELECT id, round, responsible_leader_id,
           '隐患 ' || code || ' 第 ' || (round + %(t)s - 1) || ' 次复查整改不到位，升级督办至责任领导。',
           'open', now(), '', '', ''
    FROM rounds
    ON CONFLICT (hazard_id, round) DO NOTHING
    RETURNING id, hazard_id, round, leader_id
), ev AS (
    INSERT INTO hazards_hazardevent (hazard_id, actor_id, kind, from_state, to_state, note,
                                     data, created_at)
    SELECT esc.hazard_id, NULL, 'escalated', due.state, due.state, '升级督办',
           jsonb_build_object('round', esc.round, 'escalation', esc.id, 'leader', esc.leader_id),
           now()
    FROM esc JOIN due ON due.id = esc.hazard_id
), notif AS (
    INSERT INTO accounts_notification (recipient_id, kind, hazard_id, message, created_at)
    SELECT esc.leader_id, 'escalation', esc.hazard_id,
           due.enterprise_name || ' 的隐患 ' || due.code || '“' || due.title || '”两次整改不到位，已升级督办。',
           now()
    FROM esc JOIN due ON due.id = esc.hazard_id
)
UPDATE hazards_hazard h SET escalation_round = h.failed_reviews - %(t)s + 1
FROM due WHERE h.id = due.id
"""


def make_due(n: int, threshold: int) -> int:
    """n open hazards without escalations get a second failed review (inside the
    caller's transaction)."""
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE hazards_hazard SET failed_reviews = %s, escalation_round = 0
            WHERE id IN (SELECT id FROM hazards_hazard
                         WHERE state IN ('rectifying', 'pending_review') AND escalation_round = 0
                         ORDER BY id LIMIT %s)
            """,
            [threshold, n],
        )
        return cur.rowcount


def sweep(args):
    try:
        from hazards.sweeps.escalate import escalate_due
        from hazards.sweeps.mail import send_escalation_emails
    except ImportError:
        print("\n== escalation sweep: hazards/sweeps/ is not there yet")
        return
    from hazards.models import Escalation

    header(f"escalation sweep, {args.due} hazards due (each run rolled back)")
    threshold = settings.ESCALATION_FAILURE_THRESHOLD
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    runs = max(3, args.repeat // 6)
    django_ms, sql_ms, email_ms, counts = [], [], [], []
    for _ in range(runs):
        with rolled_back():
            made = make_due(args.due, threshold)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                created = escalate_due()
                django_ms.append((time.perf_counter() - started) * 1000)
            counts.append(len(ctx.captured_queries))
            assert len(created) == made, (len(created), made)
            started = time.perf_counter()
            send_escalation_emails()  # one sweep's batch, as the beat task runs it
            email_ms.append((time.perf_counter() - started) * 1000)
        with rolled_back():
            made = make_due(args.due, threshold)
            before = Escalation.objects.count()
            with connection.cursor() as cur:
                started = time.perf_counter()
                cur.execute(SWEEP_SQL, {"t": threshold})
                sql_ms.append((time.perf_counter() - started) * 1000)
            assert Escalation.objects.count() - before == made
    report("sweep phase 1 (escalations, events, notifications)", django_ms, sql_ms, counts[0])
    try:
        from hazards.sweeps.mail import EMAIL_BATCH_SIZE
    except ImportError:  # pragma: no cover
        EMAIL_BATCH_SIZE = "?"
    report(f"sweep phase 2 (emails, batch of {EMAIL_BATCH_SIZE}, 1 tx each)", email_ms, None, 0)


def export(args):
    """Runs the export in a child process so its peak memory is the export's own."""
    print(f"\n== Excel export of {args.rows} rows (time, peak RSS of the process)", flush=True)
    if not (ROOT / "hazards" / "export.py").exists():
        print("hazards/export.py is not there yet")
        return
    cmd = [sys.executable, __file__, "_export_child", "--rows", str(args.rows)]
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        print(out.stdout, out.stderr)
        raise SystemExit("export failed")
    print(out.stdout.strip())
    print(f"(child process wall time including Django start-up: {wall:.1f} s)")


def _export_child(args):
    import resource

    from hazards.models import Hazard

    people = actors()
    user, api, auth, page = people["bureau"]
    # The newest `rows` hazards, as a date filter the ledger can express.
    ids = Hazard.objects.order_by("-created_at").values_list("created_at", flat=True)
    edge = ids[args.rows - 1] if Hazard.objects.count() >= args.rows else None
    from django.utils import timezone

    query = f"created_after={timezone.localtime(edge).date().isoformat()}" if edge else ""
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = api.get(f"/api/v1/hazards/export/?{query}", headers=auth)
    size = 0
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")
    for chunk in response.streaming_content if response.streaming else [response.content]:
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = (
        Hazard.objects.visible_to(user)
        .filter(created_at__date__gte=timezone.localtime(edge).date() if edge else "1900-01-01")
        .count()
    )
    print(
        f"export {rows} rows ({query or 'all'}): {seconds:.1f} s, {size / 1e6:.1f} MB xlsx, "
        f"peak RSS {peak:.0f} MB (Django loaded: {base_rss:.0f} MB)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "what", choices=["all", "dashboard", "ledger", "sweep", "export", "_export_child"]
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--due", type=int, default=10_000, help="hazards due in the sweep bench")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the export bench")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database seed_bulk loaded.")
    if args.what == "_export_child":
        return _export_child(args)
    from hazards.models import Hazard

    print(
        f"{Hazard.objects.count()} hazards, database {settings.DATABASES['default']['NAME']}, "
        f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M %Z')}"
    )
    for name in ("dashboard", "ledger", "sweep", "export"):
        if args.what in (name, "all"):
            globals()[name](args)
    if args.what == "all":
        print("\n== summary (ms)")
        print("\n".join(ROWS))


if __name__ == "__main__":
    main()
