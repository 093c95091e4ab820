"""The demo county's registers: townships, departments and enterprises, and the
shipped checklists its inspectors walk (idempotent)."""

from __future__ import annotations

from enterprises.demo import (
    COUNTY,
    COUNTY_ENTERPRISES,
    DEPARTMENTS,
    TOWNSHIPS,
    demo_credit_code,
    department_for,
    township_code,
)
from enterprises.models import Department, Enterprise, Township
from inspections.checklists import load_checklists, read_shipped
from inspections.models import ChecklistItem, ChecklistTemplate

from .profiles import PROFILES

STREETS = ["建设路", "工业路", "人民路", "兴业大道", "振兴街", "光明路"]


def ensure_registers() -> tuple[list[Township], dict[str, Department], list[Enterprise]]:
    townships = {
        name: Township.objects.get_or_create(name=name, defaults={"code": township_code(code)})[0]
        for name, code in TOWNSHIPS
    }
    departments = {
        name: Department.objects.get_or_create(
            name=name, defaults={"short_name": short, "is_bureau": is_bureau}
        )[0]
        for name, short, is_bureau in DEPARTMENTS
    }
    enterprises = []
    for i, e in enumerate(COUNTY_ENTERPRISES):
        township = townships[e.township]
        street = STREETS[i % len(STREETS)]
        ent, _created = Enterprise.objects.get_or_create(
            name=e.name,
            defaults={
                "credit_code": demo_credit_code(i + 1, e.registration),
                "industry": e.industry,
                "sub_industry": e.sub_industry,
                "township": township,
                "supervising_department": departments[department_for(e.name, e.industry)],
                "address": f"河北省邢台市{COUNTY}{township.name}{street}{(i * 37) % 180 + 1}号",
                "legal_representative": e.legal,
                "contact_phone": f"1383191{(i * 7919) % 10000:04d}",
                "status": e.status,
                "employees": e.employees,
            },
        )
        enterprises.append(ent)
    return list(townships.values()), departments, enterprises


def ensure_checklists() -> None:
    """The checklists the demo's profiles cite. A migration loads them, but a database
    flushed since (by a test, say) has none: load what is missing, as
    ``manage.py load_checklists`` does (the bureau's edits are kept)."""
    keys = {p.template for p in PROFILES.values()}
    codes = {f.code for p in PROFILES.values() for f in (*p.findings, *p.majors)}
    if ChecklistTemplate.objects.filter(key__in=keys).count() < len(keys) or (
        ChecklistItem.objects.filter(code__in=codes).count() < len(codes)
    ):
        load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
