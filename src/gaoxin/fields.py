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
    return Field(name, label, label_en, NUM, "元", "万元", "万元", "money", tuple(aliases), min_value,
                 tuple(sources))


FIELDS: tuple[Field, ...] = (
    # identity
    Field("uscc", "统一社会信用代码", "USCC", KEY, aliases=(
        "统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "纳税人识别号", "纳税人识别号/统一社会信用代码",
        "统一社会信用代码/纳税人识别号", "企业统一社会信用代码")),
    Field("period", "年份", "Year", KEY, aliases=(
        "年份", "年度", "统计年度", "评价年度", "所属年度", "数据年度", "税款所属年度")),
    # enterprise attributes
    Field("name", "企业名称", "Name", ATTR, aliases=(
        "企业名称", "单位名称", "纳税人名称", "企业(单位)名称", "户名", "用电户名", "排污单位名称", "市场主体名称",
        "权利人", "土地使用权人")),
    Field("town", "所属镇街", "Town/street", ATTR, aliases=(
        "所属镇街", "镇街", "所属街道", "所属乡镇", "镇(街道)", "属地", "所属园区", "乡镇街道")),
    Field("industry_code", "行业代码", "Industry code (GB/T 4754-2017)", ATTR, aliases=(
        "行业代码", "国民经济行业代码", "国标行业代码", "行业小类代码", "所属行业代码")),
    Field("industry_name", "行业名称", "Industry", ATTR, aliases=("行业名称", "所属行业", "国民经济行业")),
    Field("registered_on", "注册日期", "Registered on", ATTR, aliases=(
        "注册日期", "成立日期", "登记日期", "设立日期", "核准日期")),
    Field("business_scope", "经营范围", "Business scope", ATTR, aliases=("经营范围",)),
    Field("main_products", "主营产品", "Main products", ATTR, aliases=("主营产品", "主要产品")),
    # parcels
    Field("parcel_id", "宗地编号", "Parcel id", PARCEL, aliases=(
        "宗地编号", "宗地号", "地块编号", "不动产单元号", "土地字号", "不动产权证号")),
    Field("land_use", "土地用途", "Land use", PARCEL, aliases=("土地用途", "用途", "用地性质")),
    # per-period flags
    Field("above_scale", "是否规上", "Above designated size", FLAG, aliases=(
        "是否规上", "规上企业", "是否规模以上", "规模以上工业企业", "是否规上企业")),
    Field("safety_accident", "重大安全事故", "Major safety accident", FLAG, aliases=(
        "重大安全事故", "是否发生安全生产事故", "安全生产事故", "较大及以上安全事故")),
    Field("env_accident", "重大环境事件", "Major environmental incident", FLAG, aliases=(
        "重大环境事件", "是否发生环境污染事故", "重大环境污染事故", "环境违法", "较大及以上环境事件")),
    Field("dishonest", "严重失信", "Serious dishonesty", FLAG, aliases=(
        "严重失信", "失信被执行人", "是否失信", "重大税收违法失信", "重大税收违法失信主体", "税收违法失信")),
    Field("major_project", "重大项目在建", "Major project under construction", FLAG, aliases=(
        "重大项目在建", "在建重大项目", "重大项目建设期")),
    # numeric facts
    _money("tax_paid", "税收实际贡献", "Tax paid", (
        "税收实际贡献", "实缴税金", "实缴税收", "评价税收", "实缴税款", "税收收入", "纳税总额", "入库税收", "实缴税金合计"),
        ("tax",), min_value=None),
    _money("revenue", "营业收入", "Revenue", (
        "营业收入", "主营业务收入", "销售收入", "营业总收入", "开票销售", "应税销售收入"), ("stats", "tax")),
    _money("value_added", "工业增加值", "Industrial value added", ("工业增加值", "增加值"), ("stats",),
           min_value=None),
    _money("rd_expense", "研发费用", "R&D expenditure", (
        "研发费用", "R&D经费支出", "研发经费支出", "研究与试验发展经费支出", "R&D经费", "研发投入"), ("stats",)),
    Field("energy_tce", "综合能耗", "Energy use", NUM, "吨标准煤", "吨标准煤", "吨标准煤", "energy", (
        "综合能耗", "综合能源消费量", "能源消费量", "综合能耗(等价值)", "综合能耗等价值", "能耗总量"),
        sources=("stats",)),
    Field("staff", "年平均职工人数", "Average staff", NUM, "人", "人", "人", "count", (
        "年平均职工人数", "从业人员", "从业人员平均人数", "全部从业人员平均人数", "职工人数", "年末从业人员",
        "从业人数"), sources=("stats",)),
    Field("power_kwh", "用电量", "Electricity use", NUM, "千瓦时", "万千瓦时", "万千瓦时", "power", (
        "用电量", "年用电量", "工业用电量", "售电量", "全年用电量"), sources=("power",)),
    Field("land_own_mu", "用地面积", "Land (own)", NUM, "亩", "亩", "亩", "area", (
        "用地面积", "土地使用权面积", "实际用地面积", "宗地面积", "土地面积", "权证面积"), sources=("land",)),
    Field("land_leased_out_mu", "出租面积", "Land leased out", NUM, "亩", "亩", "亩", "area", (
        "出租面积", "出租土地面积", "租出面积"), sources=("land",)),
    Field("land_leased_in_mu", "承租面积", "Land leased in", NUM, "亩", "亩", "亩", "area", (
        "承租面积", "租赁面积", "租入面积", "承租土地面积"), sources=("land",)),
    Field("cod_t", "化学需氧量", "COD", NUM, "吨", "吨", "吨", "mass", (
        "化学需氧量", "COD", "化学需氧量排放量", "COD排放量"), sources=("env",)),
    Field("nh3n_t", "氨氮", "Ammonia nitrogen", NUM, "吨", "吨", "吨", "mass", (
        "氨氮", "氨氮排放量"), sources=("env",)),
    Field("so2_t", "二氧化硫", "SO2", NUM, "吨", "吨", "吨", "mass", (
        "二氧化硫", "SO2", "二氧化硫排放量"), sources=("env",)),
    Field("nox_t", "氮氧化物", "NOx", NUM, "吨", "吨", "吨", "mass", (
        "氮氧化物", "NOx", "氮氧化物排放量"), sources=("env",)),
    Field("water_t", "用水量", "Water use", NUM, "吨", "吨", "吨", "water", (
        "用水量", "年用水量", "工业用水量", "取水量"), sources=("water",)),
    _money("land_use_tax", "城镇土地使用税", "Urban land-use tax", (
        "城镇土地使用税", "土地使用税"), ("tax",)),
    Field("emission_t", "主要污染物排放量", "Main pollutants (total)", NUM, "吨", "吨", "吨", "mass", (
        "主要污染物排放量", "污染物排放总量", "排污总量", "主要污染物排放总量"), sources=("env",)),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

SOURCES: dict[str, str] = {
    "registry": "市场监管(企业登记)",
    "tax": "税务",
    "stats": "统计",
    "power": "电力",
    "land": "自然资源/土地",
    "env": "生态环境",
    "safety": "应急管理",
    "water": "供水",
    "other": "其他",
}


def numeric_fields() -> list[Field]:
    return [f for f in FIELDS if f.kind in (NUM, FLAG)]
