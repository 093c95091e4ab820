"""Data the page-wide browser tests share: ``county`` (hazards in every state, an
escalation, photos, notifications; used by test_screens.py and the accessibility crawl)
and ``inspections`` (a checklist, a campaign, a draft and a finalized inspection at
enterprise A). tests/browser/conftest.py imports both, so every browser test can ask for them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from hazards.models import Escalation, Hazard, Level
from hazards.sweeps import escalate as sweep_module
from inspections.models import Campaign, ChecklistItem, ChecklistTemplate
from tests.support import factories as f


@pytest.fixture
def county(world, tmp_path):
    """Hazards in every state, an escalation, photos and notifications."""
    from tests.support.files import jpeg

    today = timezone.localdate()
    w = world
    titles = [
        ("配电箱未可靠接地", "一号车间", "equipment"),
        ("消防通道堆放杂物", "二号仓库", "environment"),
        ("特种作业人员无证上岗", "装卸区", "person"),
        ("未建立隐患排查治理制度", "安全科", "management"),
        ("液氨储罐安全阀未校验", "储罐区", "equipment"),
    ]
    made = []
    for i, (title, location, category) in enumerate(titles * 3):
        enterprise = (w.ent_a, w.ent_b, w.ent_c)[i % 3]
        major = i % 5 == 4
        made.append(
            f.make_hazard(
                enterprise=enterprise,
                by=w.inspector if enterprise == w.ent_a else w.bureau,
                person=w.user_a if enterprise == w.ent_a else None,
                leader_user=w.leader_a if enterprise == w.ent_a else None,
                title=title,
                location=location,
                category=category,
                level=Level.MAJOR if major else Level.GENERAL,
                emergency_plan="立即停用，设置警戒区，配备应急救援器材" if major else "",
                deadline=today + dt.timedelta(days=3 + 4 * i),
                before=[jpeg("before.jpg", color=(120, 120, 120))],
            )
        )
    a = [h for h in made if h.enterprise == w.ent_a]
    Hazard.objects.filter(pk=a[0].pk).update(deadline=today - dt.timedelta(days=4))
    a[1].submit(by=w.user_a, note="已清理杂物并设置禁止堆放标识。", evidence=[jpeg("after.jpg")])
    for _ in range(2):
        a[2].submit(by=w.user_a, note="已整改", evidence=[jpeg("a.jpg", color=(40, 160, 90))])
        a[2].review(
            by=w.inspector,
            passed=False,
            comment="现场复查仍有人员无证上岗。",
            new_deadline=today + dt.timedelta(days=6),
        )
    a[3].submit(by=w.user_a, note="制度已印发")
    a[3].review(by=w.inspector, passed=True, comment="合格")
    sweep_module.sweep()
    Notification.objects.create(
        recipient=w.user_a,
        kind=NotificationKind.REVIEW,
        hazard=a[2],
        message=f"隐患 {a[2].code} 复查不合格（第 2 次），请于期限前重新整改。",
    )
    return {
        "overdue": a[0],
        "pending": a[1],
        "escalated": a[2],
        "closed": a[3],
        "escalation": Escalation.objects.get(hazard=a[2]),
    }


@pytest.fixture
def inspections(world):
    """A small checklist, a running campaign, a draft inspection on that checklist and a
    finalized one with a hazard, all at enterprise A by the bureau's inspector."""
    template = ChecklistTemplate.objects.create(
        key="scene-trade", industry="industry_trade", name="场景：工贸企业日常检查表"
    )
    rows = [
        ("SC-01", "用电安全", "配电箱、开关箱是否可靠接地", "配电箱未可靠接地", False),
        ("SC-02", "粉尘防爆", "除尘系统是否采用负压吹送", "除尘系统采用正压吹送", True),
    ]
    for order, (code, section, text, title, major) in enumerate(rows, start=1):
        ChecklistItem.objects.create(
            template=template,
            code=code,
            section=section,
            text=text,
            hazard_title=title,
            category="equipment",
            major_by_standard=major,
            basis=f"《工贸企业重大事故隐患判定标准》第{order}条",
            suggested_measures="立即整改，整改完成后报检查人员复查",
            order=order,
        )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="冬季工贸行业安全生产专项整治",
        kind="special",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=50),
    )
    campaign.set_industries(["industry_trade"])
    draft = f.InspectionFactory(
        enterprise=world.ent_a, by=world.inspector, template=template, campaign=campaign
    )
    finalized = f.InspectionFactory(
        enterprise=world.ent_a, by=world.inspector, state="finalized", hazards=1
    )
    return {"template": template, "campaign": campaign, "draft": draft, "finalized": finalized}
