"""The small county most tests run in (the ``world`` fixture of tests/conftest.py).

Townships t1 (城关镇) and t2 (东坝镇); the bureau's own department and two industry
departments (住建局, 交通局); three enterprises:

* ``ent_a`` 甲机械厂 — t1, supervised by the bureau's department;
* ``ent_b`` 乙物流公司 — t2, transport, supervised by 交通局;
* ``ent_c`` 丙建筑公司 — t1, construction, supervised by 住建局.

People, after the demo accounts of ``seed_demo`` (README "Demo accounts") and
healthchecks' alice/bob/charlie (an owner, a peer of the same kind, an outsider):

==================== ======================================= =====================
attribute            who                                     demo account
==================== ======================================= =====================
bureau               安监局 staff                             ``bureau``
inspector            inspector of the bureau's department    ``inspector``
inspector_housing    inspector of 住建局 (ent_c only)         ``inspector2``
inspector_transport  inspector of 交通局 (ent_b only)
user_a, user_a2      enterprise users of ent_a               ``ent_a``
user_b, user_c       enterprise users of ent_b, ent_c        ``ent_b``
leader_a             leader of ent_a                         ``leader_a``
leader_t2            leader of township t2
leader_other         a leader of nothing in particular
==================== ======================================= =====================

``inspector2`` is an alias of ``inspector_housing``.
"""

from __future__ import annotations

from tests.support import factories as f


class World:
    """Attribute bag; see the module docstring for who is who."""


def build_world() -> World:
    bureau_dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    housing = f.DepartmentFactory(name="县住建局")
    transport = f.DepartmentFactory(name="县交通局")
    t1 = f.TownshipFactory(name="城关镇")
    t2 = f.TownshipFactory(name="东坝镇")
    ent_a = f.EnterpriseFactory(name="甲机械厂", township=t1, supervising_department=bureau_dept)
    ent_b = f.EnterpriseFactory(
        name="乙物流公司", township=t2, supervising_department=transport, industry="transport"
    )
    ent_c = f.EnterpriseFactory(
        name="丙建筑公司", township=t1, supervising_department=housing, industry="construction"
    )

    w = World()
    w.bureau_dept, w.housing, w.transport, w.t1, w.t2 = bureau_dept, housing, transport, t1, t2
    w.ent_a, w.ent_b, w.ent_c = ent_a, ent_b, ent_c
    w.bureau = f.bureau_user(username="bureau", department=bureau_dept)
    w.inspector = f.inspector(bureau_dept, username="inspector")
    w.inspector_housing = f.inspector(housing, username="inspector_housing")
    w.inspector2 = w.inspector_housing
    w.inspector_transport = f.inspector(transport, username="inspector_transport")
    w.user_a = f.enterprise_user(ent_a, username="user_a")
    w.user_a2 = f.enterprise_user(ent_a, username="user_a2")
    w.user_b = f.enterprise_user(ent_b, username="user_b")
    w.user_c = f.enterprise_user(ent_c, username="user_c")
    w.leader_a = f.leader(username="leader_a", enterprise=ent_a)
    w.leader_t2 = f.leader(username="leader_t2", township=t2)
    w.leader_other = f.leader(username="leader_other")
    return w


def hazard_of_a(world: World, **fields):
    """A hazard at enterprise A (responsible user_a, leader leader_a), registered by the
    bureau's inspector."""
    return f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        **fields,
    )


def due_hazard(world: World, *, failures: int = 2, leader=None, **fields):
    """A hazard of enterprise A (responsible person user_a) failed ``failures`` times."""
    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=leader or world.leader_a,
        **fields,
    )
    return f.fail_review(hazard, by=world.inspector, times=failures)
