"""seed_bulk's county is 清河县 too, and its hazards fit their enterprise's industry."""

from io import StringIO

import pytest
from django.core.management import call_command

from enterprises.credit_code import validate_credit_code
from enterprises.demo import COUNTY_CODE
from enterprises.models import Enterprise, Industry, Township
from hazards.models import Hazard, Level
from inspections.models import ChecklistItem, ChecklistTemplate


@pytest.mark.django_db
def test_bulk_hazards_come_from_their_industrys_checklists_in_qinghe():
    options = {"enterprises": 40, "hazards": 1500, "townships": 10, "years": 2, "seed": 3}
    call_command("seed_bulk", stdout=StringIO(), **options)

    assert all(
        code.startswith(COUNTY_CODE) for code in Township.objects.values_list("code", flat=True)
    )
    for ent in Enterprise.objects.all():
        validate_credit_code(ent.credit_code)
        assert ent.credit_code[2:8] == COUNTY_CODE
        assert bool(ent.sub_industry) == (ent.industry == Industry.INDUSTRY_TRADE), ent

    titles = {}
    for ent in Enterprise.objects.all():
        templates = ChecklistTemplate.objects.for_enterprise(ent)
        titles[ent.pk] = set(
            ChecklistItem.objects.filter(template__in=templates).values_list(
                "hazard_title", flat=True
            )
        )
    hazards = Hazard.objects.select_related("standard_item")
    for h in hazards:
        assert h.title in titles[h.enterprise_id], (h.enterprise_id, h.title)
        assert h.basis
        if h.major_by_standard:
            assert h.level == Level.MAJOR and h.standard_item.hazard_title == h.title
        else:
            assert h.standard_item_id is None
    assert hazards.filter(major_by_standard=True).exists()
