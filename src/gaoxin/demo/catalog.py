"""Fixed catalogues behind the demo zone: towns, industries (GB/T 4754-2017) and their parameters.

Industry codes and names were checked against a full GB/T 4754-2017 table. Parameters (revenue scale,
tax rate, R&D ratio, energy and pollutant intensity …) are plausible orders of magnitude chosen for the
demo, not statistics of any real zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ZONE_NAME = "示范高新区"
CITY = "示范"  # fictional city name used in company names, e.g. "华芯（示范）半导体有限公司"

# GB/T 2260-style registration-authority codes (positions 3–8 of a USCC). 33xx99 does not exist, on
# purpose: the zone is fictional.
REGION_ZONE = "339971"
REGION_CITY = "339900"
REGION_PROVINCE = "330000"


@dataclass(frozen=True)
class Town:
    name: str
    code: str  # prefix of parcel ids (宗地编号)


TOWNS: tuple[Town, ...] = (
    Town("科学城街道", "KXC"),
    Town("湖滨街道", "HB"),
    Town("云谷街道", "YG"),
    Town("望江街道", "WJ"),
    Town("梅山镇", "MS"),
    Town("龙泉镇", "LQ"),
    Town("桃源镇", "TY"),
)


@dataclass(frozen=True)
class Chain:
    """An industrial chain (产业) of the zone and the firm-level parameters shared by its industries."""

    name: str
    share: float  # share of firms
    towns: tuple[int, ...]  # indices into TOWNS where the chain clusters
    rev_shift: float  # log shift of revenue against the zone median
    growth: float  # mean yearly log growth of revenue
    tax_rate: float  # median 税收实际贡献 / 营业收入
    rd_ratio: float  # median R&D / revenue for firms doing R&D
    rd_share: float  # share of firms that report R&D
    productivity: float  # median revenue per staff (万元/人)
    land_productivity: float  # median revenue per mu of own land (万元/亩)
    elec_share: float  # share of energy (tce, 当量值) that is electricity
    sector: str = "manufacturing"  # manufacturing | service | utility


CHAINS: tuple[Chain, ...] = (
    Chain("集成电路", 0.10, (0, 2), 0.30, 0.12, 0.030, 0.10, 0.95, 180, 900, 0.92),
    Chain("新能源", 0.08, (6, 2, 4), 0.20, 0.14, 0.025, 0.035, 0.85, 200, 600, 0.85),
    Chain("智能家电", 0.08, (3, 5), 0.10, 0.03, 0.035, 0.030, 0.80, 150, 550, 0.88),
    Chain("生物医药", 0.10, (1, 0), 0.10, 0.08, 0.065, 0.090, 0.90, 120, 500, 0.60),
    Chain("电子信息制造", 0.14, (0, 3, 2), 0.00, 0.06, 0.035, 0.045, 0.85, 90, 450, 0.90),
    Chain("高端装备", 0.12, (5, 4), 0.00, 0.06, 0.040, 0.045, 0.85, 80, 350, 0.85),
    Chain("硅基新材料", 0.05, (6, 4), 0.10, 0.05, 0.035, 0.030, 0.70, 150, 300, 0.45),
    Chain("新能源汽车", 0.06, (5,), 0.30, 0.20, 0.030, 0.040, 0.80, 250, 600, 0.80),
    Chain("一般制造业", 0.265, (4, 5, 6), -0.30, 0.01, 0.035, 0.015, 0.55, 60, 250, 0.75),
    Chain("公用事业", 0.005, (4, 6), 1.50, 0.03, 0.030, 0.003, 0.30, 300, 120, 0.10, "utility"),
)

# Pollutant fields written by 生态环境局
POLLUTANTS = ("cod_t", "nh3n_t", "so2_t", "nox_t")

GENERAL_TECH = "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广"
TRADE_LICENSED = ("货物进出口", "技术进出口")


@dataclass(frozen=True)
class Industry:
    code: str  # 4-digit 小类
    name: str
    section: str  # 门类 letter
    chain: str
    weight: float  # relative weight inside its chain
    words: tuple[str, ...]  # industry words used in company names
    scope: tuple[str, ...]  # 经营范围 一般项目
    licensed: tuple[str, ...] = ()  # 经营范围 许可项目
    energy: float = 0.03  # tce per 万元 revenue (median)
    pollutants: dict = field(default_factory=dict)  # tonnes per 万元 revenue (median), only polluters
    sector: str = "manufacturing"  # service for I6520, utility for D


INDUSTRIES: tuple[Industry, ...] = (
    # 集成电路
    Industry(
        "3973",
        "集成电路制造",
        "C",
        "集成电路",
        0.30,
        ("微电子科技", "半导体", "集成电路", "芯片科技"),
        (
            "集成电路制造",
            "集成电路销售",
            "集成电路芯片及产品制造",
            "集成电路芯片及产品销售",
            "电子专用材料研发",
        ),
        energy=0.08,
        pollutants={"cod_t": 2e-4, "nh3n_t": 3e-5, "nox_t": 2e-5},
    ),
    Industry(
        "6520",
        "集成电路设计",
        "I",
        "集成电路",
        0.40,
        ("微电子科技", "芯片设计", "集成电路设计", "芯科技"),
        ("集成电路设计", "集成电路芯片设计及服务", "软件开发", "集成电路销售", "信息技术咨询服务"),
        energy=0.004,
        sector="service",
    ),
    Industry(
        "3972",
        "半导体分立器件制造",
        "C",
        "集成电路",
        0.15,
        ("半导体", "功率半导体", "电子科技"),
        ("半导体分立器件制造", "半导体分立器件销售", "电力电子元器件制造", "电子元器件制造"),
        energy=0.05,
    ),
    Industry(
        "3562",
        "半导体器件专用设备制造",
        "C",
        "集成电路",
        0.15,
        ("半导体设备", "精密装备", "微电子装备"),
        ("半导体器件专用设备制造", "半导体器件专用设备销售", "电子专用设备制造", "机械设备研发"),
        energy=0.02,
    ),
    # 新能源
    Industry(
        "3825",
        "光伏设备及元器件制造",
        "C",
        "新能源",
        0.35,
        ("光伏科技", "光能科技", "新能源科技", "太阳能科技"),
        ("光伏设备及元器件制造", "光伏设备及元器件销售", "太阳能发电技术服务", "新兴能源技术研发"),
        energy=0.05,
    ),
    Industry(
        "3841",
        "锂离子电池制造",
        "C",
        "新能源",
        0.35,
        ("锂电科技", "新能源科技", "储能科技", "电池科技"),
        ("电池制造", "电池销售", "电池零配件生产", "新兴能源技术研发", "储能技术服务"),
        energy=0.04,
        pollutants={"cod_t": 1e-4, "nh3n_t": 1e-5},
    ),
    Industry(
        "3415",
        "风能原动设备制造",
        "C",
        "新能源",
        0.10,
        ("风电设备", "风能科技", "新能源装备"),
        ("风力发电机组及零部件销售", "发电机及发电机组制造", "通用设备制造（不含特种设备制造）"),
        energy=0.03,
    ),
    Industry(
        "3824",
        "电力电子元器件制造",
        "C",
        "新能源",
        0.20,
        ("电力电子", "电气科技", "功率器件"),
        ("电力电子元器件制造", "电力电子元器件销售", "电子元器件制造", "输配电及控制设备制造"),
        energy=0.03,
    ),
    # 智能家电
    Industry(
        "3851",
        "家用制冷电器具制造",
        "C",
        "智能家电",
        0.20,
        ("电器", "制冷科技", "智能家电"),
        ("家用电器研发", "家用电器制造", "家用电器销售", "制冷、空调设备制造"),
        energy=0.025,
    ),
    Industry(
        "3852",
        "家用空气调节器制造",
        "C",
        "智能家电",
        0.20,
        ("空调", "电器", "环境电器"),
        ("家用电器研发", "家用电器制造", "家用电器销售", "制冷、空调设备销售"),
        energy=0.025,
    ),
    Industry(
        "3854",
        "家用厨房电器具制造",
        "C",
        "智能家电",
        0.20,
        ("厨房电器", "电器", "智能家居科技"),
        ("家用电器研发", "家用电器制造", "家用电器销售", "厨具卫具及日用杂品研发"),
        energy=0.02,
    ),
    Industry(
        "3855",
        "家用清洁卫生电器具制造",
        "C",
        "智能家电",
        0.15,
        ("清洁电器", "智能科技", "电器"),
        ("家用电器研发", "家用电器制造", "家用电器销售", "智能家庭消费设备制造"),
        energy=0.02,
    ),
    Industry(
        "3857",
        "家用电力器具专用配件制造",
        "C",
        "智能家电",
        0.25,
        ("电器配件", "精密部件", "电子科技"),
        ("家用电器零配件销售", "家用电器制造", "塑料制品制造", "模具制造"),
        energy=0.03,
    ),
    # 生物医药
    Industry(
        "2761",
        "生物药品制造",
        "C",
        "生物医药",
        0.20,
        ("生物科技", "生物制药", "生物医药"),
        ("医学研究和试验发展", "生物化工产品技术研发", "细胞技术研发和应用"),
        ("药品生产", "药品委托生产", "药品批发"),
        energy=0.05,
        pollutants={"cod_t": 5e-4, "nh3n_t": 5e-5, "so2_t": 2e-5, "nox_t": 5e-5},
    ),
    Industry(
        "2762",
        "基因工程药物和疫苗制造",
        "C",
        "生物医药",
        0.10,
        ("生物技术", "疫苗", "基因科技"),
        ("医学研究和试验发展", "生物化工产品技术研发"),
        ("药品生产", "疫苗生产", "药品进出口"),
        energy=0.05,
        pollutants={"cod_t": 4e-4, "nh3n_t": 4e-5},
    ),
    Industry(
        "2720",
        "化学药品制剂制造",
        "C",
        "生物医药",
        0.20,
        ("制药", "药业", "医药科技"),
        ("医学研究和试验发展", "化工产品销售（不含许可类化工产品）"),
        ("药品生产", "药品批发"),
        energy=0.04,
        pollutants={"cod_t": 5e-4, "nh3n_t": 5e-5},
    ),
    Industry(
        "2710",
        "化学药品原料药制造",
        "C",
        "生物医药",
        0.10,
        ("药业", "医药化工", "生物化学"),
        ("化工产品销售（不含许可类化工产品）", "专用化学产品制造（不含危险化学品）"),
        ("药品生产", "危险化学品生产"),
        energy=0.12,
        pollutants={"cod_t": 1.5e-3, "nh3n_t": 1.5e-4, "so2_t": 1e-4, "nox_t": 2e-4},
    ),
    Industry(
        "3581",
        "医疗诊断、监护及治疗设备制造",
        "C",
        "生物医药",
        0.25,
        ("医疗科技", "医疗器械", "医学影像"),
        ("第一类医疗器械生产", "第一类医疗器械销售", "第二类医疗器械销售", "医疗设备租赁"),
        ("第二类医疗器械生产", "第三类医疗器械生产", "第三类医疗器械经营"),
        energy=0.015,
    ),
    Industry(
        "2770",
        "卫生材料及医药用品制造",
        "C",
        "生物医药",
        0.15,
        ("医用材料", "卫生材料", "医疗用品"),
        ("第一类医疗器械生产", "卫生用品和一次性使用医疗用品销售"),
        ("卫生用品和一次性使用医疗用品生产", "第二类医疗器械生产"),
        energy=0.03,
        pollutants={"cod_t": 2e-4},
    ),
    # 电子信息制造
    Industry(
        "3974",
        "显示器件制造",
        "C",
        "电子信息制造",
        0.10,
        ("光电科技", "显示科技", "光电"),
        ("显示器件制造", "显示器件销售", "电子元器件制造", "光电子器件制造"),
        energy=0.06,
        pollutants={"cod_t": 2e-4, "nh3n_t": 3e-5, "nox_t": 1e-5},
    ),
    Industry(
        "3982",
        "电子电路制造",
        "C",
        "电子信息制造",
        0.20,
        ("电路科技", "电子科技", "线路板"),
        ("电子元器件制造", "电子元器件批发", "电子专用材料销售"),
        energy=0.05,
        pollutants={"cod_t": 8e-4, "nh3n_t": 1e-4},
    ),
    Industry(
        "3981",
        "电阻电容电感元件制造",
        "C",
        "电子信息制造",
        0.15,
        ("电子科技", "电子元件", "精密电子"),
        ("电子元器件制造", "电子元器件零售", "电力电子元器件制造"),
        energy=0.03,
    ),
    Industry(
        "3983",
        "敏感元件及传感器制造",
        "C",
        "电子信息制造",
        0.20,
        ("传感科技", "传感技术", "智能科技"),
        ("电子元器件制造", "仪器仪表制造", "智能仪器仪表销售", "物联网设备制造"),
        energy=0.02,
    ),
    Industry(
        "3922",
        "通信终端设备制造",
        "C",
        "电子信息制造",
        0.20,
        ("通信科技", "通讯设备", "智能终端"),
        ("通信设备制造", "移动终端设备制造", "通信设备销售", "移动终端设备销售"),
        energy=0.015,
    ),
    Industry(
        "3976",
        "光电子器件制造",
        "C",
        "电子信息制造",
        0.15,
        ("光电子", "光通信", "激光科技"),
        ("光电子器件制造", "光电子器件销售", "光通信设备制造"),
        energy=0.03,
    ),
    # 高端装备
    Industry(
        "3421",
        "金属切削机床制造",
        "C",
        "高端装备",
        0.25,
        ("数控机床", "精密机床", "机床"),
        ("数控机床制造", "数控机床销售", "机床功能部件及附件制造", "通用设备制造（不含特种设备制造）"),
        energy=0.03,
    ),
    Industry(
        "3491",
        "工业机器人制造",
        "C",
        "高端装备",
        0.25,
        ("机器人", "智能装备", "自动化科技"),
        ("工业机器人制造", "工业机器人销售", "工业机器人安装、维修", "智能机器人的研发"),
        energy=0.02,
    ),
    Industry(
        "3493",
        "增材制造装备制造",
        "C",
        "高端装备",
        0.10,
        ("增材制造", "三维科技", "智能制造"),
        ("增材制造装备制造", "增材制造装备销售", "3D打印服务"),
        energy=0.02,
    ),
    Industry(
        "4011",
        "工业自动控制系统装置制造",
        "C",
        "高端装备",
        0.20,
        ("自动化", "控制技术", "智能控制"),
        ("工业自动控制系统装置制造", "工业自动控制系统装置销售", "智能控制系统集成", "软件开发"),
        energy=0.015,
    ),
    Industry(
        "3444",
        "液压动力机械及元件制造",
        "C",
        "高端装备",
        0.20,
        ("液压科技", "液压机械", "流体科技"),
        ("液压动力机械及元件制造", "液压动力机械及元件销售", "通用零部件制造"),
        energy=0.04,
    ),
    # 硅基新材料
    Industry(
        "3042",
        "特种玻璃制造",
        "C",
        "硅基新材料",
        0.30,
        ("玻璃科技", "新材料", "硅材料"),
        ("技术玻璃制品制造", "技术玻璃制品销售", "功能玻璃和新型光学材料销售", "新材料技术研发"),
        energy=0.45,
        pollutants={"so2_t": 2e-3, "nox_t": 5e-3},
    ),
    Industry(
        "3041",
        "平板玻璃制造",
        "C",
        "硅基新材料",
        0.10,
        ("玻璃", "光伏玻璃", "新材料"),
        ("技术玻璃制品制造", "技术玻璃制品销售", "非金属矿物制品制造"),
        energy=0.70,
        pollutants={"so2_t": 3e-3, "nox_t": 7e-3},
    ),
    Industry(
        "3051",
        "技术玻璃制品制造",
        "C",
        "硅基新材料",
        0.20,
        ("光电玻璃", "玻璃科技", "光学材料"),
        ("技术玻璃制品制造", "技术玻璃制品销售", "光学玻璃制造"),
        energy=0.20,
        pollutants={"so2_t": 5e-4, "nox_t": 1e-3},
    ),
    Industry(
        "3061",
        "玻璃纤维及制品制造",
        "C",
        "硅基新材料",
        0.15,
        ("玻纤", "复合材料", "新材料"),
        ("玻璃纤维及制品制造", "玻璃纤维及制品销售", "新材料技术研发"),
        energy=0.35,
        pollutants={"so2_t": 1e-3, "nox_t": 2e-3},
    ),
    Industry(
        "3985",
        "电子专用材料制造",
        "C",
        "硅基新材料",
        0.25,
        ("电子材料", "硅材料", "新材料科技"),
        ("电子专用材料制造", "电子专用材料销售", "电子专用材料研发", "新材料技术研发"),
        energy=0.10,
        pollutants={"cod_t": 3e-4, "nh3n_t": 3e-5},
    ),
    # 新能源汽车
    Industry(
        "3612",
        "新能源车整车制造",
        "C",
        "新能源汽车",
        0.10,
        ("新能源汽车", "汽车", "智能汽车"),
        ("新能源汽车整车销售", "汽车零部件研发", "新能源汽车电附件销售"),
        ("道路机动车辆生产",),
        energy=0.02,
        pollutants={"cod_t": 1e-4, "so2_t": 1e-5, "nox_t": 5e-5},
    ),
    Industry(
        "3670",
        "汽车零部件及配件制造",
        "C",
        "新能源汽车",
        0.90,
        ("汽车零部件", "汽车部件", "汽车电子"),
        ("汽车零部件及配件制造", "汽车零部件研发", "汽车零配件批发", "新能源汽车电附件销售"),
        energy=0.03,
    ),
    # 一般制造业
    Industry(
        "3311",
        "金属结构制造",
        "C",
        "一般制造业",
        0.15,
        ("钢结构", "金属制品", "机械"),
        ("金属结构制造", "金属结构销售", "金属材料销售"),
        ("建设工程施工",),
        energy=0.05,
    ),
    Industry(
        "2929",
        "塑料零件及其他塑料制品制造",
        "C",
        "一般制造业",
        0.17,
        ("塑业", "塑胶制品", "新材料"),
        ("塑料制品制造", "塑料制品销售", "模具制造"),
        energy=0.05,
    ),
    Industry(
        "3360",
        "金属表面处理及热处理加工",
        "C",
        "一般制造业",
        0.08,
        ("表面处理", "热处理", "金属科技"),
        ("金属表面处理及热处理加工", "电镀加工", "金属材料销售"),
        energy=0.08,
        pollutants={"cod_t": 1e-3, "nh3n_t": 1e-4},
    ),
    Industry(
        "2641",
        "涂料制造",
        "C",
        "一般制造业",
        0.06,
        ("涂料", "化工", "新材料"),
        ("涂料制造（不含危险化学品）", "涂料销售（不含危险化学品）"),
        ("危险化学品生产",),
        energy=0.04,
        pollutants={"cod_t": 3e-4},
    ),
    Industry(
        "3391",
        "黑色金属铸造",
        "C",
        "一般制造业",
        0.08,
        ("铸造", "铸业", "机械"),
        ("黑色金属铸造", "有色金属铸造", "锻件及粉末冶金制品制造"),
        energy=0.25,
        pollutants={"so2_t": 2e-4, "nox_t": 3e-4},
    ),
    Industry(
        "2231",
        "纸和纸板容器制造",
        "C",
        "一般制造业",
        0.10,
        ("包装", "纸业", "包装材料"),
        ("纸制品制造", "纸制品销售", "包装材料及制品销售"),
        ("包装装潢印刷品印刷",),
        energy=0.06,
        pollutants={"cod_t": 2e-4},
    ),
    Industry(
        "3484",
        "机械零部件加工",
        "C",
        "一般制造业",
        0.24,
        ("精密机械", "机械", "五金"),
        ("机械零件、零部件加工", "机械零件、零部件销售", "通用设备制造（不含特种设备制造）"),
        energy=0.04,
    ),
    Industry(
        "3525",
        "模具制造",
        "C",
        "一般制造业",
        0.12,
        ("模具", "精密模具", "模塑科技"),
        ("模具制造", "模具销售", "塑料制品制造"),
        energy=0.04,
    ),
    # 公用事业 (D)
    Industry(
        "4411",
        "火力发电",
        "D",
        "公用事业",
        0.10,
        ("发电", "电力"),
        ("热力生产和供应",),
        ("发电业务、输电业务、供（配）电业务",),
        energy=7.5,
        pollutants={"so2_t": 1e-3, "nox_t": 2.5e-3},
        sector="utility",
    ),
    Industry(
        "4430",
        "热力生产和供应",
        "D",
        "公用事业",
        0.35,
        ("热力", "供热", "能源"),
        ("热力生产和供应", "供冷服务", "合同能源管理"),
        energy=2.5,
        pollutants={"so2_t": 1e-3, "nox_t": 2e-3},
        sector="utility",
    ),
    Industry(
        "4610",
        "自来水生产和供应",
        "D",
        "公用事业",
        0.25,
        ("自来水", "供水", "水务"),
        ("水资源管理", "水污染治理"),
        ("自来水生产与供应",),
        energy=0.10,
        sector="utility",
    ),
    Industry(
        "4620",
        "污水处理及其再生利用",
        "D",
        "公用事业",
        0.30,
        ("污水处理", "水务环境", "水质净化"),
        ("污水处理及其再生利用", "水环境污染防治服务", "环境保护监测"),
        energy=0.15,
        pollutants={"cod_t": 0.15, "nh3n_t": 0.015},
        sector="utility",
    ),
)

CHAIN_INDEX = {c.name: i for i, c in enumerate(CHAINS)}
INDUSTRY_INDEX = {ind.code: i for i, ind in enumerate(INDUSTRIES)}

# Characters for 字号 (trade names); two are drawn per firm, a third on a name collision.
TRADE_CHARS = (
    "合芯华科源晶瑞恒泰博创联德鑫盛达力天宏远信成安高新中海光启明智云峰睿航微锐鼎嘉祥凯汇通乾坤宇辰星悦润卓越昊晟"
    "弘铭骏昌荣兴隆丰益正和美佳利伟永康宁昇鸿腾飞扬奥拓维迈捷诺立方格谱思泽"
)

REGION_PREFIXES = ("安徽", "浙江", "江苏", "上海")
