"""Zone-indicator files: one row per zone (and year), keyed by 园区代码 / 园区名称, Chinese two-row headers.

Read, detected and summarised like the department files (readers, `headers.detect`, `rows`) with the zone
vocabulary (`vocabulary.ZONE`, over `gaoxin.zone_fields`); what is zone-specific lives here: the zone
attributes (级别, 是否本区 …), indicator values in their statistical units with plausible bounds, and the
zone and fact frames. Every row is accepted, rejected (with reasons) or skipped (blank, 合计/平均, 注 lines,
exact duplicates); `gaoxin.store.zones.write_zone_batch` commits a prepared batch all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gaoxin import zone_fields as Z
from gaoxin.ingest import headers, parse, text
from gaoxin.ingest import rows as R
from gaoxin.ingest.prepare import sha256_of
from gaoxin.ingest.readers import RawSheet, ReadError, read_file
from gaoxin.ingest.vocabulary import ZONE

SOURCE = "zone"
lookup = ZONE.lookup  # (indicator id or attribute name, unit) named by one header text
split_unit = ZONE.split_unit  # ('人均技术合同成交额', '万元/人') from '人均技术合同成交额（万元/人）'


@dataclass
class ZoneBatch(R.BatchSummary):
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


def _without_indicators(layout: headers.Layout) -> str | None:
    return None if any(c.field for c in layout.columns) else "没有可识别的园区指标列"


def prepare_zone_file(path: Path | str, period: str | None = None) -> ZoneBatch:
    """Read, map, convert and validate one zone file. Raises ReadError / SheetError for unusable files."""
    path = Path(path)
    sheets = read_file(path)
    notes: list[str] = []
    columns: list[dict] = []
    frames: list[pl.DataFrame] = []
    used: list[str] = []
    for sheet, layout in R.layouts(sheets, path.name, ZONE, notes, columns, unusable=_without_indicators):
        used.append(sheet.name)
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
    rejected_rows = R.rejected_frame(rows)
    counts = R.status_counts(rows)
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


def _sheet_rows(sheet: RawSheet, layout: headers.Layout, file_name: str, period: str | None) -> pl.DataFrame:
    cols = sheet.grid.columns
    data = R.data_rows(sheet, layout)
    by = layout.by_target()

    def attr_text(name: str) -> pl.Expr:
        return parse.text_value(cols[by[name].index]) if name in by else pl.lit(None, dtype=pl.Utf8)

    # pass 1: parsed values and a bad-cell flag per checked column (simple expressions: planning stays cheap)
    code = parse.folded(cols[by["zone_code"].index]).str.to_uppercase() if "zone_code" in by else pl.lit(None)
    code = pl.when(code.is_in(list(text.NULL_TOKENS)) | (code == "")).then(None).otherwise(code)
    first: list[pl.Expr] = [
        pl.lit(sheet.name).alias("_sheet"),
        pl.col("_row"),
        R.raw_json(sheet, layout).alias("_raw"),
        code.cast(pl.Utf8).alias("zone_code"),
        attr_text("zone_name").alias("zone_name"),
        attr_text("province").alias("province"),
        attr_text("city").alias("city"),
        attr_text("zone_type").alias("zone_type"),
        *R.line_flags(cols, ZONE, parse.folded),
    ]
    checks: list[tuple[str, headers.Column, str]] = []  # (flag column, column, message before the raw cell)

    where = R.cell_place

    def level(c: str) -> tuple[pl.Expr, pl.Expr]:
        lv = parse.folded(c).replace_strict(Z.LEVELS, default=None, return_dtype=pl.Utf8)
        return lv, ~parse.is_placeholder(c) & lv.is_null()

    for target, parser, expect, dtype in (
        ("level", level, "应为 国家级 或 省级", pl.Utf8),
        ("is_home", parse.flag, "应为 是/否", pl.Float64),
        ("period", parse.period, "应为年份（如 2025）", pl.Utf8),
    ):
        exprs, found = R.optional_column(by, cols, target, parser, expect, dtype)
        first += exprs
        checks += found
    bounds: list[pl.Expr] = []
    for col in layout.columns:
        ind = col.field
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
    frame = frame.with_columns(R.join(msgs, "；").alias("_bad"), R.join(heads, "、").alias("_badcols"))
    # the year the file states (年份 column, then sheet name, then title) wins; --period fills in when it
    # states none, and otherwise selects: rows of other years are skipped with a reason
    default_period = R.sheet_year(sheet.name) or layout.title_year or period
    if default_period is None and "period" not in by:
        raise headers.SheetError(
            f"{file_name} 工作表「{sheet.name}」无法确定数据年度：请加入「年份」列，或在工作表名/标题中"
            "写明年份（如「2025年」），或导入时使用 --period 2025"
        )
    frame = frame.with_columns(pl.col("period").fill_null(pl.lit(default_period, dtype=pl.Utf8)))
    no_key = pl.col("zone_name").is_null() & pl.col("zone_code").is_null()
    name_total = pl.col("zone_name").fill_null("").str.contains(ZONE.total)
    mismatch = pl.lit(period is not None) & (pl.col("period") != pl.lit(period)).fill_null(False)
    key_col = layout.key
    key_msg = pl.lit(f"列「{key_col.header}」({key_col.letter}列)：园区名称和园区代码均为空")
    frame = frame.with_columns(
        R.disposition(
            blank=pl.col("_blank"),
            total=name_total | (no_key & pl.col("_total")),
            note=no_key & pl.col("_note"),
            reasons=pl.when(no_key).then(R.join([key_msg, pl.col("_bad")], "；")).otherwise(pl.col("_bad")),
            columns=pl.when(no_key)
            .then(R.join([pl.lit(key_col.header), pl.col("_badcols")], "、"))
            .otherwise(pl.col("_badcols")),
            mismatch=mismatch,
            no_period=pl.col("period").is_null(),
            period=period,
            total_label="合计/平均行（不是园区数据）",
            note_label="说明行（不是园区数据）",
        )
    )
    helper = [c for c in frame.columns if c[:2] in ("b:", "o:", "r:")]
    return frame.drop("_bad", "_badcols", "_blank", "_total", "_note", *helper)


def _indicator_cols(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("i:")]


def _mark_duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """One zone twice in a year: identical rows → the later ones skipped; different values → all rejected."""
    return R.mark_duplicates(
        rows.with_columns(pl.coalesce("zone_code", "zone_name").alias("_zkey")),
        ["_zkey", "period"],
        _indicator_cols(rows),
        same="与工作表「{}」第{}行完全重复（同一园区、同一年度）",
        differ="同一园区同一年度出现多次且数值不一致（{}），请核对后只保留一行",
    ).drop("_zkey")


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
