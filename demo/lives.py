"""How each demo hazard lives after it is registered: a list of dated workflow steps.

Pure planning (no database): ``demo/history.py`` takes each step at its time, through
the workflow's own transitions. A path is only chosen when every step fits before
now; otherwise the hazard takes a shorter one (still being rectified, awaiting
re-inspection …), as a real hazard registered that late would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

TZ = ZoneInfo(settings.TIME_ZONE)

# Step kinds, each one workflow call (demo/history.py).
SUBMIT, REVIEW, EXTEND, VOID, SWEEP, ACK, RESOLVE = (
    "submit",
    "review",
    "extend",
    "void",
    "sweep",
    "acknowledge",
    "resolve",
)
# Paths a hazard can take; the escalation paths are given to chosen hazards.
ON_TIME, LATE, FAILED_ONCE, EXTENDED, OVERDUE, PENDING, RECTIFYING, VOIDED = (
    "closed_on_time",
    "closed_late",
    "failed_once",
    "extended",
    "overdue",
    "pending",
    "rectifying",
    "voided",
)
ON_SITE_FAIL = "on_site_fail"  # re-checked on site after the deadline: failed, then closed
ESC_RESOLVED, ESC_ACKNOWLEDGED, ESC_WAITING, ESC_OPEN, ESC_SECOND_ROUND = (
    "escalated_resolved",  # acknowledged, closed, resolved
    "escalated_acknowledged",  # acknowledged; awaiting re-inspection
    "escalated_waiting",  # escalated a few days ago, not yet acknowledged
    "escalated_open",  # failed the second time in the last two days: escalated at seeding
    "escalated_twice",  # round 1 resolved; failed again: round 2 acknowledged
)

SUBMIT_NOTES = [
    "已按要求完成整改，请复查。",
    "整改完毕，相关制度已修订并组织学习，请复查。",
    "已落实整改措施，现场已整改到位，申请复查销号。",
    "已更换相关设施并完善记录，请予复查。",
]
FAIL_COMMENTS = [
    "整改不到位，问题依旧存在。",
    "现场复查发现整改未完成，部分问题仍未整改。",
    "整改措施未落实到位，需重新整改。",
]
PASS_COMMENTS = ["现场复查合格，同意销号。", "经复查整改到位，予以销号。", "复查合格。"]
EXTEND_REASONS = [
    "整改需采购专用设备，企业申请延期，理由充分。",
    "整改涉及停产检修，企业申请延期，同意延期。",
]
VOID_REASONS = ["重复登记，予以作废。", "经核实该问题不属于本企业，予以作废。"]
ACK_NOTES = [
    "已签收，责成企业主要负责人限期整改到位。",
    "已签收，已约谈企业负责人，督促落实整改。",
    "已签收，亲自督办，一周内组织复查。",
]
RESOLVE_NOTES = {
    "interview": "已约谈企业主要负责人，责令制定整改方案并按期整改。",
    "criticism": "对企业在全县范围内通报批评，纳入安全生产不良记录。",
    "fine": "依法对企业处以罚款，并责令限期整改。",
    "suspension": "责令企业停产整顿，整改验收合格后方可恢复生产。",
    "other": "移交行业主管部门进一步处理。",
}


def at(day: dt.date, minutes: int) -> dt.datetime:
    """Local time ``minutes`` after midnight of ``day``."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ) + dt.timedelta(minutes=minutes)


def workday(day: dt.date) -> dt.date:
    """The nearest working day (a Saturday goes back to Friday, a Sunday on to Monday)."""
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


@dataclass
class Step:
    at: dt.datetime
    kind: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Life:
    path: str
    steps: list[Step]


class Lives:
    """Draws the lives. ``now`` is the end of history: every step is before it."""

    def __init__(self, *, rng: random.Random, now: dt.datetime):
        self.rng, self.now = rng, now
        self.today = now.astimezone(TZ).date()
        self.last = now - dt.timedelta(minutes=10)

    # --- times -------------------------------------------------------------------------
    def office(self, day: dt.date) -> dt.datetime:
        """An inspector's working time on (about) ``day``."""
        return at(workday(day), self.rng.randint(8 * 60 + 30, 17 * 60))

    def later(self, t: dt.datetime, lo: float, hi: float) -> dt.datetime:
        """A working time ``lo``–``hi`` days after ``t`` (never before ``t``)."""
        day = (t + dt.timedelta(days=self.rng.uniform(lo, hi))).astimezone(TZ).date()
        out = self.office(day)
        return out if out > t else t + dt.timedelta(hours=self.rng.randint(1, 4))

    def fits(self, steps: list[Step]) -> bool:
        return all(s.at < self.last for s in steps) and all(
            a.at < b.at for a, b in zip(steps, steps[1:], strict=False)
        )

    # --- steps -------------------------------------------------------------------------
    def submit(self, t: dt.datetime) -> Step:
        return Step(t, SUBMIT, {"note": self.rng.choice(SUBMIT_NOTES)})

    def passed(self, t: dt.datetime) -> Step:
        return Step(t, REVIEW, {"passed": True, "comment": self.rng.choice(PASS_COMMENTS)})

    def failed(self, t: dt.datetime, *, days: tuple[int, int] = (7, 15)) -> Step:
        new_deadline = t.astimezone(TZ).date() + dt.timedelta(days=self.rng.randint(*days))
        return Step(
            t,
            REVIEW,
            {
                "passed": False,
                "comment": self.rng.choice(FAIL_COMMENTS),
                "new_deadline": new_deadline,
            },
        )

    def close_by(self, start: dt.datetime, deadline: dt.date) -> list[Step]:
        """Submitted and passed before the end of ``deadline`` (on time)."""
        end = at(deadline, 17 * 60)
        room = (end - start).total_seconds() / 86400
        submit = self.later(start, min(1, room * 0.3), max(1.0, room * 0.7))
        review = self.later(submit, 0.5, min(3.0, max(0.6, (end - submit).days)))
        if review > end:
            review = min(end, submit + dt.timedelta(hours=3))
        return [self.submit(submit), self.passed(review)]

    # --- paths -------------------------------------------------------------------------
    def live(self, registered: dt.datetime, deadline: dt.date, *, major: bool) -> Life:
        """A path by age: recent hazards are mostly open, old ones mostly closed."""
        rng = self.rng
        if deadline >= self.today:
            options = [(RECTIFYING, 0.5), (PENDING, 0.3), (ON_TIME, 0.2)]
        elif (self.today - registered.astimezone(TZ).date()).days <= 75:
            options = [(OVERDUE, 0.15), (ON_TIME, 0.45), (LATE, 0.2), (PENDING, 0.1)]
            options += [(FAILED_ONCE, 0.05), (VOIDED, 0.05)]
        else:
            options = [(ON_TIME, 0.6), (LATE, 0.16), (FAILED_ONCE, 0.08), (EXTENDED, 0.06)]
            options += [(ON_SITE_FAIL, 0.03), (OVERDUE, 0.035), (VOIDED, 0.035)]
        if major:  # a major hazard is followed closely: no silent overdue, no voiding
            options = [(p, w) for p, w in options if p not in (OVERDUE, VOIDED)]
        paths, weights = zip(*options, strict=True)
        wanted = rng.choices(paths, weights)[0]
        for path in (wanted, ON_TIME, PENDING, RECTIFYING):
            life = self.path(path, registered, deadline)
            if life is not None:
                return life
        return Life(RECTIFYING, [])

    def path(self, path: str, registered: dt.datetime, deadline: dt.date) -> Life | None:
        steps = getattr(self, f"_{path}")(registered, deadline)
        if steps is None or not self.fits(steps):
            return None
        return Life(path, steps)

    def _rectifying(self, registered, deadline):
        return [] if deadline >= self.today else None

    def _overdue(self, registered, deadline):
        return []

    def _pending(self, registered, deadline):
        start = max(registered, self.now - dt.timedelta(days=8))
        return [self.submit(self.later(start, 0.2, 6))]

    def _closed_on_time(self, registered, deadline):
        return self.close_by(registered, deadline)

    def _closed_late(self, registered, deadline):
        submit = self.later(at(deadline, 18 * 60), 2, 20)
        return [self.submit(submit), self.passed(self.later(submit, 0.5, 4))]

    def _failed_once(self, registered, deadline):
        submit = self.later(registered, 2, max(2.5, (deadline - registered.date()).days - 1))
        fail = self.failed(self.later(submit, 0.5, 3))
        return [self.submit(submit), fail, *self.close_by(fail.at, fail.args["new_deadline"])]

    def _extended(self, registered, deadline):
        ext_at = self.later(registered, 2, max(2.5, (deadline - registered.date()).days - 1))
        new_deadline = deadline + dt.timedelta(days=self.rng.randint(15, 30))
        extend = Step(
            ext_at,
            EXTEND,
            {"deadline": new_deadline, "reason": self.rng.choice(EXTEND_REASONS)},
        )
        return [extend, *self.close_by(ext_at, new_deadline)]

    def _on_site_fail(self, registered, deadline):
        # The deadline passed without a submission: the inspector re-checks on site
        # (a follow-up visit) and fails it; it is then remediated and closed.
        fail = self.failed(self.later(at(deadline, 18 * 60), 3, 10))
        fail.args["on_site"] = True
        return [fail, *self.close_by(fail.at, fail.args["new_deadline"])]

    def _voided(self, registered, deadline):
        void_at = self.later(registered, 0.5, 5)
        return [Step(void_at, VOID, {"reason": self.rng.choice(VOID_REASONS)})]

    # --- the two-strike rule -----------------------------------------------------------
    def escalated(self, path: str, registered: dt.datetime, deadline: dt.date) -> Life | None:
        """Failed twice, escalated by the sweep; then acknowledged by the leader, resolved
        by the bureau, or still waiting, as ``path`` says. None when it does not fit."""
        rng = self.rng
        if path in (ESC_OPEN, ESC_WAITING):
            return self._escalated_lately(registered, swept=path == ESC_WAITING)
        s1 = self.later(registered, 2, max(2.5, (deadline - registered.date()).days - 1))
        f1 = self.failed(self.later(s1, 0.5, 3))
        s2 = self.later(f1.at, 2, 6)
        f2 = self.failed(self.later(s2, 0.5, 2))
        steps = [self.submit(s1), f1, self.submit(s2), f2]
        sweep = Step(f2.at + dt.timedelta(minutes=rng.randint(1, 5)), SWEEP)
        steps.append(sweep)
        ack = Step(self.later(sweep.at, 0.3, 2), ACK, {"round": 1, "note": rng.choice(ACK_NOTES)})
        steps.append(ack)
        if path == ESC_ACKNOWLEDGED:
            steps.append(self.submit(self.later(ack.at, 1, 4)))  # awaiting re-inspection
        elif path == ESC_RESOLVED:
            steps += self.close_by(ack.at, f2.args["new_deadline"] + dt.timedelta(days=10))
            outcome = rng.choice(list(RESOLVE_NOTES))
            resolve_at = self.later(steps[-1].at, 1, 6)
            steps.append(Step(resolve_at, RESOLVE, {"round": 1, "outcome": outcome, "note": ""}))
            steps[-1].args["note"] = RESOLVE_NOTES[outcome]
        elif path == ESC_SECOND_ROUND:
            # Failed a third time: round 2, still open; round 1 was dealt with (约谈).
            resolve = Step(
                self.later(ack.at, 1, 3),
                RESOLVE,
                {"round": 1, "outcome": "interview", "note": RESOLVE_NOTES["interview"]},
            )
            s3 = self.later(resolve.at, 1, 4)
            f3 = self.failed(self.later(s3, 0.5, 2), days=(10, 20))
            sweep2 = Step(f3.at + dt.timedelta(minutes=rng.randint(1, 5)), SWEEP)
            ack2 = Step(self.later(sweep2.at, 0.2, 1), ACK, {"round": 2, "note": ACK_NOTES[2]})
            steps += [resolve, self.submit(s3), f3, sweep2, ack2]
            steps += self.close_by(ack2.at, f3.args["new_deadline"])
        return Life(path, steps) if self.fits(steps) else None

    def _escalated_lately(self, registered: dt.datetime, *, swept: bool) -> Life | None:
        """Failed the second time lately, drawn backwards from now. ``swept``: a few days
        ago, escalated by the sweep then and not yet acknowledged; otherwise in the last
        two days, so the sweep that escalates it is the first one after seeding, which
        also emails the leader (the demo's first beat shows an escalation email)."""
        hours = (50, 150) if swept else (6, 40)
        f2_at = self.office((self.now - dt.timedelta(hours=self.rng.randint(*hours))).date())
        if f2_at >= self.last:
            f2_at = self.office(self.today - dt.timedelta(days=1))
        s2_at = f2_at - dt.timedelta(hours=self.rng.randint(12, 40))
        f1_at = s2_at - dt.timedelta(days=self.rng.randint(2, 6))
        s1_at = f1_at - dt.timedelta(hours=self.rng.randint(12, 60))
        if s1_at < registered + dt.timedelta(days=1):
            return None
        steps = [self.submit(s1_at), self.failed(f1_at), self.submit(s2_at), self.failed(f2_at)]
        if swept:
            steps.append(Step(f2_at + dt.timedelta(minutes=self.rng.randint(1, 5)), SWEEP))
        return Life(ESC_WAITING if swept else ESC_OPEN, steps) if self.fits(steps) else None
