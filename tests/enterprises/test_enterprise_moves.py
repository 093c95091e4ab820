"""An enterprise that moves township, department or industry takes its hazards' copies
along, in the same transaction (enterprises sends ``enterprise_moved``; the hazards app
receives it: enterprises imports nothing above it)."""

import pytest
from django.db import transaction

from enterprises.signals import enterprise_moved
from hazards.models import Hazard
from tests import factories as f


@pytest.mark.django_db
def test_moving_an_enterprise_copies_the_move_onto_its_hazards(world):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    other = f.make_hazard(enterprise=world.ent_b, by=world.inspector)
    world.ent_a.township = world.t2
    world.ent_a.supervising_department = world.housing
    world.ent_a.industry = "construction"
    world.ent_a.save()
    hazard.refresh_from_db()
    assert (hazard.township_id, hazard.department_id, hazard.industry) == (
        world.t2.pk,
        world.housing.pk,
        "construction",
    )
    before = (other.township_id, other.department_id, other.industry)
    other.refresh_from_db()
    assert (other.township_id, other.department_id, other.industry) == before


@pytest.mark.django_db
def test_saving_without_a_move_sends_nothing(world):
    sent = []

    def listen(sender, **kwargs):
        sent.append(kwargs["previous"])

    enterprise_moved.connect(listen)
    try:
        world.ent_a.contact_phone = "13800000000"
        world.ent_a.save()
        assert sent == []
        world.ent_a.township = world.t2
        world.ent_a.save()
        assert [p["township_id"] for p in sent] == [world.t1.pk]
    finally:
        enterprise_moved.disconnect(listen)


@pytest.mark.django_db
def test_a_failing_receiver_rolls_the_move_back(world):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector)

    def refuse(sender, **kwargs):
        raise RuntimeError("refused")

    enterprise_moved.connect(refuse)
    try:
        world.ent_a.township = world.t2
        with pytest.raises(RuntimeError), transaction.atomic():
            world.ent_a.save()
    finally:
        enterprise_moved.disconnect(refuse)
    world.ent_a.refresh_from_db()
    assert world.ent_a.township_id == world.t1.pk
    assert Hazard.objects.get(pk=hazard.pk).township_id == world.t1.pk
