"""Idempotent demo data: a county with townships, departments, enterprises of every
industry, users of every role, and hazards in every state."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from enterprises.demo import (
    DEPARTMENTS,
    ENTERPRISE_STATUSES,
    ENTERPRISES,
    INDUSTRY_DEPARTMENT,
    TOWNSHIPS,
    demo_credit_code,
)
from enterprises.models import Department, Enterprise, Township
from hazards.models import Category, Hazard, Level, local_today
from hazards.sweeps.escalate import escalate_due
from inspections.models import Inspection, InspectionKind

DEMO_USERS = [
    # username, role, display name, description
    ("bureau", Role.BUREAU, "赵建华", "安监局工作人员，看全县"),
    ("inspector", Role.INSPECTOR, "李明", "安监局检查员，范围为全县"),
    ("inspector2", Role.INSPECTOR, "王磊", "住建局检查员，只管建筑施工"),
    ("ent_a", Role.ENTERPRISE, "张丽", "红星机械的安全员"),
    ("ent_b", Role.ENTERPRISE, "刘洋", "恒通物流的安全员"),
    ("leader_a", Role.LEADER, "王建国", "红星机械法定代表人（责任领导）"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
]

HAZARD_SAMPLES = [
    (
        "配电箱未接地，箱门缺失",
        "配电房",
        Category.EQUIPMENT,
        Level.GENERAL,
        "立即加装接地线并恢复箱门，张贴警示标识",
    ),
    (
        "消防通道被货物堵塞",
        "一号仓库东侧",
        Category.ENVIRONMENT,
        Level.GENERAL,
        "清理通道杂物，划定禁停标线，落实每日巡查",
    ),
    (
        "特种作业人员无证上岗",
        "焊接车间",
        Category.PERSON,
        Level.GENERAL,
        "立即停止无证人员作业，组织培训取证后上岗",
    ),
    (
        "未建立隐患排查治理制度",
        "安全管理部",
        Category.MANAGEMENT,
        Level.GENERAL,
        "制定隐患排查治理制度并组织全员学习",
    ),
    (
        "粉尘爆炸危险场所未按规定设置泄爆装置",
        "抛光车间",
        Category.EQUIPMENT,
        Level.MAJOR,
        "停产整改，加装泄爆装置和除尘系统，经验收后恢复生产",
    ),
    (
        "有限空间作业未执行先通风、再检测、后作业",
        "污水池",
        Category.PERSON,
        Level.MAJOR,
        "制定有限空间作业方案，配备检测仪器和防护用品",
    ),
]
EMERGENCY_PLAN = "成立现场应急小组，配备应急物资，发生险情立即停止作业、撤离人员并报告安监局。"


class Command(BaseCommand):
    help = "Load idempotent demo data and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo12345", help="password for every demo user")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when users already exist (make run)"
        )

    @transaction.atomic
    def handle(self, *args, password: str, if_empty: bool = False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write(
                "Data already present; demo accounts: " + ", ".join(u[0] for u in DEMO_USERS)
            )
            return
        townships = [
            Township.objects.get_or_create(name=name, defaults={"code": f"130529{code}"})[0]
            for name, code in TOWNSHIPS
        ]
        departments = {
            name: Department.objects.get_or_create(
                name=name, defaults={"short_name": short, "is_bureau": is_bureau}
            )[0]
            for name, short, is_bureau in DEPARTMENTS
        }
        enterprises = []
        for i, (name, industry, legal) in enumerate(ENTERPRISES):
            township = townships[i % len(townships)]
            ent, _ = Enterprise.objects.get_or_create(
                name=name,
                defaults={
                    "credit_code": demo_credit_code(i + 1, township.code[-3:]),
                    "industry": industry,
                    "township": township,
                    "supervising_department": departments[INDUSTRY_DEPARTMENT[industry]],
                    "address": f"{township.name}{['建设路', '工业园区', '人民路', '兴业大道'][i % 4]}{i + 1}号",
                    "legal_representative": legal,
                    "contact_phone": f"1380315{i:04d}",
                    "status": ENTERPRISE_STATUSES[i % len(ENTERPRISE_STATUSES)],
                    "employees": 12 + (i * 37) % 400,
                },
            )
            enterprises.append(ent)

        bureau_dept = departments["县应急管理局（安监局）"]
        links = {
            "bureau": {"department": bureau_dept},
            "inspector": {"department": bureau_dept},
            "inspector2": {"department": departments["县住房和城乡建设局"]},
            "ent_a": {"enterprise": enterprises[0]},
            "ent_b": {"enterprise": enterprises[1]},
            "leader_a": {"enterprise": enterprises[0]},
        }
        users = {}
        for username, role, display, _desc in DEMO_USERS:
            users[username] = self._user(username, role, display, password, **links[username])
        # Every other enterprise gets a safety officer; every township a leader (乡镇长).
        officers = {enterprises[0].pk: users["ent_a"], enterprises[1].pk: users["ent_b"]}
        for i, ent in enumerate(enterprises[2:], start=2):
            officers[ent.pk] = self._user(
                f"ent_{i:02d}", Role.ENTERPRISE, self._name(i), password, enterprise=ent
            )
        township_leaders = {
            t.pk: self._user(
                f"leader_t{j + 1}", Role.LEADER, self._name(100 + j), password, township=t
            )
            for j, t in enumerate(townships)
        }
        self._grant_admin(users["bureau"])
        self._user(
            "inspector3", Role.INSPECTOR, "陈晓东", password, department=departments["县交通运输局"]
        )

        created = 0
        for i, ent in enumerate(enterprises):
            if ent.hazards.exists():
                continue  # already seeded: idempotent
            leader = users["leader_a"] if i == 0 else township_leaders[ent.township_id]
            created += self._seed_hazards(i, ent, officers[ent.pk], leader, users, departments)

        # Run the escalation sweep once, so hazards failed twice above are escalated
        # right away rather than at the first beat tick (their emails go out then).
        escalated = escalate_due()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new hazards)."))
        if escalated:
            self.stdout.write(f"Escalated {len(escalated)} hazard(s) under the two-strike rule.")
        self.stdout.write(f"Demo accounts (password: {password}):")
        for username, role, display, desc in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role.label:<6} {display:<4} {desc}")

    def _name(self, i: int) -> str:
        return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]

    def _user(self, username, role, display, password, **links) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": display, **links}
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        return user

    def _grant_admin(self, user: User) -> None:
        """The bureau maintains checklists, campaigns and the registers in the admin."""
        from django.contrib.auth.models import Permission

        user.is_staff = True
        user.save(update_fields=["is_staff"])
        perms = Permission.objects.filter(
            content_type__app_label__in=["inspections", "enterprises"]
        ) | Permission.objects.filter(
            content_type__app_label="accounts", codename__endswith="_user"
        )
        user.user_permissions.add(*perms.exclude(codename__startswith="delete_"))

    def _seed_hazards(self, i, ent, officer, leader, users, departments) -> int:
        inspector = users["inspector2"] if ent.industry == "construction" else users["inspector"]
        today = local_today()
        # A second inspector on every visit: law enforcement needs two (执法检查两人以上).
        partner = users["inspector"] if inspector is users["inspector2"] else users["bureau"]
        inspection = Inspection.start(
            by=inspector,
            enterprise=ent,
            kind=[InspectionKind.ROUTINE, InspectionKind.SPECIAL, InspectionKind.COMPREHENSIVE][
                i % 3
            ],
            inspectors=[inspector, partner],
            inspected_on=today - dt.timedelta(days=20 + i),
            summary="对企业安全生产主体责任落实情况进行检查。",
        )
        registered = []
        # Six hazards per enterprise, each taken down a different path of the workflow.
        for k, (title, location, category, level, measures) in enumerate(HAZARD_SAMPLES):
            if (i + k) % 3 == 2 and k < 4:
                continue  # not every enterprise has every hazard
            hazard = Hazard.register(
                by=inspector,
                enterprise=ent,
                inspection=inspection,
                title=title,
                description=f"检查发现：{title}。",
                location=location,
                category=category,
                level=level,
                measures=measures,
                responsible_person=officer,
                responsible_leader=leader,
                deadline=today + dt.timedelta(days=15 if level == Level.GENERAL else 45),
                funds=2000 * (k + 1),
                emergency_plan=EMERGENCY_PLAN if level == Level.MAJOR else "",
            )
            registered.append((hazard, (i + k) % 6))
        # The visit ends with a numbered rectification notice (文书号) …
        inspection.finalize(by=inspector)
        # … and then the hazards go their ways through the workflow.
        for hazard, path in registered:
            if path == 1:  # submitted, awaiting re-inspection
                hazard.submit(by=officer, note="已按要求完成整改，请复查。")
            elif path == 2:  # closed (销号)
                hazard.submit(by=officer, note="整改完毕。")
                hazard.review(by=inspector, passed=True, comment="现场复查合格，同意销号。")
            elif path == 3:  # overdue: the deadline passed while rectifying
                Hazard.objects.filter(pk=hazard.pk).update(
                    deadline=today - dt.timedelta(days=3 + i % 10)
                )
            elif path == 4:  # failed twice: the two-strike rule escalates it
                for attempt in range(2):
                    hazard.submit(by=officer, note=f"第{attempt + 1}次提交整改。")
                    hazard.review(
                        by=inspector,
                        passed=False,
                        comment="整改不到位，问题依旧存在。",
                        new_deadline=today + dt.timedelta(days=7),
                    )
            elif path == 5 and i % 4 == 0:  # logged in error
                hazard.void(by=users["bureau"], reason="重复登记，予以作废。")
        return len(registered)
