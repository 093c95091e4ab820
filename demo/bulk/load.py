"""A bulk load, phase by phase, in one transaction: the county (demo/bulk/county.py),
then M hazards with their inspections, each living its history (demo/bulk/lifecycle.py),
then the code counters, sequences, dashboard tally and indexes.

On PostgreSQL rows go in with ``COPY … FROM STDIN``; for large loads the secondary
indexes of the big tables are dropped and rebuilt afterwards (as pg_restore does) and
foreign-key triggers are skipped (``session_replication_role = replica``; the generated
ids are consistent by construction). Elsewhere (SQLite) it falls back to
``bulk_create`` in batches. It adds to whatever is there: ids continue after the
current maxima.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from accounts.models import Notification, User
from dashboard.tally import rebuild_tally
from enterprises.models import Enterprise
from hazards.models import Escalation, Hazard, HazardCodeCounter, HazardEvent, Level
from hazards.predicates import is_overdue
from inspections.models import Inspection

from . import county as county_mod
from .copy import Ids, Writer
from .lifecycle import (
    ESCALATION_COLUMNS,
    NOTIFICATION_COLUMNS,
    TZ,
    Lifecycle,
    Registered,
)
from .samples import samples

BIG_LOAD = 100_000  # from this many hazards on, rebuild indexes after the load

EMERGENCY_PLAN = "成立现场应急小组，配备应急物资，发生险情立即停止作业、撤离人员并报告。"
INSPECTION_KINDS = ["routine"] * 6 + ["special"] * 2 + ["comprehensive", "spot"]

HAZARD_COLUMNS = [
    "id",
    "code",
    "enterprise_id",
    "inspection_id",
    "township_id",
    "department_id",
    "industry",
    "title",
    "description",
    "location",
    "category",
    "level",
    "basis",
    "major_by_standard",
    "standard_item_id",
    "measures",
    "responsible_person_id",
    "responsible_leader_id",
    "deadline",
    "funds",
    "emergency_plan",
    "state",
    "failed_reviews",
    "reviews",
    "escalation_round",
    "created_by_id",
    "created_at",
    "updated_at",
    "closed_at",
    "closed_on_time",
]
EVENT_COLUMNS = [
    "id",
    "hazard_id",
    "actor_id",
    "kind",
    "from_state",
    "to_state",
    "note",
    "data",
    "created_at",
]
INSPECTION_COLUMNS = [
    "id",
    "enterprise_id",
    "kind",
    "inspected_on",
    "summary",
    "status",
    "created_by_id",
    "created_at",
]


class BulkLoad:
    """``seed_bulk``'s work; ``out`` is the command's stdout, ``style`` its style."""

    def __init__(self, opts: dict, *, out, style):
        self.opts, self.out, self.style = opts, out, style
        self.rng = random.Random(opts["seed"])
        self.timings: list[tuple[str, float]] = []
        self.t0 = time.perf_counter()
        self.now = dt.datetime.now(tz=TZ).replace(microsecond=0)
        self.today = self.now.date()
        self.ids = Ids()
        self.stats: Counter = Counter()

    def run(self) -> None:
        postgres = connection.vendor == "postgresql"
        big = postgres and self.opts["hazards"] >= BIG_LOAD
        # The escalations' reasons and notifications are in the ledger's language, as
        # the sweep writes them.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            if postgres:
                self._fast_session()
            started = time.perf_counter()
            self.county = county_mod.reference(
                townships=self.opts["townships"], password=self.opts["password"]
            )
            self._tick("townships, departments, staff", started)
            started = time.perf_counter()
            n = self.opts["enterprises"]
            county_mod.enterprises(
                self.county,
                n=n,
                rng=self.rng,
                ids=self.ids,
                joined=self.now - dt.timedelta(days=365 * self.opts["years"] + 30),
                batch=self.opts["batch"],
            )
            self._tick(f"{n} enterprises, {2 * n} users", started)
            dropped = self._drop_indexes() if big else []
            self._hazards()
            self._finish(dropped)
        # VACUUM cannot run inside a transaction (e.g. a test's): skip it there.
        if postgres and not self.opts["no_vacuum"] and not connection.in_atomic_block:
            self._vacuum()
        self._report()

    # --- phases ---------------------------------------------------------------------------

    def _tick(self, label: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.timings.append((label, seconds))
        self.out.write(f"  {label:<38} {seconds:7.1f} s")
        self.out.flush()

    def _fast_session(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
                self.skip_fk = True
            except Exception:  # not a superuser: keep the (deferred) foreign-key checks
                self.skip_fk = False

    def _drop_indexes(self) -> list[str]:
        """Secondary indexes of the big tables, dropped for the load and rebuilt after it
        (inside the same transaction: a failure restores them)."""
        started = time.perf_counter()
        tables = [m._meta.db_table for m in (Hazard, HazardEvent, Escalation, Inspection)]
        tables.append(Inspection.inspectors.through._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                """,
                [tables],
            )
            rows = cursor.fetchall()
            for name, _definition in rows:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self._tick(f"drop {len(rows)} secondary indexes", started)
        return [definition for _n, definition in rows]

    def _hazards(self) -> None:
        started = time.perf_counter()
        rng, m, county = self.rng, self.opts["hazards"], self.county
        life = Lifecycle(
            rng=rng,
            now=self.now,
            threshold=settings.ESCALATION_FAILURE_THRESHOLD,
            bureau=county.bureau.pk,
            escalation_ids=itertools.count(self.ids.start(Escalation)),
        )
        times = life.created_times(m, years=self.opts["years"])
        self._tick(f"{m} registration times", started)
        started = time.perf_counter()

        ents = county.enterprises
        kinds = samples()
        picks = rng.choices(range(len(ents)), [e.weight for e in ents], k=m)
        first_hazard = self.ids.take(Hazard, m)
        counters = {c.year: c.last for c in HazardCodeCounter.objects.all()}
        batch = self.opts["batch"]
        hz = Writer(Hazard, HAZARD_COLUMNS, batch=batch)
        ev = Writer(HazardEvent, EVENT_COLUMNS, batch=batch * 3)
        esc = Writer(Escalation, ESCALATION_COLUMNS, batch=batch)
        # Finalized inspections say when and by whom, where the model records it.
        inspection_fields = {f.attname for f in Inspection._meta.concrete_fields}
        finalized_cols = [c for c in ("finalized_at", "finalized_by_id") if c in inspection_fields]
        insp = Writer(Inspection, INSPECTION_COLUMNS + finalized_cols, batch=batch)
        notes = Writer(Notification, NOTIFICATION_COLUMNS, batch=batch)
        through = Inspection.inspectors.through
        insp_people = Writer(through, ["id", "inspection_id", "user_id"], batch=batch)
        self.writers = [hz, ev, esc, notes, insp, insp_people]
        event_id = self.ids.start(HazardEvent)
        insp_id = self.ids.start(Inspection)
        through_id = self.ids.start(through)
        open_inspection: dict[int, tuple[int, dt.date, int]] = {}

        for k in range(m):
            created = times[k]
            ent = ents[picks[k]]
            inspectors = county.inspectors_of(ent.department_id)
            inspector = inspectors[k % len(inspectors)]
            hazard_id = first_hazard + k
            year = created.year
            counters[year] = counters.get(year, 0) + 1
            code = f"YH-{year}-{counters[year]:06d}"

            # Found in an inspection (one per enterprise and visit), or self-reported.
            if rng.random() < 0.9:
                current = open_inspection.get(ent.id)
                if current and (created.date() - current[1]).days <= 2 and current[2] < 6:
                    inspection = current[0]
                    open_inspection[ent.id] = (current[0], current[1], current[2] + 1)
                else:
                    inspection = insp_id
                    insp_id += 1
                    insp.add(
                        (
                            inspection,
                            ent.id,
                            rng.choice(INSPECTION_KINDS),
                            created.date(),
                            "对企业安全生产主体责任落实情况进行检查。",
                            "finalized",
                            inspector,
                            created,
                            *(created, inspector)[: len(finalized_cols)],
                        )
                    )
                    insp_people.add((through_id, inspection, inspector))
                    through_id += 1
                    open_inspection[ent.id] = (inspection, created.date(), 1)
                by = inspector
            else:
                inspection, by = None, ent.officer

            # What it is about fits the place (demo/bulk/samples.py); 4 % are major.
            general, majors = kinds[ent.kind]
            major = bool(majors) and rng.random() < 0.04
            sample = rng.choice(majors if major else general)
            title = sample.title
            leader = ent.leader if rng.random() < 0.7 else county.township_leaders[ent.township_id]
            deadline = created.date() + dt.timedelta(
                days=rng.randint(30, 90) if major else rng.randint(7, 30)
            )
            level = Level.MAJOR.value if major else Level.GENERAL.value
            h = Registered(
                hazard_id,
                code,
                created,
                by,
                inspector,
                ent.officer,
                leader,
                ent.name,
                title,
                level,
                deadline,
            )
            lived = life.live(h)
            for row in lived.escalations:
                esc.add(row)
            for row in lived.notifications:
                notes.add(row)
            hz.add(
                (
                    hazard_id,
                    code,
                    ent.id,
                    inspection,
                    ent.township_id,
                    ent.department_id,
                    ent.industry,
                    title,
                    sample.description,
                    sample.location,
                    sample.category,
                    level,
                    sample.basis,
                    sample.major_by_standard,
                    sample.standard_item_id,
                    sample.measures,
                    ent.officer,
                    leader,
                    lived.deadline,
                    3000 if major else 500,
                    EMERGENCY_PLAN if major else "",
                    lived.state,
                    lived.failed_reviews,
                    lived.reviews,
                    lived.escalation_round,
                    by,
                    created,
                    lived.updated_at,
                    lived.closed_at,
                    lived.closed_on_time,
                )
            )
            for actor, draft, at in lived.events:
                ev.add((event_id, hazard_id, actor, *draft, at))
                event_id += 1
            self.stats[lived.state] += 1
            if is_overdue(lived.state, lived.deadline, self.today):
                self.stats["overdue"] += 1
            if lived.escalation_round:
                self.stats["escalated"] += 1

        for w in self.writers:
            w.flush()
        self.counters = counters
        gen = time.perf_counter() - started - sum(w.seconds for w in self.writers)
        self.timings.append(("generate rows (python)", gen))
        self.out.write(f"  {'generate rows (python)':<38} {gen:7.1f} s")
        for w in self.writers:
            label = f"write {w.count} {w.model._meta.db_table}"
            self.timings.append((label, w.seconds))
            self.out.write(f"  {label:<38} {w.seconds:7.1f} s")

    def _finish(self, dropped: list[str]) -> None:
        started = time.perf_counter()
        for year, last in self.counters.items():
            HazardCodeCounter.objects.update_or_create(year=year, defaults={"last": last})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (
                    Enterprise,
                    User,
                    Hazard,
                    HazardEvent,
                    Escalation,
                    Inspection,
                    Inspection.inspectors.through,
                ):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
                        [table],
                    )
        self._tick("code counters, sequences", started)
        if connection.vendor == "postgresql":
            # COPY ran with triggers off: recompute the dashboard tally they maintain.
            started = time.perf_counter()
            rows = rebuild_tally()
            self._tick(f"dashboard tally ({rows} rows)", started)
        if dropped:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for definition in dropped:
                    cursor.execute(definition)
            self._tick(f"rebuild {len(dropped)} indexes", started)

    def _vacuum(self) -> None:
        # Index-only scans need the visibility map that VACUUM sets; ANALYZE the planner.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for model in (Hazard, HazardEvent, Escalation, Inspection, Enterprise, User):
                cursor.execute(
                    f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}"
                )
        self._tick("vacuum analyze", started)

    def _report(self) -> None:
        total = time.perf_counter() - self.t0
        m = max(1, self.opts["hazards"])
        self.out.write(self.style.SUCCESS(f"seed_bulk done in {total:.1f} s"))
        parts = ", ".join(
            f"{k} {v} ({100 * v / m:.1f}%)"
            for k, v in sorted(self.stats.items(), key=lambda kv: -kv[1])
        )
        self.out.write(f"  hazards: {parts}")
        self.out.write(
            f"  log in as bench_bureau / {self.opts['password']} (or qy<enterprise id>, "
            f"ld<enterprise id>, bench_insp_<department id>_0)"
        )
