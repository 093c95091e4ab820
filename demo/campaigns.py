"""The demo county's campaigns over its history: one 专项整治 per sector the 2023 speech
names (矿山, 交通运输, 危险化学品, 建设领域, 人员密集场所), the two crackdowns it keeps
"under high pressure" (打击非法开采, 打击非法生产经营) and two 安全生产大检查. Dates
are relative to today, so the last ones are still running."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

SEASONS = {1: "冬季", 2: "春季", 3: "春季", 4: "春季", 5: "夏季", 6: "夏季", 7: "夏季"}
SEASONS |= {8: "秋季", 9: "秋季", 10: "秋季", 11: "冬季", 12: "冬季"}


class PlannedCampaign(NamedTuple):
    key: str
    kind: str  # CampaignKind value
    name: str
    industries: tuple[str, ...]  # empty: every sector
    townships: tuple[str, ...]  # empty: the whole county
    starts_on: dt.date
    ends_on: dt.date
    description: str


# key, kind, name ({year}, {season}), sectors, townships, start (days before today),
# length in days, description
_CAMPAIGNS = [
    (
        "mining",
        "special",
        "{year}年非煤矿山安全专项整治",
        ("mining",),
        (),
        470,
        90,
        "重点整治超层越界开采、边坡管理不到位、爆破作业不规范和外包工程管理混乱。",
    ),
    (
        "comprehensive_1",
        "comprehensive",
        "{year}年{season}安全生产大检查",
        (),
        (),
        430,
        45,
        "各乡镇、各部门对辖区和行业内生产经营单位全面开展安全生产大检查。",
    ),
    (
        "hazardous_chemicals",
        "special",
        "{year}年危险化学品安全专项整治",
        ("hazardous_chemicals",),
        (),
        400,
        100,
        "重点检查重大危险源管控、特殊作业管理、自动化控制和可燃有毒气体报警设施。",
    ),
    (
        "transport",
        "special",
        "{year}年道路运输安全专项整治",
        ("transport",),
        (),
        330,
        90,
        "重点整治“三超一疲劳”、动态监控不落实、危险货物运输和客运站安检查堵不到位。",
    ),
    (
        "illegal_mining",
        "illegal_mining",
        "{year}年打击非法开采专项行动",
        ("mining",),
        ("南山镇", "青石镇", "北岭乡"),
        300,
        75,
        "会同自然资源部门严厉打击无证开采、超范围越界开采和证照过期仍组织生产行为。",
    ),
    (
        "construction",
        "special",
        "{year}年建设领域安全专项整治",
        ("construction",),
        (),
        260,
        120,
        "重点检查危大工程专项方案、起重机械、脚手架和施工现场临时用电。",
    ),
    (
        "illegal_business",
        "illegal_business",
        "{year}年打击非法生产经营专项行动",
        ("hazardous_chemicals", "industry_trade", "other"),
        (),
        200,
        90,
        "严厉打击无证经营、超许可范围生产经营和停产整顿期间擅自组织生产行为。",
    ),
    (
        "crowded_places",
        "special",
        "{year}年人员密集场所消防安全专项整治",
        ("crowded_places",),
        (),
        110,
        150,
        "重点整治疏散通道堵塞、安全出口锁闭、消防设施损坏和电动自行车违规充电。",
    ),
    (
        "comprehensive_2",
        "comprehensive",
        "{year}年{season}安全生产大检查",
        (),
        (),
        40,
        60,
        "各乡镇、各部门对辖区和行业内生产经营单位全面开展安全生产大检查。",
    ),
]

# The sectors the speech's 专项整治 cover (each has a campaign above).
SPEECH_SECTORS = ("mining", "transport", "hazardous_chemicals", "construction", "crowded_places")


def campaigns(today: dt.date) -> list[PlannedCampaign]:
    out = []
    for key, kind, name, industries, townships, before, days, description in _CAMPAIGNS:
        starts_on = today - dt.timedelta(days=before)
        out.append(
            PlannedCampaign(
                key,
                kind,
                name.format(year=starts_on.year, season=SEASONS[starts_on.month]),
                industries,
                townships,
                starts_on,
                starts_on + dt.timedelta(days=days),
                description,
            )
        )
    return out
