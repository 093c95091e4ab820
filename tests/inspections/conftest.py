import pytest

from inspections.models import ChecklistItem, ChecklistTemplate, Inspection, InspectionKind


@pytest.fixture
def checklist(db):
    """A small industry_trade checklist: two general items, one major by standard,
    one retired item that must never be copied."""
    template = ChecklistTemplate.objects.create(
        key="test-trade", industry="industry_trade", name="测试工贸检查表"
    )
    rows = [
        ("T-01", "配电箱是否可靠接地", "配电箱未可靠接地", "equipment", False, 1),
        ("T-02", "粉尘涉爆除尘系统是否采用正压吹送", "除尘系统采用正压吹送", "equipment", True, 2),
        ("T-03", "是否建立隐患排查治理制度", "未建立隐患排查治理制度", "management", False, 3),
    ]
    for code, text, title, category, major, order in rows:
        ChecklistItem.objects.create(
            template=template,
            code=code,
            section="测试",
            text=text,
            hazard_title=title,
            category=category,
            major_by_standard=major,
            basis=f"《中华人民共和国安全生产法》第四十一条（{code}）",
            suggested_measures=f"按要求整改{code}",
            order=order,
        )
    ChecklistItem.objects.create(
        template=template,
        code="T-99",
        text="已停用的检查项",
        hazard_title="停用",
        category="management",
        basis="停用",
        order=99,
        is_active=False,
    )
    return template


@pytest.fixture
def start(world):
    """Start an inspection through the model transition (API tests use the API)."""

    def make(*, enterprise=None, by=None, inspectors=None, **kw) -> Inspection:
        by = by or world.inspector
        kw.setdefault("kind", InspectionKind.ROUTINE)
        return Inspection.start(
            by=by,
            enterprise=enterprise or world.ent_a,
            inspectors=inspectors if inspectors is not None else [by, world.bureau],
            **kw,
        )

    return make


@pytest.fixture
def plan(world):
    """The hazard plan fields an inspector sends with a failed item at ent_a."""
    return {"responsible_person": world.user_a.pk, "responsible_leader": world.leader_a.pk}
