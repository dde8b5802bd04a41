"""Monthly intake for 经济运行监测: 统计局-style main-indicator tables, firm-level monthly files, targets.

- **Zone tables** (`monitor_zone`): one row per indicator (指标名称 / 单位), columns 当月 (本月, 10月), 累计
  (1-10月, 本年累计), 当月同比 and 累计同比 (a bare 同比增长 column is the cumulative growth); two-row headers
  ("1-10月" over "绝对值 | 增长%") are read as parent/child. The month comes from the title ("2025年1-10月"),
  the sheet name or `--period 2025-10`; a 1–2月 release is marked 合并. Levels in 亿元 / 万元 (or the card's
  own unit) are converted to the card's unit; "—" is not published (never 0). Published growth is kept as
  its own figure (同口径), never recomputed from the levels.
- **Firm files** (`monitor_firm`): 统一社会信用代码, 月份 (2025-10, 2025年10月, 202510), 产值 / 营收 (统计),
  用电量 (电力), 入库税收 (税务) as 当月 amounts, 是否规上; canonical units inside (元, 千瓦时).
- **Targets** (`monitor_target`): 指标名称, 年度, 目标类型 (总量 / 增速), 目标值, 单位, 责任单位.
Every row is accepted, rejected (with reasons naming its columns) or skipped; the rejects go to the normal
`rejected_row` table with the batch (`gaoxin.store.monitoring.write_monthly_batch`).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from gaoxin.ingest import headers, parse, text, units, uscc
from gaoxin.ingest import rows as R
from gaoxin.ingest.prepare import sha256_of
from gaoxin.ingest.readers import RawSheet, ReadError, read_file
from gaoxin.ingest.vocabulary import ITEM_NUMBERING, UnitRule, Vocabulary

CARDS_FILE = Path(__file__).resolve().parents[1] / "data" / "monitoring" / "indicators.toml"
ZONE_SOURCE, FIRM_SOURCE, TARGET_SOURCE = "monitor_zone", "monitor_firm", "monitor_target"
MEASURES = ("month", "cum", "month_yoy", "cum_yoy")
# units of zone series, by family: factor to the family's base
UNIT_FAMILIES = (
    {"元": 1.0, "万元": 1e4, "亿元": 1e8},
    {"美元": 1.0, "万美元": 1e4, "亿美元": 1e8},
    {"千瓦时": 1.0, "万千瓦时": 1e4, "亿千瓦时": 1e8},
    {"%": 1.0},
)
_MONTH_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:(1)\s*[-—–~～至－]\s*)?(\d{1,2})\s*月")
_GROWTH = re.compile(r"增长|同比|增速|增幅|±")
_CUM = re.compile(r"累计|本年|年初|^1[-—–~～至－]\d{1,2}月|/1[-—–~～至－]\d{1,2}月|^1[-—–~～至－]\d{1,2}月")
_MONTH = re.compile(r"当月|本月|(^|/)\d{1,2}月")


@cache
def _catalogue() -> tuple[dict, dict]:
    raw = tomllib.loads(CARDS_FILE.read_text(encoding="utf-8"))
    return {c["id"]: c for c in raw["indicator"]}, {f["id"]: f for f in raw.get("firm_field", [])}


def unit_factor(unit: str, to: str) -> float | None:
    """Factor from `unit` to `to` when both measure the same thing (万元 → 亿元 = 1e-4), else None."""
    u = unit.strip().replace("％", "%")
    for fam in UNIT_FAMILIES:
        if u in fam and to in fam:
            return fam[u] / fam[to]
    return None


def classify(header: str) -> str | None:
    """The measure a zone-table column holds, from its flattened header ('1-10月/增长%' → cum_yoy)."""
    key = text.fold(header).replace(" ", "")
    if re.search(r"^(指标|指标名称|项目)$", key):
        return "name"
    if re.search(r"^(计量)?单位$", key):
        return "unit"
    if _GROWTH.search(key):
        return "month_yoy" if _MONTH.search(key) and not _CUM.search(key) else "cum_yoy"
    if _CUM.search(key):
        return "cum"
    if _MONTH.search(key):
        return "month"
    return None


def _zone_vocab() -> Vocabulary:
    return Vocabulary(
        name="monitor_zone",
        names=(("name", ("指标名称", "指标", "项目")), ("unit", ("单位", "计量单位"))),
        key=("name",),
        key_label="「指标名称」",
        unit_rule=lambda t: None,
        entry=lambda t: None,
        total=r"^$a",
        note=r"^(注|说明|备注|数据来源|资料来源|制表|审核)",
        header_total=r"^$a",
        same_column=lambda t: "指同一项",
        extra_units=frozenset(u for fam in UNIT_FAMILIES for u in fam),
        slash_unit=False,
        numbering=ITEM_NUMBERING,
    )


def _indicator_names() -> dict[str, str]:
    cards, _ = _catalogue()
    table = {}
    for c in cards.values():
        for a in (c["label"], *c.get("aliases", [])):
            table[text.match_key(ITEM_NUMBERING.sub("", text.fold(a)))] = c["id"]
    return table


@dataclass
class MonthlyBatch(R.BatchSummary):
    """A prepared monthly file: the batch summary, the values to store, the rows not accepted."""

    path: Path
    file_name: str
    sha256: str
    source: str
    sheets: list[str]
    periods: list[str]
    rows: int
    accepted: int
    rejected: int
    skipped: int
    values: pl.DataFrame  # zone: indicator, period, measure, value, unit, combined, sheet, row_no
    rejected_rows: pl.DataFrame
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sheet_month(sheet: RawSheet, layout: headers.Layout, period: str | None) -> tuple[str | None, bool]:
    """('2025-10', combined?) from the title above the header, the sheet name, else `period`."""
    texts = [c for r in range(layout.header_rows[0]) for c in sheet.grid.row(r) if c]
    for t in [*texts, sheet.name]:
        m = _MONTH_IN_TITLE.search(text.fold(str(t)))
        if m:
            month = int(m.group(3))
            return f"{m.group(1)}-{month:02d}", bool(m.group(2)) and month == 2
    if period:
        return period, period.endswith("-02")
    return None, False


def _zone_sheet(
    sheet: RawSheet, layout: headers.Layout, file_name: str, period: str | None, notes: list[str]
):
    month, combined = sheet_month(sheet, layout, period)
    if month is None:
        raise headers.SheetError(
            f"{file_name} 工作表「{sheet.name}」无法确定月份：请在标题中写明（如「2025年1-10月主要经济指标」）"
            "或导入时使用 --period 2025-10"
        )
    cards, _ = _catalogue()
    names = _indicator_names()
    cols = {classify(c.header): c for c in reversed(layout.columns) if classify(c.header)}
    if not any(m in cols for m in MEASURES):
        notes.append(f"工作表「{sheet.name}」没有 当月/累计/同比 列，已跳过该表")
        return [], []
    grid = sheet.grid
    raw_names = R.raw_names(layout, grid.width, sheet.col0)
    values, others = [], []
    for i in range(layout.data_start, grid.height):
        cells = ["" if v is None else str(v).strip() for v in grid.row(i)]
        row_no = sheet.row0 + i + 1
        raw = json.dumps(dict(zip(raw_names, cells, strict=True)), ensure_ascii=False)
        name = text.fold(cells[layout.key_col])
        key = text.match_key(ITEM_NUMBERING.sub("", name))

        def keep(status: str, reason: str, columns: str | None = None, _row=row_no, _raw=raw) -> None:
            others.append(
                {
                    "sheet": sheet.name,
                    "row_no": _row,
                    "disposition": status,
                    "columns": columns,
                    "reasons": reason,
                    "raw_json": _raw,
                }
            )

        if not any(cells):
            keep("skipped", "空行")
            continue
        if re.match(_zone_vocab().note, name):
            keep("skipped", "说明行（不是指标数据）")
            continue
        ind = names.get(key) or names.get(re.sub(r"\(.*?\)", "", key))
        if ind is None:
            keep(
                "skipped",
                f"指标「{name}」不在指标卡片中（src/gaoxin/data/monitoring/indicators.toml），未导入",
            )
            continue
        card = cards[ind]
        got, bad = _row_values(cells, cols, card)
        if month.endswith("-01") and card["jan_feb_combined"] and got:
            bad.append((cols.get("cum") or layout.key, f"「{card['label']}」1–2月合并发布，1月不应有数值"))
        if bad:
            keep("rejected", "；".join(b for _, b in bad), "、".join(dict.fromkeys(c.header for c, _ in bad)))
            continue
        if not got:
            keep("skipped", f"「{card['label']}」本期未发布（—）")
            continue
        is_comb = bool(card["jan_feb_combined"]) and month.endswith("-02")
        values += [
            {
                "indicator": ind,
                "period": month,
                "measure": m,
                "value": v,
                "unit": u,
                "combined": is_comb,
                "sheet": sheet.name,
                "row_no": row_no,
            }
            for m, v, u in got
        ]
    return values, others


def _row_values(cells: list[str], cols: dict, card: dict) -> tuple[list, list]:
    """(measure, value, unit) of one indicator row in the card's unit, and the bad cells with reasons."""
    got, bad = [], []
    row_unit = cells[cols["unit"].index] if "unit" in cols else ""
    for measure in MEASURES:
        col = cols.get(measure)
        if col is None:
            continue
        cell = text.fold(cells[col.index])
        if cell in text.NULL_TOKENS or cell == "":
            continue
        try:
            v = float(cell.replace(",", "").rstrip("%"))
        except ValueError:
            bad.append((col, f"列「{col.header}」({col.letter}列)：应为数值，实际为「{cells[col.index]}」"))
            continue
        if measure.endswith("yoy"):
            got.append((measure, v, "%"))
            continue
        if card["kind"] == "growth":
            continue  # a growth-only indicator (增加值: real growth) keeps no level
        unit = (
            row_unit
            or text.split_unit(col.header, frozenset(u for f in UNIT_FAMILIES for u in f), slash=False)[1]
            or card["unit"]
        )
        factor = unit_factor(unit, card["unit"])
        if factor is None:
            where = cols.get("unit", col)
            bad.append(
                (
                    where,
                    f"列「{where.header}」({where.letter}列)：单位「{unit}」不适用于「{card['label']}」，应与 {card['unit']} 同类",
                )
            )
            continue
        got.append((measure, v * factor, card["unit"]))
    return got, bad


VALUE_SCHEMA = {
    "indicator": pl.Utf8,
    "period": pl.Utf8,
    "measure": pl.Utf8,
    "value": pl.Float64,
    "unit": pl.Utf8,
    "combined": pl.Boolean,
    "sheet": pl.Utf8,
    "row_no": pl.Int32,
}
REJECT_SCHEMA = {
    "sheet": pl.Utf8,
    "row_no": pl.Int32,
    "disposition": pl.Utf8,
    "columns": pl.Utf8,
    "reasons": pl.Utf8,
    "raw_json": pl.Utf8,
}


def _batch(
    path: Path,
    source: str,
    sheets: list[str],
    values: pl.DataFrame,
    rejects: pl.DataFrame,
    columns: list[dict],
    notes: list[str],
) -> MonthlyBatch:
    counts = rejects.get_column("disposition").value_counts() if rejects.height else None
    c = dict(counts.iter_rows()) if counts is not None else {}
    accepted_rows = values.select("sheet", "row_no").unique().height if values.height else 0
    return MonthlyBatch(
        path=path,
        file_name=path.name,
        sha256=sha256_of(path),
        source=source,
        sheets=sheets,
        periods=sorted(values.get_column("period").unique().to_list()) if values.height else [],
        rows=accepted_rows + rejects.height,
        accepted=accepted_rows,
        rejected=c.get("rejected", 0),
        skipped=c.get("skipped", 0),
        values=values,
        rejected_rows=rejects.sort("sheet", "row_no"),
        columns=columns,
        notes=notes,
    )


def prepare_zone_table(path: Path | str, period: str | None = None) -> MonthlyBatch:
    """Read one 统计局-style main-indicator file (one sheet per monthly release)."""
    path = Path(path)
    _check_period(period)
    sheets = read_file(path)
    vocab = _zone_vocab()
    notes: list[str] = []
    columns: list[dict] = []
    values, others, used = [], [], []
    for sheet, layout in R.layouts(sheets, path.name, vocab, notes, columns):
        v, o = _zone_sheet(sheet, layout, path.name, period, notes)
        if v or o:
            used.append(sheet.name)
        values += v
        others += o
    if not used:
        raise ReadError(f"{path.name}: 未找到主要经济指标表：应有「指标名称」列和 当月/累计/同比 列")
    # the measure columns are read by `classify`, not the vocabulary: no "unknown column" note for them
    notes = [n for n in notes if "未识别的列" not in n]
    return _batch(
        path,
        ZONE_SOURCE,
        used,
        pl.DataFrame(values, schema=VALUE_SCHEMA),
        pl.DataFrame(others, schema=REJECT_SCHEMA),
        columns,
        notes,
    )


def _check_period(period: str | None) -> None:
    if period is not None and not re.fullmatch(r"(19|20)\d{2}-(0[1-9]|1[0-2])", period):
        raise ReadError(f"--period 应为月份（如 2025-10），实际为「{period}」")


# ---- firm-level monthly files -----------------------------------------------------------------


def _firm_vocab() -> Vocabulary:
    _, fields = _catalogue()
    attrs = {
        "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "纳税人识别号"),
        "name": ("企业名称", "单位名称", "纳税人名称", "用户名称"),
        "month": ("月份", "统计月份", "所属期", "税款所属期", "数据月份", "年月"),
        "above_scale": ("是否规上", "规上标志", "是否规模以上"),
    }
    names = [*attrs.items(), *((f["id"], (f["label"], *f["aliases"])) for f in fields.values())]

    def rule(target: str) -> UnitRule | None:
        f = fields.get(target)
        if f is None:
            return None
        qty = units.QUANTITY_LABELS.get(f["quantity"], f["quantity"])
        return UnitRule(
            f["default_unit"],
            lambda u: units.factor_for(u, f["quantity"]),
            lambda u: f"单位「{u}」不是{qty}单位；{f['label']}应以 {f['default_unit']} 等{qty}单位计量",
        )

    return Vocabulary(
        name="monitor_firm",
        names=tuple((t, tuple(n)) for t, n in names),
        key=("uscc",),
        key_label="「统一社会信用代码」",
        unit_rule=rule,
        entry=lambda t: fields.get(t),
        total=r"^(总?合计|总计|小计|全区合计)",
        note=r"^(注|说明|备注|填表|制表|审核|数据来源)",
        header_total=r"^(总?合计|总计|小计|全区合计)",
        same_column=lambda t: "指同一项",
    )


def month_expr(col: str) -> tuple[pl.Expr, pl.Expr]:
    """'2025-10', '2025年10月', '2025/10', '202510', '2025-10-01' → '2025-10' (vectorised)."""
    f = parse.folded(col)
    m = f.str.extract_groups(r"^((?:19|20)\d{2})\s*[-年/.]?\s*(\d{1,2})")
    y, mo = m.struct.field("1"), m.struct.field("2").cast(pl.Int32, strict=False)
    ok = y.is_not_null() & mo.is_between(1, 12)
    value = pl.when(ok).then(pl.format("{}-{}", y, mo.cast(pl.Utf8).str.zfill(2))).otherwise(None)
    return value, ~parse.is_placeholder(col, f) & ~ok.fill_null(False)


def _firm_sheet(sheet: RawSheet, layout: headers.Layout, period: str | None) -> pl.DataFrame:  # noqa: C901 — builds one expression list per column kind; splitting it would scatter the row ladder
    cols = sheet.grid.columns
    by = layout.by_target()
    data = R.data_rows(sheet, layout)
    code = parse.folded(cols[by["uscc"].index]).str.to_uppercase().str.replace_all(r"[\s-]", "")
    exprs = [
        pl.lit(sheet.name).alias("_sheet"),
        pl.col("_row"),
        R.raw_json(sheet, layout).alias("_raw"),
        code.fill_null("").alias("uscc"),
        *R.line_flags(cols, _firm_vocab(), parse.folded),
    ]
    checks = []
    default_month, _ = sheet_month(sheet, layout, period)
    if "month" in by:
        v, bad = month_expr(cols[by["month"].index])
        exprs += [pl.coalesce(v, pl.lit(default_month)).alias("period"), bad.alias("b:month")]
        checks.append(("b:month", by["month"], "应为月份（如 2025-10 或 2025年10月）"))
    else:
        exprs.append(pl.lit(default_month, dtype=pl.Utf8).alias("period"))
    more, found = R.optional_column(by, cols, "above_scale", parse.flag, "应为 是/否", pl.Float64)
    exprs += more
    checks += found
    _, fields = _catalogue()
    found = [t for t in fields if t in by]
    for t in found:
        v, bad = parse.number(cols[by[t].index], by[t].factor)
        exprs += [v.alias(f"i:{t}"), bad.alias(f"b:{t}"), (v < 0).fill_null(False).alias(f"n:{t}")]
        checks.append((f"b:{t}", by[t], f"应为数值（{by[t].unit}）"))
        if t != "tax":  # a tax refund makes a month's 入库税收 negative; output and power are never negative
            checks.append((f"n:{t}", by[t], "不应为负数"))
    raw_cols = {cols[c.index] for _, c, _ in checks}
    frame = data.select(*exprs, *[pl.col(c).alias(f"r:{c}") for c in sorted(raw_cols)])
    frame = frame.with_columns(pl.Series("_code", uscc.validate_series(frame.get_column("uscc"))))
    msgs = [
        pl.when(pl.col(fl)).then(
            pl.lit(f"列「{c.header}」({c.letter}列)：{m}，实际为「")
            + pl.col(f"r:{cols[c.index]}")
            + pl.lit("」")
        )
        for fl, c, m in checks
    ]
    heads = [pl.when(pl.col(fl)).then(pl.lit(c.header)) for fl, c, _ in checks]
    key = layout.key
    code_msg = pl.col("_code").replace_strict(uscc.REASONS, default=None, return_dtype=pl.Utf8)
    msgs.insert(
        0, pl.when(code_msg.is_not_null()).then(pl.lit(f"列「{key.header}」({key.letter}列)：") + code_msg)
    )
    heads.insert(0, pl.when(code_msg.is_not_null()).then(pl.lit(key.header)))
    no_key = pl.col("_code") != uscc.OK  # no usable code: may be a 合计 or 说明 line
    frame = frame.with_columns(
        R.disposition(
            blank=pl.col("_blank"),
            total=no_key & pl.col("_total"),
            note=no_key & pl.col("_note"),
            reasons=R.join(msgs, "；"),
            columns=R.join(heads, "、"),
            mismatch=pl.lit(period is not None) & (pl.col("period") != pl.lit(period)).fill_null(False),
            no_period=pl.col("period").is_null(),
            period=period,
            total_label="合计行（不是企业数据）",
            note_label="说明行（不是企业数据）",
        )
    )
    helper = [c for c in frame.columns if c[:2] in ("b:", "n:", "r:")]
    return frame.drop("_blank", "_total", "_note", "_code", *helper)


def prepare_firm_file(path: Path | str, period: str | None = None) -> MonthlyBatch:
    """Read one firm-level monthly file (统计 产值/营收, 电力 用电量, 税务 入库税收) as 当月 amounts."""
    path = Path(path)
    _check_period(period)
    sheets = read_file(path)
    vocab = _firm_vocab()
    notes: list[str] = []
    columns: list[dict] = []
    _, fields = _catalogue()
    frames, used = [], []
    for sheet, layout in R.layouts(
        sheets,
        path.name,
        vocab,
        notes,
        columns,
        unusable=lambda lay: (
            None if any(c.target in fields for c in lay.columns) else "没有可识别的月度数值列"
        ),
    ):
        used.append(sheet.name)
        frames.append(_firm_sheet(sheet, layout, period))
    if not used:
        raise ReadError(
            f"{path.name}: 未找到企业月度数据表：应有「统一社会信用代码」列和 产值/营收/用电量/入库税收 之一"
        )
    rows = pl.concat(frames, how="diagonal_relaxed")
    vals = [c for c in rows.columns if c.startswith("i:")]
    rows = R.mark_duplicates(
        rows,
        ["uscc", "period"],
        vals,
        same="与工作表「{}」第{}行完全重复（同一企业、同一月份）",
        differ="同一企业同一月份出现多次且数值不一致（{}），请核对后只保留一行",
    )
    acc = rows.filter(pl.col("_status") == "accepted")
    canon = {"money": "元", "power": "千瓦时"}
    parts = [
        acc.filter(pl.col(c).is_not_null()).select(
            "uscc",
            "period",
            pl.lit(c[2:]).alias("indicator"),
            pl.col(c).alias("value"),
            pl.lit(canon.get(fields[c[2:]]["quantity"], "")).alias("unit"),
            pl.col("above_scale"),
            pl.col("_sheet").alias("sheet"),
            pl.col("_row").alias("row_no"),
        )
        for c in vals
    ]
    schema = {
        "uscc": pl.Utf8,
        "period": pl.Utf8,
        "indicator": pl.Utf8,
        "value": pl.Float64,
        "unit": pl.Utf8,
        "above_scale": pl.Float64,
        "sheet": pl.Utf8,
        "row_no": pl.Int32,
    }
    values = pl.concat(parts).cast(schema) if parts else pl.DataFrame(schema=schema)
    rejects = R.rejected_frame(rows).cast({"row_no": pl.Int32})
    counts = R.status_counts(rows)
    return MonthlyBatch(
        path=path,
        file_name=path.name,
        sha256=sha256_of(path),
        source=FIRM_SOURCE,
        sheets=used,
        periods=sorted(values.get_column("period").unique().to_list()) if values.height else [],
        rows=rows.height,
        accepted=counts.get("accepted", 0),
        rejected=counts.get("rejected", 0),
        skipped=counts.get("skipped", 0),
        values=values,
        rejected_rows=rejects,
        columns=columns,
        notes=notes,
    )


# ---- targets ------------------------------------------------------------------------------------

TARGET_KINDS = {
    "总量": "level",
    "总量目标": "level",
    "绝对值": "level",
    "增速": "growth",
    "增速目标": "growth",
    "增长": "growth",
    "level": "level",
    "growth": "growth",
}


def prepare_target_file(path: Path | str) -> MonthlyBatch:
    """Read a yearly targets sheet: 指标名称, 年度, 目标类型 (总量/增速), 目标值, 单位, 责任单位."""
    path = Path(path)
    sheets = read_file(path)
    vocab = Vocabulary(
        name="monitor_target",
        names=(
            ("name", ("指标名称", "指标")),
            ("year", ("年度", "年份")),
            ("kind", ("目标类型", "类型")),
            ("target", ("目标值", "年度目标", "目标")),
            ("unit", ("单位", "计量单位")),
            ("owner", ("责任单位", "牵头单位", "镇街", "部门")),
        ),
        key=("name",),
        key_label="「指标名称」",
        unit_rule=lambda t: None,
        entry=lambda t: None,
        total=r"^$a",
        note=r"^(注|说明|备注)",
        header_total=r"^$a",
        same_column=lambda t: "指同一项",
    )
    cards, _ = _catalogue()
    names = _indicator_names()
    notes: list[str] = []
    columns: list[dict] = []
    values, others, used = [], [], []
    for sheet, layout in R.layouts(sheets, path.name, vocab, notes, columns):
        used.append(sheet.name)
        v, o = _target_rows(sheet, layout, cards, names)
        values += v
        others += o
    if not used:
        raise ReadError(f"{path.name}: 未找到目标表：应有「指标名称」「年度」「目标类型」「目标值」列")
    schema = {
        "indicator": pl.Utf8,
        "year": pl.Int32,
        "kind": pl.Utf8,
        "value": pl.Float64,
        "unit": pl.Utf8,
        "owner": pl.Utf8,
        "sheet": pl.Utf8,
        "row_no": pl.Int32,
    }
    return _batch(
        path,
        TARGET_SOURCE,
        used,
        pl.DataFrame(values, schema=schema).with_columns(pl.col("year").cast(pl.Utf8).alias("period")),
        pl.DataFrame(others, schema=REJECT_SCHEMA),
        columns,
        notes,
    )


def _target_rows(sheet: RawSheet, layout: headers.Layout, cards: dict, names: dict):  # noqa: C901 — one check per column of a short sheet, each with its own message
    by = layout.by_target()
    missing = [
        lab for t, lab in (("year", "年度"), ("kind", "目标类型"), ("target", "目标值")) if t not in by
    ]
    if missing:
        raise headers.SheetError(f"工作表「{sheet.name}」缺少列：{'、'.join(missing)}")
    raw_names = R.raw_names(layout, sheet.grid.width, sheet.col0)
    values, others = [], []
    for i in range(layout.data_start, sheet.grid.height):
        cells = ["" if v is None else str(v).strip() for v in sheet.grid.row(i)]
        row_no = sheet.row0 + i + 1
        raw = json.dumps(dict(zip(raw_names, cells, strict=True)), ensure_ascii=False)
        if not any(cells):
            others.append(
                {
                    "sheet": sheet.name,
                    "row_no": row_no,
                    "disposition": "skipped",
                    "columns": None,
                    "reasons": "空行",
                    "raw_json": raw,
                }
            )
            continue
        get = {t: text.fold(cells[c.index]) for t, c in by.items()}
        ind = names.get(text.match_key(ITEM_NUMBERING.sub("", get["name"])))
        bad = []
        if ind is None:
            bad.append(("name", f"指标「{get['name']}」不在指标卡片中"))
        kind = TARGET_KINDS.get(get["kind"])
        if kind is None:
            bad.append(("kind", f"目标类型应为 总量 或 增速，实际为「{get['kind']}」"))
        year = re.fullmatch(r"((?:19|20)\d{2})(年|\.0)?", get["year"])
        if year is None:
            bad.append(("year", f"年度应为四位年份，实际为「{get['year']}」"))
        try:
            value = float(get["target"].replace(",", "").rstrip("%"))
        except ValueError:
            value = None
            bad.append(("target", f"目标值应为数值，实际为「{get['target']}」"))
        unit = get.get("unit") or ""
        if not bad and kind == "level":
            card = cards[ind]
            factor = unit_factor(unit or card["unit"], card["unit"])
            if factor is None or card["kind"] == "growth":
                bad.append(
                    (
                        "unit",
                        f"「{card['label']}」的总量目标单位应与 {card['unit']} 同类（只发布增速的指标只能设增速目标）",
                    )
                )
            else:
                value, unit = value * factor, card["unit"]
        if bad:
            cols_ = "、".join(by[t].header for t, _ in bad if t in by)
            msg = "；".join(f"列「{by[t].header}」({by[t].letter}列)：{m}" if t in by else m for t, m in bad)
            others.append(
                {
                    "sheet": sheet.name,
                    "row_no": row_no,
                    "disposition": "rejected",
                    "columns": cols_,
                    "reasons": msg,
                    "raw_json": raw,
                }
            )
            continue
        values.append(
            {
                "indicator": ind,
                "year": int(year.group(1)),
                "kind": kind,
                "value": value,
                "unit": "%" if kind == "growth" else unit,
                "owner": get.get("owner") or None,
                "sheet": sheet.name,
                "row_no": row_no,
            }
        )
    return values, others
