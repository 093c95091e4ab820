"""Reference data for the demo county (used by seed_demo and seed_bulk).

清河县 is a real county of 邢台市, 河北省: its division code (GB/T 2260) is 130534, and
every code below embeds it. The townships and enterprises are invented (the demo needs
mines and a coal bureau, which the real 清河 plain does not have); their codes follow
the real patterns: township codes are the county's six digits plus three (GB/T 10114:
镇 1xx, 乡 2xx), and unified social credit codes (GB 32100-2015) carry the county code,
an organisation code with its own GB 11714 check character, and the final check
character.
"""

from typing import NamedTuple

from .credit_code import ALPHABET, make_credit_code

COUNTY = "清河县"
COUNTY_CODE = "130534"

# (name, township code within the county): 镇 100…, 乡 200…
TOWNSHIPS = [
    ("城关镇", "100"),
    ("东坝镇", "101"),
    ("南山镇", "102"),
    ("青石镇", "103"),
    ("柳林镇", "104"),
    ("西河乡", "200"),
    ("北岭乡", "201"),
    ("桃园乡", "202"),
]


def township_code(code: str) -> str:
    """The nine-digit township code (county code + three digits)."""
    return COUNTY_CODE + code


# (name, short name, is_bureau): the departments the 2023 speech names as supervising
# their own sectors (安监局 coordinating; 发改委, 公安, 交通, 水利, 国土资源, 建设, 教体,
# 电业, 煤炭, 文化, 林业, 农业, 质监), under today's names, plus the fire and rescue
# brigade, which supervises fire safety in crowded places (消防法 第四条).
DEPARTMENTS = [
    ("县应急管理局（安监局）", "安监局", True),
    ("县住房和城乡建设局", "住建局", False),
    ("县交通运输局", "交通局", False),
    ("县公安局", "公安局", False),
    ("县水利局", "水利局", False),
    ("县自然资源局", "自然资源局", False),
    ("县教育和体育局", "教体局", False),
    ("县文化和旅游局", "文旅局", False),
    ("县市场监督管理局", "市场监管局", False),
    ("县发展和改革委员会", "发改委", False),
    ("县煤炭工业局", "煤炭局", False),
    ("县林业局", "林业局", False),
    ("县农业农村局", "农业农村局", False),
    ("县电业局", "电业局", False),
    ("县消防救援大队", "消防救援", False),
]

# Which department supervises which industry in the demo county, by default.
# Non-coal mines, hazardous chemicals and 工贸 are the emergency bureau's; a coal mine
# is the coal bureau's (COAL_MINE_DEPARTMENT: a mine's kind is not an industry here);
# fire safety in crowded places is the fire and rescue brigade's.
INDUSTRY_DEPARTMENT = {
    "mining": "县应急管理局（安监局）",
    "hazardous_chemicals": "县应急管理局（安监局）",
    "industry_trade": "县应急管理局（安监局）",
    "construction": "县住房和城乡建设局",
    "transport": "县交通运输局",
    "crowded_places": "县消防救援大队",
    "other": "县市场监督管理局",
}
COAL_MINE_DEPARTMENT = "县煤炭工业局"

# Registration authority and kind, the first two characters of a credit code.
COMPANY, SOLE_TRADER, COOPERATIVE = "91", "92", "93"  # 市场监管（工商）
PUBLIC_INSTITUTION = "12"  # 机构编制：事业单位
PRIVATE_NON_PROFIT = "52"  # 民政：民办非企业单位 (a private kindergarten)


class DemoEnterprise(NamedTuple):
    name: str
    industry: str
    legal: str  # legal representative (法定代表人), the enterprise's responsible leader
    township: str
    # What the place is: seed_demo's profiles (demo/profiles.py) say which checklist
    # its inspectors walk and what they find there.
    kind: str
    employees: int
    sub_industry: str = ""  # 工贸 only (应急厅〔2019〕17号 classification)
    department: str = ""  # when not the industry's default department
    registration: str = COMPANY
    status: str = "operating"


# One enterprise a line: name | industry | legal representative | township | kind |
# employees | then optional key=value: sub (工贸 sub-industry), dept (when not the
# industry's default department), reg (registration kind), status. ``kind`` is what the
# place is: seed_demo's profiles (demo/profiles.py) say which checklist its inspectors
# walk and what they find there. ent_a's and ent_b's enterprises come first (seed_demo
# links its users by position).
_TABLE = """
清河县红星机械制造有限公司 | industry_trade | 王建国 | 东坝镇 | machinery | 186 | sub=machinery
清河县恒通物流运输有限公司 | transport | 李志强 | 东坝镇 | logistics | 64
清河县鑫源化工有限公司 | hazardous_chemicals | 张伟 | 东坝镇 | chemical_plant | 142
清河县金山石料矿业有限公司 | mining | 刘洪波 | 南山镇 | quarry | 58
清河县宏达建筑工程有限公司 | construction | 陈立新 | 城关镇 | building_site | 230
清河县万家福购物广场 | crowded_places | 杨秀英 | 城关镇 | mall | 175
# Grain milling is 农副食品加工, which the 工贸 classification puts under 轻工; flour dust
# makes the dust-explosion articles (第十一条) the ones that matter there.
清河县丰源面粉加工厂 | industry_trade | 赵德明 | 西河乡 | flour_mill | 46 | sub=light
清河县安顺客运有限公司 | transport | 黄海涛 | 城关镇 | coach | 120
清河县瑞丰农药化工有限公司 | hazardous_chemicals | 周玉兰 | 南山镇 | chemical_plant | 96
清河县青石山采石场 | mining | 吴国庆 | 青石镇 | quarry | 31 | status=suspended
# Road and bridge works are the transport bureau's (公路建设), not housing's.
清河县城建路桥工程有限公司 | construction | 徐振华 | 桃园乡 | road_site | 140 | dept=县交通运输局
# Cinemas and hotels: the culture and tourism bureau (fire safety stays with 消防).
清河县星光影城 | crowded_places | 孙丽娟 | 城关镇 | cinema | 38 | dept=县文化和旅游局
清河县永兴木业有限公司 | industry_trade | 马俊杰 | 柳林镇 | wood_works | 72 | sub=light
清河县通达加油站 | hazardous_chemicals | 朱文斌 | 柳林镇 | filling_station | 12
# Food with ammonia refrigeration (涉氨制冷, 第十二条): 轻工.
清河县金桥冷链食品有限公司 | industry_trade | 胡晓东 | 东坝镇 | cold_store | 88 | sub=light
清河县新世纪大酒店 | crowded_places | 郭美玲 | 城关镇 | hotel | 96 | dept=县文化和旅游局
清河县顺达危险货物运输有限公司 | transport | 林志远 | 东坝镇 | dangerous_goods | 45
清河县第二建筑安装公司 | construction | 何建军 | 柳林镇 | building_site | 160
清河县兴旺纺织有限公司 | industry_trade | 高红梅 | 柳林镇 | textile_mill | 260 | sub=textile
# An agricultural-supplies shop selling pesticides: agriculture and rural affairs.
清河县便民农资服务部 | other | 罗永刚 | 西河乡 | farm_supplies | 4 | dept=县农业农村局 reg=92
# A foundry (铸造) is 机械 in the 工贸 classification (第七条).
清河县鸿运铸造有限公司 | industry_trade | 郑少华 | 东坝镇 | foundry | 118 | sub=machinery
清河县碧水污水处理有限公司 | other | 梁晓燕 | 城关镇 | sewage_works | 26
# A brickworks firing coal gangue makes building materials (工贸·建材), not a mine.
清河县长青煤矸石砖厂 | industry_trade | 宋建平 | 青石镇 | brickworks | 54 | sub=building_materials
# Kindergartens and schools: the education and sports bureau.
清河县阳光幼儿园 | crowded_places | 唐雪梅 | 城关镇 | kindergarten | 32 | dept=县教育和体育局 reg=52
清河县第二中学 | crowded_places | 韩振宇 | 城关镇 | school | 186 | dept=县教育和体育局 reg=12
清河县桃园乡中心小学 | crowded_places | 冯淑珍 | 桃园乡 | school | 48 | dept=县教育和体育局 reg=12
# Cashmere is what the real 清河 is known for: a mill with dyeing and heat-setting.
清河县绒都羊绒制品有限公司 | industry_trade | 董建勋 | 柳林镇 | textile_mill | 310 | sub=textile
清河县锐锋合金刀具有限公司 | industry_trade | 曹立军 | 东坝镇 | machinery | 74 | sub=machinery
清河县鑫盛耐火材料有限公司 | industry_trade | 彭国华 | 青石镇 | brickworks | 66 | sub=building_materials
# The grain reserve is 发改委's (粮食和物资储备); storage is 商贸, which has no industry
# article of its own: the general part applies (fumigation, confined spaces).
清河县国家粮食储备库 | industry_trade | 曾庆丰 | 西河乡 | grain_depot | 35 | sub=commerce dept=县发展和改革委员会
清河县北岭煤矿有限公司 | mining | 肖德胜 | 北岭乡 | coal_mine | 210 | dept=县煤炭工业局
清河县喜庆烟花爆竹批发有限公司 | hazardous_chemicals | 田玉龙 | 北岭乡 | fireworks_depot | 15
清河县城乡公共交通有限公司 | transport | 袁志刚 | 城关镇 | bus_company | 210
# Water works are the water bureau's (水利工程建设).
清河县润泽水利工程有限公司 | construction | 潘海洋 | 西河乡 | water_works | 85 | dept=县水利局
清河县老街美食城 | crowded_places | 蒋桂芬 | 城关镇 | food_court | 40 | reg=92
清河县桃园集贸市场服务中心 | crowded_places | 蔡永福 | 桃园乡 | market | 12 | dept=县市场监督管理局
# A power supply branch: the power bureau (电业).
国网清河县供电公司 | other | 余光明 | 城关镇 | power_supply | 260 | dept=县电业局
# Blasting contractors hold a 公安 licence (爆破作业单位许可): the police supervise them.
清河县安平爆破工程有限公司 | other | 杜卫东 | 南山镇 | blasting | 28 | dept=县公安局
清河县国有北岭林场 | other | 叶青松 | 北岭乡 | forest_farm | 36 | dept=县林业局 reg=12
清河县丰收农机专业合作社 | other | 程满仓 | 桃园乡 | farm_machinery | 18 | dept=县农业农村局 reg=93
"""


def _parse(table: str) -> list[DemoEnterprise]:
    rows = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        name, industry, legal, township, kind, employees, *rest = (
            cell.strip() for cell in line.split("|")
        )
        options = dict(pair.split("=") for cell in rest for pair in cell.split())
        rows.append(
            DemoEnterprise(
                name,
                industry,
                legal,
                township,
                kind,
                int(employees),
                sub_industry=options.get("sub", ""),
                department=options.get("dept", ""),
                registration=options.get("reg", COMPANY),
                status=options.get("status", "operating"),
            )
        )
    return rows


COUNTY_ENTERPRISES = _parse(_TABLE)

# (name, industry, legal representative)
ENTERPRISES = [(e.name, e.industry, e.legal) for e in COUNTY_ENTERPRISES]

# The 工贸 sub-industry of the demo's industry_trade enterprises (the 工贸 standard's
# industry articles and the checklist follow it; 应急厅〔2019〕17号 classification).
ENTERPRISE_SUB_INDUSTRY = {e.name: e.sub_industry for e in COUNTY_ENTERPRISES if e.sub_industry}

# Enterprises whose supervising department is not their industry's default.
ENTERPRISE_DEPARTMENT = {e.name: e.department for e in COUNTY_ENTERPRISES if e.department}


def department_for(name: str, industry: str) -> str:
    """The demo department that supervises this enterprise."""
    return ENTERPRISE_DEPARTMENT.get(name) or INDUSTRY_DEPARTMENT[industry]


ENTERPRISE_STATUSES = ["operating"] * 9 + ["suspended"]

# GB 11714 (organisation code): weights of the first eight characters.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_check_character(first8: str) -> str:
    """The organisation code's ninth character: 11 - (Σ value·weight mod 11), where 10
    is X and 11 is 0 (digits count as themselves, letters A=10 … Z=35)."""
    total = sum(int(ch, 36) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def demo_credit_code(index: int, registration: str = COMPANY) -> str:
    """A valid, deterministic credit code registered in the county: the registration
    kind, 130534, a nine-character organisation code and the check character. Companies
    registered since 2015 (odd indexes) have an ``MA`` organisation code from 市场监管;
    the others an older numeric one."""
    seed = (index * 7919 + 104_729) * 2_654_435_761 % 10**12
    if registration.startswith("9") and index % 2:
        org8 = "MA0" + "".join(ALPHABET[(seed // 31**k) % 31] for k in range(5))
    else:
        org8 = "567"[index % 3] + f"{seed % 10**7:07d}"
    return make_credit_code(registration + COUNTY_CODE + org8 + org_check_character(org8))
