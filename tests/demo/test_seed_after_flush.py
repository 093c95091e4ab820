"""The demo seeds a database a flush has emptied: a migration loads the checklists, a
flush (a transactional test's) takes them, and the demo walks them."""

import pytest

from demo.county import ensure_checklists
from demo.profiles import PROFILES
from inspections.models import ChecklistItem, ChecklistTemplate


@pytest.mark.django_db
def test_the_demo_loads_the_checklists_it_walks_when_they_are_gone():
    ChecklistItem.objects.all().delete()
    ChecklistTemplate.objects.all().delete()
    ensure_checklists()
    keys = {p.template for p in PROFILES.values()}
    assert set(ChecklistTemplate.objects.values_list("key", flat=True)) >= keys
    codes = {f.code for p in PROFILES.values() for f in (*p.findings, *p.majors)}
    assert ChecklistItem.objects.filter(code__in=codes).count() == len(codes)
