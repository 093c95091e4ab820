"""A hazard is major by standard only through a 判定标准 checklist item: a
failed item sets it, the create API takes it (level major, citation filled) and refuses
a bare flag, and the hazard's page names the standard, its 文号 and the article."""

import pytest
from django.urls import reverse

from hazards.models import Hazard, Level
from inspections.checklists import load_checklists, read_shipped
from inspections.models import ChecklistItem, ChecklistTemplate
from tests.hazards.api_support import HAZARDS, payload

pytestmark = pytest.mark.django_db

PLAN = {"emergency_plan": "设置警戒区，停止涉粉作业，配备应急器材"}


@pytest.fixture
def dust_item(db):
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())
    return ChecklistItem.objects.get(code="GM-29")


def test_a_standard_item_makes_the_hazard_major_and_cites_it(world, api, dust_item):
    resp = api(world.inspector).post(
        HAZARDS, payload(world, standard_item=dust_item.pk, level="major", **PLAN), format="json"
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["standard_item"] == dust_item.pk
    assert body["level"] == "major" and body["major_by_standard"] is True
    assert body["basis"] == dust_item.basis
    assert "应急管理部令第10号" in body["basis"]


def test_the_level_follows_the_standard_item_when_not_given(world, api, dust_item):
    data = payload(world, standard_item=dust_item.pk, **PLAN)
    del data["level"]
    resp = api(world.inspector).post(HAZARDS, data, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["level"] == "major"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"level": "general"}, "level"),
        ({"emergency_plan": ""}, "emergency_plan"),
    ],
)
def test_a_standard_item_refuses_a_general_level_or_a_missing_plan(
    world, api, dust_item, over, field
):
    before = Hazard.objects.count()
    data = payload(world, standard_item=dust_item.pk, **{**PLAN, "level": "major", **over})
    resp = api(world.inspector).post(HAZARDS, data, format="json")
    assert resp.status_code == 400, resp.content
    assert field in resp.json()
    assert Hazard.objects.count() == before


def test_only_a_major_by_standard_item_will_do(world, api, dust_item):
    general = ChecklistItem.objects.get(code="GM-22")
    resp = api(world.inspector).post(
        HAZARDS, payload(world, standard_item=general.pk, level="major", **PLAN), format="json"
    )
    assert resp.status_code == 400
    assert set(resp.json()) == {"standard_item"}


def test_the_hazard_page_names_the_standard_its_number_and_article(world, client, dust_item):
    from tests import factories as f

    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        level=Level.MAJOR,
        major_by_standard=True,
        standard_item=dust_item,
        basis=dust_item.basis,
        **PLAN,
    )
    client.force_login(world.inspector)
    html = client.get(reverse("hazard-detail", args=[hazard.pk])).content.decode()
    assert "《工贸企业重大事故隐患判定标准》" in html
    assert "应急管理部令第10号" in html
    assert "第十一条第（七）项" in html
