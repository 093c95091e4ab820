"""The demo county's people: the README's demo users, an inspector or two for every
supervising department, a safety officer and the legal representative (a leader) for
every enterprise, and a head for every township. Everybody has an email address, so
the escalation and deadline emails show in the console backend."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from accounts.models import Role, User
from enterprises.demo import COUNTY_ENTERPRISES

MAIL_DOMAIN = "qinghe.example"  # reserved for examples (RFC 2606): never delivered

DEMO_USERS = [
    # username, role, display name, description
    ("bureau", Role.BUREAU, "赵建华", "安监局工作人员，看全县"),
    ("inspector", Role.INSPECTOR, "李明", "安监局检查员，范围为全县"),
    ("inspector2", Role.INSPECTOR, "王磊", "住建局检查员，只管建筑施工"),
    ("ent_a", Role.ENTERPRISE, "张丽", "红星机械的安全员"),
    ("ent_b", Role.ENTERPRISE, "刘洋", "恒通物流的安全员"),
    ("leader_a", Role.LEADER, "王建国", "红星机械法定代表人（责任领导）"),
]

BUREAU = "县应急管理局（安监局）"
# (username, display name, department): the other inspectors. Two for the busiest
# departments (law enforcement needs two inspectors on a visit); a department with one
# inspects together with the bureau (联合检查).
INSPECTORS = [
    ("inspector", "李明", BUREAU),
    ("insp_aj", "周海峰", BUREAU),
    ("inspector2", "王磊", "县住房和城乡建设局"),
    ("insp_zj", "吴晓光", "县住房和城乡建设局"),
    ("inspector3", "陈晓东", "县交通运输局"),
    ("insp_jt", "许文杰", "县交通运输局"),
    ("insp_xf", "邓志远", "县消防救援大队"),
    ("insp_xf2", "汪海波", "县消防救援大队"),
    ("insp_jy", "曹丽萍", "县教育和体育局"),
    ("insp_wl", "彭晓燕", "县文化和旅游局"),
    ("insp_sj", "曾国栋", "县市场监督管理局"),
    ("insp_ny", "田玉华", "县农业农村局"),
    ("insp_ga", "董卫国", "县公安局"),
    ("insp_sl", "袁建新", "县水利局"),
    ("insp_mt", "潘德林", "县煤炭工业局"),
    ("insp_ly", "蒋春生", "县林业局"),
    ("insp_dy", "蔡志明", "县电业局"),
    ("insp_fg", "余庆华", "县发展和改革委员会"),
    ("insp_zr", "杜明远", "县自然资源局"),
]

# Safety officers (安全员) of the enterprises after the first two (ent_a, ent_b).
OFFICER_NAMES = "孙静 周敏 吴磊 郑强 冯艳 褚军 卫洋 蒋勇 沈芳 韩杰 杨涛 朱霞 秦超 尤平 许刚 何娜 吕伟 施明 张颖 孔丹 曹阳 严冬 华磊 金鑫 魏巍 陶然 姜红 戚伟 谢婷 邹亮 喻红 柏林 水清 窦敏 章程 云峰 苏杭 潘婷".split()
TOWNSHIP_HEADS = "高德顺 梁志国 宋玉林 郑建民 谢长青 韩守业 唐振邦 冯立春".split()


def officer_username(index: int) -> str:
    return {0: "ent_a", 1: "ent_b"}.get(index, f"ent_{index:02d}")


def leader_username(index: int) -> str:
    """The enterprise's legal representative, its responsible leader."""
    return "leader_a" if index == 0 else f"leader_{index:02d}"


def wanted_users(townships: list, departments: dict, enterprises: list) -> list[tuple]:
    """(username, role, display name, links) of everybody, in a fixed order."""
    people = [("bureau", Role.BUREAU, "赵建华", {"department": departments[BUREAU]})]
    for username, display, dept in INSPECTORS:
        people.append((username, Role.INSPECTOR, display, {"department": departments[dept]}))
    for i, (ent, facts) in enumerate(zip(enterprises, COUNTY_ENTERPRISES, strict=True)):
        officer = {0: "张丽", 1: "刘洋"}.get(i) or OFFICER_NAMES[(i - 2) % len(OFFICER_NAMES)]
        people.append((officer_username(i), Role.ENTERPRISE, officer, {"enterprise": ent}))
        people.append((leader_username(i), Role.LEADER, facts.legal, {"enterprise": ent}))
    for j, township in enumerate(townships):
        head = TOWNSHIP_HEADS[j % len(TOWNSHIP_HEADS)]
        people.append((f"leader_t{j + 1}", Role.LEADER, head, {"township": township}))
    return people


def ensure_users(people: list[tuple], *, password: str) -> dict[str, User]:
    """Create the users that are missing; give everybody the password and an email.

    The password is hashed once for all of them (a PBKDF2 hash per user would make
    seeding take many seconds): demo accounts may share a salt."""
    hashed = make_password(password)
    existing = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in people])}
    missing = []
    for username, role, display, links in people:
        email = f"{username}@{MAIL_DOMAIN}"
        user = existing.get(username)
        if user is None:
            missing.append(
                User(
                    username=username,
                    role=role,
                    display_name=display,
                    email=email,
                    password=hashed,
                    **links,
                )
            )
        else:
            user.password, user.email = hashed, user.email or email
    User.objects.bulk_update(existing.values(), ["password", "email"])
    User.objects.bulk_create(missing)
    users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in people])}
    grant_admin(users["bureau"])
    return users


def grant_admin(user: User) -> None:
    """The bureau maintains checklists, campaigns and the registers in the admin."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    perms = Permission.objects.filter(
        content_type__app_label__in=["inspections", "enterprises"]
    ) | Permission.objects.filter(content_type__app_label="accounts", codename__endswith="_user")
    user.user_permissions.add(*perms.exclude(codename__startswith="delete_"))
