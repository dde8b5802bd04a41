"""Canonical fields: the one vocabulary shared by import, store, evaluations and reports.

Each department file column is mapped (through `aliases`) to one of these fields and converted to
its canonical unit. Evaluations and scheme formulas refer to fields by `name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Field kinds
ATTR = "attr"  # enterprise attribute (name, town, ...): stored on the enterprise row
NUM = "num"  # numeric fact per period, stored in `fact`
FLAG = "flag"  # 0/1 fact per period (是/否 accepted)
KEY = "key"  # identity / period columns
PARCEL = "parcel"  # parcel attributes (宗地编号, 用途)


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Chinese label shown to users
    label_en: str
    kind: str
    unit: str = ""  # canonical unit stored in the fact table
    display_unit: str = ""  # unit shown to users (万元 for money)
    default_unit: str = ""  # unit assumed when a header names none
    quantity: str = ""  # money | area | energy | power | mass | count | ratio | ""
    aliases: tuple[str, ...] = ()
    min_value: float | None = 0.0  # smallest accepted canonical value (None: any)
    sources: tuple[str, ...] = ()  # departments that usually send it
    extra: dict = field(default_factory=dict)

    @property
    def shown_unit(self) -> str:
        return self.display_unit or self.unit

    def to_display(self, value: float) -> float:
        """Canonical value → value in the unit shown to users (元 → 万元, 千瓦时 → 万千瓦时)."""
        from gaoxin.ingest.units import lookup

        found = lookup(self.shown_unit) if self.shown_unit else None
        return value / found[1] if found else value

    def display(self, value: float | None) -> str:
        if value is None or value != value:
            return "—"
        if self.kind == FLAG:
            return "是" if value else "否"
        digits = 0 if self.quantity == "count" else 2
        return f"{self.to_display(value):,.{digits}f}"


def _money(name, label, label_en, aliases, sources, min_value=0.0):
    return Field(
        name, label, label_en, NUM, "元", "万元", "万元", "money", tuple(aliases), min_value, tuple(sources)
    )


FIELDS: tuple[Field, ...] = (
    # identity
    Field(
        "uscc",
        "统一社会信用代码",
        "USCC",
        KEY,
        aliases=(
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "统一代码",
            "纳税人识别号",
            "纳税人识别号/统一社会信用代码",
            "统一社会信用代码/纳税人识别号",
            "企业统一社会信用代码",
        ),
    ),
    Field(
        "period",
        "年份",
        "Year",
        KEY,
        aliases=("年份", "年度", "统计年度", "评价年度", "所属年度", "数据年度", "税款所属年度"),
    ),
    # enterprise attributes
    Field(
        "name",
        "企业名称",
        "Name",
        ATTR,
        aliases=(
            "企业名称",
            "单位名称",
            "纳税人名称",
            "企业(单位)名称",
            "户名",
            "用电户名",
            "排污单位名称",
            "市场主体名称",
            "权利人",
            "土地使用权人",
        ),
    ),
    Field(
        "town",
        "所属镇街",
        "Town/street",
        ATTR,
        aliases=("所属镇街", "镇街", "所属街道", "所属乡镇", "镇(街道)", "属地", "所属园区", "乡镇街道"),
    ),
    Field(
        "industry_code",
        "行业代码",
        "Industry code (GB/T 4754-2017)",
        ATTR,
        aliases=("行业代码", "国民经济行业代码", "国标行业代码", "行业小类代码", "所属行业代码"),
    ),
    Field("industry_name", "行业名称", "Industry", ATTR, aliases=("行业名称", "所属行业", "国民经济行业")),
    Field(
        "registered_on",
        "注册日期",
        "Registered on",
        ATTR,
        aliases=("注册日期", "成立日期", "登记日期", "设立日期", "核准日期"),
    ),
    Field("business_scope", "经营范围", "Business scope", ATTR, aliases=("经营范围",)),
    Field("main_products", "主营产品", "Main products", ATTR, aliases=("主营产品", "主要产品")),
    # parcels
    Field(
        "parcel_id",
        "宗地编号",
        "Parcel id",
        PARCEL,
        aliases=("宗地编号", "宗地号", "地块编号", "不动产单元号", "土地字号", "不动产权证号"),
    ),
    Field("land_use", "土地用途", "Land use", PARCEL, aliases=("土地用途", "用途", "用地性质")),
    # per-period flags
    Field(
        "above_scale",
        "是否规上",
        "Above designated size",
        FLAG,
        aliases=("是否规上", "规上企业", "是否规模以上", "规模以上工业企业", "是否规上企业"),
    ),
    Field(
        "safety_accident",
        "重大安全事故",
        "Major safety accident",
        FLAG,
        aliases=("重大安全事故", "是否发生安全生产事故", "安全生产事故", "较大及以上安全事故"),
    ),
    Field(
        "env_accident",
        "重大环境事件",
        "Major environmental incident",
        FLAG,
        aliases=(
            "重大环境事件",
            "是否发生环境污染事故",
            "重大环境污染事故",
            "环境违法",
            "较大及以上环境事件",
        ),
    ),
    Field(
        "dishonest",
        "严重失信",
        "Serious dishonesty",
        FLAG,
        aliases=(
            "严重失信",
            "失信被执行人",
            "是否失信",
            "重大税收违法失信",
            "重大税收违法失信主体",
            "税收违法失信",
        ),
    ),
    Field(
        "major_project",
        "重大项目在建",
        "Major project under construction",
        FLAG,
        aliases=("重大项目在建", "在建重大项目", "重大项目建设期"),
    ),
    # numeric facts
    _money(
        "tax_paid",
        "税收实际贡献",
        "Tax paid",
        (
            "税收实际贡献",
            "实缴税金",
            "实缴税收",
            "评价税收",
            "实缴税款",
            "税收收入",
            "纳税总额",
            "入库税收",
            "实缴税金合计",
        ),
        ("tax",),
        min_value=None,
    ),
    _money(
        "revenue",
        "营业收入",
        "Revenue",
        ("营业收入", "主营业务收入", "销售收入", "营业总收入", "开票销售", "应税销售收入"),
        ("stats", "tax"),
    ),
    _money(
        "value_added",
        "工业增加值",
        "Industrial value added",
        ("工业增加值", "增加值"),
        ("stats",),
        min_value=None,
    ),
    _money(
        "rd_expense",
        "研发费用",
        "R&D expenditure",
        ("研发费用", "R&D经费支出", "研发经费支出", "研究与试验发展经费支出", "R&D经费", "研发投入"),
        ("stats",),
    ),
    Field(
        "energy_tce",
        "综合能耗",
        "Energy use",
        NUM,
        "吨标准煤",
        "吨标准煤",
        "吨标准煤",
        "energy",
        ("综合能耗", "综合能源消费量", "能源消费量", "综合能耗(等价值)", "综合能耗等价值", "能耗总量"),
        sources=("stats",),
    ),
    Field(
        "staff",
        "年平均职工人数",
        "Average staff",
        NUM,
        "人",
        "人",
        "人",
        "count",
        (
            "年平均职工人数",
            "从业人员",
            "从业人员平均人数",
            "全部从业人员平均人数",
            "职工人数",
            "年末从业人员",
            "从业人数",
        ),
        sources=("stats",),
    ),
    Field(
        "power_kwh",
        "用电量",
        "Electricity use",
        NUM,
        "千瓦时",
        "万千瓦时",
        "万千瓦时",
        "power",
        ("用电量", "年用电量", "工业用电量", "售电量", "全年用电量"),
        sources=("power",),
    ),
    Field(
        "land_own_mu",
        "用地面积",
        "Land (own)",
        NUM,
        "亩",
        "亩",
        "亩",
        "area",
        ("用地面积", "土地使用权面积", "实际用地面积", "宗地面积", "土地面积", "权证面积"),
        sources=("land",),
    ),
    Field(
        "land_leased_out_mu",
        "出租面积",
        "Land leased out",
        NUM,
        "亩",
        "亩",
        "亩",
        "area",
        ("出租面积", "出租土地面积", "租出面积"),
        sources=("land",),
    ),
    Field(
        "land_leased_in_mu",
        "承租面积",
        "Land leased in",
        NUM,
        "亩",
        "亩",
        "亩",
        "area",
        ("承租面积", "租赁面积", "租入面积", "承租土地面积"),
        sources=("land",),
    ),
    Field(
        "cod_t",
        "化学需氧量",
        "COD",
        NUM,
        "吨",
        "吨",
        "吨",
        "mass",
        ("化学需氧量", "COD", "化学需氧量排放量", "COD排放量"),
        sources=("env",),
    ),
    Field(
        "nh3n_t",
        "氨氮",
        "Ammonia nitrogen",
        NUM,
        "吨",
        "吨",
        "吨",
        "mass",
        ("氨氮", "氨氮排放量"),
        sources=("env",),
    ),
    Field(
        "so2_t",
        "二氧化硫",
        "SO2",
        NUM,
        "吨",
        "吨",
        "吨",
        "mass",
        ("二氧化硫", "SO2", "二氧化硫排放量"),
        sources=("env",),
    ),
    Field(
        "nox_t",
        "氮氧化物",
        "NOx",
        NUM,
        "吨",
        "吨",
        "吨",
        "mass",
        ("氮氧化物", "NOx", "氮氧化物排放量"),
        sources=("env",),
    ),
    Field(
        "water_t",
        "用水量",
        "Water use",
        NUM,
        "吨",
        "吨",
        "吨",
        "water",
        ("用水量", "年用水量", "工业用水量", "取水量"),
        sources=("water",),
    ),
    _money(
        "land_use_tax", "城镇土地使用税", "Urban land-use tax", ("城镇土地使用税", "土地使用税"), ("tax",)
    ),
    Field(
        "emission_t",
        "主要污染物排放量",
        "Main pollutants (total)",
        NUM,
        "吨",
        "吨",
        "吨",
        "mass",
        ("主要污染物排放量", "污染物排放总量", "排污总量", "主要污染物排放总量"),
        sources=("env",),
    ),
)


# ---------------------------------------------------------------------------------------------------------
# Enterprise cultivation (高企 / 科小 / 创新型 / 专精特新 / 小巨人). Sent by the 科技局 / 工信局 (source "sci"),
# one row per firm and year, so multi-year rules (研发费用 3 years, 净资产 3 years) read three periods.
# 销售收入 is `revenue`, 研发费用 `rd_expense` (above). Codes and flags are documented in schemes/FORMAT.md.
def _count(name, label, label_en, aliases, unit="人"):
    return Field(name, label, label_en, NUM, unit, unit, unit, "count", tuple(aliases), sources=("sci",))


def _ratio(name, label, label_en, aliases, min_value=0.0):
    return Field(name, label, label_en, NUM, "比值", "%", "%", "ratio", tuple(aliases), min_value, ("sci",))


def _flag(name, label, label_en, aliases):
    return Field(name, label, label_en, FLAG, aliases=tuple(aliases), sources=("sci",))


def _code(name, label, label_en, aliases, codes: dict[int, str], sources=("sci",)):
    # a numeric code with a fixed table (研发机构级别 0–4 …); the table is part of the field
    return Field(
        name,
        label,
        label_en,
        NUM,
        "级",
        "级",
        "级",
        "level",
        tuple(aliases),
        sources=sources,
        extra={"codes": codes},
    )


RD_INSTITUTION_LEVELS = {0: "无", 1: "区县级及以下", 2: "市级", 3: "省级（省部级）", 4: "国家级"}
PRODUCT_FIELD_CODES = {
    0: "其他",
    1: "属于《战略性新兴产业分类（2018）》",
    2: "工业“六基”/制造强国重点领域/网络强国领域（含1）",
    3: "产业链关键环节“补短板、锻长板、填空白”（含1、2）",
}
HNTE_DOMAINS = {
    0: "不属于",
    10: "电子信息",
    20: "生物与新医药",
    30: "航空航天",
    40: "新材料",
    50: "高技术服务",
    60: "新能源与节能",
    70: "资源与环境",
    80: "先进制造与自动化",
}
DIGITAL_LEVELS = {0: "未评测", 1: "一级", 2: "二级", 3: "三级", 4: "四级"}

CULTIVATION_FIELDS: tuple[Field, ...] = (
    _count(
        "total_staff",
        "职工总数",
        "Total staff (monthly average)",
        ("职工总数", "职工总数(月平均)", "全年月平均职工总数", "月平均职工总数", "职工总人数"),
    ),
    _count(
        "tech_staff",
        "科技人员数",
        "S&T staff",
        ("科技人员数", "科技人员", "科技人员数量", "从事研发和相关技术创新活动的科技人员数"),
    ),
    _count("rd_staff", "研发人员数", "R&D staff", ("研发人员数", "研发人员", "研究开发人员数", "R&D人员")),
    _money(
        "rd_domestic",
        "境内研发费用",
        "Domestic R&D expenditure",
        ("境内研发费用", "境内研究开发费用", "在中国境内发生的研发费用", "境内研发投入"),
        ("sci",),
    ),
    _money(
        "ht_income",
        "高新技术产品(服务)收入",
        "High-tech product/service income",
        (
            "高新技术产品(服务)收入",
            "高新技术产品（服务）收入",
            "高新技术产品收入",
            "高新收入",
            "高新技术产品和服务收入",
        ),
        ("sci",),
    ),
    _money(
        "total_income",
        "总收入",
        "Total income (gross income − non-taxable income)",
        ("总收入", "收入总额", "企业总收入"),
        ("sci",),
    ),
    _money(
        "net_assets",
        "净资产",
        "Net assets",
        ("净资产", "所有者权益", "所有者权益合计", "净资产总额"),
        ("sci",),
        min_value=None,
    ),
    _money("total_assets", "资产总额", "Total assets", ("资产总额", "资产总计", "总资产"), ("sci",)),
    _money(
        "total_cost",
        "成本费用支出总额",
        "Total costs and expenses",
        ("成本费用支出总额", "成本费用总额", "成本费用合计"),
        ("sci",),
    ),
    _ratio(
        "main_revenue_share",
        "主营业务收入占营业收入比重",
        "Main-business share of revenue",
        ("主营业务收入占营业收入比重", "主营业务收入占比", "主营业务收入占营业收入比例", "主营收入占比"),
    ),
    _ratio("debt_ratio", "资产负债率", "Debt-to-assets ratio", ("资产负债率",)),
    _ratio(
        "net_margin",
        "净利润率",
        "Net profit margin",
        ("净利润率", "销售净利率", "营业净利率"),
        min_value=None,
    ),
    _ratio(
        "market_share",
        "主导产品全国细分市场占有率",
        "National niche-market share of the main product",
        ("主导产品全国细分市场占有率", "细分市场占有率", "全国市场占有率", "主导产品市场占有率"),
    ),
    _count(
        "ip1_count",
        "Ⅰ类知识产权数",
        "Class I IP items",
        ("Ⅰ类知识产权数", "Ⅰ类知识产权", "I类知识产权数", "一类知识产权数", "一类知识产权"),
        "件",
    ),
    _count(
        "ip1_high_value",
        "Ⅰ类高价值知识产权数",
        "High-value class I IP items",
        ("Ⅰ类高价值知识产权数", "Ⅰ类高价值知识产权", "高价值知识产权数", "一类高价值知识产权数"),
        "件",
    ),
    _count(
        "ip1_self",
        "自主研发Ⅰ类知识产权数",
        "Self-developed class I IP items",
        ("自主研发Ⅰ类知识产权数", "自主研发Ⅰ类知识产权", "自主研发一类知识产权数"),
        "件",
    ),
    _count(
        "ip2_count",
        "Ⅱ类知识产权数",
        "Class II IP items",
        ("Ⅱ类知识产权数", "Ⅱ类知识产权", "II类知识产权数", "二类知识产权数", "二类知识产权"),
        "件",
    ),
    _count(
        "ip2_self",
        "自主研发Ⅱ类知识产权数",
        "Self-developed class II IP items",
        ("自主研发Ⅱ类知识产权数", "自主研发Ⅱ类知识产权", "自主研发二类知识产权数"),
        "件",
    ),
    _count(
        "conversions_avg",
        "近三年年均成果转化数",
        "Technology conversions per year (3-year average)",
        ("近三年年均成果转化数", "年均成果转化数", "年均科技成果转化数", "科技成果转化数(年均)"),
        "项",
    ),
    _code(
        "rd_institution_level",
        "研发机构级别",
        "R&D institution level",
        ("研发机构级别", "研发机构等级", "企业研发机构级别"),
        RD_INSTITUTION_LEVELS,
        # worked from the 创新平台 register (gaoxin.registries.feed) before the number a 科技局 file codes by hand
        ("科技创新台账", "sci"),
    ),
    Field(
        "niche_years",
        "从事特定细分市场年限",
        "Years in the niche market",
        NUM,
        "年",
        "年",
        "年",
        "years",
        ("从事特定细分市场年限", "细分市场年限", "从事细分市场年限"),
        sources=("sci",),
    ),
    _money(
        "equity_financing",
        "股权融资额",
        "New equity financing (paid-in)",
        ("股权融资额", "新增股权融资额", "股权融资实缴额", "新增股权融资"),
        ("sci",),
    ),
    _code(
        "product_field",
        "主导产品领域",
        "Field of the main product",
        ("主导产品领域", "主导产品所属领域", "主导产品领域代码"),
        PRODUCT_FIELD_CODES,
    ),
    _code(
        "hnte_domain",
        "高新技术领域",
        "High-tech domain (2016 list, first level)",
        ("高新技术领域", "所属高新技术领域", "国家重点支持的高新技术领域", "技术领域"),
        HNTE_DOMAINS,
    ),
    _code(
        "digital_level",
        "数字化水平等级",
        "Digitalisation level",
        ("数字化水平等级", "数字化水平", "中小企业数字化水平等级"),
        DIGITAL_LEVELS,
    ),
    _flag(
        "hnte_valid",
        "有效高新技术企业证书",
        "Valid HNTE certificate",
        ("有效高新技术企业证书", "是否高新技术企业", "高新技术企业", "是否有效高企", "高企资质"),
    ),
    Field(
        "hnte_cert_year",
        "高企证书发证年份",
        "HNTE certificate issue year",
        NUM,
        "年",
        "年",
        "年",
        "years",
        ("高企证书发证年份", "高新技术企业证书发证年份", "高企发证年份", "高企认定年份"),
        sources=("sci",),
    ),
    _count(
        "award_national_rank",
        "国家级科技奖励排名",
        "Rank among awarded units, national S&T award (last 3y)",
        ("国家级科技奖励排名", "国家科学技术奖排名", "国家级科技奖励完成单位排名"),
        "名",
    ),
    _count(
        "award_provincial_rank",
        "省级科技奖励排名",
        "Rank among awarded units, provincial S&T award (last 3y)",
        ("省级科技奖励排名", "省部级科技奖励排名", "省级科技奖励完成单位排名"),
        "名",
    ),
    _count(
        "maker_china_rank",
        "创客中国全国名次",
        "Maker China national enterprise-group placing (last 3y)",
        ("创客中国全国名次", "创客中国大赛全国名次", "创客中国名次"),
        "名",
    ),
    _flag(
        "innovation_title",
        "国家级技术创新示范/知识产权优势(示范)企业",
        "National innovation / IP demonstration title",
        (
            "国家级技术创新示范/知识产权优势(示范)企业",
            "国家级技术创新示范企业",
            "知识产权优势企业",
            "知识产权示范企业",
        ),
    ),
    _flag(
        "standard_led",
        "主导制定国际/国家/行业标准",
        "Led an international, national or industry standard",
        ("主导制定国际/国家/行业标准", "主导制定标准", "主导制定国家或行业标准"),
    ),
    _flag(
        "standard_participated",
        "参与制定标准",
        "Took part in drafting standards",
        ("参与制定标准", "参与编制标准", "参与制定国家或行业标准"),
    ),
    _flag(
        "rd_accounts",
        "研发费用辅助账",
        "R&D cost accounting / expense sub-ledger",
        ("研发费用辅助账", "研发费用辅助账及管理制度", "研发管理制度"),
    ),
    _flag(
        "industry_univ_coop",
        "产学研合作",
        "Industry–university–research cooperation",
        ("产学研合作", "开展产学研合作"),
    ),
    _flag(
        "conversion_incentive",
        "成果转化激励制度",
        "Incentive system for technology conversion",
        ("成果转化激励制度", "科技成果转化奖励制度", "成果转化奖励制度"),
    ),
    _flag(
        "talent_incentive",
        "科技人员培养与激励制度",
        "Training and incentive system for S&T staff",
        ("科技人员培养与激励制度", "人才培养激励制度", "科技人员绩效奖励制度"),
    ),
    _flag(
        "quality_award", "省级以上质量奖", "Provincial or higher quality award", ("省级以上质量奖", "质量奖")
    ),
    _flag(
        "quality_cert",
        "管理体系或发达国家产品认证",
        "Management-system or developed-country product certification",
        ("管理体系或发达国家产品认证", "质量管理体系认证", "管理体系认证", "ISO9001认证"),
    ),
    _flag("own_brand", "自主品牌", "Own brand", ("自主品牌", "拥有自主品牌")),
    _flag(
        "info_system",
        "核心业务信息系统支撑",
        "Core business run on an information system",
        ("核心业务信息系统支撑", "核心业务采用信息系统", "信息系统支撑"),
    ),
)
FIELDS = FIELDS + CULTIVATION_FIELDS

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

SOURCES: dict[str, str] = {
    "registry": "市场监管(企业登记)",
    "tax": "税务",
    "stats": "统计",
    "power": "电力",
    "land": "自然资源/土地",
    "env": "生态环境",
    "safety": "应急管理",
    "sci": "科技/工信（企业创新能力）",
    "water": "供水",
    "other": "其他",
}


# The largest canonical value one firm's figure may plausibly hold, per quantity: beyond it a cell is a typo or
# a unit slip (万元 typed into a 元 column twice over), refused with the cell named rather than scored.
PLAUSIBLE_MAX = {
    "money": 1e12,  # 元: 1 万亿元 (tax or revenue of a single zone firm above this is a slip)
    "area": 1e5,  # 亩: ~67 km²
    "energy": 1e8,  # 吨标准煤
    "power": 1e12,  # 千瓦时
    "mass": 1e9,  # 吨
    "count": 1e7,  # 人 / 件 / 项
    "ratio": 1e3,  # 比值 (1 = 100 %)
}


def plausible_max(fld: Field) -> float | None:
    """The largest plausible canonical value of a numeric field (None: no bound)."""
    return fld.extra.get("max_value", PLAUSIBLE_MAX.get(fld.quantity))


def numeric_fields() -> list[Field]:
    return [f for f in FIELDS if f.kind in (NUM, FLAG)]
