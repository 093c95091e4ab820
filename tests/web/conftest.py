import pytest

from tests.support import factories as f


@pytest.fixture
def hazard_a(world):
    """A hazard at enterprise A (bureau-supervised), registered by the bureau inspector."""
    return f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=world.leader_a
    )


@pytest.fixture
def hazard_b(world):
    """A hazard at enterprise B (supervised by the transport department)."""
    return f.make_hazard(enterprise=world.ent_b, by=world.bureau, person=world.user_b)


@pytest.fixture
def login(client):
    def make(user):
        client.force_login(user)
        return client

    return make
