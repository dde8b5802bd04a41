"""The demo zone's data **as the departments send it**: one xlsx per department, Chinese, messy.

`write_department_files(zone, out_dir)` writes the files below (years as in the zone, default
2023–2025) and returns their paths; `expected_mess(zone)` returns the manifest of every irregularity
(counts and row-level events), `expected_facts(zone)` the long table of every value the files carry
in canonical units (元, 亩, 吨标准煤, 千瓦时, 吨, 人; flags 1.0/0.0), so import tests can assert exact
accepted / rejected / skipped counts and compare imported values with the truth.

Layout shared by all files: row 1 is a title merged across the table; the tax file has a
"单位：万元" line in row 2; headers follow, one row or two rows (a parent merged over its children,
single columns merged vertically). Units are in the headers' parentheses. Numbers are written in the
header's unit, rounded to the precision the truth was generated at (万元 0.01, 万千瓦时 0.0001,
亩 0.0001 for parcels and 0.01 for leases, 吨 0.0001, 吨标准煤 0.01), so an import recovers the truth;
the only inexact column is 土地使用权面积（平方米） (≤ 1e-5 亩 per parcel after conversion).

Files, sheets and the mess each one carries (counts for the default three years; in very small zones
fewer cells may qualify for a cell-level mess, e.g. taxes ≥ 1000万元 for thousand separators; the
manifest is the authority, and tests check it against the files):

1. 市场监管局_企业登记信息.xlsx — sheet 企业登记信息, one header row:
   序号 | 统一社会信用代码 | 企业名称 | 注册日期 | 所属镇街 | 行业代码 | 行业名称 | 经营范围.
   Every registered firm once (one firm of the zone is missing: it appears in the tax and power files
   only). Mess: 1 exact duplicate row, 1 blank row, 5 行业代码 with the 门类 letter ("C3973"),
   3 注册日期 written as text ("2016/3/5", "2016年3月5日"), 3 USCC cells that are valid after
   normalisation (lower case with spaces ×2 "messy_uscc", full-width characters ×1 "fullwidth").
   No 合计.
2. 税务局_企业纳税情况_2023-2025.xlsx — sheets 2023年/2024年/2025年, title "示范高新区2023年度企业税收实际
   贡献情况表", "单位：万元" line, two header rows: 序号 | 统一社会信用代码 | 纳税人名称 |
   纳税情况{税收实际贡献（万元）, 其中：增值税（万元）} | 重大税收违法失信主体{是否失信}. Every active firm
   of the year, by tax descending; negative values are refunds. Each sheet ends with a 合计 row and
   a "注：" note row. Mess: 2023: 4 tax cells as text with thousand separators, 2 USCC cells in
   full-width digits (valid after normalisation), 1 blank row; 2024: 1 exact duplicate, 1 conflicting
   duplicate (same firm, another 税收实际贡献, appended at the end), 2 invalid USCCs (one character
   changed), 3 增值税 cells "—"; 2025: half-width "(万元)" in the 税收实际贡献 header, 1 invalid USCC
   ("0" typed as "O"), 2 增值税 cells "/".
3. 统计局_规上工业企业主要指标_2023-2025.xlsx — sheet 规上工业企业, two header rows: 序号 | 统计年度 |
   统一社会信用代码 | 单位名称 | 行业代码 | 主要经济指标{营业收入（万元）, 工业增加值（万元）,
   Ｒ＆Ｄ经费支出（万元）(full-width letters)} | 能源消费{综合能耗（吨标准煤）} | 年平均职工人数（人） | 是否规上.
   规上 industrial firm-years only (C/D sections, revenue ≥ 2000万元). Missing R&D written as "—", "/" or
   "…" in turn. Mess: 1 invalid USCC, 1 conflicting duplicate (last year, other 营业收入), 1 blank row,
   3 营业收入 cells as text with thousand separators, 2 职工人数 cells in full-width digits, 1 合计 row.
4. 供电公司_企业用电量_2023-2025.xlsx — sheets per year, one header row: 户号 | 用电户名 |
   统一社会信用代码 | 用电量（万千瓦时）; the middle year's sheet is in 用电量（千瓦时） instead. Every active
   firm, by 户号. Mess: first year: 2 invalid USCCs, 1 blank row; middle year: 5 kWh cells as text with
   thousand separators; last year: 1 exact duplicate. Each sheet ends with a 合计 row.
5. 自然资源局_企业用地_2023-2025.xlsx — sheets per year, two header rows: 序号 | 年份 | 宗地编号 |
   统一社会信用代码 | 土地使用权人 | 土地用途 | 面积情况{土地使用权面积（亩）, 出租面积（亩）, 承租面积（亩）} |
   重大项目在建. The first year's 土地使用权面积 is in 平方米. One row per parcel and holder: owners carry
   土地使用权面积 and 出租面积, tenants only 承租面积 (a firm with several parcels has several rows). Mess:
   middle year: 1 invalid USCC, 1 blank row; last year: 1 exact duplicate, and tenants' empty area
   cells written "/". Each sheet ends with a 合计 row.
6. 生态环境局_主要污染物排放_2023-2025.xlsx — sheet 主要污染物排放, two header rows: 序号 | 年份 |
   统一社会信用代码 | 排污单位名称 | 污染物排放量{化学需氧量（吨）, 氨氮（吨）, 二氧化硫（吨）, 氮氧化物（吨）} |
   较大及以上环境事件. Firm-years on the 重点排污单位 list; pollutants an industry does not emit are "/".
   Mess: 1 invalid USCC, 1 blank row, 1 合计 row.
7. 应急管理局_安全生产事故_2023-2025.xlsx — sheet 安全生产事故, one header row: 序号 | 年份 |
   统一社会信用代码 | 企业名称 | 较大及以上安全事故 ("是"). Clean.

Workbooks are byte-identical across runs (fixed document properties; xlsxwriter fixes zip times).

The 科技局 file for enterprise cultivation (科技局_企业创新能力_2023-2025.xlsx) is planned and written on its own by
`write_innovation_file` (see `plan_innovation_file` at the end), so the seven files above stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from gaoxin.demo.catalog import ZONE_NAME
from gaoxin.demo.zone import Zone
from gaoxin.ingest import uscc as uscc_mod

CREATED = dt.datetime(2026, 1, 15, 9, 0, 0)
DEPARTMENTS = ("registry", "tax", "stats", "power", "land", "env", "safety")
DEPARTMENT_LABELS = {
    "registry": "市场监管局",
    "tax": "税务局",
    "stats": "统计局",
    "power": "供电公司",
    "land": "自然资源局",
    "env": "生态环境局",
    "safety": "应急管理局",
    "sci": "科技局",
}
PLACEHOLDERS = ("—", "/", "…")
TOTAL_LABEL = "合计"
# Header cells that name no field: tests and importers may ignore them
IGNORABLE_HEADERS = ("序号", "户号", "其中：增值税", "备注")
SQM_PER_MU = 10000.0 / 15.0
# How close a value read back from the files (converted to canonical units) is to `expected_facts`:
# float noise only (math.isclose with these), except 土地使用权面积 written in 平方米, where 0.005 m² of
# rounding is up to 7.5e-6 亩 per parcel (so a firm-year summing k parcels is within k × 1e-5 亩).
TOLERANCE = {"rel_tol": 1e-9, "abs_tol": 1e-6, "abs_tol_land_sqm": 1e-5}


def file_names(years: tuple[int, ...]) -> dict[str, str]:
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}"
    return {
        "registry": "市场监管局_企业登记信息.xlsx",
        "tax": f"税务局_企业纳税情况_{span}.xlsx",
        "stats": f"统计局_规上工业企业主要指标_{span}.xlsx",
        "power": f"供电公司_企业用电量_{span}.xlsx",
        "land": f"自然资源局_企业用地_{span}.xlsx",
        "env": f"生态环境局_主要污染物排放_{span}.xlsx",
        "safety": f"应急管理局_安全生产事故_{span}.xlsx",
    }


# ------------------------------------------------------------------------------------------------
# Plan: what goes where. Pure; the writer only renders it.
@dataclass(frozen=True)
class Col:
    key: str  # column of the sheet frame
    header: str  # header text (the child when the column has a parent)
    parent: str | None = None
    kind: str = "text"  # text | num | flag | date | seq
    scale: float = 1.0  # written value = canonical / scale
    decimals: int = 2
    field: str | None = None  # canonical field the column feeds (None: not a fact)
    width: float = 14.0


@dataclass
class SheetPlan:
    name: str
    title: str
    cols: list[Col]
    frame: pl.DataFrame  # data rows in written order: _uscc, _written, _period, _status + value columns
    two_row: bool = False
    unit_line: str | None = None
    note: str | None = None
    total: bool = True
    blank_after: list[int] = field(default_factory=list)  # a blank row follows these data indices
    overrides: dict[tuple[int, str], str] = field(default_factory=dict)  # (data index, key) → text cell
    events: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def header_rows(self) -> list[int]:
        """1-based Excel rows holding the header."""
        first = 2 + (self.unit_line is not None)
        return [first, first + 1] if self.two_row else [first]

    def excel_row(self, i: int) -> int:
        """1-based Excel row of data index i (blank rows shift later rows down)."""
        return self.header_rows[-1] + 1 + i + sum(1 for b in self.blank_after if b < i)


@dataclass
class FilePlan:
    department: str
    file_name: str
    sheets: list[SheetPlan]


_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def plan_department_files(zone: Zone) -> list[FilePlan]:
    """The seven files as data (cached per zone object)."""
    plans = _PLANS.get(zone)
    if plans is None:
        names = file_names(zone.years)
        builders = {
            "registry": _registry,
            "tax": _tax,
            "stats": _stats,
            "power": _power,
            "land": _land,
            "env": _env,
            "safety": _safety,
        }
        plans = []
        for k, dep in enumerate(DEPARTMENTS):
            rng = np.random.default_rng([zone.seed, 1000 + k])
            plans.append(FilePlan(dep, names[dep], builders[dep](zone, rng)))
        _PLANS[zone] = plans
    return plans


def write_department_files(
    zone: Zone, out_dir: str | Path, departments: tuple[str, ...] | None = None
) -> list[Path]:
    """Write the department workbooks into out_dir (created if needed); return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for plan in plan_department_files(zone):
        if departments is not None and plan.department not in departments:
            continue
        path = out / plan.file_name
        _write_workbook(plan, path)
        paths.append(path)
    return paths


def expected_mess(zone: Zone) -> dict[str, dict]:
    """Per file name: counts of every irregularity, per sheet and in total, plus row-level events.

    Row kinds are exclusive: every row below the header is exactly one of ok, invalid_uscc,
    exact_duplicate (the second copy), conflicting_duplicate (the later, different copy), total (合计),
    blank, note. Cell kinds never make a row invalid: placeholder cells ("—", "/", "…" for a value
    that does not exist) may sit in any data row; text_number, fullwidth, messy_uscc, text_date and
    letter_industry_code cells only in ok rows that have no duplicate.
    """
    out = {}
    unregistered = set(zone.enterprises.filter(~pl.col("in_registry"))["uscc"].to_list())
    for plan in plan_department_files(zone):
        per_sheet = {}
        tot: dict[str, int] = {}
        events = []
        for sh in plan.sheets:
            c = dict(sh.counts)
            c["header_row_numbers"] = sh.header_rows
            c["first_data_row"] = sh.header_rows[-1] + 1
            per_sheet[sh.name] = c
            for k, v in sh.counts.items():
                tot[k] = tot.get(k, 0) + v
            events += [{"sheet": sh.name, **e} for e in sh.events]
        present = set(pl.concat([s.frame.select("_uscc") for s in plan.sheets])["_uscc"].to_list())
        out[plan.file_name] = {
            "department": plan.department,
            "sheets": [s.name for s in plan.sheets],
            **tot,
            "unregistered_usccs": sorted(present & unregistered),
            "per_sheet": per_sheet,
            "events": events,
        }
    return out


def expected_facts(zone: Zone) -> pl.DataFrame:
    """Every value the files carry, one row per (file, sheet, Excel row, field), canonical units.

    `status` is the row kind (see `expected_mess`); `uscc` is the true code, `uscc_written` the cell
    as written. Numeric fields fill `value`, attributes (name, town, …, parcel_id, land_use) fill `text`.
    A placeholder or empty cell yields no fact.
    """
    return _plan_facts(plan_department_files(zone))


def _plan_facts(plans: list[FilePlan]) -> pl.DataFrame:
    parts = []
    for plan in plans:
        for sh in plan.sheets:
            f = sh.frame.with_row_index("_i")
            rows = pl.Series([sh.excel_row(i) for i in range(f.height)], dtype=pl.Int64)
            base = f.select(
                pl.lit(plan.file_name).alias("file"),
                pl.lit(plan.department).alias("department"),
                pl.lit(sh.name).alias("sheet"),
                rows.alias("row"),
                pl.col("_status").alias("status"),
                pl.col("_uscc").alias("uscc"),
                pl.col("_written").alias("uscc_written"),
                pl.col("_period").alias("period"),
                pl.col("_i"),
            )
            for col in sh.cols:
                if col.field is None:
                    continue
                numeric = col.kind in ("num", "flag")
                src = f[col.key].cast(pl.Float64 if numeric else pl.Utf8)
                part = base.with_columns(
                    pl.lit(col.field).alias("field"),
                    (src if numeric else pl.Series([None] * f.height, dtype=pl.Float64)).alias("value"),
                    (pl.Series([None] * f.height, dtype=pl.Utf8) if numeric else src).alias("text"),
                )
                part = part.filter(pl.col("value").is_not_null() | pl.col("text").is_not_null())
                parts.append(part)
    return (
        pl.concat(parts)
        .drop("_i")
        .select(
            "file",
            "department",
            "sheet",
            "row",
            "status",
            "uscc",
            "uscc_written",
            "period",
            "field",
            "value",
            "text",
        )
    )


# ------------------------------------------------------------------------------------------------
# Builders, one per department
def _base(df: pl.DataFrame, period: str | pl.Expr | None) -> pl.DataFrame:
    per = pl.lit(period, pl.Utf8) if period is None or isinstance(period, str) else period
    return df.with_columns(
        pl.col("uscc").alias("_uscc"),
        pl.col("uscc").alias("_written"),
        per.alias("_period"),
        pl.lit("ok").alias("_status"),
    )


def _registry(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.filter(pl.col("in_registry")).sort("registered_on", "uscc")
    df = _base(e, None)
    cols = [
        Col("_seq", "序号", kind="seq", width=7),
        Col("_written", "统一社会信用代码", width=22),
        Col("name", "企业名称", field="name", width=34),
        Col("registered_on", "注册日期", kind="date", field="registered_on", width=12),
        Col("town", "所属镇街", field="town", width=12),
        Col("industry_code", "行业代码", field="industry_code", width=10),
        Col("industry_name", "行业名称", field="industry_name", width=26),
        Col("business_scope", "经营范围", field="business_scope", width=80),
    ]
    sh = SheetPlan(
        "企业登记信息",
        f"{ZONE_NAME}市场主体登记信息（截至{zone.years[-1]}年12月31日）",
        cols,
        df,
        total=False,
    )
    m = _Mess(sh, rng)
    m.exact_duplicates(1)
    m.finish_rows()
    m.cells("industry_code", 5, lambda v, i: "C" + v, "letter_industry_code")
    m.cells(
        "registered_on",
        3,
        lambda v, i: f"{v.year}/{v.month}/{v.day}" if i % 2 == 0 else f"{v.year}年{v.month}月{v.day}日",
        "text_date",
    )
    m.uscc_cells(2, lambda c: f" {c.lower()} ", "messy_uscc")
    m.uscc_cells(1, _fullwidth, "fullwidth")
    m.blank_rows(1)
    return [sh]


def _tax(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.select("uscc", "name")
    sheets = []
    for k, y in enumerate(zone.years):
        fy = (
            zone.firm_years.filter(pl.col("year") == y)
            .join(e, on="uscc")
            .sort(pl.col("tax_paid"), pl.col("uscc"), descending=[True, False])
        )
        df = _base(fy, str(y))
        unit = "(万元)" if k == 2 else "（万元）"
        cols = [
            Col("_seq", "序号", kind="seq", width=7),
            Col("_written", "统一社会信用代码", width=22),
            Col("name", "纳税人名称", field="name", width=34),
            Col("tax_paid", f"税收实际贡献{unit}", "纳税情况", "num", 1e4, 2, "tax_paid", 16),
            Col("vat", "其中：增值税（万元）", "纳税情况", "num", 1e4, 2, None, 16),
            Col("dishonest", "是否失信", "重大税收违法失信主体", "flag", field="dishonest", width=14),
        ]
        sh = SheetPlan(
            f"{y}年",
            f"{ZONE_NAME}{y}年度企业税收实际贡献情况表",
            cols,
            df,
            two_row=True,
            unit_line="单位：万元",
            note="注：税收实际贡献为企业在本区实际缴纳的各项税收（不含代扣代缴个人所得税），已扣除出口退税和留抵退税；"
            "负数为当年退税大于缴税。",
        )
        m = _Mess(sh, rng)
        if k == 1:
            m.exact_duplicates(1)
            m.conflicting_duplicates(
                1, "tax_paid", lambda v: round(v * 1.18 / 100) * 100.0, where=pl.col("tax_paid") >= 1e5
            )
            m.invalid_usccs(2)
        if k == 2:
            m.invalid_usccs(1, letter_o=True)
        m.finish_rows()
        if k == 0:
            m.cells(
                "tax_paid", 4, lambda v, i: f"{v / 1e4:,.2f}", "text_number", where=pl.col("tax_paid") >= 1e7
            )
            m.uscc_cells(2, _fullwidth, "fullwidth")
            m.blank_rows(1)
        if k == 1:
            m.cells("vat", 3, lambda v, i: "—", "placeholder")
        if k == 2:
            m.cells("vat", 2, lambda v, i: "/", "placeholder")
        sheets.append(sh)
    return sheets


def _stats(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.select("uscc", "name", "industry_code")
    fy = (
        zone.firm_years.filter(pl.col("above_scale"))
        .join(e, on="uscc")
        .sort(pl.col("year"), pl.col("revenue"), pl.col("uscc"), descending=[False, True, False])
    )
    df = _base(fy, pl.col("year").cast(pl.Utf8)).with_columns(pl.col("year").cast(pl.Int64))
    cols = [
        Col("_seq", "序号", kind="seq", width=7),
        Col("year", "统计年度", kind="num", decimals=0, width=10),
        Col("_written", "统一社会信用代码", width=22),
        Col("name", "单位名称", field="name", width=34),
        Col("industry_code", "行业代码", field="industry_code", width=10),
        Col("revenue", "营业收入（万元）", "主要经济指标", "num", 1e4, 2, "revenue", 16),
        Col("value_added", "工业增加值（万元）", "主要经济指标", "num", 1e4, 2, "value_added", 16),
        Col("rd_expense", "Ｒ＆Ｄ经费支出（万元）", "主要经济指标", "num", 1e4, 2, "rd_expense", 18),
        Col("energy_tce", "综合能耗（吨标准煤）", "能源消费", "num", 1.0, 2, "energy_tce", 18),
        Col("staff", "年平均职工人数（人）", kind="num", decimals=0, field="staff", width=14),
        Col("above_scale", "是否规上", kind="flag", field="above_scale", width=10),
    ]
    sh = SheetPlan(
        "规上工业企业",
        f"{ZONE_NAME}规模以上工业企业主要经济指标（{zone.years[0]}—{zone.years[-1]}年）",
        cols,
        df,
        two_row=True,
    )
    m = _Mess(sh, rng)
    m.invalid_usccs(1)
    m.conflicting_duplicates(
        1, "revenue", lambda v: round(v * 0.93 / 100) * 100.0, where=pl.col("year") == zone.years[-1]
    )
    m.finish_rows()
    m.placeholders_for_nulls("rd_expense")
    m.cells("revenue", 3, lambda v, i: f"{v / 1e4:,.2f}", "text_number", where=pl.col("revenue") >= 1e7)
    m.cells("staff", 2, lambda v, i: _fullwidth(str(int(v))), "fullwidth")
    m.blank_rows(1)
    return [sh]


def _power(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.with_row_index("_k").select(
        "uscc",
        "name",
        (
            pl.lit("33") + ((pl.col("_k").cast(pl.Int64) * 7919 + 1234567) % 10**8).cast(pl.Utf8).str.zfill(8)
        ).alias("account"),
    )
    sheets = []
    mid = len(zone.years) // 2 if len(zone.years) > 1 else -1
    for k, y in enumerate(zone.years):
        fy = zone.firm_years.filter(pl.col("year") == y).join(e, on="uscc").sort("account")
        df = _base(fy, str(y))
        kwh = k == mid
        cols = [
            Col("account", "户号", width=14),
            Col("name", "用电户名", field="name", width=34),
            Col("_written", "统一社会信用代码", width=22),
            Col(
                "power_kwh",
                "用电量（千瓦时）" if kwh else "用电量（万千瓦时）",
                kind="num",
                scale=1.0 if kwh else 1e4,
                decimals=0 if kwh else 4,
                field="power_kwh",
                width=16,
            ),
        ]
        sh = SheetPlan(f"{y}年", f"国网{ZONE_NAME[:2]}供电公司{y}年度高新区企业用电量明细表", cols, df)
        m = _Mess(sh, rng)
        if k == len(zone.years) - 1:
            m.exact_duplicates(1)
        if k == 0:
            m.invalid_usccs(2)
        m.finish_rows()
        if k == 0:
            m.blank_rows(1)
        if kwh:
            m.cells("power_kwh", 5, lambda v, i: f"{v:,.0f}", "text_number", where=pl.col("power_kwh") >= 1e6)
        sheets.append(sh)
    return sheets


def _land(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.select("uscc", "name")
    sheets = []
    for k, y in enumerate(zone.years):
        p = (
            zone.parcels.filter(pl.col("year") == y)
            .join(e, on="uscc")
            .with_columns(pl.when(pl.col("role") == "own").then(0).otherwise(1).alias("_r"))
            .sort("parcel_id", "_r", "uscc")
        )
        df = _base(p, str(y)).with_columns(pl.col("year").cast(pl.Int64))
        sqm = k == 0
        cols = [
            Col("_seq", "序号", kind="seq", width=7),
            Col("year", "年份", kind="num", decimals=0, width=8),
            Col("parcel_id", "宗地编号", field="parcel_id", width=16),
            Col("_written", "统一社会信用代码", width=22),
            Col("name", "土地使用权人", field="name", width=34),
            Col("land_use", "土地用途", field="land_use", width=12),
            Col(
                "area_mu",
                "土地使用权面积（平方米）" if sqm else "土地使用权面积（亩）",
                "面积情况",
                "num",
                1.0 / SQM_PER_MU if sqm else 1.0,
                2 if sqm else 4,
                "land_own_mu",
                20,
            ),
            Col("leased_out_mu", "出租面积（亩）", "面积情况", "num", 1.0, 2, "land_leased_out_mu", 14),
            Col("leased_in_mu", "承租面积（亩）", "面积情况", "num", 1.0, 2, "land_leased_in_mu", 14),
            Col("major_project", "重大项目在建", kind="flag", field="major_project", width=14),
        ]
        sh = SheetPlan(f"{y}年", f"{ZONE_NAME}工业用地宗地台账（{y}年）", cols, df, two_row=True)
        m = _Mess(sh, rng)
        if k == len(zone.years) - 1:
            m.exact_duplicates(1, where=pl.col("role") == "own")
        if k == 1:
            m.invalid_usccs(1)
        m.finish_rows()
        if k == 1:
            m.blank_rows(1)
        if k == len(zone.years) - 1:
            m.placeholders_for_nulls("area_mu", ("/",))
            m.placeholders_for_nulls("leased_out_mu", ("/",))
        sheets.append(sh)
    return sheets


def _env(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.select("uscc", "name")
    fy = zone.firm_years.filter(pl.col("in_env_list")).join(e, on="uscc").sort("year", "name")
    df = _base(fy, pl.col("year").cast(pl.Utf8)).with_columns(pl.col("year").cast(pl.Int64))
    parent = "污染物排放量"
    cols = [
        Col("_seq", "序号", kind="seq", width=7),
        Col("year", "年份", kind="num", decimals=0, width=8),
        Col("_written", "统一社会信用代码", width=22),
        Col("name", "排污单位名称", field="name", width=34),
        Col("cod_t", "化学需氧量（吨）", parent, "num", 1.0, 4, "cod_t", 14),
        Col("nh3n_t", "氨氮（吨）", parent, "num", 1.0, 4, "nh3n_t", 12),
        Col("so2_t", "二氧化硫（吨）", parent, "num", 1.0, 4, "so2_t", 14),
        Col("nox_t", "氮氧化物（吨）", parent, "num", 1.0, 4, "nox_t", 14),
        Col("env_accident", "较大及以上环境事件", kind="flag", field="env_accident", width=18),
    ]
    sh = SheetPlan(
        "主要污染物排放",
        f"{ZONE_NAME}重点排污单位主要污染物排放量（{zone.years[0]}—{zone.years[-1]}年）",
        cols,
        df,
        two_row=True,
    )
    m = _Mess(sh, rng)
    m.invalid_usccs(1)
    m.finish_rows()
    for p in ("cod_t", "nh3n_t", "so2_t", "nox_t"):
        m.placeholders_for_nulls(p, ("/",))
    m.blank_rows(1)
    return [sh]


def _safety(zone: Zone, rng) -> list[SheetPlan]:
    e = zone.enterprises.select("uscc", "name")
    fy = zone.firm_years.filter(pl.col("safety_accident")).join(e, on="uscc").sort("year", "uscc")
    df = _base(fy, pl.col("year").cast(pl.Utf8)).with_columns(pl.col("year").cast(pl.Int64))
    cols = [
        Col("_seq", "序号", kind="seq", width=7),
        Col("year", "年份", kind="num", decimals=0, width=8),
        Col("_written", "统一社会信用代码", width=22),
        Col("name", "企业名称", field="name", width=34),
        Col("safety_accident", "较大及以上安全事故", kind="flag", field="safety_accident", width=18),
    ]
    sh = SheetPlan(
        "安全生产事故",
        f"{ZONE_NAME}较大及以上生产安全事故涉事企业名单（{zone.years[0]}—{zone.years[-1]}年）",
        cols,
        df,
        total=False,
    )
    _Mess(sh, rng).finish_rows()
    return [sh]


# ------------------------------------------------------------------------------------------------
class _Mess:
    """Applies row mess (before `finish_rows`) and cell mess (after) to a sheet plan, counting it."""

    ROW_KINDS = ("ok", "invalid_uscc", "exact_duplicate", "conflicting_duplicate", "total", "blank", "note")
    CELL_KINDS = (
        "placeholder",
        "text_number",
        "fullwidth",
        "messy_uscc",
        "text_date",
        "letter_industry_code",
    )

    def __init__(self, sheet: SheetPlan, rng: np.random.Generator):
        self.sh, self.rng = sheet, rng
        self.used: set[int] = set()  # data indices already carrying mess (or paired with a duplicate)
        self.dups: list[tuple[int, str, dict]] = []  # (index of original, kind, changed values)
        sheet.counts.update({f"{k}_rows": 0 for k in self.ROW_KINDS})
        sheet.counts.update({f"{k}_cells": 0 for k in self.CELL_KINDS})

    def _pick(self, k: int, where: pl.Expr | None = None, at_most: bool = False) -> list[int]:
        f = self.sh.frame.with_row_index("_i")
        if where is not None:
            f = f.filter(where)
        cand = np.array([i for i in f["_i"].to_list() if i not in self.used], dtype=np.int64)
        if cand.size < k:
            if not at_most:
                raise ValueError(f"sheet {self.sh.name}: not enough rows for the mess")
            k = cand.size  # small zones: fewer cells qualify (e.g. taxes ≥ 1000万元); the counts say so
        chosen = sorted(int(i) for i in self.rng.choice(cand, k, replace=False))
        self.used.update(chosen)
        return chosen

    # row mess -----------------------------------------------------------------------------------
    def invalid_usccs(self, k: int, letter_o: bool = False) -> None:
        where = pl.col("_uscc").str.slice(2, 15).str.contains("0") if letter_o else None
        idx = self._pick(k, where)
        written = self.sh.frame["_written"].to_list()
        status = self.sh.frame["_status"].to_list()
        for i in idx:
            written[i] = _corrupt(written[i], self.rng, letter_o)
            status[i] = "invalid_uscc"
        self.sh.frame = self.sh.frame.with_columns(
            pl.Series("_written", written), pl.Series("_status", status)
        )

    def exact_duplicates(self, k: int, where: pl.Expr | None = None) -> None:
        for i in self._pick(k, where):
            self.dups.append((i, "exact_duplicate", {}))

    def conflicting_duplicates(self, k: int, key: str, change, where: pl.Expr | None = None) -> None:
        for i in self._pick(k, where):
            self.dups.append((i, "conflicting_duplicate", {key: change(self.sh.frame[key][i])}))

    def finish_rows(self) -> None:
        """The duplicates go in: exact copies right after their original, conflicting ones at the end."""
        f = self.sh.frame.with_row_index("_orig")
        pieces, start = [], 0
        exact = sorted(i for i, kind, _ in self.dups if kind == "exact_duplicate")
        for i in exact:
            pieces += [
                f[start : i + 1],
                f[i : i + 1].with_columns(pl.lit("exact_duplicate").alias("_status")),
            ]
            start = i + 1
        pieces.append(f[start:])
        for i, kind, changes in self.dups:
            if kind == "conflicting_duplicate":
                pieces.append(
                    f[i : i + 1].with_columns(
                        pl.lit("conflicting_duplicate").alias("_status"),
                        *[pl.lit(v, f.schema[c]).alias(c) for c, v in changes.items()],
                    )
                )
        f = pl.concat(pieces)
        self.sh.frame = f.drop("_orig")
        orig = f["_orig"].to_list()
        status = f["_status"].to_list()
        # indices now refer to the final order; rows paired with a duplicate carry no cell mess
        paired = {
            o for o, s in zip(orig, status, strict=True) if s in ("exact_duplicate", "conflicting_duplicate")
        }
        self.used = {j for j, (o, s) in enumerate(zip(orig, status, strict=True)) if s != "ok" or o in paired}
        first_of = {}
        for j, o in enumerate(orig):
            first_of.setdefault(o, j)
        for j, s in enumerate(status):
            self.sh.counts[f"{s}_rows"] += 1
            if s != "ok":
                ev = {
                    "row": self.sh.excel_row(j),
                    "kind": s,
                    "uscc": f["_uscc"][j],
                    "uscc_written": f["_written"][j],
                    "period": f["_period"][j],
                }
                if s.endswith("duplicate"):
                    ev["original_row"] = self.sh.excel_row(first_of[orig[j]])
                self.sh.events.append(ev)
        if self.sh.total:
            self.sh.counts["total_rows"] = 1
        if self.sh.note:
            self.sh.counts["note_rows"] = 1

    def blank_rows(self, k: int) -> None:
        """Blank rows after k distinct data rows (not the last); event rows shift accordingly."""
        n = self.sh.frame.height
        after = sorted(int(i) for i in self.rng.choice(np.arange(n - 1), k, replace=False))
        self.sh.blank_after = after
        self.sh.counts["blank_rows"] = k
        for ev in self.sh.events:  # recompute rows now that blank rows exist
            ev["row"] = self._shift(ev["row"])
            if "original_row" in ev:
                ev["original_row"] = self._shift(ev["original_row"])
        for j in after:
            self.sh.events.append(
                {
                    "row": self.sh.excel_row(j) + 1,
                    "kind": "blank",
                    "uscc": None,
                    "uscc_written": None,
                    "period": None,
                }
            )
        self.sh.events.sort(key=lambda e: e["row"])

    def _shift(self, row: int) -> int:
        i = row - self.sh.header_rows[-1] - 1  # data index before blank rows existed
        return self.sh.excel_row(i)

    # cell mess ----------------------------------------------------------------------------------
    def cells(self, key: str, k: int, render, kind: str, where: pl.Expr | None = None) -> None:
        base = pl.col(key).is_not_null()
        idx = self._pick(k, base if where is None else base & where, at_most=True)
        for n_, i in enumerate(idx):
            self.sh.overrides[(i, key)] = render(self.sh.frame[key][i], n_)
        self.sh.counts[f"{kind}_cells"] += len(idx)

    def uscc_cells(self, k: int, render, kind: str) -> None:
        idx = self._pick(k)
        written = self.sh.frame["_written"].to_list()
        for i in idx:
            written[i] = render(written[i])
        self.sh.frame = self.sh.frame.with_columns(pl.Series("_written", written))
        self.sh.counts[f"{kind}_cells"] += k

    def placeholders_for_nulls(self, key: str, marks: tuple[str, ...] = PLACEHOLDERS) -> None:
        """Write a placeholder instead of an empty cell wherever the value is null (in data rows)."""
        nulls = self.sh.frame.with_row_index("_i").filter(pl.col(key).is_null())["_i"].to_list()
        for n_, i in enumerate(nulls):
            self.sh.overrides[(i, key)] = marks[n_ % len(marks)]
        self.sh.counts["placeholder_cells"] += len(nulls)


_FW = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.,()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}


def _fullwidth(s: str) -> str:
    return "".join(_FW.get(c, c) for c in s)


def _corrupt(code: str, rng: np.random.Generator, letter_o: bool) -> str:
    """One character changed: any substitution breaks the GB 32100 check (31 is prime)."""
    if letter_o:
        pos = [i for i in range(2, 17) if code[i] == "0"]
        p = int(rng.choice(pos))
        bad = code[:p] + "O" + code[p + 1 :]
    else:
        p = int(rng.integers(8, 17))
        alphabet = [c for c in uscc_mod.ALPHABET if c != code[p]]
        bad = code[:p] + alphabet[int(rng.integers(0, len(alphabet)))] + code[p + 1 :]
    assert not uscc_mod.is_valid(bad)
    return bad


# ------------------------------------------------------------------------------------------------
# Writer
def _write_workbook(plan: FilePlan, path: Path) -> None:
    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties(
        {
            "title": plan.file_name.removesuffix(".xlsx"),
            "author": DEPARTMENT_LABELS[plan.department],
            "company": ZONE_NAME,
            "created": CREATED,
        }
    )
    fmt = _Formats(wb)
    for sh in plan.sheets:
        _write_sheet(wb.add_worksheet(sh.name), sh, fmt)
    wb.close()


class _Formats:
    def __init__(self, wb):
        border = {"border": 1, "font_name": "宋体", "font_size": 10}
        self.title = wb.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "font_name": "黑体"}
        )
        self.unit = wb.add_format({"align": "right", "font_size": 10, "font_name": "宋体"})
        self.note = wb.add_format({"align": "left", "font_size": 9, "font_name": "宋体", "text_wrap": True})
        self.header = wb.add_format(
            {
                **border,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#DDEBF7",
            }
        )
        self.text = wb.add_format(border)
        self.center = wb.add_format({**border, "align": "center"})
        self.date = wb.add_format({**border, "num_format": "yyyy-mm-dd", "align": "center"})
        self.total = wb.add_format({**border, "bold": True, "align": "center"})
        self._num: dict[tuple[int, bool], object] = {}
        self.wb = wb

    def num(self, decimals: int, bold: bool = False):
        key = (decimals, bold)
        if key not in self._num:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._num[key] = self.wb.add_format(
                {"border": 1, "font_name": "宋体", "font_size": 10, "bold": bold, "num_format": pattern}
            )
        return self._num[key]


def _write_sheet(ws, sh: SheetPlan, fmt: _Formats) -> None:  # noqa: C901 — one branch per kind of planted mess, in the order the sheet is laid out
    cols = sh.cols
    nc = len(cols)
    for j, c in enumerate(cols):
        ws.set_column(j, j, c.width)
    ws.merge_range(0, 0, 0, nc - 1, sh.title, fmt.title)
    ws.set_row(0, 28)
    r = 1
    if sh.unit_line:
        ws.merge_range(r, 0, r, nc - 1, sh.unit_line, fmt.unit)
        r += 1
    if sh.two_row:
        j = 0
        while j < nc:
            c = cols[j]
            if c.parent is None:
                ws.merge_range(r, j, r + 1, j, c.header, fmt.header)
                j += 1
                continue
            k = j
            while k + 1 < nc and cols[k + 1].parent == c.parent:
                k += 1
            if k > j:
                ws.merge_range(r, j, r, k, c.parent, fmt.header)
            else:
                ws.write_string(r, j, c.parent, fmt.header)
            for m in range(j, k + 1):
                ws.write_string(r + 1, m, cols[m].header, fmt.header)
            j = k + 1
        r += 2
    else:
        for j, c in enumerate(cols):
            ws.write_string(r, j, c.header, fmt.header)
        r += 1
    ws.freeze_panes(r, 0)

    blanks = set(sh.blank_after)
    over = sh.overrides
    keys = [c.key for c in cols]
    num_fmt = [fmt.num(c.decimals) for c in cols]
    totals = [0.0] * nc
    for i, row in enumerate(sh.frame.select([k for k in keys if k != "_seq"]).iter_rows()):
        vals = iter(row)
        for j, c in enumerate(cols):
            v = i + 1 if c.kind == "seq" else next(vals)
            o = over.get((i, c.key))
            if o is not None:
                ws.write_string(r, j, o, fmt.text)
            elif v is None:
                ws.write_blank(r, j, None, fmt.text)
            elif c.kind == "seq":
                ws.write_number(r, j, v, fmt.center)
            elif c.kind == "num":
                w = round(v / c.scale, c.decimals)
                if c.decimals == 0:
                    w = int(w)
                ws.write_number(r, j, w, num_fmt[j])
                totals[j] += w
            elif c.kind == "flag":
                ws.write_string(r, j, "是" if v else "否", fmt.center)
            elif c.kind == "date":
                ws.write_datetime(r, j, dt.datetime(v.year, v.month, v.day), fmt.date)
            else:
                ws.write_string(r, j, str(v), fmt.text)
            if o is not None and c.kind == "num":  # text cells still count in a department's own sum
                totals[j] += (
                    round(v / c.scale, c.decimals) if v is not None and o not in PLACEHOLDERS else 0.0
                )
        r += 1
        if i in blanks:
            r += 1
    if sh.total:
        first_num = next(j for j, c in enumerate(cols) if c.kind == "num" and c.key != "year")
        if first_num > 1:
            ws.merge_range(r, 0, r, first_num - 1, TOTAL_LABEL, fmt.total)
        else:
            ws.write_string(r, 0, TOTAL_LABEL, fmt.total)
        for j in range(first_num, nc):
            c = cols[j]
            if c.kind == "num":
                ws.write_number(r, j, round(totals[j], c.decimals), fmt.num(c.decimals, bold=True))
            else:
                ws.write_blank(r, j, None, fmt.text)
        r += 1
    if sh.note:
        ws.merge_range(r, 0, r, nc - 1, sh.note, fmt.note)
        ws.set_row(r, 30)


# ------------------------------------------------------------------------------------------------
# 科技局 file for enterprise cultivation (written on its own: the seven files above stay as they are)
_SCI_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
SCI_CODE_HEADERS = {
    "product_field": "主导产品领域（代码，0其他/1战略性新兴产业/2工业六基等/3补短板锻长板填空白）",
    "hnte_domain": "所属高新技术领域（代码，一级领域10–80，0不属于）",
    "digital_level": "数字化水平等级（级）",
}


def innovation_file_name(years: tuple[int, ...]) -> str:
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}"
    return f"科技局_企业创新能力_{span}.xlsx"


def plan_innovation_file(zone: Zone) -> FilePlan:
    """科技局_企业创新能力_2023-2025.xlsx as data: sheets per year, two header rows, codes explained in the
    headers, and some mess — 2023: 2 销售收入 cells with thousand separators, 1 blank row; 2024: 1 invalid
    USCC, 细分市场占有率 not reported written "—"; 2025: 1 exact duplicate, 2 资产负债率 cells written as
    text "45.2%", 2 职工总数 cells in full-width digits. A "注：" line closes each sheet; no 合计 (ratios)."""
    plan = _SCI_PLANS.get(zone)
    if plan is not None:
        return plan
    from gaoxin.demo.zone import cultivation_years

    truth, _near = cultivation_years(zone)
    e = zone.enterprises.select("uscc", "name")
    rng = np.random.default_rng([zone.seed, 1100])
    money, pct = ("num", 1e4, 2), ("num", 0.01, 1)

    def c(key, header, parent, spec=("num", 1.0, 0), width=14.0):
        kind, scale, decimals = spec
        return Col(key, header, parent, kind, scale, decimals, key, width)

    flag = ("flag", 1.0, 0)
    p1, p2, p3, p4, p5, p6, p7 = (
        "经营情况",
        "资产情况",
        "研发活动",
        "人员情况",
        "知识产权与成果",
        "资质荣誉",
        "管理与市场",
    )
    cols = [
        Col("_seq", "序号", kind="seq", width=7),
        Col("_written", "统一社会信用代码", width=22),
        Col("name", "企业名称", field="name", width=34),
        c("revenue", "销售收入（万元）", p1, money, 16),
        c("total_income", "总收入（万元）", p1, money, 16),
        c("ht_income", "高新技术产品(服务)收入（万元）", p1, money, 18),
        c("main_revenue_share", "主营业务收入占比（%）", p1, pct),
        c("total_cost", "成本费用支出总额（万元）", p1, money, 16),
        c("net_margin", "净利润率（%）", p1, pct),
        c("total_assets", "资产总额（万元）", p2, money, 16),
        c("net_assets", "净资产（万元）", p2, money, 16),
        c("debt_ratio", "资产负债率（%）", p2, pct),
        c("rd_expense", "研发费用（万元）", p3, money),
        c("rd_domestic", "其中：境内研发费用（万元）", p3, money, 16),
        # 研发机构级别 is no longer coded here: the 创新平台 register decides (demo.registries lists the platforms)
        c("total_staff", "职工总数（人）", p4),
        c("tech_staff", "科技人员数（人）", p4),
        c("rd_staff", "研发人员数（人）", p4),
        c("ip1_count", "Ⅰ类知识产权（件）", p5),
        c("ip1_high_value", "Ⅰ类高价值知识产权（件）", p5),
        c("ip1_self", "自主研发Ⅰ类知识产权（件）", p5),
        c("ip2_count", "Ⅱ类知识产权（件）", p5),
        c("ip2_self", "自主研发Ⅱ类知识产权（件）", p5),
        c("conversions_avg", "近三年年均成果转化数（项）", p5, ("num", 1.0, 2), 16),
        c("hnte_valid", "有效高新技术企业证书", p6, flag),
        c("hnte_cert_year", "高企证书发证年份（年）", p6),
        c("award_national_rank", "国家级科技奖励排名（名）", p6),
        c("award_provincial_rank", "省级科技奖励排名（名）", p6),
        c("maker_china_rank", "创客中国全国名次（名）", p6),
        c("innovation_title", "国家级技术创新示范企业", p6, flag),
        c("standard_led", "主导制定国际/国家/行业标准", p6, flag),
        c("standard_participated", "参与制定标准", p6, flag),
        c("niche_years", "从事特定细分市场年限（年）", p7, ("num", 1.0, 1)),
        c("product_field", SCI_CODE_HEADERS["product_field"], p7, width=22),
        c("hnte_domain", SCI_CODE_HEADERS["hnte_domain"], p7, width=18),
        c("digital_level", SCI_CODE_HEADERS["digital_level"], p7),
        c("market_share", "主导产品全国细分市场占有率（%）", p7, pct, 16),
        c("equity_financing", "新增股权融资额（万元）", p7, money, 16),
        c("rd_accounts", "研发费用辅助账", p7, flag),
        c("industry_univ_coop", "产学研合作", p7, flag),
        c("conversion_incentive", "成果转化激励制度", p7, flag),
        c("talent_incentive", "科技人员培养与激励制度", p7, flag),
        c("quality_award", "省级以上质量奖", p7, flag),
        c("quality_cert", "质量管理体系认证", p7, flag),
        c("own_brand", "自主品牌", p7, flag),
        c("info_system", "核心业务信息系统支撑", p7, flag),
    ]
    flags = [col.key for col in cols if col.kind == "flag"]
    sheets = []
    last = len(zone.years) - 1
    for k, y in enumerate(zone.years):
        fy = (
            truth.filter(pl.col("year") == y)
            .join(e, on="uscc")
            .sort("uscc")
            .with_columns(pl.col(flags).cast(pl.Boolean))
        )
        sh = SheetPlan(
            f"{y}年",
            f"{ZONE_NAME}{y}年度企业创新能力监测表",
            cols,
            _base(fy, str(y)),
            two_row=True,
            total=False,
            note="注：本表由科技局根据企业创新能力监测数据整理；研发机构级别、主导产品领域、高新技术领域按表头"
            "所列代码填报；空白为企业未填报或不适用。",
        )
        m = _Mess(sh, rng)
        if k == 1:
            m.invalid_usccs(1)
        if k == last:
            m.exact_duplicates(1)
        m.finish_rows()
        if k == 0:
            m.cells(
                "revenue", 2, lambda v, i: f"{v / 1e4:,.2f}", "text_number", where=pl.col("revenue") >= 1e7
            )
            m.blank_rows(1)
        if k == 1:
            m.placeholders_for_nulls("market_share", ("—",))
        if k == last:
            m.cells("debt_ratio", 2, lambda v, i: f"{v * 100:.1f}%", "text_number")
            m.cells("total_staff", 2, lambda v, i: _fullwidth(str(int(v))), "fullwidth")
        sheets.append(sh)
    plan = FilePlan("sci", innovation_file_name(zone.years), sheets)
    _SCI_PLANS[zone] = plan
    return plan


def write_innovation_file(zone: Zone, out_dir: str | Path) -> Path:
    """Write the 科技局 workbook into out_dir; byte-identical across runs, like the department files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = plan_innovation_file(zone)
    path = out / plan.file_name
    _write_workbook(plan, path)
    return path


def innovation_expected_facts(zone: Zone) -> pl.DataFrame:
    """Every value the 科技局 file carries (same shape as `expected_facts`)."""
    return _plan_facts([plan_innovation_file(zone)])
