import pytest
from django.core.management import call_command

from accounts.models import Role, User
from enterprises.credit_code import validate_credit_code
from enterprises.models import Enterprise, Industry
from hazards.models import Hazard, HazardEvent, State


def _counts():
    return (
        User.objects.count(),
        Enterprise.objects.count(),
        Hazard.objects.count(),
        HazardEvent.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_complete():
    call_command("seed_demo", "--password", "pw-demo-1")
    first = _counts()
    call_command("seed_demo", "--password", "pw-demo-2")
    assert _counts() == first

    assert Enterprise.objects.count() >= 20
    assert set(Enterprise.objects.values_list("industry", flat=True)) == set(Industry.values)
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["bureau"] == Role.BUREAU
    assert roles["inspector"] == Role.INSPECTOR and roles["inspector2"] == Role.INSPECTOR
    assert roles["ent_a"] == Role.ENTERPRISE and roles["ent_b"] == Role.ENTERPRISE
    assert roles["leader_a"] == Role.LEADER
    # --password applies to every demo user.
    assert User.objects.get(username="ent_b").check_password("pw-demo-2")

    states = set(Hazard.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Hazard.objects.overdue().exists()
    assert Hazard.objects.filter(failed_reviews__gte=2).exists()


@pytest.mark.django_db
def test_seed_demo_scope_facts_hold():
    call_command("seed_demo")
    inspector2 = User.objects.get(username="inspector2")
    ent_a = User.objects.get(username="ent_a")
    ent_b = User.objects.get(username="ent_b")
    leader_a = User.objects.get(username="leader_a")
    assert not inspector2.department.is_bureau
    assert User.objects.get(username="inspector").department.is_bureau
    assert ent_a.enterprise_id != ent_b.enterprise_id
    supervised = set(Enterprise.objects.visible_to(inspector2).values_list("pk", flat=True))
    assert ent_a.enterprise_id not in supervised and ent_b.enterprise_id not in supervised
    assert supervised
    assert leader_a.enterprise_id == ent_a.enterprise_id


@pytest.mark.django_db
def test_seed_demo_inspections_are_finalized_with_numbered_notices(client):
    from django.db.models import Count

    from inspections.models import Inspection, InspectionStatus

    call_command("seed_demo", "--password", "pw-demo-1")
    inspections = Inspection.objects.annotate(found=Count("hazards"))
    assert not inspections.exclude(status=InspectionStatus.FINALIZED).exists()
    # A notice is numbered when the visit found hazards; a clean visit and a follow-up
    # visit (复查) issue none.
    numbers = list(inspections.filter(found__gt=0).values_list("notice_number", flat=True))
    assert numbers and all(numbers)
    assert len(set(numbers)) == len(numbers)
    assert not inspections.filter(found=0).exclude(notice_number="").exists()
    # The bureau can maintain checklists in the admin.
    client.force_login(User.objects.get(username="bureau"))
    assert client.get("/admin/inspections/checklisttemplate/").status_code == 200
