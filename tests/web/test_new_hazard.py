"""Registering a hazard in the browser: inspectors pick an enterprise in scope,
enterprises report their own (自查自报); Hazard.register validates the plan."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.models import EventKind, Evidence, Hazard, HazardEvent, Level
from tests.support.files import jpeg

URL = reverse("hazard-new")


def plan(world, **overrides) -> dict:
    data = {
        "title": "二楼消防通道堵塞",
        "description": "杂物堆放堵塞安全出口。",
        "location": "二楼东侧",
        "category": "environment",
        "level": "general",
        "measures": "清理杂物，设置禁止堆放标识",
        "responsible_person": world.user_a.pk,
        "responsible_leader": world.leader_a.pk,
        "deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "funds": "500",
        "emergency_plan": "",
    }
    data.update(overrides)
    return data


def test_inspector_searches_enterprises_in_scope(world, login):
    html = login(world.inspector_housing).get(URL, {"q": "公司"}).content.decode()
    assert world.ent_c.name in html  # supervised by housing
    assert world.ent_b.name not in html  # transport's
    html = (
        login(world.inspector_housing).get(URL, {"q": world.ent_c.credit_code[:6]}).content.decode()
    )
    assert world.ent_c.name in html


def test_an_enterprise_out_of_scope_is_404(world, login):
    client = login(world.inspector_housing)
    assert client.get(URL, {"enterprise": world.ent_a.pk}).status_code == 404
    assert client.get(URL, {"enterprise": "abc"}).status_code == 404
    assert client.post(f"{URL}?enterprise={world.ent_a.pk}", plan(world)).status_code == 404
    assert not Hazard.objects.exists()


def test_form_opens_with_the_default_deadline_for_a_general_hazard(world, login):
    html = login(world.inspector).get(URL, {"enterprise": world.ent_a.pk}).content.decode()
    default = (timezone.localdate() + dt.timedelta(days=15)).isoformat()
    major = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    assert f'value="{default}"' in html and f'data-default-major="{major}"' in html
    assert "重大隐患必须填写应急预案。" in html


def test_inspector_registers_a_hazard_with_a_photo(world, login):
    response = login(world.inspector).post(
        f"{URL}?enterprise={world.ent_a.pk}", {**plan(world), "before": [jpeg()]}
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert response["Location"] == reverse("hazard-detail", args=[hazard.pk])
    assert hazard.enterprise == world.ent_a and hazard.created_by == world.inspector
    assert hazard.code.startswith("YH-")
    event = HazardEvent.objects.get(hazard=hazard, kind=EventKind.CREATED)
    assert event.actor == world.inspector
    assert Evidence.objects.get(hazard=hazard).phase == Evidence.Phase.BEFORE


def test_enterprise_reports_its_own_hazard_whatever_the_url_says(world, login):
    response = login(world.user_a).post(f"{URL}?enterprise={world.ent_b.pk}", plan(world, funds=""))
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.enterprise == world.ent_a and hazard.funds == 0


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"level": "major", "emergency_plan": ""}, "emergency_plan", "重大隐患必须制定应急预案。"),
        ({"deadline": "2020-01-01"}, "deadline", "整改期限不能早于今天。"),
        ({"deadline": "下个月"}, "deadline", "请输入有效的日期"),
        ({"funds": "五千"}, "funds", "请输入金额"),
        ({"funds": "-1"}, "funds", "整改资金不能为负数。"),
        ({"title": ""}, "title", "请填写隐患名称。"),
        ({"measures": ""}, "measures", "请填写整改措施。"),
        ({"category": "weather"}, "category", ""),
        ({"responsible_person": "user_b"}, "responsible_person", ""),
        ({"responsible_leader": "x"}, "responsible_leader", "责任领导必须是领导角色的用户。"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_created(
    world, login, overrides, field, message
):
    if overrides.get("responsible_person") == "user_b":
        overrides = {"responsible_person": world.user_b.pk}  # another enterprise's user
    if overrides.get("responsible_leader") == "x":
        overrides = {"responsible_leader": world.user_a.pk}  # not a leader
    response = login(world.inspector).post(
        f"{URL}?enterprise={world.ent_a.pk}", plan(world, **overrides)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    assert message in html
    assert not Hazard.objects.exists()


def test_a_major_hazard_with_its_plan_is_registered(world, login):
    response = login(world.bureau).post(
        f"{URL}?enterprise={world.ent_a.pk}",
        plan(
            world,
            level="major",
            emergency_plan="立即停用，设置警戒区",
            deadline=(timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert Hazard.objects.get().level == Level.MAJOR


def test_leaders_do_not_register_hazards(world, login):
    assert login(world.leader_a).get(URL).status_code == 403
