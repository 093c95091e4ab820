"""People pickers (accounts/selectors.py): who may be picked, in which order."""

import pytest

from accounts import selectors
from tests import factories as f


@pytest.mark.django_db
def test_responsible_people_are_the_enterprises_active_users(world):
    gone = f.enterprise_user(world.ent_a, username="gone", is_active=False)
    people = list(selectors.responsible_people(world.ent_a))
    assert set(people) == {world.user_a, world.user_a2}
    assert gone not in people and world.user_b not in people


@pytest.mark.django_db
def test_leaders_near_an_enterprise_come_first(world):
    township_leader = f.leader(username="leader_t1", township=world.t1)
    leaders = list(selectors.leaders_near(world.ent_a))
    assert leaders[0] == world.leader_a and leaders[0].near == 0
    assert leaders[1] == township_leader and leaders[1].near == 1
    assert {world.leader_t2, world.leader_other} <= set(leaders[2:])


@pytest.mark.django_db
def test_colleagues_are_other_inspectors_and_bureau_staff_own_department_first(world):
    peer = f.inspector(world.bureau_dept, username="peer")
    colleagues = list(selectors.colleagues_of(world.inspector))
    assert world.inspector not in colleagues
    assert world.user_a not in colleagues and world.leader_a not in colleagues
    own = {peer, world.bureau}
    assert set(colleagues[: len(own)]) == own
    assert world.inspector_housing in colleagues
