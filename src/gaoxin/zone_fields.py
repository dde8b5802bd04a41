"""Zone indicators: the vocabulary of zone benchmarking (the zone counterpart of `gaoxin.fields`).

One entry per second-level indicator of the 2021 《国家高新技术产业开发区综合评价指标体系》 as rebuilt in
index_methods.md §1.2 (official numbering where it was seen), plus the zone attributes a zone-indicator file
carries. Zone files are keyed by the zone (园区代码 / 园区名称), not by 统一社会信用代码, so this table is
separate from `gaoxin.fields` and only the zone import, zone schemes and the zone demo use it.

Values are stored in each indicator's own unit (``unit``: 亿元, %, 个, 吨标准煤/万元 …), the unit the torch
statistics publish and analysts read; ``units`` lists the header units accepted for it with their factor
to ``unit`` (a 万元 column of a 亿元 indicator is multiplied by 1e-4).
"""

from __future__ import annotations

from dataclasses import dataclass

# ---- accepted header units per unit family (factor to the indicator's own unit) ---------------------------
MONEY_YI = {"亿元": 1.0, "万元": 1e-4, "元": 1e-8, "千元": 1e-5, "百万元": 1e-2, "万亿元": 1e4}
PERCENT = {"%": 1.0, "‰": 0.1, "百分比": 1.0}
COUNT = {"个": 1.0, "家": 1.0, "件": 1.0, "项": 1.0, "所": 1.0}
PEOPLE = {"人": 1.0, "名": 1.0, "万人": 1e4}
WAN_PER_PERSON = {"万元/人": 1.0, "元/人": 1e-4, "千元/人": 0.1}
TCE_PER_WAN = {
    "吨标准煤/万元": 1.0,
    "吨标煤/万元": 1.0,
    "tce/万元": 1.0,
    "千克标准煤/万元": 1e-3,
    "kgce/万元": 1e-3,
    "吨标准煤/亿元": 1e-4,
}
PER_10K_PEOPLE = {"件/万人": 1.0}
COUNT_PER_10K_PEOPLE = {"个/万人": 1.0, "家/万人": 1.0}
PER_10M_RD = {"件/千万元": 1.0}
PER_10BN_REV = {"件/百亿元": 1.0, "件/100亿元": 1.0}
SCORE = {"分": 1.0}
RATIO = {"比值": 1.0, "倍": 1.0}

INTEGER_UNITS = frozenset({"个", "家", "件", "项", "所", "人"})
KINDS = ("stock", "flow", "ratio", "growth", "qualitative")
KIND_LABELS = {
    "stock": "总量",
    "flow": "增量（当年）",
    "ratio": "强度/比例",
    "growth": "增速",
    "qualitative": "定性评分",
}


@dataclass(frozen=True)
class ZoneIndicator:
    id: str
    no: str  # number in the 2021 system ("1.1"; "q" items are the qualitative scores)
    label: str  # Chinese name as in the official table
    label_en: str
    unit: str  # the unit values are stored and shown in
    units: dict  # accepted header units → factor to `unit`
    kind: str  # stock | flow | ratio | growth | qualitative
    direction: str = "higher"  # higher | lower (cost-type)
    lo: float | None = 0.0  # smallest plausible value (rows below are rejected); None: any
    hi: float | None = None  # largest plausible value (shares: 100)
    aliases: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.label

    @property
    def cost(self) -> bool:
        return self.direction == "lower"

    @property
    def integer(self) -> bool:
        """Counted in whole units (企业数, 机构数 …): improvements are whole numbers."""
        return self.unit in INTEGER_UNITS


def _i(id_, no, label, label_en, unit, units, kind, *, direction="higher", lo=0.0, hi=None, aliases=()):
    return ZoneIndicator(id_, no, label, label_en, unit, units, kind, direction, lo, hi, tuple(aliases))


INDICATORS: tuple[ZoneIndicator, ...] = (
    # ---- 一、创新能力和创业活跃度 -------------------------------------------------------------------------
    _i(
        "rd_institutions",
        "1.1",
        "国家级和省级研发机构数",
        "National and provincial R&D institutions",
        "个",
        COUNT,
        "stock",
        aliases=("省级以上研发机构数", "国家级、省级研发机构数"),
    ),
    _i(
        "rd_fte_share",
        "1.2",
        "从业人员中研发人员全时当量数占比",
        "R&D FTE share of employment",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("研发人员全时当量占从业人员比例", "研发人员全时当量数占比"),
    ),
    _i(
        "rd_intensity",
        "1.3",
        "研发经费内部支出占营业收入比例",
        "Internal R&D spending / revenue",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("企业研发经费投入强度", "研发经费投入强度", "R&D经费内部支出占营业收入比例"),
    ),
    _i(
        "invention_grants_per_10k",
        "1.4",
        "每万人当年发明专利授权数",
        "Invention patents granted per 10k staff",
        "件/万人",
        PER_10K_PEOPLE,
        "ratio",
        aliases=("每万名从业人员发明专利授权数",),
    ),
    _i(
        "invention_apps_per_10m_rd",
        "1.5",
        "当年每千万研发经费支出的发明专利申请数",
        "Invention applications per 10M yuan R&D",
        "件/千万元",
        PER_10M_RD,
        "ratio",
        aliases=("每千万元研发经费支出的发明专利申请数",),
    ),
    _i(
        "national_incubators",
        "1.6",
        "国家级创业服务机构数",
        "National incubation service institutions",
        "个",
        COUNT,
        "stock",
        aliases=("国家级孵化载体数", "国家级科技企业孵化器和众创空间数"),
    ),
    _i(
        "new_registered_firms",
        "1.7",
        "当年新注册企业数",
        "Newly registered firms",
        "家",
        COUNT,
        "flow",
        aliases=("新注册企业数",),
    ),
    _i(
        "new_tech_smes",
        "1.8",
        "当年登记入库的科技型中小企业数",
        "Tech SMEs registered this year",
        "家",
        COUNT,
        "flow",
        aliases=("登记入库科技型中小企业数", "入库科技型中小企业数"),
    ),
    _i(
        "new_incubated_firms",
        "1.9",
        "当年孵化器、加速器和大学科技园内新增在孵企业数",
        "New firms in incubators, accelerators and university science parks",
        "家",
        COUNT,
        "flow",
        aliases=("新增在孵企业数",),
    ),
    _i(
        "startup_climate",
        "1.q",
        "创业氛围",
        "Entrepreneurial climate (qualitative)",
        "分",
        SCORE,
        "qualitative",
        hi=100,
        aliases=("创业氛围评分",),
    ),
    # ---- 二、结构优化和产业价值链 -------------------------------------------------------------------------
    _i(
        "hitech_service_share",
        "2.1",
        "营业收入中高技术服务业营收占比",
        "High-tech services share of revenue",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("高技术服务业营业收入占比",),
    ),
    _i(
        "bachelor_share",
        "2.2",
        "从业人员中本科及以上学历人员占比",
        "Staff with a bachelor's degree or above",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("本科及以上学历人员占比",),
    ),
    _i(
        "tech_contract_per_capita",
        "2.3",
        "人均技术合同成交额",
        "Technology contract turnover per staff",
        "万元/人",
        WAN_PER_PERSON,
        "ratio",
        aliases=("人均技术合同交易额",),
    ),
    _i(
        "revenue_net_increase",
        "2.4",
        "当年净增营业收入",
        "Net increase in revenue",
        "亿元",
        MONEY_YI,
        "flow",
        lo=None,
        aliases=("营业收入净增额", "净增营业收入"),
    ),
    _i(
        "profit_margin",
        "2.5",
        "企业利润率",
        "Profit margin",
        "%",
        PERCENT,
        "ratio",
        lo=-100,
        hi=100,
        aliases=("营业利润率", "利润率"),
    ),
    _i(
        "hte_net_increase",
        "2.6",
        "当年净增高新技术企业数",
        "Net increase in high-tech enterprises",
        "家",
        COUNT,
        "flow",
        lo=None,
        aliases=("净增高新技术企业数", "高新技术企业净增数"),
    ),
    _i(
        "vc_backed_firms",
        "2.7",
        "当年获得风险投资的企业数",
        "Firms receiving venture capital",
        "家",
        COUNT,
        "flow",
        aliases=("获得风险投资企业数",),
    ),
    _i(
        "ip_per_10bn_revenue",
        "2.8",
        "每100亿元营业收入所含有效发明专利数和注册商标数",
        "Valid invention patents and trademarks per 10bn revenue",
        "件/百亿元",
        PER_10BN_REV,
        "ratio",
        aliases=("每百亿元营业收入有效发明专利和注册商标数",),
    ),
    _i(
        "value_added_rate",
        "2.9",
        "企业增加值率",
        "Value-added rate",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("增加值率",),
    ),
    _i(
        "innovation_policy",
        "2.q",
        "产业创新政策",
        "Industrial innovation policy (qualitative)",
        "分",
        SCORE,
        "qualitative",
        hi=100,
        aliases=("产业创新政策评分",),
    ),
    # ---- 三、绿色发展和宜居包容性 -------------------------------------------------------------------------
    _i(
        "energy_per_va",
        "3.1",
        "单位增加值综合能耗",
        "Energy use per unit of value added",
        "吨标准煤/万元",
        TCE_PER_WAN,
        "ratio",
        direction="lower",
        aliases=("万元增加值综合能耗", "单位工业增加值综合能耗"),
    ),
    _i(
        "co2_growth",
        "3.2",
        "二氧化碳排放量增长率",
        "CO2 emissions growth",
        "%",
        PERCENT,
        "growth",
        direction="lower",
        lo=-100,
        aliases=("二氧化碳排放增长率", "碳排放增长率"),
    ),
    _i(
        "green_coverage",
        "3.3",
        "总绿地率",
        "Green space ratio",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("绿地率", "绿化覆盖率"),
    ),
    _i(
        "hospitals_schools",
        "3.4",
        "各级医院和各类学校数",
        "Hospitals and schools",
        "所",
        COUNT,
        "stock",
        aliases=("医院和学校数",),
    ),
    _i(
        "staff_net_increase",
        "3.5",
        "当年净增从业人员数",
        "Net increase in employment",
        "人",
        PEOPLE,
        "flow",
        lo=None,
        aliases=("净增从业人员数", "从业人员净增数"),
    ),
    _i(
        "wage_share_of_va",
        "3.6",
        "单位增加值中从业人员工资性收入占比",
        "Wages as share of value added",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("工资性收入占增加值比例",),
    ),
    _i(
        "wage_to_house_price",
        "3.7",
        "从业人员月工资与房价之比",
        "Monthly wage / house price per m²",
        "比值",
        RATIO,
        "ratio",
        aliases=("月工资与房价之比",),
    ),
    _i(
        "disposable_fiscal",
        "3.8",
        "当年可支配财力",
        "Disposable fiscal resources",
        "亿元",
        MONEY_YI,
        "stock",
        aliases=("可支配财力",),
    ),
    _i(
        "people_ecology",
        "3.q",
        "人与生态",
        "People and ecology (qualitative)",
        "分",
        SCORE,
        "qualitative",
        hi=100,
        aliases=("人与生态评分",),
    ),
    # ---- 四、开放创新和国际竞争力 -------------------------------------------------------------------------
    _i(
        "overseas_rd_firms",
        "4.1",
        "设立境外研发机构的内资控股企业数",
        "Domestic firms with overseas R&D units",
        "家",
        COUNT,
        "stock",
        aliases=("设立境外研发机构的企业数",),
    ),
    _i(
        "tech_import_coop_share",
        "4.2",
        "企业引进技术、消化吸收再创新和境内外产学研合作经费支出占营业收入比例",
        "Technology import, absorption and cooperation spending / revenue",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("技术引进和产学研合作经费支出占营业收入比例",),
    ),
    _i(
        "overseas_ip_firms",
        "4.3",
        "当年获得境外注册商标或境外发明专利授权的内资控股企业数",
        "Domestic firms granted foreign trademarks or patents",
        "家",
        COUNT,
        "flow",
        aliases=("获得境外注册商标或发明专利授权的企业数",),
    ),
    _i(
        "intl_standard_firms",
        "4.4",
        "当年新增主导制定国际标准的内资控股企业数",
        "Domestic firms newly leading international standards",
        "家",
        COUNT,
        "flow",
        aliases=("主导制定国际标准的企业数",),
    ),
    _i(
        "tech_service_export_share",
        "4.5",
        "出口总额中技术服务出口占比",
        "Technology services share of exports",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("技术服务出口占比",),
    ),
    _i(
        "hte_export_share",
        "4.6",
        "营业收入中高新技术企业出口额占比",
        "High-tech enterprise exports / revenue",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("高新技术企业出口额占营业收入比例",),
    ),
    _i(
        "foreign_returnee_share",
        "4.7",
        "从业人员中外籍常驻人员和留学归国人员占比",
        "Foreign residents and returnees among staff",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("外籍常驻人员和留学归国人员占比",),
    ),
    # ---- 五、综合质效和持续创新力 -------------------------------------------------------------------------
    _i(
        "va_share_city_gdp",
        "5.1",
        "园区全口径增加值占所在城市GDP比例",
        "Zone value added / city GDP",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("园区增加值占所在城市GDP比重", "全口径增加值占城市GDP比例"),
    ),
    _i(
        "labour_productivity_growth",
        "5.2",
        "全员劳动生产率的增长率",
        "Labour productivity growth",
        "%",
        PERCENT,
        "growth",
        lo=-100,
        aliases=("全员劳动生产率增长率",),
    ),
    _i(
        "rd5_revenue_share",
        "5.3",
        "营业收入中内部研发投入强度达5%企业的营收合计占比",
        "Revenue share of firms with R&D intensity ≥ 5%",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("研发投入强度达5%企业营收占比",),
    ),
    _i(
        "digital_revenue_share",
        "5.4",
        "营业收入中数字产业相关企业营收合计占比",
        "Digital industry share of revenue",
        "%",
        PERCENT,
        "ratio",
        hi=100,
        aliases=("数字产业相关企业营收占比",),
    ),
    _i(
        "gazelle_firms",
        "5.5",
        "新晋高成长(瞪羚)企业数",
        "New gazelle firms",
        "家",
        COUNT,
        "flow",
        aliases=("新晋瞪羚企业数", "新晋高成长企业数"),
    ),
    _i(
        "listed_firms",
        "5.6",
        "当年境内外上市(不含新三板)企业数",
        "Firms listed this year (excl. NEEQ)",
        "家",
        COUNT,
        "flow",
        aliases=("当年境内外上市企业数", "新上市企业数"),
    ),
    _i(
        "rd5_large_firms",
        "5.7",
        "当年内部研发投入强度达5%且营业收入超5亿元的企业数",
        "Firms with R&D intensity ≥ 5% and revenue > 500M",
        "家",
        COUNT,
        "stock",
        aliases=("研发投入强度达5%且营收超5亿元企业数",),
    ),
    _i(
        "national_rd_firms",
        "5.8",
        "拥有国家级研发机构的企业数",
        "Firms with a national R&D institution",
        "家",
        COUNT,
        "stock",
        aliases=("拥有国家级研发机构企业数",),
    ),
    _i(
        "compliance",
        "5.q1",
        "依法合规建设",
        "Lawful and compliant development (qualitative)",
        "分",
        SCORE,
        "qualitative",
        hi=100,
        aliases=("依法合规建设评分",),
    ),
    _i(
        "stats_quality",
        "5.q2",
        "统计数据质量",
        "Statistical data quality (qualitative)",
        "分",
        SCORE,
        "qualitative",
        hi=100,
        aliases=("统计数据质量评分",),
    ),
    # worked from the zone's own 创新登记 (registries): not numbered in the 2021 table
    _i(
        "tech_contract_amount",
        "r.1",
        "技术合同成交额",
        "Registered technology contract turnover",
        "亿元",
        MONEY_YI,
        "flow",
        aliases=("技术合同成交金额", "技术合同交易额"),
    ),
    _i(
        "rd_institutions_per_10k",
        "r.2",
        "每万名从业人员国家级和省级研发机构数",
        "National and provincial R&D institutions per 10,000 staff",
        "个/万人",
        COUNT_PER_10K_PEOPLE,
        "ratio",
    ),
)

BY_ID: dict[str, ZoneIndicator] = {i.id: i for i in INDICATORS}
IDS: tuple[str, ...] = tuple(BY_ID)

# ---- zone attributes (columns of a zone file that are not indicators) ---------------------------------
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "zone_code": ("园区代码", "高新区代码", "开发区代码", "园区编码", "代码"),
    "zone_name": ("园区名称", "高新区名称", "国家高新区名称", "开发区名称", "园区", "高新区", "名称"),
    "province": ("所在省份", "省份", "所属省份", "省(区、市)", "省(自治区、直辖市)", "省"),
    "city": ("所在城市", "城市", "所在地市", "所属城市", "地级市", "所在市"),
    "level": ("级别", "园区级别", "层级", "国家级/省级"),
    "zone_type": ("园区类型", "类型", "园区类别", "分类"),
    "is_home": ("是否本区", "本区", "本园区", "是否本园区"),
    "period": ("年份", "年度", "统计年度", "评价年度", "数据年度", "所属年度"),
}
ATTRIBUTE_LABELS = {
    "zone_code": "园区代码",
    "zone_name": "园区名称",
    "province": "所在省份",
    "city": "所在城市",
    "level": "级别",
    "zone_type": "园区类型",
    "is_home": "是否本区",
    "period": "年份",
}
LEVELS = {
    "国家级": "national",
    "国家": "national",
    "national": "national",
    "国家高新区": "national",
    "省级": "provincial",
    "省": "provincial",
    "provincial": "provincial",
    "省级高新区": "provincial",
}
LEVEL_LABELS = {"national": "国家级", "provincial": "省级"}
