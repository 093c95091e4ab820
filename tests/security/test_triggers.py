"""The database refuses to rewrite history, whoever asks (raw SQL, not the ORM)."""

import pytest
from django.db import DatabaseError, connection, transaction

from hazards.models import Escalation, HazardEvent
from tests.support import factories as f
from tests.support.files import png

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def ledger(db):
    dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    ent = f.EnterpriseFactory(supervising_department=dept)
    inspector = f.inspector(dept)
    officer = f.enterprise_user(ent)
    bureau = f.bureau_user(department=dept)
    leader = f.leader()
    hazard = f.make_hazard(enterprise=ent, by=inspector, person=officer, leader_user=leader)
    hazard.submit(by=officer, note="已整改", evidence=[png("a.png")])
    esc = Escalation.objects.create(hazard=hazard, round=1, leader=leader, reason="两次复查不合格")
    return {"hazard": hazard, "escalation": esc, "bureau": bureau, "leader": leader}


def _refused(sql: str, params=()):
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    assert "ledger:" in str(exc.value)


def test_event_log_refuses_update_and_delete(ledger):
    event = HazardEvent.objects.filter(hazard=ledger["hazard"]).first()
    _refused("UPDATE hazards_hazardevent SET note = 'rewritten' WHERE id = %s", [event.pk])
    _refused("DELETE FROM hazards_hazardevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.note != "rewritten"


def test_hazards_inspections_and_evidence_refuse_delete(ledger):
    _refused("DELETE FROM hazards_hazard WHERE id = %s", [ledger["hazard"].pk])
    assert ledger["hazard"].evidence.exists()
    _refused("DELETE FROM hazards_evidence")
    assert _has_inspection()
    _refused("DELETE FROM inspections_inspection")
    # Updates of a live hazard are how transitions work: still allowed.
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE hazards_hazard SET location = 'B区' WHERE id = %s", [ledger["hazard"].pk]
        )


def _has_inspection() -> bool:
    from inspections.models import Inspection

    dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    ent = f.EnterpriseFactory(supervising_department=dept)
    Inspection.objects.create(enterprise=ent, kind="routine", created_by=f.inspector(dept))
    return True


def test_escalation_is_frozen_once_resolved(ledger):
    esc = ledger["escalation"]
    # While open, the workflow may still move it.
    esc.acknowledge(by=ledger["leader"], note="已知悉，督促整改")
    esc.resolve(by=ledger["bureau"], outcome="interview", note="约谈企业负责人")
    _refused("UPDATE hazards_escalation SET outcome = 'other' WHERE id = %s", [esc.pk])
    _refused("DELETE FROM hazards_escalation WHERE id = %s", [esc.pk])
    esc.refresh_from_db()
    assert esc.outcome == "interview"
