"""The county of a bulk load: townships, the supervising departments, named staff to
log in with, and N enterprises each with a safety officer and a responsible leader."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from enterprises.credit_code import make_credit_code
from enterprises.demo import (
    COMPANY,
    COUNTY_CODE,
    DEPARTMENTS,
    INDUSTRY_DEPARTMENT,
    TOWNSHIPS,
    org_check_character,
    township_code,
)
from enterprises.models import Department, Enterprise, Township

from .copy import Ids, Writer

INDUSTRY_WEIGHTS = {
    "industry_trade": 30,
    "crowded_places": 20,
    "construction": 15,
    "other": 12,
    "transport": 10,
    "hazardous_chemicals": 8,
    "mining": 5,
}
# High-risk industries are inspected more and have more hazards per enterprise.
INDUSTRY_HAZARD_FACTOR = {
    "mining": 2.5,
    "hazardous_chemicals": 2.0,
    "construction": 1.5,
    "industry_trade": 1.0,
    "transport": 0.9,
    "crowded_places": 0.7,
    "other": 0.5,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超霞平刚桂英华建国志红玉兰秀梅海波辉鹏飞丽"
NAME_WORDS = "恒兴鑫源宏达金安顺通泰丰华瑞盛隆昌永信诚德润嘉宇新福康利民"
# (name ending, kind of place, 工贸 sub-industry) per industry: the kind picks what its
# hazards are about (demo/profiles.py, demo/bulk/samples.py).
NAME_KINDS = {
    "mining": [("矿业有限公司", "quarry", ""), ("采石场", "quarry", ""), ("石料厂", "quarry", "")],
    "hazardous_chemicals": [
        ("化工有限公司", "chemical_plant", ""),
        ("加油站", "filling_station", ""),
        ("烟花爆竹批发部", "fireworks_depot", ""),
    ],
    "construction": [
        ("建筑工程有限公司", "building_site", ""),
        ("建设集团", "building_site", ""),
        ("路桥工程公司", "road_site", ""),
    ],
    "transport": [
        ("物流有限公司", "logistics", ""),
        ("客运有限公司", "coach", ""),
        ("危险货物运输公司", "dangerous_goods", ""),
    ],
    "crowded_places": [
        ("购物广场", "mall", ""),
        ("大酒店", "hotel", ""),
        ("影城", "cinema", ""),
        ("学校", "school", ""),
        ("农贸市场", "market", ""),
        ("美食城", "food_court", ""),
    ],
    "industry_trade": [
        ("机械制造有限公司", "machinery", "machinery"),
        ("铸造有限公司", "foundry", "machinery"),
        ("纺织有限公司", "textile_mill", "textile"),
        ("木业有限公司", "wood_works", "light"),
        ("面粉有限公司", "flour_mill", "light"),
        ("建材有限公司", "brickworks", "building_materials"),
    ],
    "other": [
        ("农资服务部", "farm_supplies", ""),
        ("污水处理有限公司", "sewage_works", ""),
        ("农机专业合作社", "farm_machinery", ""),
    ],
}

ENTERPRISE_COLUMNS = [
    "id",
    "name",
    "credit_code",
    "industry",
    "sub_industry",
    "township_id",
    "supervising_department_id",
    "address",
    "legal_representative",
    "contact_phone",
    "status",
    "employees",
    "created_at",
]
USER_COLUMNS = [
    "id",
    "password",
    "username",
    "is_active",
    "date_joined",
    "role",
    "display_name",
    "enterprise_id",
]


class EnterpriseRow(NamedTuple):
    id: int
    name: str
    industry: str
    kind: str  # what the place is (demo/profiles.py): what its hazards are about
    township_id: int
    department_id: int
    officer: int  # the safety officer (an enterprise user): responsible person
    leader: int  # the legal representative (a leader user)
    weight: float  # how many hazards it gets, relatively


@dataclass
class County:
    townships: list[Township]
    departments: dict[str, Department]
    bureau_dept: Department
    password_hash: str
    bureau: User | None = None
    inspectors: dict[int, list[int]] = field(default_factory=dict)  # department → user ids
    township_leaders: dict[int, int] = field(default_factory=dict)  # township → user id
    enterprises: list[EnterpriseRow] = field(default_factory=list)

    def inspectors_of(self, department_id: int) -> list[int]:
        return self.inspectors.get(department_id) or self.inspectors[self.bureau_dept.pk]


def credit_code(ent_id: int) -> str:
    """A valid credit code registered in the county, unique per id: its organisation
    code is the id, zero-padded (the demo county's start with 5, 6, 7 or MA)."""
    org8 = f"{ent_id % 10**8:08d}"
    return make_credit_code(COMPANY + COUNTY_CODE + org8 + org_check_character(org8))


def person_name(i: int) -> str:
    return (
        SURNAMES[i % len(SURNAMES)]
        + GIVEN[(i * 7) % len(GIVEN)]
        + (GIVEN[(i * 13) % len(GIVEN)] if i % 3 else "")
    )


def _named(county: County, username: str, role: str, display: str, **links) -> User:
    """A named account to log in with (idempotent)."""
    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": role, "display_name": display, **links}
    )
    if user.password != county.password_hash:
        User.objects.filter(pk=user.pk).update(password=county.password_hash)
    return user


def reference(*, townships: int, password: str) -> County:
    """Townships, departments and the named staff (get_or_create: runs add up)."""
    codes = dict(TOWNSHIPS)
    extra = [
        f"{SURNAMES[i % len(SURNAMES)]}{'家庄河口山岭坪湾'[i % 8]}乡" for i in range(townships)
    ]
    names = (list(codes) + [x for x in extra if x not in codes])[:townships]
    # More 乡 after the demo's (2xx): GB/T 10114 numbers 乡 200–399.
    next_xiang = max(int(c) for c in codes.values() if c.startswith("2")) + 1
    for name in names:
        if name not in codes:
            codes[name] = f"{next_xiang:03d}"
            next_xiang += 1
    departments = {
        name: Department.objects.get_or_create(
            name=name, defaults={"short_name": short, "is_bureau": is_bureau}
        )[0]
        for name, short, is_bureau in DEPARTMENTS
    }
    county = County(
        townships=[
            Township.objects.get_or_create(
                name=name, defaults={"code": township_code(codes[name])}
            )[0]
            for name in names
        ],
        departments=departments,
        bureau_dept=next(d for d in departments.values() if d.is_bureau),
        password_hash=make_password(password),
    )
    county.bureau = _named(
        county, "bench_bureau", Role.BUREAU, "周安全", department=county.bureau_dept
    )
    for d_index, dept in enumerate(departments.values()):
        users = [
            _named(
                county,
                f"bench_insp_{dept.pk}_{k}",
                Role.INSPECTOR,
                person_name(d_index * 5 + k),
                department=dept,
            )
            for k in range(3)
        ]
        county.inspectors[dept.pk] = [u.pk for u in users]
    county.township_leaders = {
        t.pk: _named(
            county, f"bench_leader_t{t.pk}", Role.LEADER, person_name(300 + i), township=t
        ).pk
        for i, t in enumerate(county.townships)
    }
    return county


def enterprises(
    county: County, *, n: int, rng: random.Random, ids: Ids, joined: dt.datetime, batch: int
) -> None:
    """N enterprises with their safety officer and leader, written at once; their rows
    (with a weight for how many hazards each gets) go to ``county.enterprises``."""
    industries = list(INDUSTRY_WEIGHTS)
    weights = list(INDUSTRY_WEIGHTS.values())
    # Townships differ in size: the county seat has the most enterprises.
    t_weights = [1 / (1 + i) ** 0.6 for i in range(len(county.townships))]
    first_ent = ids.take(Enterprise, n)
    first_user = ids.take(User, 2 * n)
    ent_writer = Writer(Enterprise, ENTERPRISE_COLUMNS, batch=batch)
    user_writer = Writer(User, USER_COLUMNS, batch=batch)
    dept_by_name = {d.name: d for d in county.departments.values()}
    for i in range(n):
        ent_id = first_ent + i
        industry = rng.choices(industries, weights)[0]
        township = rng.choices(county.townships, t_weights)[0]
        dept = dept_by_name.get(INDUSTRY_DEPARTMENT[industry], county.bureau_dept)
        legal = person_name(ent_id)
        ending, kind, sub_industry = rng.choice(NAME_KINDS[industry])
        name = (
            f"{township.name[:2]}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{ending}{ent_id}"
        )
        ent_writer.add(
            (
                ent_id,
                name,
                credit_code(ent_id),
                industry,
                sub_industry,
                township.pk,
                dept.pk,
                f"{township.name}工业路{rng.randint(1, 400)}号",
                legal,
                f"13{rng.randint(100000000, 999999999)}",
                "operating" if rng.random() < 0.93 else "suspended",
                rng.randint(5, 800),
                joined,
            )
        )
        officer, leader = first_user + 2 * i, first_user + 2 * i + 1
        hash_ = county.password_hash
        user_writer.add(
            (officer, hash_, f"qy{ent_id}", True, joined, Role.ENTERPRISE.value)
            + (person_name(officer), ent_id)
        )
        user_writer.add(
            (leader, hash_, f"ld{ent_id}", True, joined, Role.LEADER.value, legal, ent_id)
        )
        weight = rng.lognormvariate(0, 0.9) * INDUSTRY_HAZARD_FACTOR[industry]
        county.enterprises.append(
            EnterpriseRow(
                ent_id, name, industry, kind, township.pk, dept.pk, officer, leader, weight
            )
        )
    ent_writer.flush()
    user_writer.flush()
