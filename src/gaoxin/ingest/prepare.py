"""From a department file to a prepared batch: every row accepted, rejected (with reasons) or skipped.

Pure with respect to the store: nothing here writes. `gaoxin.store.imports.write_batch` commits a
prepared batch all-or-nothing. All row work is vectorised polars/numpy.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from gaoxin import fields as F
from gaoxin.ingest import headers, parse, uscc
from gaoxin.ingest import rows as R
from gaoxin.ingest.readers import RawSheet, ReadError, read_file
from gaoxin.ingest.vocabulary import ENTERPRISE
from gaoxin.settings import get_limits

SOURCE_HINTS: list[tuple[str, str]] = [
    (r"科技局|科技|创新能力|高企", "sci"),
    (r"供水|自来水|用水", "water"),
    (r"税务|纳税|税收", "tax"),
    (r"统计|规上|规模以上", "stats"),
    (r"供电|电力|用电", "power"),
    (r"自然资源|国土|土地|用地|不动产", "land"),
    (r"生态环境|环保|排污|污染", "env"),
    (r"应急|安全生产", "safety"),
    (r"市场监管|工商|登记|名录|注册", "registry"),
]


@dataclass
class PreparedBatch(R.BatchSummary):
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
    facts: pl.DataFrame  # sorted by (uscc, period, indicator), as stored; see _facts
    attrs: pl.DataFrame
    parcels: pl.DataFrame
    rejected_rows: pl.DataFrame
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_source(file_name: str, field_names: set[str]) -> str:
    for pattern, source in SOURCE_HINTS:
        if re.search(pattern, file_name):
            return source
    scores: dict[str, int] = {}
    for name in field_names:
        for src in F.BY_NAME[name].sources:
            scores[src] = scores.get(src, 0) + 1
    if scores:
        return max(sorted(scores), key=lambda s: scores[s])
    return "registry" if field_names & {"name", "town", "industry_code", "registered_on"} else "other"


def prepare_file(path: Path | str, source: str = "auto", period: str | None = None) -> PreparedBatch:
    """Read, map, convert and validate one file. Raises ReadError / SheetError for unusable files."""
    path = Path(path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, path)  # hashed on the idle core while the reader parses
        sheets = read_file(path)
    digest = digest.result()
    notes: list[str] = []
    frames: list[pl.DataFrame] = []
    columns: list[dict] = []
    used_sheets: list[str] = []
    field_names: set[str] = set()
    raw_sources: dict[str, tuple[RawSheet, headers.Layout]] = {}
    for sheet, layout in R.layouts(sheets, path.name, ENTERPRISE, notes, columns):
        used_sheets.append(sheet.name)
        field_names.update(c.target for c in layout.mapped())
        frames.append(_sheet_rows(sheet, layout, path.name, period))
        raw_sources[sheet.name] = (sheet, layout)
    if not used_sheets:
        raise ReadError(
            f"{path.name}: 未找到「统一社会信用代码」列（已查看 {len(sheets)} 个工作表的前 "
            f"{headers.HEADER_SEARCH_ROWS} 行）。每个数据表都须有以统一社会信用代码为键的列，表头可写作"
            "「统一社会信用代码」「社会信用代码」「纳税人识别号」等"
        )
    rows = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if rows.height == 0:
        raise ReadError(f"{path.name}: 表头之下没有数据行，应至少有一行企业数据")
    rows = _mark_duplicates(rows)
    rows = _fill_raw(rows, raw_sources)
    src = detect_source(path.name, field_names) if source == "auto" else source
    accepted = rows.filter(pl.col("_status") == "accepted")
    facts = _facts(accepted, field_names)
    periods = sorted(facts.get_column("period").unique().to_list())
    rejected_rows = R.rejected_frame(rows)
    count = R.status_counts(rows)
    return PreparedBatch(
        path=path,
        file_name=path.name,
        sha256=digest,
        source=src,
        sheets=used_sheets,
        periods=periods,
        rows=rows.height,
        accepted=count.get("accepted", 0),
        rejected=count.get("rejected", 0),
        skipped=count.get("skipped", 0),
        facts=facts,
        attrs=_attrs(accepted, field_names),
        parcels=_parcels(accepted, field_names),
        rejected_rows=rejected_rows,
        columns=columns,
        notes=notes,
    )


def _fill_raw(rows: pl.DataFrame, sources: dict[str, tuple[RawSheet, headers.Layout]]) -> pl.DataFrame:
    """Raw cells for rows set aside after the per-sheet pass (duplicates), read back from their sheet."""
    need = rows.filter((pl.col("_status") != "accepted") & pl.col("_raw").is_null())
    if need.height == 0:
        return rows
    filled = []
    for sheet_name, part in need.group_by("_sheet"):
        sheet, layout = sources[sheet_name[0]]
        first_row = sheet.row0 + layout.data_start + 1
        data = sheet.grid.slice(layout.data_start)
        picked = data.with_row_index("_i").filter(
            pl.col("_i").is_in((part.get_column("_row") - first_row).implode())
        )
        filled.append(
            picked.select(
                pl.lit(sheet_name[0]).alias("_sheet"),
                (pl.col("_i").cast(pl.Int32) + first_row).alias("_row"),
                R.raw_json(sheet, layout).alias("_raw_filled"),
            )
        )
    fill = pl.concat(filled)
    return (
        rows.join(fill, on=["_sheet", "_row"], how="left")
        .with_columns(pl.coalesce("_raw", "_raw_filled").alias("_raw"))
        .drop("_raw_filled")
    )


@dataclass
class _SheetContext:
    """One sheet being read, and what its rows are checked against."""

    sheet: RawSheet
    layout: headers.Layout
    file_name: str
    period: str | None  # --period: rows of other years are skipped
    default_period: str | None  # for rows without a year: --period, else the year in the sheet name or title
    period_col: bool  # the sheet has a 年份 column
    has_numeric: bool

    @property
    def cols(self) -> list[str]:
        return self.sheet.grid.columns

    @property
    def key(self) -> headers.Column:
        return self.layout.key

    def mismatch(self) -> pl.Expr:
        """A row of another year than --period."""
        if not self.period_col or self.period is None:
            return pl.lit(False)
        return (pl.col("period") != pl.lit(self.period)).fill_null(False)

    def no_period(self) -> pl.Expr:
        return pl.lit(self.has_numeric) & pl.col("period").is_null()


def _sheet_rows(sheet: RawSheet, layout: headers.Layout, file_name: str, period: str | None) -> pl.DataFrame:
    """Every data row of one sheet, parsed, with its status (accepted / rejected / skipped) and reasons.

    All rows are parsed with cheap expressions that only flag trouble; the few flagged rows (numbers
    written as text, bad cells, bad codes, other years) are parsed again by the full parser, which words
    the reasons and keeps the raw cells. Both parsers agree on every row the cheap one does not flag.
    """
    mapped = layout.mapped()
    ctx = _SheetContext(
        sheet,
        layout,
        file_name,
        period,
        period or R.sheet_year(sheet.name) or layout.title_year,
        period_col=any(c.field.name == "period" for c in mapped),
        has_numeric=any(c.field.kind in (F.NUM, F.FLAG) for c in mapped),
    )
    data = R.data_rows(sheet, layout)
    text_cols = [sheet.grid.columns[c.index] for c in mapped if c.field.kind != F.NUM]
    frame = (
        _with_folded(data.lazy(), text_cols).select(_column_exprs(ctx, fast=True)).collect()
    )  # one fused pass
    codes = uscc.validate_series(frame.get_column("uscc"))  # 统一社会信用代码 check character, vectorised
    frame = _with_period(ctx, frame.with_columns(pl.Series("_uscc_code", codes)))
    suspect = np.flatnonzero(
        frame.select(
            pl.col("_problem") | (pl.col("_uscc_code") != uscc.OK) | ctx.mismatch() | ctx.no_period()
        )
        .to_series()
        .to_numpy()
    )
    frame = frame.drop("_problem", "_uscc_code").with_columns(
        pl.lit("accepted").alias("_status"),
        pl.lit(None, dtype=pl.Utf8).alias("_reasons"),
        pl.lit(None, dtype=pl.Utf8).alias("_columns"),
        pl.lit(None, dtype=pl.Utf8).alias("_raw"),
    )
    if suspect.size:  # the re-parsed rows replace theirs in place: rows stay in sheet order, nothing to sort
        odd = _odd_rows(ctx, data[suspect], codes[suspect])
        frame = frame.with_columns(
            frame.get_column(c).scatter(suspect, odd.get_column(c).cast(dtype))
            for c, dtype in frame.schema.items()
            if c not in ("_sheet", "_row")
        )
    _require_period(ctx, frame)
    return frame


def _folded(c: str) -> str:
    return f"_folded_{c}"


def _with_folded(data: pl.LazyFrame, cols: list[str]) -> pl.LazyFrame:
    """Columns `cols` also folded (full-width → half-width, trimmed), once each: every check reads them."""
    return data.with_columns(parse.folded(c).alias(_folded(c)) for c in cols)


def _with_period(ctx: _SheetContext, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    default = pl.lit(ctx.default_period, dtype=pl.Utf8)
    if ctx.period_col:
        return frame.with_columns(pl.col("period").fill_null(default))
    return frame.with_columns(default.alias("period"))


def _odd_rows(ctx: _SheetContext, data: pl.DataFrame, codes: np.ndarray) -> pl.DataFrame:
    """Status, reasons, offending columns and raw cells of the rows the cheap pass flagged."""
    cols = ctx.cols
    data = data.with_columns(pl.Series("_uscc_code", codes)).lazy()
    odd = _with_period(
        ctx,
        _with_folded(data, cols).select(
            *_column_exprs(ctx, fast=False),
            *R.line_flags(cols, ENTERPRISE, lambda c: pl.col(_folded(c))),
            R.raw_json(ctx.sheet, ctx.layout).alias("_raw"),
            "_uscc_code",
        ),
    ).with_columns(
        pl.col("_uscc_code")
        .replace_strict(uscc.REASONS, default=None, return_dtype=pl.Utf8)
        .alias("_uscc_bad")
    )

    key = ctx.key
    key_where = R.cell_place(key)
    mismatch, no_period = ctx.mismatch(), ctx.no_period()
    empty_key = pl.col("_uscc_bad").is_not_null()  # no usable code: may be a 合计 or 说明 line
    key_reason = (
        pl.when(pl.col("uscc") == "")
        .then(pl.lit(f"{key_where}：") + pl.col("_uscc_bad"))
        .when(pl.col("_uscc_bad").is_not_null())
        .then(
            pl.lit(f"{key_where}：")
            + pl.col("_uscc_bad")
            + pl.lit("，实际为「")
            + pl.col("uscc")
            + pl.lit("」")
        )
    )
    reasons = R.join([key_reason, pl.col("_bad")], "；").fill_null("")
    bad_cols_all = R.join(
        [pl.when(pl.col("_uscc_bad").is_not_null()).then(pl.lit(key.header)), pl.col("_badcols")], "、"
    )
    return (
        odd.with_columns(
            R.disposition(
                blank=pl.col("_blank"),
                total=empty_key & pl.col("_total"),
                note=empty_key & pl.col("_note"),
                reasons=pl.when(reasons != "").then(reasons),
                columns=bad_cols_all,
                mismatch=mismatch,
                no_period=no_period,
                period=ctx.period,
                total_label="合计行（不是企业数据）",
                note_label="说明行（不是企业数据）",
            )
        )
        .with_columns(  # a number written as text ('1,234') is fine: that row is accepted like any other
            pl.when(pl.col("_status") == "accepted").then(None).otherwise(pl.col("_raw")).alias("_raw")
        )
        .collect()
    )


def _require_period(ctx: _SheetContext, frame: pl.DataFrame) -> None:
    """A sheet of numbers whose year cannot be told at all is an unusable file, not a pile of rejects."""
    if ctx.period_col or ctx.default_period is not None or not ctx.has_numeric or not frame.height:
        return
    n_data = (
        frame.filter(pl.col("_status") == "accepted").height
        + frame.filter(pl.col("_reasons").str.starts_with("无法确定数据年度")).height
    )
    if n_data:
        raise headers.SheetError(
            f"{ctx.file_name} 工作表「{ctx.sheet.name}」含数值列，但无法确定数据年度：请加入「年份」列，或在工作表名/"
            "标题中写明年份（如「2025年」），或导入时使用 --period 2025"
        )


def _column_exprs(ctx: _SheetContext, fast: bool) -> list[pl.Expr]:
    """Parsed value per mapped column, then one 'look closer' flag (`fast`) or the problems in words.

    `fast` reads numeric cells with one cast and flags any that is not a plain number (全角 digits,
    '1,234', '—', '12%', words) instead of parsing it: the full parser handles those rows.
    """
    cols = ctx.cols
    key = pl.col(_folded(cols[ctx.layout.key_col]))
    code = key.str.to_uppercase().str.replace_all(r"[\s\-]", "").fill_null("")
    exprs: list[pl.Expr] = [pl.lit(ctx.sheet.name).alias("_sheet"), pl.col("_row"), code.alias("uscc")]
    checks: list[tuple[pl.Expr, pl.Expr, str]] = []  # (cell is bad, what is wrong, column header)
    for col in ctx.layout.mapped():
        if col.field.name == "uscc":
            continue
        value, col_checks = _parse_column(col, cols[col.index], fast)
        exprs.append(value.alias(col.field.name))
        checks.extend(col_checks)
    if fast:
        flag = pl.any_horizontal([bad for bad, _, _ in checks]).fill_null(False) if checks else pl.lit(False)
        return [*exprs, flag.alias("_problem")]
    return [
        *exprs,
        R.join([pl.when(bad).then(msg) for bad, msg, _ in checks], "；").alias("_bad"),
        R.join([pl.when(bad).then(pl.lit(header)) for bad, _, header in checks], "、").alias("_badcols"),
    ]


def _parse_column(
    col: headers.Column, c: str, fast: bool
) -> tuple[pl.Expr, list[tuple[pl.Expr, pl.Expr, str]]]:
    """Value of one mapped column and its checks: (cell is bad, what is wrong, column header)."""
    fld = col.field
    where = R.cell_place(col)
    fold = pl.col(_folded(c))  # present for every column but the numeric ones of the fast pass
    checks = []
    if fld.name == "period":
        value, bad = parse.period(c, fold)
        expect = "年份（如 2025）"
    elif fld.kind == F.NUM:
        if fast:
            plain = pl.col(c).cast(pl.Float64, strict=False)
            value = plain * col.factor
            bad = pl.col(c).is_not_null() & ~value.is_finite().fill_null(False)
        else:
            value, bad = parse.number(c, col.factor, allow_percent=fld.quantity == "ratio", fold=fold)
        expect = f"数值（{col.unit}）"
        if fld.min_value is not None:
            neg = (value < fld.min_value).fill_null(False)
            checks.append(
                (neg, pl.lit(f"{where}：不能为负数，实际为「") + pl.col(c) + pl.lit("」"), col.header)
            )
        top = F.plausible_max(fld)
        if top is not None:
            shown = f"{fld.to_display(top):,.0f}{fld.shown_unit}"
            too_big = (value.abs() > top).fill_null(False) & value.is_finite().fill_null(False)
            checks.append(
                (
                    too_big,
                    pl.lit(
                        f"{where}：超出合理范围（{fld.label}应不超过 {shown}，字段目录 fields.PLAUSIBLE_MAX），实际为「"
                    )
                    + pl.col(c)
                    + pl.lit("」"),
                    col.header,
                )
            )
    elif fld.kind == F.FLAG:
        value, bad = parse.flag(c, fold)
        expect = "是/否"
    elif fld.name == "industry_code":
        value, bad = parse.industry_code(c, fold)
        expect = "GB/T 4754-2017 行业代码（2–4 位数字，如 3973 或 C3973）"
    elif fld.name == "registered_on":
        value, bad = parse.date(c, fold)
        expect = "日期（如 2019-05-12）"
    else:
        value, expect = parse.text_value(c, fold), ""
        limit = get_limits().text_chars
        checks.append(
            (
                parse.text_problem(c, limit),
                pl.lit(f"{where}：文字超过 {limit} 字或含控制字符（GAOXIN_LIMIT_TEXT_CHARS），前 20 字为「")
                + pl.col(c).str.slice(0, 20)
                + pl.lit("」"),
                col.header,
            )
        )
    if expect:
        checks.append(
            (bad, pl.lit(f"{where}：应为{expect}，实际为「") + pl.col(c) + pl.lit("」"), col.header)
        )
    return value, checks


def _value_fields(frame: pl.DataFrame) -> list[str]:
    return [
        c for c in frame.columns if c in F.BY_NAME and F.BY_NAME[c].kind in (F.NUM, F.FLAG, F.ATTR, F.PARCEL)
    ]


def _mark_duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Same firm, same period (and parcel) twice in one file: identical → skip, different → reject all."""
    return R.mark_duplicates(
        rows,
        ["uscc", "period"] + (["parcel_id"] if "parcel_id" in rows.columns else []),
        _value_fields(rows),
        same="与工作表「{}」第{}行完全重复（同一企业、同一年度）",
        differ="同一企业同一年度在本文件出现多次且数值不一致（{}），请核对后只保留一行",
    )


def _facts(accepted: pl.DataFrame, field_names: set[str]) -> pl.DataFrame:
    """One row per (firm, period, indicator) value, in that order: the order the store keeps them in.

    Columns with a few distinct strings are Categorical: cheaper to copy, and to hand to DuckDB.
    """
    schema = {
        "uscc": pl.Utf8,
        "period": pl.Categorical,
        "indicator": pl.Categorical,
        "value": pl.Float64,
        "unit": pl.Categorical,
        "sheet": pl.Categorical,
        "row_no": pl.Int32,
    }
    fields = [F.BY_NAME[n] for n in sorted(field_names) if F.BY_NAME[n].kind in (F.NUM, F.FLAG)]
    if not fields:
        return pl.DataFrame(schema=schema)
    firms = accepted.select("uscc", "period", "_sheet", "_row", *(f.name for f in fields)).sort(
        "uscc", "period", maintain_order=True
    )
    # row by row, indicators in name order within a row: sorted facts without sorting 6× as many rows
    row, k = np.nonzero(firms.select(pl.col(f.name).is_not_null() for f in fields).to_numpy())
    values = firms.select(pl.col(f.name).cast(pl.Float64) for f in fields).to_numpy()
    per_row = firms.select(
        "uscc",
        pl.col("period").cast(pl.Categorical),
        pl.col("_sheet").cast(pl.Categorical).alias("sheet"),
        pl.col("_row").alias("row_no"),
    )
    long = per_row[row].select(
        "uscc",
        "period",
        pl.Series("indicator", [f.name for f in fields], pl.Categorical)[k],
        pl.Series("value", values[row, k]),
        pl.Series("unit", [f.unit or "是/否" for f in fields], pl.Categorical)[k],
        "sheet",
        "row_no",
    )
    if not field_names & {"parcel_id", "land_own_mu", "land_leased_out_mu", "land_leased_in_mu"}:
        return long.select(list(schema)).cast(schema)  # one row per firm-year already (duplicates removed)
    area = [f.name for f in F.FIELDS if f.quantity == "area"]
    flags = [f.name for f in F.FIELDS if f.kind == F.FLAG]
    # several parcels of one firm: areas add up, flags are 'any'; other fields appear once per firm-year
    agg = (
        pl.when(pl.col("indicator").first().is_in(area))
        .then(pl.col("value").sum())
        .when(pl.col("indicator").first().is_in(flags))
        .then(pl.col("value").max())
        .otherwise(pl.col("value").first())
    )
    return (
        long.group_by("uscc", "period", "indicator", maintain_order=True)
        .agg(agg.alias("value"), pl.col("unit").first(), pl.col("sheet").first(), pl.col("row_no").min())
        .sort("uscc", "period", "indicator")  # a firm's parcels may hold different indicators
        .select(list(schema))
        .cast(schema)
    )


ATTR_COLUMNS = [
    "name",
    "town",
    "industry_code",
    "industry_name",
    "registered_on",
    "business_scope",
    "main_products",
]


def _attrs(accepted: pl.DataFrame, field_names: set[str]) -> pl.DataFrame:
    present = [a for a in ATTR_COLUMNS if a in field_names]
    if not present:
        return pl.DataFrame({"uscc": []}, schema={"uscc": pl.Utf8})
    rows = accepted.select("uscc", "period", "_row", *present).sort("period", "_row", nulls_last=False)
    if (
        rows.get_column("uscc").n_unique() == rows.height
    ):  # one row per firm (the usual case): nothing to merge
        return rows.select("uscc", *present)
    return rows.group_by("uscc", maintain_order=True).agg(pl.col(a).drop_nulls().last() for a in present)


def _parcels(accepted: pl.DataFrame, field_names: set[str]) -> pl.DataFrame:
    land = [f for f in ("land_own_mu", "land_leased_out_mu", "land_leased_in_mu") if f in field_names]
    if not land and "parcel_id" not in field_names:
        return pl.DataFrame()
    col = {
        n: (pl.col(n) if n in field_names else pl.lit(None))
        for n in ("parcel_id", "land_own_mu", "land_leased_out_mu", "land_leased_in_mu", "land_use")
    }
    return accepted.select(
        col["parcel_id"].cast(pl.Utf8).alias("parcel_id"),
        "uscc",
        "period",
        col["land_own_mu"].cast(pl.Float64).alias("area_mu"),
        col["land_leased_out_mu"].cast(pl.Float64).alias("leased_out_mu"),
        col["land_leased_in_mu"].cast(pl.Float64).alias("leased_in_mu"),
        col["land_use"].cast(pl.Utf8).alias("land_use"),
        pl.col("_row").alias("row_no"),
    )
