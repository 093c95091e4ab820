"""Measuring for bench/run.py: timing, the SQL floor (the captured statements replayed on
a plain psycopg2 connection) and the report lines. Imported after ``django.setup()``."""

from __future__ import annotations

import re
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Every report line of the run, printed again as a table at the end.
ROWS: list[str] = []


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn, *, repeat: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def raw_connection():
    import psycopg2

    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )


class Floor:
    """The captured SQL replayed on a plain psycopg2 connection, fetching every row."""

    def __init__(self, statements: list[str]):
        self.statements = statements
        self.conn = raw_connection()
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute("SET TIME ZONE %s", [settings.TIME_ZONE])  # as Django's connection

    def __call__(self) -> None:
        with self.conn.cursor() as cur:
            for sql in self.statements:
                cur.execute(sql)
                if cur.description is not None:
                    cur.fetchall()

    def close(self) -> None:
        self.conn.close()


def floor(statements: list[str], *, repeat: int, warmup: int) -> list[float]:
    run = Floor(statements)
    try:
        return timed(run, repeat=repeat, warmup=warmup)
    finally:
        run.close()


def interleaved(fn, statements: list[str], *, repeat: int, warmup: int):
    """Time ``fn`` and its SQL floor alternately, so that load from other processes on a
    shared machine falls on both alike."""
    run = Floor(statements) if statements else None
    try:
        for _ in range(warmup):
            fn()
            if run:
                run()
        request_ms, floor_ms = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            request_ms.append((time.perf_counter() - started) * 1000)
            if run:
                started = time.perf_counter()
                run()
                floor_ms.append((time.perf_counter() - started) * 1000)
        return request_ms, floor_ms or None
    finally:
        if run:
            run.close()


AUTH_TABLES = ('"authtoken_token"', '"django_session"', '"accounts_user"', '"axes_')


def data_statements(captured: list[dict]) -> list[str]:
    """The captured statements minus authentication and session bookkeeping."""
    out = []
    for q in captured:
        sql = q["sql"]
        if sql.startswith("DECLARE "):  # a server-side cursor (QuerySet.iterator())
            sql = re.split(r" CURSOR (?:WITH HOLD )?FOR ", sql, maxsplit=1)[1]
        head = sql.lstrip().upper()
        if head.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ")):
            continue
        if any(t in sql.split(" WHERE ")[0] for t in AUTH_TABLES) and "hazards_" not in sql:
            continue
        out.append(sql)
    return out


def report(label: str, request_ms: list[float], floor_ms: list[float] | None, queries: int):
    med, p95 = statistics.median(request_ms), pct(request_ms, 95)
    if floor_ms:
        fmed, fp95 = statistics.median(floor_ms), pct(floor_ms, 95)
        ratio = f"{med / fmed:5.2f}x {p95 / fp95:5.2f}x" if fmed and fp95 else f"{'-':>13}"
        floor_txt = f"{fmed:8.1f} {fp95:8.1f}"
    else:
        ratio, floor_txt = f"{'-':>13}", f"{'-':>8} {'-':>8}"
    line = f"{label:<52} {med:8.1f} {p95:8.1f}   {floor_txt}  {ratio}  {queries:>3}"
    ROWS.append(line)
    print(line, flush=True)


def header(title: str):
    print(f"\n== {title}", flush=True)
    print(
        f"{'':<52} {'median':>8} {'p95':>8}   {'SQL med':>8} {'SQL p95':>8}  "
        f"{'ratio med/p95':>13}  queries",
        flush=True,
    )


def bench_request(label, client: Client, url: str, *, repeat: int, warmup: int, headers=None):
    headers = headers or {}

    def call():
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:300]!r}")
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        return response

    with CaptureQueriesContext(connection) as ctx:
        call()
    captured = list(ctx.captured_queries)
    statements = data_statements(captured)
    request_ms, floor_ms = interleaved(call, statements, repeat=repeat, warmup=warmup)
    report(label, request_ms, floor_ms, len(captured))
    return statements
