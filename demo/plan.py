"""The demo county's last eighteen months, planned: who inspected whom and when, what
they found, and how each hazard went on (demo/lives.py). Pure planning from a seeded
random generator and today's date; demo/history.py carries it out through the
workflow.

Shape, so the dashboard's trend and quarterly figures look like a county's:
- every enterprise is visited two to five times: routine visits and spot checks all
  along, and visits for each campaign that covers it (demo/campaigns.py);
- a visit finds nothing or a few of the hazards its kind of place has
  (demo/profiles.py); some enterprises also self-report (自查自报);
- 7.5 % of the hazards are major (most of them by a 判定标准 article);
- old hazards are mostly closed (some late), recent ones open, a few overdue now;
  eight fail re-inspection twice and are escalated: some resolved, some acknowledged,
  some still open;
- some re-inspections happen on a follow-up visit (复查), the rest on the ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from enterprises.demo import COUNTY_ENTERPRISES, department_for

from . import lives as L
from .campaigns import PlannedCampaign, campaigns
from .people import INSPECTORS, leader_username, officer_username
from .profiles import PROFILES, Finding

WINDOW_DAYS = 535  # about eighteen months of history
MAJOR_SHARE = 0.075
# Routine visits and spot checks per enterprise (plus one, a third of the time), besides the
# campaigns' visits; high-risk industries are visited more.
VISITS = {
    "mining": 2,
    "hazardous_chemicals": 2,
    "construction": 1,
    "transport": 1,
    "industry_trade": 1,
    "crowded_places": 1,
    "other": 1,
}
COVERAGE = {"special": 0.85, "comprehensive": 0.2}  # crackdowns: 0.7
# Which visits walk a whole checklist (the others log what they find); a visit that
# finds nothing always does (an inspection needs something to be finalized).
CHECKLIST_SHARE = {"routine": 0.15, "special": 0.25, "comprehensive": 0.25, "spot": 0.1}
FOUND = ([0, 1, 2, 3, 4], [5, 40, 38, 12, 5])  # hazards found per visit, weights
GENERAL_DAYS = [7, 10, 15, 15, 20, 30]
MAJOR_DAYS = [30, 45, 60, 90]
ESCALATIONS = [  # path, registered between … days ago (the first two: 红星, 恒通)
    (L.ESC_OPEN, 10, 45),
    (L.ESC_WAITING, 12, 60),
    (L.ESC_ACKNOWLEDGED, 35, 120),
    (L.ESC_ACKNOWLEDGED, 35, 150),
    (L.ESC_RESOLVED, 150, 480),
    (L.ESC_RESOLVED, 150, 480),
    (L.ESC_RESOLVED, 120, 400),
    (L.ESC_SECOND_ROUND, 60, 220),
]
SUMMARIES = {
    "routine": "对企业安全生产主体责任落实情况进行日常检查。",
    "spot": "随机抽查企业安全生产条件和隐患排查治理情况。",
    "comprehensive": "按照《{campaign}》部署，对企业开展安全生产大检查。",
    "special": "按照《{campaign}》工作方案开展专项检查。",
    "follow_up": "对原检查发现隐患的整改情况进行现场复查。",
}


@dataclass
class PlannedHazard:
    key: int
    ent: int  # index into COUNTY_ENTERPRISES
    finding: Finding
    major: bool
    registered: dt.datetime
    by: str  # who registers it: the visit's lead inspector, or the officer (自查自报)
    reviewer: str
    visit: PlannedVisit | None = None
    deadline: dt.date | None = None
    funds: int = 0
    life: L.Life | None = None


@dataclass
class PlannedVisit:
    key: int
    ent: int
    start: dt.datetime
    kind: str
    campaign: str | None
    checklist: bool
    lead: str
    partner: str
    summary: str = ""
    hazards: list[PlannedHazard] = field(default_factory=list)
    original: PlannedVisit | None = None  # follow-ups
    results: dict[str, str] = field(default_factory=dict)  # checklist walks: code → result
    times: dict[str, dt.datetime] = field(default_factory=dict)  # … and when recorded
    end: dt.datetime | None = None


@dataclass
class Plan:
    today: dt.date
    campaigns: list[PlannedCampaign]
    visits: list[PlannedVisit]
    hazards: list[PlannedHazard]


class Planner:
    def __init__(self, *, now: dt.datetime, walks: dict[str, list[tuple[str, str]]], seed=13):
        """``walks``: each template's items in walk order, as (code, section)."""
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.astimezone(L.TZ).date()
        self.walks = walks
        self.lives = L.Lives(rng=self.rng, now=now)
        self.inspectors: dict[str, list[str]] = {}
        for username, _name, dept in INSPECTORS:
            self.inspectors.setdefault(dept, []).append(username)
        self.visits: list[PlannedVisit] = []
        self.hazards: list[PlannedHazard] = []
        self.used: dict[int, list[str]] = {}  # enterprise → finding codes, in order

    def plan(self) -> Plan:
        self.campaigns = campaigns(self.today)
        self._campaign_visits()
        self._routine_visits()
        self.visits.sort(key=lambda v: v.start)
        for visit in self.visits:
            self._findings(visit)
        self._self_reports()
        self._majors()
        for h in self.hazards:
            h.deadline = h.registered.astimezone(L.TZ).date() + dt.timedelta(
                days=self.rng.choice(MAJOR_DAYS if h.major else GENERAL_DAYS)
            )
            h.funds = self.rng.choice([50, 80, 120, 200, 300]) * (1000 if h.major else 100)
        self._escalations()
        for h in self.hazards:
            if h.life is None:
                h.life = self.lives.live(h.registered, h.deadline, major=h.major)
        self._follow_ups()
        self.visits.sort(key=lambda v: v.start)
        return Plan(self.today, self.campaigns, self.visits, self.hazards)

    # --- visits ------------------------------------------------------------------------
    def _team(self, i: int, k: int, campaign: PlannedCampaign | None) -> tuple[str, str]:
        e = COUNTY_ENTERPRISES[i]
        own = self.inspectors[department_for(e.name, e.industry)]
        bureau = self.inspectors["县应急管理局（安监局）"]
        lead = own[k % len(own)]
        if campaign is not None and campaign.kind == "illegal_mining":
            return bureau[k % 2], "insp_zr"  # with the natural resources bureau
        partner = own[(k + 1) % len(own)] if len(own) > 1 else bureau[k % 2]
        return lead, partner

    def _visit_time(self, i: int, day: dt.date) -> dt.datetime:
        taken = {v.start.date() for v in self.visits if v.ent == i}
        day = L.workday(day)
        while day in taken or day >= self.today:
            day = L.workday(day - dt.timedelta(days=2))
        return L.at(day, self.rng.choice([9 * 60, 9 * 60 + 30, 10 * 60, 14 * 60, 14 * 60 + 30]))

    def _add_visit(self, i: int, day: dt.date, kind: str, campaign: PlannedCampaign | None):
        k = sum(1 for v in self.visits if v.ent == i)
        lead, partner = self._team(i, k, campaign)
        summary = SUMMARIES[kind].format(campaign=campaign.name if campaign else "")
        visit = PlannedVisit(
            key=len(self.visits),
            ent=i,
            start=self._visit_time(i, day),
            kind=kind,
            campaign=campaign.key if campaign else None,
            checklist=self.rng.random() < CHECKLIST_SHARE[kind],
            lead=lead,
            partner=partner,
            summary=summary,
        )
        self.visits.append(visit)

    def _campaign_visits(self) -> None:
        """Each campaign visits most of the enterprises it covers (a 大检查 fewer, as the
        departments' own visits count too); a running one as far as it has got."""
        rng = self.rng
        for c in self.campaigns:
            covered = [
                i
                for i, e in enumerate(COUNTY_ENTERPRISES)
                if (not c.industries or e.industry in c.industries)
                and (not c.townships or e.township in c.townships)
            ]
            last = min(c.ends_on, self.today - dt.timedelta(days=1))
            elapsed = (last - c.starts_on).days / (c.ends_on - c.starts_on).days
            share = COVERAGE.get(c.kind, 0.7) * elapsed
            rng.shuffle(covered)
            kind = "comprehensive" if c.kind == "comprehensive" else "special"
            for i in covered[: max(1, round(share * len(covered)))]:
                day = c.starts_on + dt.timedelta(days=rng.randint(3, (last - c.starts_on).days))
                self._add_visit(i, day, kind, c)

    def _routine_visits(self) -> None:
        """Routine visits and spot checks all along: spread evenly over the period (each
        in its own stretch of days, in random order), so every month has its share."""
        rng = self.rng
        wanted = [
            i
            for i, e in enumerate(COUNTY_ENTERPRISES)
            for _n in range(VISITS[e.industry] + (rng.random() < 0.33))
        ]
        rng.shuffle(wanted)
        start = self.today - dt.timedelta(days=WINDOW_DAYS)
        stretch = WINDOW_DAYS / len(wanted)
        for k, i in enumerate(wanted):
            day = start + dt.timedelta(days=int((k + rng.random()) * stretch))
            self._add_visit(i, day, "spot" if rng.random() < 0.25 else "routine", None)
        for i in (0, 1):  # ent_a's and ent_b's enterprises: something from every period
            for before in (WINDOW_DAYS - 5, 28, 9):
                self._add_visit(i, self.today - dt.timedelta(days=before), "routine", None)

    # --- findings ----------------------------------------------------------------------
    def _next_findings(self, i: int, n: int, avoid: set[str]) -> list[Finding]:
        """n findings of the place's profile, the least recently found first."""
        profile = PROFILES[COUNTY_ENTERPRISES[i].kind]
        used = self.used.setdefault(i, [])
        order = sorted(
            (f for f in profile.findings if f.code not in avoid),
            key=lambda f: (used.count(f.code), self.rng.random()),
        )
        picked = order[:n]
        used.extend(f.code for f in picked)
        return picked

    def _findings(self, visit: PlannedVisit) -> None:
        n = self.rng.choices(*FOUND)[0]
        if visit.ent < 2 and n == 0:
            n = 2
        findings = self._next_findings(visit.ent, n, set())
        if not findings:
            visit.checklist = True  # a clean visit is a checklist walked through
        if visit.checklist:
            self._walk(visit, findings)
        else:
            for k, finding in enumerate(findings, start=1):
                self._hazard(visit, finding, visit.start + dt.timedelta(minutes=25 * k))
            visit.end = visit.start + dt.timedelta(minutes=25 * len(findings) + 20)

    def _walk(self, visit: PlannedVisit, findings: list[Finding]) -> None:
        kind = COUNTY_ENTERPRISES[visit.ent].kind
        failing = {f.code: f for f in findings}
        na = PROFILES[kind].not_applicable
        t = visit.start
        for code, section in self.walks[PROFILES[kind].template]:
            t += dt.timedelta(minutes=self.rng.randint(2, 4))
            visit.times[code] = t
            if code in failing:
                visit.results[code] = "fail"
                self._hazard(visit, failing[code], t)
            else:
                visit.results[code] = "na" if {code, section} & na else "pass"
        visit.end = t + dt.timedelta(minutes=15)

    def _hazard(self, visit: PlannedVisit | None, finding: Finding, t: dt.datetime, **kw):
        ent = visit.ent if visit else kw.pop("ent")
        h = PlannedHazard(
            key=len(self.hazards),
            ent=ent,
            finding=finding,
            major=False,
            registered=t,
            by=visit.lead if visit else officer_username(ent),
            reviewer=visit.lead if visit else kw.pop("reviewer"),
            visit=visit,
        )
        if visit is not None:
            visit.hazards.append(h)
        self.hazards.append(h)
        return h

    def _self_reports(self) -> None:
        """Enterprises with a safety department report some hazards themselves."""
        rng = self.rng
        for i, e in enumerate(COUNTY_ENTERPRISES):
            if e.employees < 40 or rng.random() < 0.55:
                continue
            day = self.today - dt.timedelta(days=rng.randint(5, WINDOW_DAYS - 10))
            for finding in self._next_findings(i, rng.randint(1, 2), set()):
                reviewer = self.inspectors[department_for(e.name, e.industry)][0]
                t = self.lives.office(day) + dt.timedelta(minutes=rng.randint(0, 50))
                self._hazard(None, finding, t, ent=i, reviewer=reviewer)

    def _majors(self) -> None:
        """Grade 7.5 % of the hazards major: a major finding of the place's profile in
        place of a general one (found on an inspection; at most two per enterprise).
        红星's welders without certificates come first: the 工贸 standard grades that
        major (第三条第（二）项), where a quarry's checklist does not."""
        wanted = round(MAJOR_SHARE * len(self.hazards))
        pool = [
            h for h in self.hazards if h.visit and PROFILES[COUNTY_ENTERPRISES[h.ent].kind].majors
        ]
        self.rng.shuffle(pool)
        pool.sort(key=lambda h: h.ent != 0)
        per_ent: dict[int, int] = {}
        for h in pool:
            if wanted == 0:
                break
            if per_ent.get(h.ent, 0) >= 2:
                continue
            others = {x.finding.code for x in h.visit.hazards}
            majors = [
                f for f in PROFILES[COUNTY_ENTERPRISES[h.ent].kind].majors if f.code not in others
            ]
            if not majors:
                continue
            finding = majors[per_ent.get(h.ent, 0) % len(majors)]
            if h.visit.checklist:  # the walk fails the major item instead
                h.visit.results[h.finding.code] = "pass"
                h.visit.results[finding.code] = "fail"
                h.registered = h.visit.times[finding.code]
            h.finding, h.major = finding, True
            per_ent[h.ent] = per_ent.get(h.ent, 0) + 1
            wanted -= 1

    # --- escalations and follow-up visits ------------------------------------------------
    def _escalations(self) -> None:
        taken: set[int] = set()
        for n, (path, newest, oldest) in enumerate(ESCALATIONS):
            want_ent = n if n < 2 else None  # leader_a has one to sign for
            for h in sorted(self.hazards, key=lambda h: self.rng.random()):
                age = (self.today - h.registered.astimezone(L.TZ).date()).days
                if h.life or h.major or h.ent in taken or not newest <= age <= oldest:
                    continue
                if want_ent is not None and h.ent != want_ent:
                    continue
                life = self.lives.escalated(path, h.registered, h.deadline)
                if life is not None:
                    h.life = life
                    taken.add(h.ent)
                    break

    def _follow_ups(self) -> None:
        """Re-inspections on a follow-up visit: a hazard failed on site after its
        deadline, and (for some visits) the closing re-checks of what they found."""
        for visit in list(self.visits):
            if visit.kind == "follow_up":
                continue
            closing = [
                h
                for h in visit.hazards
                if h.life.path in (L.ON_TIME, L.LATE) and h.life.steps[-1].kind == L.REVIEW
            ]
            if len(closing) >= 2 and self.rng.random() < 0.45:
                submitted = max(h.life.steps[-2].at for h in closing)
                day = self.lives.later(submitted, 0.5, 3)
                if day < self.lives.last:
                    follow = self._follow_up_visit(visit, day)
                    for k, h in enumerate(closing):
                        step = h.life.steps[-1]
                        step.at = day + dt.timedelta(minutes=10 + 8 * k)
                        step.args["follow_up"] = follow.key
                    follow.end = day + dt.timedelta(minutes=20 + 8 * len(closing))
            for h in visit.hazards:
                if h.life.path == L.ON_SITE_FAIL:
                    step = h.life.steps[0]
                    follow = self._follow_up_visit(visit, step.at - dt.timedelta(minutes=15))
                    step.args["follow_up"] = follow.key
                    follow.end = step.at + dt.timedelta(minutes=15)

    def _follow_up_visit(self, original: PlannedVisit, start: dt.datetime) -> PlannedVisit:
        follow = PlannedVisit(
            key=len(self.visits),
            ent=original.ent,
            start=start,
            kind="follow_up",
            campaign=None,
            checklist=False,
            lead=original.lead,
            partner=original.partner,
            summary=SUMMARIES["follow_up"],
            original=original,
        )
        self.visits.append(follow)
        return follow


def leader_of(h: PlannedHazard) -> str:
    return leader_username(h.ent)
