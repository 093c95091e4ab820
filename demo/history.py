"""Carry out the demo plan (demo/plan.py) through the workflow itself, in time order,
under time-machine.

Why the real steps and not rows written with the event builders (as demo/bulk/ does
for a million hazards): each step here is the transition a user's click runs —
``Inspection.start`` / ``record_item`` / ``finalize``, ``Hazard.register`` /
``submit`` / ``review`` / ``extend`` / ``void``, the escalation sweep,
``Escalation.acknowledge`` / ``resolve`` — with the clock set to the moment it
happens. So everything they write is what they always write, and stays so when they
change: hazard codes and notice numbers numbered per year in the order things
happened, events and their payloads, ``closed_on_time``, notifications, the
dashboard tally (PostgreSQL triggers), escalations and their notifications and email
marks. A few hundred hazards take a few seconds this way; a million would not (that
is what seed_bulk is for).

The sweeps' emails in the past go to a dummy backend (nobody is mailed about last
year); the escalations of the last two days and today's deadline notices are left to
the beat's first runs, which email them (the console backend shows it). The daily
deadline job is replayed for the last three days only, to keep seeding fast.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

from django.test.utils import override_settings

from accounts.models import Notification, User
from enterprises.demo import COUNTY_ENTERPRISES
from enterprises.models import Enterprise, Township
from hazards.models import Escalation, Hazard, Level
from hazards.sweeps.deadlines import send_deadline_notices
from hazards.sweeps.escalate import escalate_due
from hazards.sweeps.mail import send_escalation_emails
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionItem,
)
from inspections.services import log_hazard

from . import lives as L
from .people import leader_username, officer_username
from .plan import Plan, PlannedHazard, PlannedVisit
from .profiles import PROFILES

EMERGENCY_PLAN = (
    "成立由企业主要负责人任组长的现场应急小组，配备应急物资和器材；治理期间设置警戒区，"
    "安排专人监护，发生险情立即停止作业、撤离人员，并报告乡镇政府和行业主管部门。"
)
NOTICE_DAYS = 3
SILENT_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


def walk_orders() -> dict[str, list[tuple[str, str]]]:
    """Each template's items as an inspection walks them: (code, section)."""
    return {
        t.key: [(i.code, i.section) for i in t.items_to_check()]
        for t in ChecklistTemplate.objects.active()
    }


class History:
    def __init__(
        self,
        plan: Plan,
        *,
        enterprises: list[Enterprise],
        townships: list[Township],
        users: dict[str, User],
    ):
        self.plan, self.enterprises, self.users = plan, enterprises, users
        self.townships = {t.name: t for t in townships}
        self.items = {i.code: i for i in ChecklistItem.objects.all()}
        self.templates = {t.key: t for t in ChecklistTemplate.objects.all()}
        self.campaigns: dict[str, Campaign] = {}
        self.inspections: dict[int, Inspection] = {}
        self.walk_items: dict[int, dict[str, InspectionItem]] = {}
        self.hazards: dict[int, Hazard] = {}
        self.actions: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self.seq = itertools.count()

    def _at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        self.actions.append((when, next(self.seq), action))

    def run(self, traveller) -> None:
        """Take every step at its moment (``traveller``: a running time_machine.travel)."""
        for c in self.plan.campaigns:
            created = L.at(c.starts_on - dt.timedelta(days=6), 10 * 60)
            self._at(created, lambda c=c: self._campaign(c))
        for visit in self.plan.visits:
            self._visit(visit)
        for h in self.plan.hazards:
            if h.visit is None:
                self._at(h.registered, lambda h=h: self._self_report(h))
            for step in h.life.steps:
                self._at(step.at, lambda h=h, step=step: self._step(h, step))
        # The beat's daily deadline job (reminders, overdue notices) for the last
        # three days; older days are left out to keep seeding fast, and today's is the
        # beat's own first run.
        for days in range(NOTICE_DAYS, 0, -1):
            day = self.plan.today - dt.timedelta(days=days)
            self._at(L.at(day, 8 * 60), lambda day=day: send_deadline_notices(today=day))
        self.actions.sort(key=lambda a: (a[0], a[1]))
        last = self.actions[0][0] - dt.timedelta(seconds=1)
        with override_settings(MAILERS=SILENT_MAIL):
            for when, _seq, action in self.actions:
                # Two teams may act in the same minute: one after the other, so what is
                # numbered in order of time (hazard codes, notices) stays in that order.
                last = max(when, last + dt.timedelta(seconds=1))
                traveller.move_to(last)
                action()

    # --- campaigns and visits ------------------------------------------------------------
    def _campaign(self, c) -> None:
        campaign = Campaign.objects.create(
            name=c.name,
            kind=c.kind,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            description=c.description,
            created_by=self.users["bureau"],
        )
        campaign.set_industries(c.industries)
        campaign.townships.set([self.townships[name] for name in c.townships])
        self.campaigns[c.key] = campaign

    def _visit(self, v: PlannedVisit) -> None:
        self._at(v.start, lambda: self._start(v))
        if v.checklist:
            for code, result in v.results.items():
                self._at(v.times[code], lambda code=code, result=result: self._record(v, code))
        else:
            for h in v.hazards:
                self._at(h.registered, lambda h=h: self._log(v, h))
        self._at(v.end, lambda: self.inspections[v.key].finalize(by=self.users[v.lead]))

    def _start(self, v: PlannedVisit) -> None:
        template = PROFILES[COUNTY_ENTERPRISES[v.ent].kind].template
        inspection = Inspection.start(
            by=self.users[v.lead],
            enterprise=self.enterprises[v.ent],
            kind=v.kind,
            inspectors=[self.users[v.lead], self.users[v.partner]],
            inspected_on=v.start.astimezone(L.TZ).date(),
            summary=v.summary,
            template=self.templates[template] if v.checklist else None,
            campaign=self.campaigns[v.campaign] if v.campaign else None,
            original=self.inspections[v.original.key] if v.original else None,
        )
        self.inspections[v.key] = inspection
        if v.checklist:
            self.walk_items[v.key] = {i.code: i for i in inspection.items.all()}

    def _record(self, v: PlannedVisit, code: str) -> None:
        result = v.results[code]
        fields = None
        remark = ""
        if result == "fail":
            h = next(h for h in v.hazards if h.finding.code == code)
            remark = h.finding.remark
            fields = self._plan_fields(h)
            if h.major and not self.items[code].major_by_standard:
                fields["level"] = Level.MAJOR  # graded major by the inspector, on the facts
        item = self.inspections[v.key].record_item(
            by=self.users[v.lead],
            item=self.walk_items[v.key][code],
            result=result,
            remark=remark,
            hazard_fields=fields,
        )
        if result == "fail":
            self.hazards[h.key] = item.hazard

    def _log(self, v: PlannedVisit, h: PlannedHazard) -> None:
        """A finding logged on a visit without a checklist (a free finding)."""
        self.hazards[h.key] = log_hazard(
            self.inspections[v.key], by=self.users[v.lead], **self._free_fields(h)
        )

    def _self_report(self, h: PlannedHazard) -> None:
        """自查自报: the enterprise registers what its own inspection found."""
        self.hazards[h.key] = Hazard.register(
            by=self.users[h.by], enterprise=self.enterprises[h.ent], **self._free_fields(h)
        )

    def _plan_fields(self, h: PlannedHazard) -> dict:
        """The five-point plan (五落实): person, leader, deadline, funds, emergency plan."""
        return {
            "location": h.finding.location,
            "responsible_person": self.users[officer_username(h.ent)],
            "responsible_leader": self.users[leader_username(h.ent)],
            "deadline": h.deadline,
            "funds": Decimal(h.funds),
            "emergency_plan": EMERGENCY_PLAN if h.major else "",
        }

    def _free_fields(self, h: PlannedHazard) -> dict:
        """A hazard registered outside a checklist, as the API takes it: the item's
        title and basis; a standard item makes it major by standard (its article)."""
        item = self.items[h.finding.code]
        by_standard = h.major and item.major_by_standard
        return {
            "title": item.hazard_title,
            "description": h.finding.remark,
            "category": item.category,
            "level": Level.MAJOR if h.major else Level.GENERAL,
            "basis": item.basis,
            "major_by_standard": by_standard,
            "standard_item": item if by_standard else None,
            "measures": item.suggested_measures,
            **self._plan_fields(h),
        }

    # --- the hazard's life ---------------------------------------------------------------
    def _step(self, h: PlannedHazard, step: L.Step) -> None:
        hazard, args = self.hazards[h.key], step.args
        if step.kind == L.SUBMIT:
            hazard.submit(by=self.users[officer_username(h.ent)], note=args["note"])
        elif step.kind == L.REVIEW:
            review = {
                "by": self.users[h.reviewer],
                "passed": args["passed"],
                "comment": args["comment"],
                "new_deadline": args.get("new_deadline"),
            }
            if "follow_up" in args:  # re-checked on a follow-up visit (复查)
                self.inspections[args["follow_up"]].record_follow_up(hazard=hazard, **review)
            else:
                hazard.review(**review)
        elif step.kind == L.EXTEND:
            hazard.extend(
                by=self.users[h.reviewer], deadline=args["deadline"], reason=args["reason"]
            )
        elif step.kind == L.VOID:
            hazard.void(by=self.users["bureau"], reason=args["reason"])
        elif step.kind == L.SWEEP:
            # What the beat does every few minutes (hazards.tasks.escalation_sweep).
            escalate_due()
            send_escalation_emails()
        elif step.kind == L.ACK:
            escalation = Escalation.objects.get(hazard=hazard, round=args["round"])
            escalation.acknowledge(by=self.users[leader_username(h.ent)], note=args["note"])
        elif step.kind == L.RESOLVE:
            escalation = Escalation.objects.get(hazard=hazard, round=args["round"])
            escalation.resolve(by=self.users["bureau"], outcome=args["outcome"], note=args["note"])
        else:  # pragma: no cover - a planning mistake
            raise ValueError(step.kind)

    # --- people read their notifications ---------------------------------------------------
    def read_notifications(self, traveller, *, now: dt.datetime, rng) -> int:
        """Users read their in-app notifications within a day or two; the last few days'
        and the open escalations' stay unread."""
        rows = (
            Notification.objects.filter(created_at__lt=now - dt.timedelta(days=4))
            .exclude(hazard__escalations__state=Escalation.EscalationState.OPEN)
            .values_list("pk", "created_at")
        )
        reads = sorted(
            (created + dt.timedelta(hours=rng.uniform(0.5, 40)), pk) for pk, created in rows
        )
        for when, pk in reads:
            traveller.move_to(when)
            Notification(pk=pk).mark_read()
        return len(reads)
