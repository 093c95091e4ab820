"""Bulk, realistic data for benchmarks: ``seed_bulk --enterprises N --hazards M``.

A county with townships, the supervising departments, N enterprises (each with a
safety officer and a responsible leader), several years of inspections and M hazards
in every state with realistic proportions — most closed, a few percent overdue, some
awaiting re-inspection, some voided, some escalated (with their Escalation rows) — and
an event for every transition. Hazard codes are ``YH-<year>-<seq>`` in registration
order, continuing each year's HazardCodeCounter, which is moved past them.

On PostgreSQL rows go in with ``COPY … FROM STDIN`` in one transaction; for large
loads the secondary indexes of the big tables are dropped and rebuilt afterwards (as
pg_restore does) and foreign-key triggers are skipped (``session_replication_role =
replica``; the generated ids are consistent by construction). Elsewhere (SQLite) it
falls back to ``bulk_create`` in batches. It adds to whatever is there: ids continue
after the current maxima.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models import Max

from accounts.models import Notification, NotificationKind, Role, User
from enterprises.credit_code import make_credit_code
from enterprises.demo import DEPARTMENTS, INDUSTRY_DEPARTMENT, TOWNSHIPS
from enterprises.models import Department, Enterprise, Township
from hazards.models import (
    Category,
    Escalation,
    EventKind,
    Hazard,
    HazardCodeCounter,
    HazardEvent,
    Level,
    State,
)
from hazards.tally import rebuild_tally
from inspections.models import Inspection

TZ = ZoneInfo(settings.TIME_ZONE)
BIG_LOAD = 100_000  # from this many hazards on, rebuild indexes after the load

INDUSTRY_WEIGHTS = {
    "industry_trade": 30,
    "crowded_places": 20,
    "construction": 15,
    "other": 12,
    "transport": 10,
    "hazardous_chemicals": 8,
    "mining": 5,
}
# High-risk industries are inspected more and have more hazards per enterprise.
INDUSTRY_HAZARD_FACTOR = {
    "mining": 2.5,
    "hazardous_chemicals": 2.0,
    "construction": 1.5,
    "industry_trade": 1.0,
    "transport": 0.9,
    "crowded_places": 0.7,
    "other": 0.5,
}
# (title, location, category, measures)
SAMPLES = [
    ("配电箱未接地，箱门缺失", "配电房", Category.EQUIPMENT, "加装接地线并恢复箱门，张贴警示标识"),
    ("消防通道被货物堵塞", "仓库东侧", Category.ENVIRONMENT, "清理通道杂物，划定禁停标线"),
    ("特种作业人员无证上岗", "焊接车间", Category.PERSON, "停止无证人员作业，培训取证后上岗"),
    ("未建立隐患排查治理制度", "安全管理部", Category.MANAGEMENT, "制定隐患排查治理制度并组织学习"),
    ("灭火器过期未更换", "办公楼走廊", Category.EQUIPMENT, "更换过期灭火器，建立月度检查记录"),
    ("安全出口指示灯损坏", "一楼大厅", Category.EQUIPMENT, "更换应急照明和疏散指示标志"),
    ("有限空间作业未审批", "污水池", Category.MANAGEMENT, "执行有限空间作业审批和监护制度"),
    ("脚手架连墙件缺失", "三号楼", Category.EQUIPMENT, "按方案补设连墙件，经验收后使用"),
    ("危化品仓库未设防爆灯具", "危化品库", Category.EQUIPMENT, "更换为防爆灯具和开关"),
    ("车辆动态监控装置失效", "停车场", Category.EQUIPMENT, "修复监控终端，落实动态监控值守"),
    ("作业人员未佩戴安全帽", "施工现场", Category.PERSON, "现场教育并落实劳保用品佩戴检查"),
    ("边坡未按设计放坡", "采场西侧", Category.ENVIRONMENT, "按设计削坡减载，设置监测点"),
]
MAJOR_SAMPLES = [
    (
        "粉尘爆炸危险场所未设泄爆装置",
        "抛光车间",
        Category.EQUIPMENT,
        "停产整改，加装泄爆和除尘系统",
    ),
    ("重大危险源未设自动化控制", "储罐区", Category.EQUIPMENT, "加装自动化控制和紧急切断系统"),
    ("露天矿山边坡存在滑坡风险", "采场", Category.ENVIRONMENT, "停止作业，委托设计治理边坡"),
]
EMERGENCY_PLAN = "成立现场应急小组，配备应急物资，发生险情立即停止作业、撤离人员并报告。"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超霞平刚桂英华建国志红玉兰秀梅海波辉鹏飞丽"
NAME_WORDS = "恒兴鑫源宏达金安顺通泰丰华瑞盛隆昌永信诚德润嘉宇新福康利民"
NAME_KINDS = {
    "mining": ["矿业有限公司", "采石场", "石料厂"],
    "hazardous_chemicals": ["化工有限公司", "加油站", "燃气有限公司"],
    "construction": ["建筑工程有限公司", "建设集团", "路桥工程公司"],
    "transport": ["物流有限公司", "客运有限公司", "运输公司"],
    "crowded_places": ["购物广场", "大酒店", "影城", "学校", "农贸市场"],
    "industry_trade": ["机械制造有限公司", "纺织有限公司", "木业有限公司", "食品有限公司"],
    "other": ["农资服务部", "污水处理有限公司", "物业服务公司"],
}
INSPECTION_KINDS = ["routine"] * 6 + ["special"] * 2 + ["comprehensive", "spot"]
OUTCOMES = [o.value for o in Escalation.Outcome]


@dataclass
class Ids:
    """Next id per table: explicit ids let rows reference each other before insertion."""

    next: dict = field(default_factory=dict)

    def start(self, model) -> int:
        if model not in self.next:
            current = model.objects.aggregate(m=Max("pk"))["m"] or 0
            self.next[model] = current + 1
        return self.next[model]

    def take(self, model, n: int = 1) -> int:
        first = self.start(model)
        self.next[model] = first + n
        return first


# --- writers ----------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, dt.datetime | dt.date | Decimal | int | float):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, dict | list):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    return _copy_text(str(value))


class Writer:
    """Writes rows (tuples in ``columns`` order) of a model; the model's other columns
    get their field defaults. COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, columns: list[str], *, batch: int = 50_000):
        self.model, self.columns, self.batch = model, columns, batch
        self.postgres = connection.vendor == "postgresql"
        fields = [f for f in model._meta.concrete_fields]
        self.extra = []
        for f in fields:
            if f.attname in columns or (f.primary_key and isinstance(f, models.AutoField)):
                continue  # given, or left to the database's sequence
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                default = dt.datetime.now(tz=dt.UTC)
            else:
                default = f.get_default()  # the declared default, "" for text, or None
            if default is None and not f.null:
                raise CommandError(f"seed_bulk does not know how to fill {model.__name__}.{f.name}")
            self.extra.append((f.attname, default))
        self.all_columns = columns + [name for name, _v in self.extra]
        self.extra_text = "".join("\t" + _copy_text(v) for _n, v in self.extra)
        self.extra_values = tuple(v for _n, v in self.extra)
        self.pending: list = []
        self.count = 0
        self.seconds = 0.0

    def add(self, row: tuple) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started = time.perf_counter()
        rows, self.pending = self.pending, []
        if self.postgres:
            buf = io.StringIO()
            extra = self.extra_text
            buf.writelines("\t".join([_copy_text(v) for v in row]) + extra + "\n" for row in rows)
            buf.seek(0)
            cols = ", ".join(connection.ops.quote_name(c) for c in self.all_columns)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", buf)
        else:
            names = self.all_columns
            objs = [
                self.model(**dict(zip(names, row + self.extra_values, strict=True))) for row in rows
            ]
            self.model.objects.bulk_create(objs, batch_size=500)
        self.count += len(rows)
        self.seconds += time.perf_counter() - started


def local_end_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, tzinfo=TZ)


# --- the county -----------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load a large realistic county for benchmarks (bulk inserts; COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1000)
        parser.add_argument("--hazards", type=int, default=100_000)
        parser.add_argument("--townships", type=int, default=20)
        parser.add_argument("--years", type=int, default=4, help="years of inspections")
        parser.add_argument("--seed", type=int, default=20231, help="random seed")
        parser.add_argument("--password", default="bench12345", help="password of every user")
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument(
            "--no-vacuum", action="store_true", help="skip VACUUM ANALYZE after the load"
        )

    def handle(self, *args, **opts):
        if opts["enterprises"] < 1 or opts["hazards"] < 0:
            raise CommandError("--enterprises must be ≥ 1 and --hazards ≥ 0")
        self.rng = random.Random(opts["seed"])
        self.opts = opts
        self.timings: list[tuple[str, float]] = []
        self.t0 = time.perf_counter()
        self.now = dt.datetime.now(tz=TZ).replace(microsecond=0)
        self.today = self.now.date()
        self.ids = Ids()
        postgres = connection.vendor == "postgresql"
        big = postgres and opts["hazards"] >= BIG_LOAD

        with transaction.atomic():
            if postgres:
                self._fast_session()
            self._reference()
            self._people_and_enterprises()
            dropped = self._drop_indexes() if big else []
            self._hazards()
            self._finish(dropped)
        # VACUUM cannot run inside a transaction (e.g. a test's): skip it there.
        if postgres and not opts["no_vacuum"] and not connection.in_atomic_block:
            self._vacuum()
        self._report()

    # --- phases ---------------------------------------------------------------------------

    def _tick(self, label: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.timings.append((label, seconds))
        self.stdout.write(f"  {label:<38} {seconds:7.1f} s")
        self.stdout.flush()

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

    def _reference(self) -> None:
        started = time.perf_counter()
        n = self.opts["townships"]
        names = [name for name, _c in TOWNSHIPS]
        extra = [f"{SURNAMES[i % len(SURNAMES)]}{'家庄河口山岭坪湾'[i % 8]}乡" for i in range(n)]
        names = (names + [x for x in extra if x not in names])[:n]
        self.townships = [
            Township.objects.get_or_create(name=name, defaults={"code": f"130529{i + 1:03d}"})[0]
            for i, name in enumerate(names)
        ]
        self.departments = {
            name: Department.objects.get_or_create(
                name=name, defaults={"short_name": short, "is_bureau": is_bureau}
            )[0]
            for name, short, is_bureau in DEPARTMENTS
        }
        self.bureau_dept = next(d for d in self.departments.values() if d.is_bureau)
        self.password_hash = make_password(self.opts["password"])
        # A few named accounts to log in with (idempotent).
        self.bureau = self._named(
            "bench_bureau", Role.BUREAU, "周安全", department=self.bureau_dept
        )
        self.inspectors: dict[int, list[int]] = {}
        for d_index, dept in enumerate(self.departments.values()):
            users = [
                self._named(
                    f"bench_insp_{dept.pk}_{k}",
                    Role.INSPECTOR,
                    self._person(d_index * 5 + k),
                    department=dept,
                )
                for k in range(3)
            ]
            self.inspectors[dept.pk] = [u.pk for u in users]
        self.township_leaders = {
            t.pk: self._named(
                f"bench_leader_t{t.pk}", Role.LEADER, self._person(300 + i), township=t
            ).pk
            for i, t in enumerate(self.townships)
        }
        self._tick("townships, departments, staff", started)

    def _named(self, username, role, display, **links) -> User:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": display, **links}
        )
        if user.password != self.password_hash:
            User.objects.filter(pk=user.pk).update(password=self.password_hash)
        return user

    def _person(self, i: int) -> str:
        return (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i * 7) % len(GIVEN)]
            + (GIVEN[(i * 13) % len(GIVEN)] if i % 3 else "")
        )

    def _people_and_enterprises(self) -> None:
        started = time.perf_counter()
        rng, n = self.rng, self.opts["enterprises"]
        industries = list(INDUSTRY_WEIGHTS)
        weights = list(INDUSTRY_WEIGHTS.values())
        # Townships differ in size: the county seat has the most enterprises.
        t_weights = [1 / (1 + i) ** 0.6 for i in range(len(self.townships))]
        first_ent = self.ids.take(Enterprise, n)
        first_user = self.ids.take(User, 2 * n)
        ent_writer = Writer(
            Enterprise,
            [
                "id",
                "name",
                "credit_code",
                "industry",
                "township_id",
                "supervising_department_id",
                "address",
                "legal_representative",
                "contact_phone",
                "status",
                "employees",
                "created_at",
            ],
            batch=self.opts["batch"],
        )
        user_writer = Writer(
            User,
            [
                "id",
                "password",
                "username",
                "is_active",
                "date_joined",
                "role",
                "display_name",
                "enterprise_id",
            ],
            batch=self.opts["batch"],
        )
        self.enterprises = []  # (id, industry, township_id, department_id, officer, leader, weight)
        dept_by_name = {d.name: d for d in self.departments.values()}
        joined = self.now - dt.timedelta(days=365 * self.opts["years"] + 30)
        for i in range(n):
            ent_id = first_ent + i
            industry = rng.choices(industries, weights)[0]
            township = rng.choices(self.townships, t_weights)[0]
            dept = dept_by_name.get(INDUSTRY_DEPARTMENT[industry], self.bureau_dept)
            legal = self._person(ent_id)
            name = (
                f"{township.name[:2]}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}"
                f"{rng.choice(NAME_KINDS[industry])}{ent_id}"
            )
            ent_writer.add(
                (
                    ent_id,
                    name,
                    make_credit_code(f"91130530{ent_id % 10**9:09d}"),
                    industry,
                    township.pk,
                    dept.pk,
                    f"{township.name}工业路{rng.randint(1, 400)}号",
                    legal,
                    f"13{rng.randint(100000000, 999999999)}",
                    "operating" if rng.random() < 0.93 else "suspended",
                    rng.randint(5, 800),
                    joined,
                )
            )
            officer, leader = first_user + 2 * i, first_user + 2 * i + 1
            user_writer.add(
                (
                    officer,
                    self.password_hash,
                    f"qy{ent_id}",
                    True,
                    joined,
                    Role.ENTERPRISE.value,
                    self._person(officer),
                    ent_id,
                )
            )
            user_writer.add(
                (
                    leader,
                    self.password_hash,
                    f"ld{ent_id}",
                    True,
                    joined,
                    Role.LEADER.value,
                    legal,
                    ent_id,
                )
            )
            weight = rng.lognormvariate(0, 0.9) * INDUSTRY_HAZARD_FACTOR[industry]
            self.enterprises.append(
                (ent_id, industry, township.pk, dept.pk, officer, leader, weight)
            )
        ent_writer.flush()
        user_writer.flush()
        self._tick(f"{n} enterprises, {2 * n} users", started)

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

    # --- hazards --------------------------------------------------------------------------

    def _created_times(self, m: int) -> list[dt.datetime]:
        """Registration times over the years, growing (more inspections lately), on
        working days and hours, sorted."""
        rng = self.rng
        span = 365 * self.opts["years"]
        start = self.today - dt.timedelta(days=span)
        out = []
        for _ in range(m):
            # Density grows linearly to twice the first year's: inverse-CDF sample.
            u = rng.random()
            x = math.sqrt(1 + 3 * u) - 1  # in [0, 1], density ∝ 1 + x
            day = start + dt.timedelta(days=min(span, int(x * span) + 1))
            if day.weekday() >= 5 and rng.random() < 0.8:
                day -= dt.timedelta(days=day.weekday() - 4)
            minute = rng.randint(8 * 60, 18 * 60 - 1)
            out.append(
                dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=TZ)
            )
        out.sort()
        # Nothing in the future (today's samples may fall after now).
        return [min(t, self.now - dt.timedelta(minutes=1)) for t in out]

    # Final state by age in days (rectifying, pending review, closed; the rest voided):
    # old hazards are almost all closed, recent ones mostly still open. Over a few years
    # of growing activity this gives ~84% closed, ~4% each voided / pending review /
    # overdue and ~3-4% rectifying within the deadline.
    PLAN = (
        (20, (0.60, 0.80, 0.98)),
        (90, (0.30, 0.48, 0.96)),
        (365, (0.08, 0.14, 0.96)),
        (10**6, (0.04, 0.06, 0.96)),
    )

    def _plan(self, created: dt.datetime) -> str:
        age = (self.today - created.date()).days
        r = self.rng.random()
        rect, pend, closed = next(bounds for max_age, bounds in self.PLAN if age <= max_age)
        if r < rect:
            return State.RECTIFYING
        if r < pend:
            return State.PENDING_REVIEW
        if r < closed:
            return State.CLOSED
        return State.VOIDED

    def _between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A random moment in [start, end], never after now."""
        end = min(end, self.now - dt.timedelta(seconds=1))
        if end <= start:
            return start
        return start + dt.timedelta(seconds=self.rng.randint(0, int((end - start).total_seconds())))

    def _hazards(self) -> None:
        started = time.perf_counter()
        rng, m = self.rng, self.opts["hazards"]
        times = self._created_times(m)
        self._tick(f"{m} registration times", started)
        started = time.perf_counter()

        ent_weights = [e[6] for e in self.enterprises]
        picks = rng.choices(range(len(self.enterprises)), ent_weights, k=m)
        first_hazard = self.ids.take(Hazard, m)
        counters = {c.year: c.last for c in HazardCodeCounter.objects.all()}
        batch = self.opts["batch"]
        hz = Writer(
            Hazard,
            [
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
            ],
            batch=batch,
        )
        ev = Writer(
            HazardEvent,
            [
                "id",
                "hazard_id",
                "actor_id",
                "kind",
                "from_state",
                "to_state",
                "note",
                "data",
                "created_at",
            ],
            batch=batch * 3,
        )
        esc = Writer(
            Escalation,
            [
                "id",
                "hazard_id",
                "round",
                "leader_id",
                "reason",
                "state",
                "created_at",
                "notified_at",
                "acknowledged_at",
                "acknowledgement_note",
                "outcome",
                "resolution_note",
                "resolved_by_id",
                "resolved_at",
            ],
            batch=batch,
        )
        insp_columns = [
            "id",
            "enterprise_id",
            "kind",
            "inspected_on",
            "summary",
            "status",
            "created_by_id",
            "created_at",
        ]
        # Finalized inspections say when and by whom, where the model records it.
        inspection_fields = {f.attname for f in Inspection._meta.concrete_fields}
        finalized_cols = [c for c in ("finalized_at", "finalized_by_id") if c in inspection_fields]
        insp = Writer(Inspection, insp_columns + finalized_cols, batch=batch)
        notes = Writer(
            Notification,
            ["recipient_id", "kind", "message", "hazard_id", "created_at", "read_at"],
            batch=batch,
        )
        through = Inspection.inspectors.through
        insp_people = Writer(through, ["id", "inspection_id", "user_id"], batch=batch)
        self.writers = [hz, ev, esc, notes, insp, insp_people]
        event_id = self.ids.start(HazardEvent)
        esc_id = self.ids.start(Escalation)
        insp_id = self.ids.start(Inspection)
        through_id = self.ids.start(through)
        open_inspection: dict[int, tuple[int, dt.date, int]] = {}
        self.stats = Counter()
        threshold = settings.ESCALATION_FAILURE_THRESHOLD
        bureau = self.bureau.pk
        rectifying, pending, closed_s, voided = (
            State.RECTIFYING.value,
            State.PENDING_REVIEW.value,
            State.CLOSED.value,
            State.VOIDED.value,
        )

        for k in range(m):
            created = times[k]
            ent_id, industry, town, dept, officer, ent_leader, _w = self.enterprises[picks[k]]
            inspectors = self.inspectors.get(dept) or self.inspectors[self.bureau_dept.pk]
            inspector = inspectors[k % len(inspectors)]
            hazard_id = first_hazard + k
            year = created.year
            counters[year] = counters.get(year, 0) + 1
            code = f"YH-{year}-{counters[year]:06d}"

            # Found in an inspection (one per enterprise and visit), or self-reported.
            if rng.random() < 0.9:
                current = open_inspection.get(ent_id)
                if current and (created.date() - current[1]).days <= 2 and current[2] < 6:
                    inspection = current[0]
                    open_inspection[ent_id] = (current[0], current[1], current[2] + 1)
                else:
                    inspection = insp_id
                    insp_id += 1
                    insp.add(
                        (
                            inspection,
                            ent_id,
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
                    open_inspection[ent_id] = (inspection, created.date(), 1)
                by = inspector
            else:
                inspection, by = None, officer

            major = rng.random() < 0.04
            title, location, category, measures = rng.choice(MAJOR_SAMPLES if major else SAMPLES)
            level = Level.MAJOR.value if major else Level.GENERAL.value
            leader = ent_leader if rng.random() < 0.7 else self.township_leaders[town]
            deadline = created.date() + dt.timedelta(
                days=rng.randint(30, 90) if major else rng.randint(7, 30)
            )
            state = self._plan(created)

            events = [
                (
                    by,
                    EventKind.CREATED.value,
                    "",
                    rectifying,
                    title,
                    {"level": level, "deadline": deadline.isoformat()},
                    created,
                )
            ]
            t = created
            failed = 0
            rounds = 0
            escalations = []
            # Failed re-inspections: most hazards pass at the first review.
            r = rng.random()
            wanted_failures = 0 if r < 0.90 else 1 if r < 0.98 else 2 if r < 0.995 else 3
            for _f in range(wanted_failures):
                submit_at = t + dt.timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 5))
                review_at = submit_at + dt.timedelta(days=rng.randint(1, 5), hours=1)
                if review_at >= self.now:
                    break
                events.append(
                    (
                        officer,
                        EventKind.SUBMITTED.value,
                        rectifying,
                        pending,
                        "已按要求整改，申请复查。",
                        {},
                        submit_at,
                    )
                )
                failed += 1
                new_deadline = review_at.date() + dt.timedelta(days=rng.randint(7, 20))
                events.append(
                    (
                        inspector,
                        EventKind.REVIEW_FAILED.value,
                        pending,
                        rectifying,
                        "整改不到位，问题依旧存在。",
                        {
                            "old_deadline": deadline.isoformat(),
                            "new_deadline": new_deadline.isoformat(),
                            "failed_reviews": failed,
                        },
                        review_at,
                    )
                )
                deadline = new_deadline
                t = review_at
                if failed >= threshold:
                    rounds += 1
                    esc_at = review_at + dt.timedelta(minutes=rng.randint(1, 5))
                    if esc_at >= self.now:
                        esc_at = review_at
                    events.append(
                        (
                            None,
                            EventKind.ESCALATED.value,
                            rectifying,
                            rectifying,
                            f"两次以上整改不到位，升级督办（第{rounds}轮）。",
                            {"round": rounds, "leader": leader},
                            esc_at,
                        )
                    )
                    escalations.append((rounds, esc_at))
            reviews = failed
            closed_at = None
            closed_on_time = None
            final = rectifying
            if state == rectifying and deadline < self.today and rng.random() < 0.45:
                # Still being rectified within an extended deadline (延期).
                ext_at = self._between(max(t, self.now - dt.timedelta(days=60)), self.now)
                new_deadline = self.today + dt.timedelta(days=rng.randint(1, 60))
                events.append(
                    (
                        inspector,
                        EventKind.EXTENDED.value,
                        rectifying,
                        rectifying,
                        "企业申请延期，理由充分。",
                        {
                            "old_deadline": deadline.isoformat(),
                            "new_deadline": new_deadline.isoformat(),
                        },
                        ext_at,
                    )
                )
                deadline, t = new_deadline, ext_at
            elif state in (pending, closed_s):
                due = local_end_of(deadline)
                if state == pending:
                    # Awaiting re-inspection: submitted in the last few weeks.
                    submit_at = self._between(max(t, self.now - dt.timedelta(days=25)), self.now)
                elif rng.random() < 0.86 and due > t:  # on time, mostly
                    submit_at = self._between(t, due - dt.timedelta(days=1))
                else:
                    submit_at = self._between(t, t + dt.timedelta(days=(due - t).days + 30))
                events.append(
                    (
                        officer,
                        EventKind.SUBMITTED.value,
                        rectifying,
                        pending,
                        "整改完毕，请复查。",
                        {},
                        submit_at,
                    )
                )
                final, t = pending, submit_at
                if state == closed_s:
                    review_at = self._between(submit_at, submit_at + dt.timedelta(days=4))
                    events.append(
                        (
                            inspector,
                            EventKind.REVIEW_PASSED.value,
                            pending,
                            closed_s,
                            "现场复查合格，同意销号。",
                            {},
                            review_at,
                        )
                    )
                    final, t = closed_s, review_at
                    closed_at = review_at
                    closed_on_time = review_at.astimezone(TZ).date() <= deadline
                    reviews += 1
            elif state == voided:
                void_at = self._between(t, t + dt.timedelta(days=10))
                events.append(
                    (
                        bureau,
                        EventKind.VOIDED.value,
                        rectifying,
                        voided,
                        "重复登记，予以作废。",
                        {},
                        void_at,
                    )
                )
                final, t = voided, void_at
            # Escalations: resolved once the hazard is closed or voided; open ones wait.
            # Each has the leader's in-app notification and an event per step.
            for rnd, esc_at in escalations:
                ack = res = None
                if final in (closed_s, voided) or rng.random() < 0.3:
                    ack = esc_at + dt.timedelta(days=rng.randint(1, 3))
                    res = ack + dt.timedelta(days=rng.randint(1, 7))
                    if res >= self.now:
                        ack = res = None
                if ack is None and rng.random() < 0.4:
                    ack = esc_at + dt.timedelta(days=1)
                    if ack >= self.now:
                        ack = None
                esc_state = "resolved" if res else "acknowledged" if ack else "open"
                outcome = rng.choice(OUTCOMES) if res else ""
                esc.add(
                    (
                        esc_id,
                        hazard_id,
                        rnd,
                        leader,
                        "两次以上整改不到位",
                        esc_state,
                        esc_at,
                        esc_at,
                        ack,
                        "已签收，督促整改。" if ack else "",
                        outcome,
                        "已约谈企业负责人。" if res else "",
                        bureau if res else None,
                        res,
                    )
                )
                notes.add(
                    (
                        leader,
                        NotificationKind.ESCALATION.value,
                        f"隐患 {code}“{title}”两次整改不到位，已升级督办（第 {rnd} 轮），请签收。",
                        hazard_id,
                        esc_at,
                        ack,
                    )
                )
                for at, kind, actor, note, data in (
                    (
                        ack,
                        EventKind.ESCALATION_ACKNOWLEDGED.value,
                        leader,
                        "已签收，督促整改。",
                        {"round": rnd},
                    ),
                    (
                        res,
                        EventKind.ESCALATION_RESOLVED.value,
                        bureau,
                        "已约谈企业负责人。",
                        {"round": rnd, "outcome": outcome},
                    ),
                ):
                    if at is not None:
                        state_then = final if at >= t else rectifying
                        events.append((actor, kind, state_then, state_then, note, data, at))
                esc_id += 1

            hz.add(
                (
                    hazard_id,
                    code,
                    ent_id,
                    inspection,
                    town,
                    dept,
                    industry,
                    title,
                    f"检查发现：{title}。",
                    location,
                    category.value,
                    level,
                    "",
                    major,
                    measures,
                    officer,
                    leader,
                    deadline,
                    3000 if major else 500,
                    EMERGENCY_PLAN if major else "",
                    final,
                    failed,
                    reviews,
                    rounds,
                    by,
                    created,
                    t,
                    closed_at,
                    closed_on_time,
                )
            )
            for actor, kind, from_s, to_s, note, data, at in events:
                ev.add((event_id, hazard_id, actor, kind, from_s, to_s, note, data, at))
                event_id += 1
            self.stats[final] += 1
            if final == rectifying and deadline < self.today:
                self.stats["overdue"] += 1
            if rounds:
                self.stats["escalated"] += 1

        for w in self.writers:
            w.flush()
        self.counters = counters
        gen = time.perf_counter() - started - sum(w.seconds for w in self.writers)
        self.timings.append(("generate rows (python)", gen))
        self.stdout.write(f"  {'generate rows (python)':<38} {gen:7.1f} s")
        for w in self.writers:
            label = f"write {w.count} {w.model._meta.db_table}"
            self.timings.append((label, w.seconds))
            self.stdout.write(f"  {label:<38} {w.seconds:7.1f} s")

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
        self.stdout.write(self.style.SUCCESS(f"seed_bulk done in {total:.1f} s"))
        parts = ", ".join(
            f"{k} {v} ({100 * v / m:.1f}%)"
            for k, v in sorted(self.stats.items(), key=lambda kv: -kv[1])
        )
        self.stdout.write(f"  hazards: {parts}")
        self.stdout.write(
            f"  log in as bench_bureau / {self.opts['password']} (or qy<enterprise id>, "
            f"ld<enterprise id>, bench_insp_<department id>_0)"
        )
