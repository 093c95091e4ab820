import datetime as dt
import itertools

import factory
from django.utils import timezone

from accounts.models import Role, User
from enterprises.credit_code import make_credit_code
from enterprises.models import Department, Enterprise, Industry, Township
from hazards.models import Category, Hazard, Level

_codes = itertools.count(1)


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试镇{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试监管局{n}")
    is_bureau = False


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(lambda: make_credit_code(f"91330100{next(_codes):09d}"))
    industry = Industry.INDUSTRY_TRADE
    township = factory.SubFactory(TownshipFactory)
    supervising_department = factory.SubFactory(DepartmentFactory)
    legal_representative = "张三"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.ENTERPRISE
    password = factory.PostGenerationMethodCall("set_password", "pw-12345")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def bureau_user(**kw) -> User:
    dept = kw.pop("department", None) or DepartmentFactory(name="县应急管理局", is_bureau=True)
    return UserFactory(role=Role.BUREAU, department=dept, **kw)


def inspector(department, **kw) -> User:
    return UserFactory(role=Role.INSPECTOR, department=department, **kw)


def enterprise_user(enterprise, **kw) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, **kw)


def leader(**kw) -> User:
    return UserFactory(role=Role.LEADER, **kw)


def make_hazard(*, enterprise, by, person=None, leader_user=None, **fields) -> Hazard:
    """Register a hazard through the real transition (with its code and event)."""
    person = (
        person
        or enterprise.users.filter(role=Role.ENTERPRISE).first()
        or enterprise_user(enterprise)
    )
    leader_user = leader_user or leader()
    defaults = {
        "title": "配电箱未接地",
        "description": "现场检查发现配电箱未可靠接地。",
        "location": "一号车间",
        "category": Category.EQUIPMENT,
        "level": Level.GENERAL,
        "measures": "加装接地线",
        "deadline": timezone.localdate() + dt.timedelta(days=10),
        "funds": 1000,
    }
    defaults.update(fields)
    return Hazard.register(
        by=by,
        enterprise=enterprise,
        responsible_person=person,
        responsible_leader=leader_user,
        **defaults,
    )
