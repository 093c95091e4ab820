"""Reference data for the demo county (used by seed_demo and seed_bulk)."""

from .credit_code import make_credit_code

TOWNSHIPS = [
    ("城关镇", "001"),
    ("东坝镇", "002"),
    ("西河乡", "003"),
    ("南山镇", "004"),
    ("北岭乡", "005"),
    ("青石镇", "006"),
    ("柳林镇", "007"),
    ("桃园乡", "008"),
]

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

# (name, industry, legal representative)
ENTERPRISES = [
    ("清河县红星机械制造有限公司", "industry_trade", "王建国"),
    ("清河县恒通物流运输有限公司", "transport", "李志强"),
    ("清河县鑫源化工有限公司", "hazardous_chemicals", "张伟"),
    ("清河县金山石料矿业有限公司", "mining", "刘洪波"),
    ("清河县宏达建筑工程有限公司", "construction", "陈立新"),
    ("清河县万家福购物广场", "crowded_places", "杨秀英"),
    ("清河县丰源面粉加工厂", "industry_trade", "赵德明"),
    ("清河县安顺客运有限公司", "transport", "黄海涛"),
    ("清河县瑞丰农药化工有限公司", "hazardous_chemicals", "周玉兰"),
    ("清河县青石山采石场", "mining", "吴国庆"),
    ("清河县城建路桥工程有限公司", "construction", "徐振华"),
    ("清河县星光影城", "crowded_places", "孙丽娟"),
    ("清河县永兴木业有限公司", "industry_trade", "马俊杰"),
    ("清河县通达加油站", "hazardous_chemicals", "朱文斌"),
    ("清河县金桥冷链食品有限公司", "industry_trade", "胡晓东"),
    ("清河县新世纪大酒店", "crowded_places", "郭美玲"),
    ("清河县顺达危险货物运输有限公司", "transport", "林志远"),
    ("清河县第二建筑安装公司", "construction", "何建军"),
    ("清河县兴旺纺织有限公司", "industry_trade", "高红梅"),
    ("清河县便民农资服务部", "other", "罗永刚"),
    ("清河县鸿运铸造有限公司", "industry_trade", "郑少华"),
    ("清河县碧水污水处理有限公司", "other", "梁晓燕"),
    # A brickworks firing coal gangue makes building materials (工贸·建材), not a mine.
    ("清河县长青煤矸石砖厂", "industry_trade", "宋建平"),
    ("清河县阳光幼儿园", "crowded_places", "唐雪梅"),
]

# The 工贸 sub-industry of the demo's industry_trade enterprises (the 工贸 standard's
# industry articles and the checklist follow it; 应急厅〔2019〕17号 classification).
ENTERPRISE_SUB_INDUSTRY = {
    "清河县红星机械制造有限公司": "machinery",
    "清河县丰源面粉加工厂": "light",  # grain milling: food (轻工), with flour dust
    "清河县永兴木业有限公司": "light",  # wood products (轻工), with wood dust
    "清河县金桥冷链食品有限公司": "light",  # food with ammonia refrigeration
    "清河县兴旺纺织有限公司": "textile",
    "清河县鸿运铸造有限公司": "machinery",  # foundry (铸造): 机械
    "清河县长青煤矸石砖厂": "building_materials",
}

# Enterprises whose supervising department is not their industry's default.
ENTERPRISE_DEPARTMENT = {
    # Kindergartens and schools: the education and sports bureau, not culture/tourism.
    "清河县阳光幼儿园": "县教育和体育局",
    # Cinemas and hotels: the culture and tourism bureau (fire safety stays with 消防).
    "清河县星光影城": "县文化和旅游局",
    "清河县新世纪大酒店": "县文化和旅游局",
    # An agricultural-supplies shop selling pesticides: agriculture and rural affairs.
    "清河县便民农资服务部": "县农业农村局",
}


def department_for(name: str, industry: str) -> str:
    """The demo department that supervises this enterprise."""
    return ENTERPRISE_DEPARTMENT.get(name) or INDUSTRY_DEPARTMENT[industry]


ENTERPRISE_STATUSES = ["operating"] * 9 + ["suspended"]


def demo_credit_code(index: int, township_code: str = "001") -> str:
    """A valid, deterministic code: 91 (enterprise) + a county division + a 9-digit body."""
    body = f"91130529{(index * 7919 + int(township_code) * 104729) % 10**9:09d}"
    return make_credit_code(body[:17])
