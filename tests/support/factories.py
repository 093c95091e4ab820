"""factory_boy factories: places and people, and hazards and inspections in every state.

Hazards and inspections are never written directly: ``HazardFactory`` registers through
``Hazard.register`` and walks the real steps (``submit``, ``review``, ``void``, the
escalation sweep), ``InspectionFactory`` calls ``Inspection.start`` and ``finalize``. So
a factory-made row has its code, its events and its notices, like a real one::

    HazardFactory()                                     # rectifying, deadline in 10 days
    HazardFactory(state="pending_review")
    HazardFactory(state="closed", failed_reviews=1)     # failed once, then passed
    HazardFactory(failed_reviews=2, escalated=True)     # the two-strike rule fired
    HazardFactory(overdue=True)                         # rectifying, deadline yesterday
    InspectionFactory(state="finalized", hazards=2)
"""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from enterprises.credit_code import make_credit_code
from enterprises.models import Department, Enterprise, Industry, Township
from hazards.models import Category, Hazard, Level, State
from inspections.models import Inspection, InspectionKind, InspectionStatus

PASSWORD = "pw-12345"  # every factory user's password

_codes = itertools.count(1)


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试镇{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试监管局{n}")
    is_bureau = False


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(lambda: make_credit_code(f"91330100{next(_codes):09d}"))
    industry = Industry.INDUSTRY_TRADE
    township = factory.SubFactory(TownshipFactory)
    supervising_department = factory.SubFactory(DepartmentFactory)
    legal_representative = "张三"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.ENTERPRISE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def bureau_user(**kw) -> User:
    dept = kw.pop("department", None) or DepartmentFactory(name="县应急管理局", is_bureau=True)
    return UserFactory(role=Role.BUREAU, department=dept, **kw)


def inspector(department, **kw) -> User:
    return UserFactory(role=Role.INSPECTOR, department=department, **kw)


def enterprise_user(enterprise, **kw) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, **kw)


def leader(**kw) -> User:
    return UserFactory(role=Role.LEADER, **kw)


# --- hazards ------------------------------------------------------------------------


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _person_of(enterprise: Enterprise) -> User:
    return enterprise.users.filter(role=Role.ENTERPRISE).first() or enterprise_user(enterprise)


def _a_bureau_user() -> User:
    return User.objects.filter(role=Role.BUREAU, is_active=True).first() or bureau_user()


def make_hazard(*, enterprise, by, person=None, leader_user=None, **fields) -> Hazard:
    """Register a hazard through the real transition (with its code and event)."""
    defaults = {
        "title": "配电箱未接地",
        "description": "现场检查发现配电箱未可靠接地。",
        "location": "一号车间",
        "category": Category.EQUIPMENT,
        "level": Level.GENERAL,
        "measures": "加装接地线",
        "deadline": in_days(10),
        "funds": 1000,
    }
    defaults.update(fields)
    return Hazard.register(
        by=by,
        enterprise=enterprise,
        responsible_person=person or _person_of(enterprise),
        responsible_leader=leader_user or leader(),
        **defaults,
    )


def fail_review(hazard: Hazard, *, by, times: int = 1) -> Hazard:
    """The enterprise submits, the inspector fails the re-check: ``times`` rounds, through
    the real transitions."""
    for _ in range(times):
        hazard.refresh_from_db()
        if hazard.state == State.RECTIFYING:
            hazard.submit(by=hazard.responsible_person, note="已整改，请复查。")
        hazard.review(
            by=by,
            passed=False,
            comment="整改不到位，问题依旧存在。",
            new_deadline=in_days(7),
        )
    hazard.refresh_from_db()
    return hazard


def walk(
    hazard: Hazard,
    *,
    state: str = State.RECTIFYING,
    failed_reviews: int = 0,
    escalated: bool = False,
    overdue: bool = False,
    reviewer: User,
) -> Hazard:
    """Take a freshly registered hazard to ``state`` through the workflow's steps."""
    state = State(state)
    threshold = settings.ESCALATION_FAILURE_THRESHOLD
    if escalated:
        failed_reviews = max(failed_reviews, threshold)
    if overdue and state != State.RECTIFYING:
        raise ValueError("only a rectifying hazard can be overdue (docs/workflows.md)")
    fail_review(hazard, by=reviewer, times=failed_reviews)
    if escalated:
        from hazards.escalation import escalate_due

        escalate_due()  # the sweep's own phase 1 (it escalates every due hazard)
    if state in (State.PENDING_REVIEW, State.CLOSED):
        hazard.submit(by=hazard.responsible_person, note="已按整改措施完成整改。")
    if state == State.CLOSED:
        hazard.review(by=reviewer, passed=True, comment="复查合格，予以销号。")
    elif state == State.VOIDED:
        hazard.void(by=_a_bureau_user(), reason="重复登记，予以作废。")
    if overdue:
        # Time passing is no step of the workflow: move the deadline, not the clock.
        Hazard.objects.filter(pk=hazard.pk).update(deadline=in_days(-1))
    hazard.refresh_from_db()
    return hazard


class HazardFactory(factory.Factory):
    """A hazard in any state, reached through the real steps (see the module docstring).

    ``by`` registers it (default: an inspector of the enterprise's department) and
    ``reviewer`` re-inspects (default: ``by`` when an inspector or the bureau)."""

    class Meta:
        model = Hazard

    enterprise = factory.SubFactory(EnterpriseFactory)
    by = factory.LazyAttribute(lambda o: inspector(o.enterprise.supervising_department))
    responsible_person = factory.LazyAttribute(lambda o: _person_of(o.enterprise))
    responsible_leader = factory.LazyAttribute(lambda o: leader(enterprise=o.enterprise))
    inspection = None
    title = "配电箱未接地"
    description = "现场检查发现配电箱未可靠接地。"
    location = "一号车间"
    category = Category.EQUIPMENT
    level = Level.GENERAL
    measures = "加装接地线"
    deadline = factory.LazyFunction(lambda: in_days(10))
    funds = 1000
    emergency_plan = factory.LazyAttribute(
        lambda o: "停用该设备，设置警戒区，专人值守。" if o.level == Level.MAJOR else ""
    )
    before = None
    # The workflow, not model fields:
    state = State.RECTIFYING
    failed_reviews = 0
    escalated = False
    overdue = False
    reviewer = None

    @classmethod
    def build(cls, **kwargs):
        raise TypeError("HazardFactory only creates: a hazard exists through its steps")

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Hazard:
        steps = {key: kwargs.pop(key) for key in ("state", "failed_reviews", "escalated")}
        steps["overdue"] = kwargs.pop("overdue")
        reviewer = kwargs.pop("reviewer")
        by = kwargs.pop("by")
        if reviewer is None:
            is_reviewer = by.role in (Role.INSPECTOR, Role.BUREAU)
            reviewer = by if is_reviewer else _a_bureau_user()
        hazard = model_class.register(by=by, **kwargs)
        return walk(hazard, reviewer=reviewer, **steps)


# --- inspections --------------------------------------------------------------------


class InspectionFactory(factory.Factory):
    """An inspection, draft or finalized, started by ``Inspection.start``.

    ``hazards=n`` logs n hazards found on it; a finalized inspection without a template
    gets one (an inspection with nothing recorded cannot be finalized)."""

    class Meta:
        model = Inspection

    enterprise = factory.SubFactory(EnterpriseFactory)
    by = factory.LazyAttribute(lambda o: inspector(o.enterprise.supervising_department))
    kind = InspectionKind.ROUTINE
    inspectors = None
    template = None
    campaign = None
    original = None
    state = InspectionStatus.DRAFT
    hazards = 0

    @classmethod
    def build(cls, **kwargs):
        raise TypeError("InspectionFactory only creates: an inspection exists through its steps")

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Inspection:
        state = InspectionStatus(kwargs.pop("state"))
        hazards = kwargs.pop("hazards")
        by = kwargs["by"]
        if kwargs["inspectors"] is None:
            kwargs["inspectors"] = [by, _a_bureau_user()]
        inspection = model_class.start(**kwargs)
        if state == InspectionStatus.FINALIZED and not hazards and kwargs["template"] is None:
            hazards = 1
        for _ in range(hazards):
            make_hazard(enterprise=inspection.enterprise, by=by, inspection=inspection)
        if state == InspectionStatus.FINALIZED:
            for item in inspection.items.filter(result=""):
                inspection.record_item(by=by, item=item, result="pass")
            inspection.finalize(by=by)
        inspection.refresh_from_db()
        return inspection
