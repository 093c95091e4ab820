"""Checklists ship as data (one per industry, 15–40 items, each citing its rule) and
are served read-only; the bureau maintains them in the admin without deleting."""

import pytest
from django.contrib.admin.sites import site

from enterprises.models import Industry
from inspections.checklists import SHIPPED, check, load_checklists, read_shipped
from inspections.models import ChecklistItem, ChecklistTemplate


@pytest.fixture
def shipped(db):
    # The data migration loaded them; loading again is a no-op (and restores them if a
    # transactional test flushed the table).
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    return ChecklistTemplate.objects.filter(key__in=[t["key"] for t in read_shipped()])


def test_the_data_migration_loads_the_shipped_file(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("inspections.migrations.0007_load_cited_checklists")
    ChecklistItem.objects.all().delete()  # rolled back with the test
    ChecklistTemplate.objects.all().delete()
    migration.load(apps, None)
    migration.load(apps, None)  # idempotent
    data = read_shipped()
    assert ChecklistTemplate.objects.count() == len(data)
    assert ChecklistItem.objects.count() == sum(len(t["items"]) for t in data)


def test_every_industry_has_a_shipped_template_of_15_to_40_items(shipped):
    industries = set(shipped.values_list("industry", flat=True))
    assert industries == set(Industry.values)
    for template in shipped:
        # What an inspection with it checks: a sub-industry's template adds to its base.
        n = template.items_to_check().count()
        assert 15 <= n <= 40, (template.key, n)
        for item in template.items.all():
            assert item.basis.strip(), (template.key, item.code)
            assert item.text.strip() and item.hazard_title.strip()
            assert item.suggested_measures.strip(), (template.key, item.code)
    # Each high-risk industry grades some items major by its 判定标准.
    for industry in ("mining", "hazardous_chemicals", "construction", "industry_trade"):
        assert ChecklistItem.objects.filter(
            template__in=shipped, template__industry=industry, major_by_standard=True
        ).exists(), industry


def test_shipped_items_cite_the_standards(shipped):
    bases = " ".join(
        ChecklistItem.objects.filter(template__in=shipped).values_list("basis", flat=True)
    )
    for source in ("安全生产法", "重大事故隐患判定标准", "消防"):
        assert source in bases, source


def test_loading_is_idempotent_and_keeps_admin_edits(shipped):
    item = ChecklistItem.objects.filter(template__in=shipped).first()
    item.text = "安监局修改后的内容"
    item.save()
    before = ChecklistItem.objects.count()
    counts = load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    assert counts == {"templates": 0, "items": 0, "updated": 0}
    assert ChecklistItem.objects.count() == before
    item.refresh_from_db()
    assert item.text == "安监局修改后的内容"


def test_a_malformed_file_is_refused(tmp_path):
    bad = [
        {
            "key": "x",
            "industry": "mining",
            "items": [
                {
                    "code": "A",
                    "text": "t",
                    "hazard_title": "h",
                    "category": "equipment",
                    "basis": "",
                }
            ],
        }
    ]
    with pytest.raises(ValueError, match="basis"):
        check(bad)
    assert SHIPPED.exists()


def test_checklists_api_lists_active_templates_with_active_items(world, api, checklist, shipped):
    client = api(world.user_a)  # any signed-in user may read the rules
    res = client.get("/api/v1/checklists/?industry=industry_trade&page_size=200")
    assert res.status_code == 200
    keys = [t["key"] for t in res.json()["results"]]
    assert "test-trade" in keys and "industry-trade-basic" in keys
    assert all(t["industry"] == "industry_trade" for t in res.json()["results"])
    detail = client.get(f"/api/v1/checklists/{checklist.pk}/").json()
    assert [i["code"] for i in detail["items"]] == ["T-01", "T-02", "T-03"]
    assert detail["items"][1]["major_by_standard"] is True

    checklist.is_active = False
    checklist.save()
    assert client.get(f"/api/v1/checklists/{checklist.pk}/").status_code == 404
    assert api().get("/api/v1/checklists/").status_code in (401, 403)


def test_the_admin_never_deletes_checklists_or_campaigns(rf, world):
    from inspections.models import Campaign

    request = rf.get("/")
    request.user = world.bureau
    for model in (ChecklistTemplate, Campaign):
        model_admin = site._registry[model]
        assert model_admin.has_delete_permission(request) is False
    from inspections.admin import ChecklistItemInline

    inline = ChecklistItemInline(ChecklistTemplate, site)
    assert inline.has_delete_permission(request) is False


def test_the_admin_retires_templates(rf, world, checklist):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.user = world.bureau
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = site._registry[ChecklistTemplate]
    model_admin.retire(request, ChecklistTemplate.objects.filter(pk=checklist.pk))
    checklist.refresh_from_db()
    assert checklist.is_active is False
    assert checklist.items.count() == 4
