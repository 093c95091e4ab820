"""The cast and the objects of the permission matrix (tests/security/test_permission_matrix.py).

hazard_a belongs to ent_a (supervised by the bureau's own department, township t1) and is
led by leader_a; ent_b is supervised by the transport department, in township t2.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import Notification, NotificationKind
from hazards.models import Escalation
from inspections.models import ChecklistTemplate, Inspection
from tests.support import factories as f
from tests.support.files import png


def build(world):
    w = world
    w.inspector_other = w.inspector_transport  # supervises ent_b only
    w.owner, w.peer = w.user_a, w.user_b
    w.hazard_a = f.make_hazard(
        enterprise=w.ent_a, by=w.inspector, person=w.user_a, leader_user=w.leader_a
    )
    w.hazard_a.submit(by=w.user_a, note="已整改", evidence=[png("p.png")])
    w.evidence_a = w.hazard_a.evidence.get()
    w.hazard_b = f.make_hazard(
        enterprise=w.ent_b, by=w.inspector, person=w.user_b, leader_user=w.leader_t2
    )
    w.escalation_a = Escalation.objects.create(
        hazard=w.hazard_a, round=1, leader=w.leader_a, reason="两次复查不合格"
    )
    w.notification_a = Notification.objects.create(
        recipient=w.user_a, kind=NotificationKind.OTHER, message="测试通知", hazard=w.hazard_a
    )
    template = ChecklistTemplate.objects.filter(industry=w.ent_a.industry).first()
    w.inspection_a = Inspection.start(
        by=w.inspector,
        enterprise=w.ent_a,
        kind="routine",
        template=template,
        inspectors=[w.inspector, w.bureau],
    )
    w.item_a = w.inspection_a.items.first()
    w.inspection_done = Inspection.start(
        by=w.inspector, enterprise=w.ent_a, kind="routine", inspectors=[w.inspector, w.bureau]
    )
    f.make_hazard(
        enterprise=w.ent_a,
        by=w.inspector,
        person=w.user_a,
        leader_user=w.leader_a,
        inspection=w.inspection_done,
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
    w.inspection_done.finalize(by=w.inspector)
    from inspections.models import Campaign

    w.campaign = Campaign.objects.create(
        name="危化品专项整治",
        kind="special",
        starts_on=timezone.localdate(),
        created_by=w.bureau,
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    w.template = template
    return w
