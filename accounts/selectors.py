"""People pickers that several pages and forms share (docs/architecture.md, "Rules").

Who qualifies is the policy's answer, read here as a set of roles: a hazard's
responsible person (``hazards.be_responsible_person``), its responsible leader
(``hazards.be_responsible_leader``) and an inspection's co-inspectors
(``inspections.join``). The steps are looked up by name, so this app, below
``enterprises`` and the domains, imports none of them. They take an enterprise (any
object with ``pk`` and ``township_id``).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from . import policy
from .models import User


def responsible_people(enterprise) -> QuerySet[User]:
    """The enterprise's own active users: who may be a hazard's responsible person."""
    return User.objects.filter(
        role__in=policy.roles("hazards.be_responsible_person"),
        enterprise_id=enterprise.pk,
        is_active=True,
    ).order_by("display_name", "pk")


def leaders_near(enterprise) -> QuerySet[User]:
    """Every active leader, annotated ``near`` (0: the enterprise's own, 1: its
    township's, 2: the rest) and ordered by it: the leaders for this enterprise first."""
    return (
        User.objects.filter(role__in=policy.roles("hazards.be_responsible_leader"), is_active=True)
        .select_related("enterprise", "township")
        .annotate(
            near=Case(
                When(enterprise_id=enterprise.pk, then=Value(0)),
                When(township_id=enterprise.township_id, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("near", "display_name", "pk")
    )


def colleagues_of(user) -> QuerySet[User]:
    """Other active users who may join an inspection (执法检查两人以上), the user's own
    department first."""
    return (
        User.objects.filter(role__in=policy.roles("inspections.join"), is_active=True)
        .exclude(pk=user.pk)
        .select_related("department")
        .annotate(
            same=Case(
                When(department_id=user.department_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("same", "display_name", "username")
    )
