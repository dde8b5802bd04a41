"""Zone-indicator files: one row per zone (and year), keyed by 园区代码 / 园区名称, Chinese two-row headers.

The same reading, text folding, unit and cell parsing as the department files (readers / text / parse /
units); only the key column and the vocabulary differ (`gaoxin.zone_fields` instead of `gaoxin.fields`).
Every row is accepted, rejected (with reasons) or skipped (blank, 合计/平均, 注 lines, exact duplicates);
`gaoxin.store.zones.write_zone_batch` commits a prepared batch all-or-nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gaoxin import zone_fields as Z
from gaoxin.ingest import headers, parse, text, units
from gaoxin.ingest.prepare import headers_year, sha256_of
from gaoxin.ingest.readers import RawSheet, ReadError, read_file

SOURCE = "zone"
_TOTAL = r"^(总?合计|总计|小计|全国合计|全国总计|全省合计|平均|全国平均|平均值|均值|中位数)"
_NOTE = r"^(注|说明|备注|填表|填报|制表|审核|数据来源|资料来源)"
# leading item numbers: "1.1 ", "一、", "(三)" — a bare Chinese numeral is kept (二氧化碳…)
_NUMBERING = re.compile(
    r"^(\d+(\.\d+)*[、.\s]*|[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)[、.\s]*)"
)
ALL_UNITS = frozenset(u for ind in Z.INDICATORS for u in ind.units)
KEY_TARGETS = ("zone_name", "zone_code")


def _key(name: str) -> str:
    return text.match_key(_NUMBERING.sub("", text.fold(name)))


def split_unit(header: str) -> tuple[str, str | None]:
    """('人均技术合同成交额', '万元/人') from '人均技术合同成交额（万元/人）' or '…（单位：万元/人）'.

    Zone units are compound (件/万人, 吨标准煤/万元), which the department-file splitter does not know, so the
    zone units are looked up here; other parenthesised text ('(瞪羚)') stays in the name."""
    h = text.fold(header)
    unit = None
    m = re.search(r"单位[:：]\s*([^()\[\],，;；]+)", h)
    if m and (m.group(1) in ALL_UNITS or units.lookup(m.group(1))):
        unit = m.group(1)
        h = (h[: m.start()] + h[m.end() :]).strip()

    def take(mm: re.Match) -> str:
        nonlocal unit
        kept = []
        for tok in re.split(r"[,，;；、]", mm.group(1)):
            tok = re.sub(r"^单位[:：]", "", tok)
            if unit is None and (
                tok in ALL_UNITS or units.lookup(tok)
            ):  # a wrong unit is caught, not ignored
                unit = tok
            elif tok:
                kept.append(tok)
        return f"({'，'.join(kept)})" if kept else ""

    h = re.sub(r"[(\[]([^()\[\]]*)[)\]]", take, h)
    return h.strip(), unit


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for ind in Z.INDICATORS:
        for a in (ind.label, *ind.aliases):
            table.setdefault(_key(split_unit(a)[0]), ind.id)
    for attr, aliases in Z.ATTRIBUTES.items():
        for a in aliases:
            table.setdefault(_key(a), attr)
    return table


ALIASES = _alias_table()


def lookup(header_text: str) -> tuple[str | None, str | None]:
    """(indicator id or attribute name, unit) named by one header text."""
    name, unit = split_unit(header_text)
    key = _key(name)
    hit = ALIASES.get(key)
    if hit is None and "(" in key:
        hit = ALIASES.get(re.sub(r"\(.*?\)", "", key))
    return hit, unit


@dataclass
class ZoneColumn:
    index: int
    header: str
    target: str | None = None  # attribute name or indicator id
    unit: str | None = None
    factor: float = 1.0
    unit_assumed: bool = False
    letter: str = ""

    @property
    def indicator(self) -> Z.ZoneIndicator | None:
        return Z.BY_ID.get(self.target) if self.target else None


@dataclass
class ZoneLayout:
    header_rows: list[int]
    data_start: int
    key_col: int
    columns: list[ZoneColumn]
    title_year: str | None = None
    unit_default: str | None = None
    notes: list[str] = field(default_factory=list)

    def by_target(self) -> dict[str, ZoneColumn]:
        return {c.target: c for c in self.columns if c.target}


@dataclass
class ZoneBatch:
    """A prepared zone file: the same summary shape as an enterprise batch (`PreparedBatch`)."""

    path: Path
    file_name: str
    sha256: str
    sheets: list[str]
    periods: list[str]
    rows: int
    accepted: int
    rejected: int
    skipped: int
    facts: pl.DataFrame  # zone_code, zone_name, period, indicator, value, unit, sheet, row_no
    zones: pl.DataFrame  # zone_code, zone_name, province, city, level, zone_type, is_home
    rejected_rows: pl.DataFrame
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = SOURCE

    def summary(self) -> dict:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "source": self.source,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
        }


def _cells(grid: pl.DataFrame, r: int) -> list[str]:
    return ["" if v is None else str(v).strip() for v in grid.row(r)]


def detect(sheet: RawSheet, file_name: str) -> ZoneLayout | None:
    """Layout of a zone sheet, or None when no 园区名称 / 园区代码 column is found."""
    grid = sheet.grid
    key_row = key_col = None
    for r in range(min(grid.height, headers.HEADER_SEARCH_ROWS)):
        cells = _cells(grid, r)
        hits = [(j, lookup(c)[0]) for j, c in enumerate(cells) if c]
        names = [j for j, t in hits if t == "zone_name"] or [j for j, t in hits if t == "zone_code"]
        if names:
            key_row, key_col = r, names[0]
            break
    if key_row is None:
        return None
    block = headers.header_block(grid, key_row, key_col, total=re.compile(_TOTAL))
    flat = block.parts
    layout = ZoneLayout(block.rows, block.rows[-1] + 1, key_col, [])
    layout.unit_default, layout.title_year = block.unit_default, block.title_year
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for j, parts in enumerate(flat):
        if not parts:
            continue
        col = ZoneColumn(j, "/".join(parts), letter=headers.column_letter(sheet.col0 + j))
        for cand in [parts[-1], "".join(parts), parts[0]] if len(parts) > 1 else [parts[0]]:
            target, _ = lookup(cand)
            if target is not None:
                col.target = target
                break
        if col.target is None:
            if _key(split_unit(parts[-1])[0]) not in headers.IGNORABLE:
                unknown.append(col.header)
        elif col.target in seen:
            layout.notes.append(f"列「{col.header}」与列「{seen[col.target]}」指同一项，已忽略后者")
            col.target = None
        else:
            seen[col.target] = col.header
            if col.indicator is not None:
                _resolve_unit(col, parts, layout, file_name, sheet.name)
        layout.columns.append(col)
    if unknown:
        layout.notes.append("未识别的列（已忽略）：" + "、".join(unknown))
    return layout


def _resolve_unit(col: ZoneColumn, parts: list[str], layout: ZoneLayout, file_name: str, sheet: str) -> None:
    ind = col.indicator
    unit = None
    for p in reversed(parts):  # the child's own unit wins over a parent's
        unit = split_unit(p)[1]
        if unit:
            break
    if unit is None and layout.unit_default in ind.units:
        unit = layout.unit_default
    if unit is None:
        unit = ind.unit
        col.unit_assumed = True
        layout.notes.append(f"列「{col.header}」未注明单位，按 {unit} 处理")
    if unit not in ind.units:
        raise headers.SheetError(
            f"{file_name} 工作表「{sheet}」列「{col.header}」（{col.letter}列）: 单位「{unit}」不适用于"
            f"「{ind.label}」，应为 {' / '.join(ind.units)} 之一"
        )
    col.unit, col.factor = unit, ind.units[unit]


def prepare_zone_file(path: Path | str, period: str | None = None) -> ZoneBatch:
    """Read, map, convert and validate one zone file. Raises ReadError / SheetError for unusable files."""
    path = Path(path)
    sheets = read_file(path)
    notes: list[str] = []
    columns: list[dict] = []
    frames: list[pl.DataFrame] = []
    used: list[str] = []
    for sheet in sheets:
        if sheet.grid.height == 0:
            continue
        layout = detect(sheet, path.name)
        if layout is None:
            notes.append(f"工作表「{sheet.name}」中未找到「园区名称」或「园区代码」列，已跳过该表")
            continue
        if not any(c.indicator for c in layout.columns):
            notes.append(f"工作表「{sheet.name}」没有可识别的园区指标列，已跳过该表")
            continue
        used.append(sheet.name)
        notes.extend(f"工作表「{sheet.name}」: {n}" for n in layout.notes)
        columns += [
            {
                "sheet": sheet.name,
                "column": c.letter,
                "header": c.header,
                "field": c.target,
                "unit": c.unit,
                "factor": c.factor,
                "unit_assumed": c.unit_assumed,
            }
            for c in layout.columns
        ]
        frames.append(_sheet_rows(sheet, layout, path.name, period))
    if not used:
        raise ReadError(
            f"{path.name}: 未找到园区指标表：每个数据表都须有「园区名称」（或「高新区名称」「园区代码」）列"
            f"和至少一个可识别的指标列（已查看 {len(sheets)} 个工作表的前 {headers.HEADER_SEARCH_ROWS} 行）"
        )
    rows = pl.concat(frames, how="diagonal_relaxed")
    if rows.height == 0:
        raise ReadError(f"{path.name}: 表头之下没有数据行，应至少有一行园区数据")
    rows = _mark_duplicates(rows)
    accepted = rows.filter(pl.col("_status") == "accepted")
    facts = _facts(accepted)
    rejected_rows = (
        rows.filter(pl.col("_status") != "accepted")
        .select(
            pl.col("_sheet").alias("sheet"),
            pl.col("_row").alias("row_no"),
            pl.col("_status").alias("disposition"),
            pl.col("_columns").alias("columns"),
            pl.col("_reasons").alias("reasons"),
            pl.col("_raw").alias("raw_json"),
        )
        .sort("sheet", "row_no")
    )
    counts = dict(rows.get_column("_status").value_counts().iter_rows())
    return ZoneBatch(
        path=path,
        file_name=path.name,
        sha256=sha256_of(path),
        sheets=used,
        periods=sorted(facts.get_column("period").unique().to_list()),
        rows=rows.height,
        accepted=counts.get("accepted", 0),
        rejected=counts.get("rejected", 0),
        skipped=counts.get("skipped", 0),
        facts=facts,
        zones=_zones(accepted),
        rejected_rows=rejected_rows,
        columns=columns,
        notes=notes,
    )


def _raw_json(sheet: RawSheet, layout: ZoneLayout) -> pl.Expr:
    by_index = {c.index: c.header for c in layout.columns}
    names, seen = [], set()
    for j in range(sheet.grid.width):
        name = by_index.get(j) or f"{headers.column_letter(sheet.col0 + j)}列"
        if name in seen:
            name = f"{name}（{headers.column_letter(sheet.col0 + j)}列）"
        seen.add(name)
        names.append(name)
    return pl.struct(
        [pl.col(c).alias(n) for c, n in zip(sheet.grid.columns, names, strict=True)]
    ).struct.json_encode()


def _join(parts: list[pl.Expr], sep: str) -> pl.Expr:
    if not parts:
        return pl.lit(None, dtype=pl.Utf8)
    joined = pl.concat_str(parts, separator=sep, ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)


def _sheet_rows(sheet: RawSheet, layout: ZoneLayout, file_name: str, period: str | None) -> pl.DataFrame:
    cols = sheet.grid.columns
    first_row = sheet.row0 + layout.data_start + 1  # Excel row number of data row 0
    data = sheet.grid.slice(layout.data_start).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int32) + first_row).alias("_row")
    )
    by = layout.by_target()

    def attr_text(name: str) -> pl.Expr:
        return parse.text_value(cols[by[name].index]) if name in by else pl.lit(None, dtype=pl.Utf8)

    # pass 1: parsed values and a bad-cell flag per checked column (simple expressions: planning stays cheap)
    code = parse.folded(cols[by["zone_code"].index]).str.to_uppercase() if "zone_code" in by else pl.lit(None)
    code = pl.when(code.is_in(list(text.NULL_TOKENS)) | (code == "")).then(None).otherwise(code)
    first: list[pl.Expr] = [
        pl.lit(sheet.name).alias("_sheet"),
        pl.col("_row"),
        _raw_json(sheet, layout).alias("_raw"),
        code.cast(pl.Utf8).alias("zone_code"),
        attr_text("zone_name").alias("zone_name"),
        attr_text("province").alias("province"),
        attr_text("city").alias("city"),
        attr_text("zone_type").alias("zone_type"),
        pl.all_horizontal([parse.is_placeholder(c) for c in cols]).alias("_blank"),
        pl.any_horizontal([parse.folded(c).fill_null("").str.contains(_TOTAL) for c in cols]).alias("_total"),
        pl.any_horizontal([parse.folded(c).fill_null("").str.contains(_NOTE) for c in cols[:3]]).alias(
            "_note"
        ),
    ]
    checks: list[tuple[str, ZoneColumn, str]] = []  # (flag column, column, message before the raw cell)

    def where(col: ZoneColumn) -> str:
        return f"列「{col.header}」({col.letter}列)"

    if "level" in by:
        c = cols[by["level"].index]
        lv = parse.folded(c).replace_strict(Z.LEVELS, default=None, return_dtype=pl.Utf8)
        first += [lv.alias("level"), (~parse.is_placeholder(c) & lv.is_null()).alias("b:level")]
        checks.append(("b:level", by["level"], "应为 国家级 或 省级"))
    else:
        first.append(pl.lit(None, dtype=pl.Utf8).alias("level"))
    if "is_home" in by:
        v, bad = parse.flag(cols[by["is_home"].index])
        first += [v.alias("is_home"), bad.alias("b:is_home")]
        checks.append(("b:is_home", by["is_home"], "应为 是/否"))
    else:
        first.append(pl.lit(None, dtype=pl.Float64).alias("is_home"))
    if "period" in by:
        v, bad = parse.period(cols[by["period"].index])
        first += [v.alias("period"), bad.alias("b:period")]
        checks.append(("b:period", by["period"], "应为年份（如 2025）"))
    else:
        first.append(pl.lit(None, dtype=pl.Utf8).alias("period"))
    bounds: list[pl.Expr] = []
    for col in layout.columns:
        ind = col.indicator
        if ind is None:
            continue
        c = cols[col.index]
        pct_ok = ind.unit == "%"
        v, bad = parse.number(c, col.factor, allow_percent=pct_ok)
        if pct_ok:  # '12.5%' in a % column is 12.5 (parse.number returns the fraction)
            v = pl.when(parse.folded(c).str.ends_with("%")).then(v * 100.0).otherwise(v)
        first += [v.alias(f"i:{ind.id}"), bad.alias(f"b:{ind.id}")]
        checks.append((f"b:{ind.id}", col, f"应为数值（{col.unit}）"))
        limits, out = [], pl.lit(False)
        if ind.lo is not None:
            out, limits = (
                out | (pl.col(f"i:{ind.id}") < ind.lo).fill_null(False),
                [*limits, f"不小于 {ind.lo:g}"],
            )
        if ind.hi is not None:
            out, limits = (
                out | (pl.col(f"i:{ind.id}") > ind.hi).fill_null(False),
                [*limits, f"不大于 {ind.hi:g}"],
            )
        if limits:
            bounds.append(out.alias(f"o:{ind.id}"))
            checks.append((f"o:{ind.id}", col, f"{ind.label}应{'、'.join(limits)}（{ind.unit}）"))
    raw_cols = {cols[col.index] for _, col, _ in checks}
    frame = data.select(*first, *[pl.col(c).alias(f"r:{c}") for c in sorted(raw_cols)]).with_columns(bounds)
    # pass 2: reasons and offending columns from the flags
    msgs = [
        pl.when(pl.col(flag)).then(
            pl.lit(f"{where(col)}：{msg}，实际为「") + pl.col(f"r:{cols[col.index]}") + pl.lit("」")
        )
        for flag, col, msg in checks
    ]
    heads = [pl.when(pl.col(flag)).then(pl.lit(col.header)) for flag, col, _ in checks]
    frame = frame.with_columns(_join(msgs, "；").alias("_bad"), _join(heads, "、").alias("_badcols"))
    # the year the file states (年份 column, then sheet name, then title) wins; --period fills in when it
    # states none, and otherwise selects: rows of other years are skipped with a reason
    default_period = headers_year(sheet.name) or layout.title_year or period
    if default_period is None and "period" not in by:
        raise headers.SheetError(
            f"{file_name} 工作表「{sheet.name}」无法确定数据年度：请加入「年份」列，或在工作表名/标题中"
            "写明年份（如「2025年」），或导入时使用 --period 2025"
        )
    frame = frame.with_columns(pl.col("period").fill_null(pl.lit(default_period, dtype=pl.Utf8)))
    no_key = pl.col("zone_name").is_null() & pl.col("zone_code").is_null()
    name_total = pl.col("zone_name").fill_null("").str.contains(_TOTAL)
    mismatch = pl.lit(period is not None) & (pl.col("period") != pl.lit(period)).fill_null(False)
    key_col = next(c for c in layout.columns if c.index == layout.key_col)
    frame = frame.with_columns(
        pl.when(pl.col("_blank"))
        .then(pl.lit("skipped"))
        .when(name_total | (no_key & pl.col("_total")))
        .then(pl.lit("skipped"))
        .when(no_key & pl.col("_note"))
        .then(pl.lit("skipped"))
        .when(no_key | pl.col("_bad").is_not_null())
        .then(pl.lit("rejected"))
        .when(mismatch)
        .then(pl.lit("skipped"))
        .when(pl.col("period").is_null())
        .then(pl.lit("rejected"))
        .otherwise(pl.lit("accepted"))
        .alias("_status"),
        pl.when(pl.col("_blank"))
        .then(pl.lit("空行"))
        .when(name_total | (no_key & pl.col("_total")))
        .then(pl.lit("合计/平均行（不是园区数据）"))
        .when(no_key & pl.col("_note"))
        .then(pl.lit("说明行（不是园区数据）"))
        .when(no_key)
        .then(
            _join(
                [
                    pl.lit(f"列「{key_col.header}」({key_col.letter}列)：园区名称和园区代码均为空"),
                    pl.col("_bad"),
                ],
                "；",
            )
        )
        .when(pl.col("_bad").is_not_null())
        .then(pl.col("_bad"))
        .when(mismatch)
        .then(pl.lit(f"年度不是本次导入指定的 {period}：") + pl.col("period"))
        .when(pl.col("period").is_null())
        .then(
            pl.lit(
                "无法确定数据年度：请加入「年份」列、在工作表名或标题中写明年份（如 2025年），或导入时使用 --period"
            )
        )
        .otherwise(None)
        .alias("_reasons"),
        pl.when(pl.col("_blank") | name_total | (no_key & (pl.col("_total") | pl.col("_note"))))
        .then(None)
        .when(no_key)
        .then(_join([pl.lit(key_col.header), pl.col("_badcols")], "、"))
        .otherwise(pl.col("_badcols"))
        .alias("_columns"),
    )
    helper = [c for c in frame.columns if c[:2] in ("b:", "o:", "r:")]
    return frame.drop("_bad", "_badcols", "_blank", "_total", "_note", *helper)


def _indicator_cols(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("i:")]


def _mark_duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """One zone twice in a year: identical rows → the later ones skipped; different values → all rejected."""
    rows = rows.with_columns(pl.coalesce("zone_code", "zone_name").alias("_zkey"))
    vals = _indicator_cols(rows)
    acc = pl.col("_status") == "accepted"
    dup = (
        rows.filter(acc)
        .group_by("_zkey", "period")
        .agg(
            pl.len().alias("_n"),
            pl.struct(vals).hash().n_unique().alias("_nsig"),
            pl.col("_sheet").first().alias("_fs"),
            pl.col("_row").first().alias("_fr"),
            pl.format("{}第{}行", pl.col("_sheet"), pl.col("_row")).str.join("、").alias("_where"),
        )
        .filter(pl.col("_n") > 1)
    )
    if dup.height == 0:
        return rows.drop("_zkey")
    rows = rows.join(dup, on=["_zkey", "period"], how="left")
    first = (pl.col("_sheet") == pl.col("_fs")) & (pl.col("_row") == pl.col("_fr"))
    is_dup = acc & pl.col("_n").is_not_null()
    same = pl.col("_nsig") == 1
    return rows.with_columns(
        pl.when(is_dup & same & ~first)
        .then(pl.lit("skipped"))
        .when(is_dup & ~same)
        .then(pl.lit("rejected"))
        .otherwise(pl.col("_status"))
        .alias("_status"),
        pl.when(is_dup & same & ~first)
        .then(pl.format("与工作表「{}」第{}行完全重复（同一园区、同一年度）", pl.col("_fs"), pl.col("_fr")))
        .when(is_dup & ~same)
        .then(
            pl.lit("同一园区同一年度出现多次且数值不一致（")
            + pl.col("_where")
            + pl.lit("），请核对后只保留一行")
        )
        .otherwise(pl.col("_reasons"))
        .alias("_reasons"),
    ).drop("_zkey", "_n", "_nsig", "_fs", "_fr", "_where")


def _facts(accepted: pl.DataFrame) -> pl.DataFrame:
    schema = {
        "zone_code": pl.Utf8,
        "zone_name": pl.Utf8,
        "period": pl.Utf8,
        "indicator": pl.Utf8,
        "value": pl.Float64,
        "unit": pl.Utf8,
        "sheet": pl.Utf8,
        "row_no": pl.Int32,
    }
    parts = [
        accepted.filter(pl.col(c).is_not_null()).select(
            "zone_code",
            "zone_name",
            "period",
            pl.lit(c[2:]).alias("indicator"),
            pl.col(c).alias("value"),
            pl.lit(Z.BY_ID[c[2:]].unit).alias("unit"),
            pl.col("_sheet").alias("sheet"),
            pl.col("_row").alias("row_no"),
        )
        for c in _indicator_cols(accepted)
    ]
    return pl.concat(parts).cast(schema) if parts else pl.DataFrame(schema=schema)


def _zones(accepted: pl.DataFrame) -> pl.DataFrame:
    """One row per zone: its attributes as the latest year of the file gives them."""
    attrs = ["province", "city", "level", "zone_type", "is_home"]
    return (
        accepted.with_columns(pl.coalesce("zone_code", "zone_name").alias("_zkey"))
        .sort("period", "_sheet", "_row")
        .group_by("_zkey", maintain_order=True)
        .agg(
            pl.col("zone_code").drop_nulls().last(),
            pl.col("zone_name").drop_nulls().last(),
            *[pl.col(a).drop_nulls().last() for a in attrs],
        )
        .drop("_zkey")
    )
