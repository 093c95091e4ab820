"""The shipped checklists cite their 判定标准 exactly: every item has a basis,
every standard-major item its standard, 文号 and article, codes are unique across all
templates, and each 判定标准 shipped in full is covered item by item."""

import copy

import pytest
from django.db import IntegrityError, transaction

from hazards.models import Level
from inspections.checklists import (
    SHIPPED,
    format_refs,
    load_checklists,
    read_shipped,
    read_standards,
    template_files,
    uncovered,
)
from inspections.models import ChecklistItem, ChecklistTemplate, Inspection, InspectionKind

# The 判定标准 the checklists must cover item by item (docs/standards.md).
FULLY_COVERED = {
    "gongmao-2023": "应急管理部令第10号",
    "chemicals-2017": "安监总管三〔2017〕121号",
    "coal-2021": "应急管理部令第4号",
    "fireworks-2017": "安监总管三〔2017〕121号",
}


@pytest.fixture(scope="module")
def data():
    return read_shipped()


@pytest.fixture(scope="module")
def standards():
    return read_standards()


def _items(data):
    return [(t["key"], item) for t in data for item in t["items"]]


def test_every_item_cites_a_basis_and_every_major_item_its_standard_number_and_article(data):
    for key, item in _items(data):
        assert item["basis"].strip(), (key, item["code"])
        if item["major_by_standard"]:
            for field in ("standard", "standard_number", "article"):
                assert item[field].strip(), (key, item["code"], field)
            # The basis names the standard, its 文号 and the article.
            assert item["basis"].startswith(
                f"《{item['standard']}》（{item['standard_number']}）{item['article']}"
            )


def test_item_codes_are_unique_across_all_templates(data):
    codes = [item["code"] for _, item in _items(data)]
    assert len(codes) == len(set(codes))


def test_each_standard_listed_in_the_issue_is_covered_item_by_item(data, standards):
    for key, number in FULLY_COVERED.items():
        assert standards[key]["number"] == number
        assert standards[key]["coverage"] == "full", key
    assert uncovered(standards, data) == {}
    # The standards' own sizes: 121号 lists 20 items each; coal 15 categories (第四–十八条).
    assert len(standards["chemicals-2017"]["items"]) == 20
    assert len(standards["fireworks-2017"]["items"]) == 20
    coal_articles = {ref.split(".")[0] for ref in standards["coal-2021"]["items"]}
    assert coal_articles == {str(n) for n in range(4, 19)}
    gongmao_articles = {ref.split(".")[0] for ref in standards["gongmao-2023"]["items"]}
    assert gongmao_articles == {str(n) for n in range(3, 14)}
    assert {f"11.{n}" for n in range(1, 11)} <= set(standards["gongmao-2023"]["items"])


def test_a_gap_in_coverage_is_reported(data, standards):
    trimmed = copy.deepcopy(data)
    for t in trimmed:
        t["items"] = [i for i in t["items"] if i["code"] != "GM-29"]
    assert uncovered(standards, trimmed) == {"gongmao-2023": ["11.7"]}


def test_regulatory_fixes_from_the_audit(data):
    items = {item["code"]: item for _, item in _items(data)}
    # JZ-19 cites 第十条 of the construction standard: it is major.
    assert items["JZ-19"]["major_by_standard"]
    assert items["JZ-19"]["article"] == "第十条"
    assert items["JZ-19"]["standard_number"] == "建质规〔2022〕2号"
    assert "JGJ/T 46-2024" in items["JZ-18"]["basis"]
    # 121号 (十六) and (十七) are graded major where the checklist asks them.
    assert items["WH-23"]["article"] == "第（十六）项" and items["WH-23"]["major_by_standard"]
    assert items["WH-06"]["article"] == "第（十七）项" and items["WH-06"]["major_by_standard"]
    # Mining and transport cite 文号 and item.
    assert items["KS-17"]["basis"].startswith(
        "《金属非金属矿山重大事故隐患判定标准》（矿安〔2022〕88号）一（一）"
    )
    assert items["JT-13"]["article"] == "第四条第（一）项"
    # The coal checklist covers the 15 categories; major items carry the plan.
    assert items["MK-12"]["article"] == "第八条第（三）、（四）、（五）、（六）、（七）项"
    assert "治理方案" in items["MK-01"]["suggested_measures"]


def test_refs_are_cited_as_the_standard_numbers_them():
    assert format_refs("article-item", ["4.7", "4.8"]) == "第四条第（七）、（八）项"
    assert format_refs("article-item", ["18.10"]) == "第十八条第（十）项"
    assert format_refs("article-item", ["10"]) == "第十条"
    assert format_refs("item", ["20"]) == "第（二十）项"
    assert format_refs("part-item", ["1.21"]) == "一（二十一）"
    assert format_refs("clause", ["6.10"]) == "第6.10条"


def test_a_citation_of_an_unknown_article_is_refused(tmp_path):
    for f in [SHIPPED / "standards.yaml", *template_files()]:
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    target = tmp_path / "08-industry-trade-basic.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('covers: ["11.7"]', 'covers: ["11.17"]'), encoding="utf-8")
    with pytest.raises(ValueError, match="11.17"):
        read_shipped(tmp_path)


def test_sub_industry_templates_extend_the_general_one(db, world, start):
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    foundry_checklist = ChecklistTemplate.objects.get(key="industry-trade-machinery")
    assert foundry_checklist.base.key == "industry-trade-basic"
    inspection = start(template=foundry_checklist)
    codes = list(inspection.items.order_by("order", "pk").values_list("code", flat=True))
    base_codes = list(
        ChecklistItem.objects.filter(template=foundry_checklist.base, is_active=True)
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes[: len(base_codes)] == base_codes
    assert codes[len(base_codes) :] == [f"JX-0{n}" for n in range(1, 8)]


def test_the_default_template_follows_industry_and_sub_industry(db, world):
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    ent = world.ent_a
    active = ChecklistTemplate.objects.active()
    assert active.for_enterprise(ent).first().key == "industry-trade-basic"
    ent.sub_industry = "machinery"
    ent.save()
    picked = [t.key for t in active.for_enterprise(ent)]
    assert picked == ["industry-trade-machinery", "industry-trade-basic"]
    # A non-coal mine keeps the metal/non-metal checklist as its default.
    assert active.filter(industry="mining").order_by("pk").first().key == "mining-basic"


def test_the_wrong_sub_industry_checklist_is_a_warning(db, world, start):
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    textile = ChecklistTemplate.objects.get(key="industry-trade-textile")
    inspection = start(template=textile)
    assert any("细分行业" in w for w in Inspection.objects.get(pk=inspection.pk).warnings())
    assert inspection.kind == InspectionKind.ROUTINE


def test_the_database_refuses_a_code_used_by_another_template(db):
    one = ChecklistTemplate.objects.create(key="t-one", industry="other", name="一")
    two = ChecklistTemplate.objects.create(key="t-two", industry="other", name="二")
    fields = {"text": "t", "hazard_title": "h", "category": "management", "basis": "b"}
    ChecklistItem.objects.create(template=one, code="ZZ-01", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.create(template=two, code="ZZ-01", **fields)


def test_the_admin_form_asks_a_major_item_for_its_citation(db):
    from django.core.exceptions import ValidationError

    template = ChecklistTemplate.objects.create(key="t-x", industry="other", name="x")
    item = ChecklistItem(
        template=template,
        code="ZZ-02",
        text="t",
        hazard_title="h",
        category="management",
        basis="b",
        major_by_standard=True,
    )
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert {"standard", "standard_number", "article"} <= set(exc.value.message_dict)


def test_the_rename_migration_gives_shared_codes_their_own(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("inspections.migrations.0005_rename_shared_item_codes")
    template, _ = ChecklistTemplate.objects.get_or_create(
        key="crowded-places-small", defaults={"industry": "crowded_places", "name": "小场所"}
    )
    ChecklistItem.objects.filter(template=template).delete()  # rolled back with the test
    ChecklistItem.objects.create(
        template=template,
        code="RM-77",
        text="t",
        hazard_title="h",
        category="management",
        basis="b",
    )
    migration.rename(apps, None)
    assert ChecklistItem.objects.filter(template=template).get().code == "XC-77"


def test_a_failed_checklist_item_records_its_standard_item(world, start):
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    template = ChecklistTemplate.objects.get(key="industry-trade-basic")
    inspection = start(template=template)
    item = inspection.items.get(code="GM-29")
    item = inspection.record_item(
        by=world.inspector,
        item=item,
        result="fail",
        hazard_fields={
            "responsible_person": world.user_a,
            "responsible_leader": world.leader_a,
            "emergency_plan": "停止涉粉作业",
        },
    )
    hazard = item.hazard
    assert hazard.standard_item == ChecklistItem.objects.get(code="GM-29")
    assert hazard.level == Level.MAJOR and hazard.major_by_standard
