"""The demo county looks real: 清河县's codes, hazards from each place's own
checklists, a plausible share of major hazards, eighteen months of history written by
the workflow, the speech's campaigns, and escalations in every state."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from demo.campaigns import SPEECH_SECTORS
from demo.county import ensure_registers
from demo.people import ensure_users, wanted_users
from demo.profiles import PROFILES
from enterprises.credit_code import validate_credit_code
from enterprises.demo import COUNTY_CODE, COUNTY_ENTERPRISES, org_check_character
from enterprises.models import Enterprise, Industry
from hazards.models import Escalation, Hazard, HazardEvent, Level, State
from inspections.models import (
    Campaign,
    CampaignKind,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionStatus,
)


def local_date(value):
    return timezone.localtime(value).date()


@pytest.mark.django_db
def test_the_county_is_qinghe_with_real_patterned_codes_and_reachable_people():
    townships, departments, enterprises = ensure_registers()
    users = ensure_users(wanted_users(townships, departments, enterprises), password="pw")

    for t in townships:
        assert t.code.startswith(COUNTY_CODE) and len(t.code) == 9, t
        assert t.code[6] == ("1" if t.name.endswith("镇") else "2"), t  # 镇 1xx, 乡 2xx
    for ent in enterprises:
        validate_credit_code(ent.credit_code)
        assert ent.credit_code[2:8] == COUNTY_CODE, ent
        org = ent.credit_code[8:17]
        assert org[8] == org_check_character(org[:8]), ent  # GB 11714 check character
    assert {e.industry for e in enterprises} == set(Industry.values)
    trade = [e for e in enterprises if e.industry == Industry.INDUSTRY_TRADE]
    assert all(e.sub_industry for e in trade)
    by_name = {e.name: e for e in enterprises}
    assert by_name["清河县鸿运铸造有限公司"].sub_industry == "machinery"
    assert by_name["清河县丰源面粉加工厂"].sub_industry == "light"
    assert by_name["清河县长青煤矸石砖厂"].sub_industry == "building_materials"
    assert {e.sub_industry for e in trade} >= {"machinery", "light", "textile"}
    for e in COUNTY_ENTERPRISES:
        if e.kind in ("kindergarten", "school"):
            assert by_name[e.name].supervising_department.short_name == "教体局"
    assert all(u.email for u in users.values())


def source_items(hazards):
    """Each hazard's checklist item: the item it failed, the standard item it names, or
    (registered without a checklist) the item whose title it carries."""
    walked = dict(
        InspectionItem.objects.filter(hazard__in=hazards).values_list("hazard_id", "source_id")
    )
    return {h.pk: walked.get(h.pk) or h.standard_item_id for h in hazards}


def allowed_items(enterprise):
    """The items of the checklists of the enterprise's industry and sub-industry."""
    templates = ChecklistTemplate.objects.for_enterprise(enterprise)
    return {i.pk: i for i in ChecklistItem.objects.filter(template__in=templates)}


@pytest.mark.django_db
def test_the_seeded_demo_county_looks_real():
    call_command("seed_demo", stdout=StringIO())
    hazards = list(Hazard.objects.select_related("enterprise", "standard_item"))
    assert len(hazards) >= 150

    # Every hazard comes from a checklist of its own industry (and sub-industry), with
    # its citation; a standard item's failure is major by that standard.
    sources = source_items(hazards)
    allowed = {e.pk: allowed_items(e) for e in Enterprise.objects.all()}
    for h in hazards:
        items = allowed[h.enterprise_id]
        item = items.get(sources[h.pk]) or next(
            (i for i in items.values() if i.hazard_title == h.title), None
        )
        assert item is not None, (h.enterprise.name, h.title)
        assert h.title == item.hazard_title and h.basis == item.basis, h.code
        if item.major_by_standard:
            assert h.level == Level.MAJOR and h.major_by_standard, h.code
            assert h.standard_item_id == item.pk and item.article, h.code
        else:
            assert not h.major_by_standard and h.standard_item_id is None, h.code

    # 特种作业人员无证上岗 as the checklists grade it: major at a 工贸 works (GM-04, the
    # 工贸 standard's 第三条第（二）项), where a quarry's checklist (KS-04) has it general.
    welders = Hazard.objects.get(
        enterprise__name="清河县红星机械制造有限公司", standard_item__code="GM-04"
    )
    assert welders.level == Level.MAJOR and "第三条第（二）项" in welders.basis

    # 5–10 % major, some of them major by a 判定标准 article.
    majors = [h for h in hazards if h.level == Level.MAJOR]
    assert 0.05 <= len(majors) / len(hazards) <= 0.10
    assert any(h.major_by_standard for h in majors)
    assert all(h.emergency_plan for h in majors)

    # Registrations over twelve months and more; closings after them, some late; some
    # overdue now; every state.
    created = sorted(local_date(h.created_at) for h in hazards)
    assert (created[-1] - created[0]).days >= 365
    months = {(d.year, d.month) for d in created}
    assert len(months) >= 13
    closed = [h for h in hazards if h.state == State.CLOSED]
    assert all(h.closed_at > h.created_at for h in closed)
    assert any(h.closed_on_time is False for h in closed)
    assert sum(h.closed_on_time for h in closed) > len(closed) / 2
    assert Hazard.objects.overdue().exists()
    assert {h.state for h in hazards} == set(State.values)

    # Escalations (two-strike rule) in every state, each after two failed reviews.
    assert set(Escalation.objects.values_list("state", flat=True)) == set(
        Escalation.EscalationState.values
    )
    assert not Escalation.objects.filter(hazard__failed_reviews__lt=2).exists()

    # The speech's 专项整治 sectors each have a campaign, the crackdowns too, and the
    # finished ones have progress.
    sectors = set(
        Campaign.objects.filter(kind=CampaignKind.SPECIAL).values_list(
            "sectors__industry", flat=True
        )
    )
    assert set(SPEECH_SECTORS) <= sectors
    kinds = set(Campaign.objects.values_list("kind", flat=True))
    assert {CampaignKind.ILLEGAL_MINING, CampaignKind.ILLEGAL_BUSINESS} <= kinds
    for campaign in Campaign.objects.with_progress():
        assert campaign.inspections_count > 0, campaign.name

    # Inspections that walked a checklist, of every kind but follow-ups (which re-check
    # hazards instead); every inspection finalized, every walked item recorded.
    walked = set(Inspection.objects.filter(template__isnull=False).values_list("kind", flat=True))
    assert walked == set(InspectionKind.values) - {InspectionKind.FOLLOW_UP}
    assert Inspection.objects.filter(kind=InspectionKind.FOLLOW_UP, follow_up_checks__isnull=False)
    assert not Inspection.objects.exclude(status=InspectionStatus.FINALIZED).exists()
    assert not InspectionItem.objects.filter(result="").exists()
    assert InspectionItem.objects.filter(result="fail", hazard__isnull=False).exists()

    # Everybody can be mailed.
    assert not User.objects.filter(email="").exists()


@pytest.mark.django_db
def test_the_seeded_history_reads_as_the_workflow_wrote_it():
    call_command("seed_demo", stdout=StringIO())
    # Codes and notice numbers run in the order things happened, within each year.
    hazards = list(Hazard.objects.order_by("created_at").values_list("code", "created_at"))
    for year in {local_date(t).year for _c, t in hazards}:
        codes = [c for c, t in hazards if local_date(t).year == year]
        assert codes == sorted(codes) and codes[0].endswith("000001")
    notices = list(
        Inspection.objects.exclude(notice_number="")
        .order_by("finalized_at")
        .values_list("notice_year", "notice_seq")
    )
    for year in {y for y, _s in notices}:
        seqs = [s for y, s in notices if y == year]
        assert seqs == list(range(1, len(seqs) + 1))
    # Each hazard's log starts with its registration, in time order.
    first = (
        HazardEvent.objects.values("hazard")
        .annotate(n=Count("pk"))
        .filter(n__gte=1)
        .values_list("hazard", flat=True)
    )
    assert set(first) == set(Hazard.objects.values_list("pk", flat=True))
    previous = {}
    for hazard_id, kind, created in HazardEvent.objects.order_by(
        "hazard", "created_at", "pk"
    ).values_list("hazard", "kind", "created_at"):
        if hazard_id not in previous:
            assert kind == "created"
        else:
            assert created >= previous[hazard_id]
        previous[hazard_id] = created
    assert max(previous.values()) <= timezone.now()
    # The enterprises were registered before anything happened to them.
    start = Hazard.objects.order_by("created_at").first().created_at
    assert not Enterprise.objects.filter(created_at__gt=start).exists()
    assert timezone.now() - start > dt.timedelta(days=365)
    if connection.vendor == "postgresql":
        from dashboard.tally import tally_drift

        assert tally_drift() == 0  # the triggers kept the dashboard tally exact


def test_every_profile_finding_is_an_item_of_its_checklist():
    """Checked without a database, from the shipped checklists."""
    from inspections.checklists import read_shipped

    templates = {t["key"]: t for t in read_shipped()}
    for kind, profile in PROFILES.items():
        template = templates[profile.template]
        base = templates.get(template.get("base") or "", {"items": []})
        items = {i["code"]: i for i in (*base["items"], *template["items"])}
        sections = {i.get("section") for i in items.values()}
        for finding in profile.findings:
            assert finding.code in items, (kind, finding.code)
            # A general finding stays general: only ``majors`` grade a hazard major.
            assert not items[finding.code]["major_by_standard"], (kind, finding.code)
        for finding in profile.majors:
            assert finding.code in items, (kind, finding.code)
        for entry in profile.not_applicable:
            assert entry in items or entry in sections, (kind, entry)
            assert entry not in {f.code for f in (*profile.findings, *profile.majors)}
    assert {e.kind for e in COUNTY_ENTERPRISES} <= set(PROFILES)
