"""From a department file to a prepared batch: every row accepted, rejected (with reasons) or skipped.

Pure with respect to the store: nothing here writes. `gaoxin.store.imports.write_batch` commits a
prepared batch all-or-nothing. All row work is vectorised polars/numpy.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gaoxin import fields as F
from gaoxin.ingest import headers, parse, uscc
from gaoxin.ingest.readers import RawSheet, ReadError, read_file

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
_TOTAL = r"^(总?合计|总计|小计|全区合计|全市合计|全县合计|全区总计)"
_NOTE = r"^(注|说明|备注|填表|填报|制表|审核|单位负责人|数据来源|资料来源)"


@dataclass
class PreparedBatch:
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
    facts: pl.DataFrame
    attrs: pl.DataFrame
    parcels: pl.DataFrame
    rejected_rows: pl.DataFrame
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "file": self.file_name, "sha256": self.sha256, "source": self.source, "rows": self.rows,
            "accepted": self.accepted, "rejected": self.rejected, "skipped": self.skipped,
        }


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
    sheets = read_file(path)
    digest = sha256_of(path)
    notes: list[str] = []
    frames: list[pl.DataFrame] = []
    columns: list[dict] = []
    used_sheets: list[str] = []
    field_names: set[str] = set()
    raw_sources: dict[str, tuple[RawSheet, headers.Layout]] = {}
    for sheet in sheets:
        if sheet.grid.height == 0:
            continue
        layout = headers.detect(sheet, path.name)
        if layout is None:
            notes.append(f"工作表「{sheet.name}」中未找到「统一社会信用代码」列，已跳过该表")
            continue
        used_sheets.append(sheet.name)
        notes.extend(f"工作表「{sheet.name}」: {n}" for n in layout.notes)
        for col in layout.columns:
            columns.append({
                "sheet": sheet.name, "column": col.letter, "header": col.header,
                "field": col.field.name if col.field else None, "unit": col.unit,
                "factor": col.factor, "unit_assumed": col.unit_assumed,
            })
            if col.field:
                field_names.add(col.field.name)
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
    rejected_rows = rows.filter(pl.col("_status") != "accepted").select(
        pl.col("_sheet").alias("sheet"), pl.col("_row").alias("row_no"), pl.col("_status").alias("disposition"),
        pl.col("_columns").alias("columns"), pl.col("_reasons").alias("reasons"), pl.col("_raw").alias("raw_json"),
    ).sort("sheet", "row_no")
    counts = rows.get_column("_status").value_counts()
    count = dict(zip(counts.get_column("_status").to_list(), counts.get_column("count").to_list(), strict=True))
    return PreparedBatch(
        path=path, file_name=path.name, sha256=digest, source=src, sheets=used_sheets, periods=periods,
        rows=rows.height, accepted=count.get("accepted", 0), rejected=count.get("rejected", 0),
        skipped=count.get("skipped", 0), facts=facts, attrs=_attrs(accepted, field_names),
        parcels=_parcels(accepted, field_names), rejected_rows=rejected_rows, columns=columns, notes=notes,
    )


def _raw_json(sheet: RawSheet, layout: headers.Layout) -> pl.Expr:
    cols = sheet.grid.columns
    names = _raw_names(layout, len(cols), sheet.col0)
    return pl.struct([pl.col(c).alias(n) for c, n in zip(cols, names, strict=True)]).struct.json_encode()


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
            pl.col("_i").is_in((part.get_column("_row") - first_row).implode()))
        filled.append(picked.select(
            pl.lit(sheet_name[0]).alias("_sheet"), (pl.col("_i").cast(pl.Int32) + first_row).alias("_row"),
            _raw_json(sheet, layout).alias("_raw_filled")))
    fill = pl.concat(filled)
    return rows.join(fill, on=["_sheet", "_row"], how="left").with_columns(
        pl.coalesce("_raw", "_raw_filled").alias("_raw")).drop("_raw_filled")


def _raw_names(layout: headers.Layout, width: int, col0: int) -> list[str]:
    by_index = {c.index: c.header for c in layout.columns}
    names, seen = [], set()
    for j in range(width):
        name = by_index.get(j) or f"{headers.column_letter(col0 + j)}列"
        if name in seen:
            name = f"{name}（{headers.column_letter(col0 + j)}列）"
        seen.add(name)
        names.append(name)
    return names


def _sheet_rows(sheet: RawSheet, layout: headers.Layout, file_name: str, period: str | None) -> pl.DataFrame:
    grid = sheet.grid
    cols = grid.columns
    data = grid.slice(layout.data_start)
    first_row = sheet.row0 + layout.data_start + 1  # Excel row number of data row 0
    key_header = next(c for c in layout.columns if c.index == layout.key_col)

    has_numeric = any(c.field.kind in (F.NUM, F.FLAG) for c in layout.mapped())
    period_col = "period" if any(c.field.name == "period" for c in layout.mapped()) else None
    data = data.with_columns((pl.int_range(pl.len(), dtype=pl.Int32) + first_row).alias("_row"))
    # Fast path: plain numbers parse with one cast; only rows holding text in a numeric column
    # (全角 digits, '1,234', '—', '12%', words) go through the full parser.
    numeric = [cols[c.index] for c in layout.mapped() if c.field.kind == F.NUM]
    messy = data.select(
        pl.any_horizontal([
            pl.col(c).is_not_null() & ~pl.col(c).cast(pl.Float64, strict=False).is_finite().fill_null(False)
            for c in numeric
        ]).alias("m") if numeric else pl.lit(False).alias("m")
    ).to_series()
    frame = pl.concat([
        data.filter(~messy).select(_column_exprs(sheet, layout, cols, fast=True)),
        data.filter(messy).select(_column_exprs(sheet, layout, cols, fast=False)),
    ]).sort("_row")

    # 统一社会信用代码: vectorised check-character validation
    reason_code = pl.Series("_uscc_code", uscc.validate_series(frame.get_column("uscc")))
    key_where = f"列「{key_header.header}」({key_header.letter}列)"
    frame = frame.with_columns(reason_code)

    default_period = period or headers_year(sheet.name) or layout.title_year
    if period_col is None:
        frame = frame.with_columns(pl.lit(default_period, dtype=pl.Utf8).alias("period"))
        mismatch = pl.lit(False)
    else:
        frame = frame.with_columns(pl.col("period").fill_null(pl.lit(default_period, dtype=pl.Utf8)))
        mismatch = pl.lit(period is not None) & (pl.col("period") != pl.lit(period)).fill_null(False)
    no_period = pl.lit(has_numeric) & pl.col("period").is_null()

    # Only rows with some problem need the slower checks (blank / 合计 / 说明 line) and their raw cells.
    suspect = frame.select(
        ((pl.col("_uscc_code") != uscc.OK) | pl.col("_bad").is_not_null() | mismatch | no_period).alias("s")
    ).to_series()
    clean = frame.filter(~suspect).with_columns(
        pl.lit("accepted").alias("_status"), pl.lit(None, dtype=pl.Utf8).alias("_reasons"),
        pl.lit(None, dtype=pl.Utf8).alias("_columns"), pl.lit(None, dtype=pl.Utf8).alias("_raw"),
    )
    cells = [parse.folded(c).fill_null("") for c in cols]
    checks = data.filter(suspect).select(
        pl.all_horizontal([parse.is_placeholder(c) for c in cols]).alias("_blank"),  # grid cells only
        pl.any_horizontal([cc.str.contains(_TOTAL) for cc in cells]).alias("_total"),
        pl.any_horizontal([cc.str.contains(_NOTE) for cc in cells[:3]]).alias("_note"),
        _raw_json(sheet, layout).alias("_raw"),
    )
    odd = pl.concat([frame.filter(suspect), checks], how="horizontal").with_columns(
        pl.col("_uscc_code").replace_strict(uscc.REASONS, default=None, return_dtype=pl.Utf8).alias("_uscc_bad"))

    empty_key = pl.col("_uscc_bad").is_not_null()  # no usable code: may be a 合计 or 说明 line
    key_reason = (
        pl.when(pl.col("uscc") == "").then(pl.lit(f"{key_where}：") + pl.col("_uscc_bad"))
        .when(pl.col("_uscc_bad").is_not_null()).then(
            pl.lit(f"{key_where}：") + pl.col("_uscc_bad") + pl.lit("，实际为「") + pl.col("uscc") + pl.lit("」"))
    )
    reasons = _join([key_reason, pl.col("_bad")], "；").fill_null("")
    bad_cols_all = _join(
        [pl.when(pl.col("_uscc_bad").is_not_null()).then(pl.lit(key_header.header)), pl.col("_badcols")], "、")
    not_data = pl.col("_blank") | (empty_key & (pl.col("_total") | pl.col("_note")))
    odd = odd.with_columns(
        pl.when(pl.col("_blank")).then(pl.lit("skipped"))
        .when(empty_key & pl.col("_total")).then(pl.lit("skipped"))
        .when(empty_key & pl.col("_note")).then(pl.lit("skipped"))
        .when(reasons != "").then(pl.lit("rejected"))
        .when(mismatch).then(pl.lit("skipped"))
        .when(no_period).then(pl.lit("rejected"))
        .otherwise(pl.lit("accepted")).alias("_status"),
        pl.when(pl.col("_blank")).then(pl.lit("空行"))
        .when(empty_key & pl.col("_total")).then(pl.lit("合计行（不是企业数据）"))
        .when(empty_key & pl.col("_note")).then(pl.lit("说明行（不是企业数据）"))
        .when(reasons != "").then(reasons)
        .when(mismatch).then(pl.lit(f"年度不是本次导入指定的 {period}：") + pl.col("period"))
        .when(no_period).then(pl.lit(
            "无法确定数据年度：请加入「年份」列、在工作表名或标题中写明年份（如 2025年），或导入时使用 --period"))
        .otherwise(None).alias("_reasons"),
        pl.when(not_data).then(None).when(reasons != "").then(bad_cols_all).otherwise(None).alias("_columns"),
    ).drop("_blank", "_total", "_note", "_uscc_bad")
    frame = pl.concat([clean, odd.select(clean.columns)], how="vertical_relaxed").sort("_row")
    if period_col is None and default_period is None and has_numeric and frame.height:
        n_data = frame.filter(pl.col("_status") == "accepted").height + frame.filter(
            pl.col("_reasons").str.starts_with("无法确定数据年度")).height
        if n_data:
            raise headers.SheetError(
                f"{file_name} 工作表「{sheet.name}」含数值列，但无法确定数据年度：请加入「年份」列，或在工作表名/"
                "标题中写明年份（如「2025年」），或导入时使用 --period 2025"
            )
    return frame.drop("_bad", "_badcols", "_uscc_code")


def _column_exprs(sheet: RawSheet, layout: headers.Layout, cols: list[str], fast: bool) -> list[pl.Expr]:
    """Parsed value and problem text per mapped column; `fast` assumes numeric cells are plain numbers."""
    key = cols[layout.key_col]
    code = parse.folded(key).str.to_uppercase().str.replace_all(r"[\s\-]", "").fill_null("")
    exprs: list[pl.Expr] = [pl.lit(sheet.name).alias("_sheet"), pl.col("_row"), code.alias("uscc")]
    bad_parts: list[pl.Expr] = []
    bad_cols: list[pl.Expr] = []
    for col in layout.mapped():
        c, fld = cols[col.index], col.field
        where = f"列「{col.header}」({col.letter}列)"
        if fld.name == "uscc":
            continue
        if fld.name == "period":
            value, bad = parse.period(c)
            expect = "年份（如 2025）"
        elif fld.kind == F.NUM:
            if fast:
                value, bad = pl.col(c).cast(pl.Float64, strict=False) * col.factor, pl.lit(False)
            else:
                value, bad = parse.number(c, col.factor, allow_percent=fld.quantity == "ratio")
            expect = f"数值（{col.unit}）"
            if fld.min_value is not None:
                neg = (value < fld.min_value).fill_null(False)
                bad_parts.append(pl.when(neg).then(pl.lit(f"{where}：不能为负数，实际为「") + pl.col(c) + pl.lit("」")))
                bad_cols.append(pl.when(neg).then(pl.lit(col.header)))
        elif fld.kind == F.FLAG:
            value, bad = parse.flag(c)
            expect = "是/否"
        elif fld.name == "industry_code":
            value, bad = parse.industry_code(c)
            expect = "GB/T 4754-2017 行业代码（2–4 位数字，如 3973 或 C3973）"
        elif fld.name == "registered_on":
            value, bad = parse.date(c)
            expect = "日期（如 2019-05-12）"
        else:
            value, bad = parse.text_value(c), pl.lit(False)
            expect = ""
        exprs.append(value.alias(fld.name))
        if expect:
            bad_parts.append(pl.when(bad).then(pl.lit(f"{where}：应为{expect}，实际为「") + pl.col(c) + pl.lit("」")))
            bad_cols.append(pl.when(bad).then(pl.lit(col.header)))
    return [*exprs, _join(bad_parts, "；").alias("_bad"), _join(bad_cols, "、").alias("_badcols")]


def _join(parts: list[pl.Expr], sep: str) -> pl.Expr:
    """Join the non-null parts; null when there are none."""
    if not parts:
        return pl.lit(None, dtype=pl.Utf8)
    joined = pl.concat_str(parts, separator=sep, ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)


def headers_year(sheet_name: str) -> str | None:
    m = re.search(r"((?:19|20)\d{2})", sheet_name)
    return m.group(1) if m else None


def _value_fields(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c in F.BY_NAME and F.BY_NAME[c].kind in (F.NUM, F.FLAG, F.ATTR, F.PARCEL)]


def _mark_duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Same firm, same period (and parcel) twice in one file: identical → skip, different → reject all."""
    key = ["uscc", "period"] + (["parcel_id"] if "parcel_id" in rows.columns else [])
    vals = _value_fields(rows)
    sig = pl.struct(vals).hash() if vals else pl.lit(0)
    acc = pl.col("_status") == "accepted"
    acc_rows = rows.filter(acc)
    if not acc_rows.select(pl.struct(key).hash().is_duplicated().any()).item():
        return rows
    keyed = rows.with_columns(pl.col(k).fill_null("").alias(f"_k{i}") for i, k in enumerate(key))
    kcols = [f"_k{i}" for i in range(len(key))]
    keyed = keyed.with_columns(sig.alias("_sig"))
    grp = (
        keyed.filter(acc).group_by(kcols).agg(
            pl.len().alias("_n"), pl.col("_sig").n_unique().alias("_nsig"),
            pl.col("_sheet").first().alias("_first_sheet"), pl.col("_row").first().alias("_first_row"),
            pl.format("{}第{}行", pl.col("_sheet"), pl.col("_row")).str.join("、").alias("_where"),
        ).filter(pl.col("_n") > 1)
    )
    if grp.height == 0:
        return rows
    keyed = keyed.join(grp, on=kcols, how="left")
    is_first = (pl.col("_sheet") == pl.col("_first_sheet")) & (pl.col("_row") == pl.col("_first_row"))
    dup = acc & pl.col("_n").is_not_null()
    same = pl.col("_nsig") == 1
    return keyed.with_columns(
        pl.when(dup & same & ~is_first).then(pl.lit("skipped"))
        .when(dup & ~same).then(pl.lit("rejected")).otherwise(pl.col("_status")).alias("_status"),
        pl.when(dup & same & ~is_first).then(
            pl.format("与工作表「{}」第{}行完全重复（同一企业、同一年度）", pl.col("_first_sheet"), pl.col("_first_row")))
        .when(dup & ~same).then(
            pl.lit("同一企业同一年度在本文件出现多次且数值不一致（") + pl.col("_where")
            + pl.lit("），请核对后只保留一行"))
        .otherwise(pl.col("_reasons")).alias("_reasons"),
    ).drop(*kcols, "_sig", "_n", "_nsig", "_first_sheet", "_first_row", "_where")


def _facts(accepted: pl.DataFrame, field_names: set[str]) -> pl.DataFrame:
    schema = {"uscc": pl.Utf8, "period": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64,
              "unit": pl.Utf8, "sheet": pl.Utf8, "row_no": pl.Int32}
    parts = []
    for name in sorted(field_names):
        fld = F.BY_NAME[name]
        if fld.kind not in (F.NUM, F.FLAG):
            continue
        parts.append(
            accepted.filter(pl.col(name).is_not_null()).select(
                "uscc", "period", pl.lit(name).alias("indicator"), pl.col(name).cast(pl.Float64).alias("value"),
                pl.lit(fld.unit or "是/否").alias("unit"), pl.col("_sheet").alias("sheet"),
                pl.col("_row").alias("row_no"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=schema)
    long = pl.concat(parts)
    if not field_names & {"parcel_id", "land_own_mu", "land_leased_out_mu", "land_leased_in_mu"}:
        return long.select(list(schema)).cast(schema)  # one row per firm-year already (duplicates removed)
    area = [f.name for f in F.FIELDS if f.quantity == "area"]
    flags = [f.name for f in F.FIELDS if f.kind == F.FLAG]
    # several parcels of one firm: areas add up, flags are 'any'; other fields appear once per firm-year
    agg = (
        pl.when(pl.col("indicator").first().is_in(area)).then(pl.col("value").sum())
        .when(pl.col("indicator").first().is_in(flags)).then(pl.col("value").max())
        .otherwise(pl.col("value").first())
    )
    return (
        long.group_by("uscc", "period", "indicator", maintain_order=True)
        .agg(agg.alias("value"), pl.col("unit").first(), pl.col("sheet").first(), pl.col("row_no").min())
        .select(list(schema)).cast(schema)
    )


ATTR_COLUMNS = ["name", "town", "industry_code", "industry_name", "registered_on", "business_scope",
                "main_products"]


def _attrs(accepted: pl.DataFrame, field_names: set[str]) -> pl.DataFrame:
    present = [a for a in ATTR_COLUMNS if a in field_names]
    if not present:
        return pl.DataFrame({"uscc": []}, schema={"uscc": pl.Utf8})
    return (
        accepted.sort("period", "_row", nulls_last=False)
        .group_by("uscc", maintain_order=True)
        .agg(pl.col(a).drop_nulls().last() for a in present)
    )


def _parcels(accepted: pl.DataFrame, field_names: set[str]) -> pl.DataFrame:
    land = [f for f in ("land_own_mu", "land_leased_out_mu", "land_leased_in_mu") if f in field_names]
    if not land and "parcel_id" not in field_names:
        return pl.DataFrame()
    col = {n: (pl.col(n) if n in field_names else pl.lit(None)) for n in
           ("parcel_id", "land_own_mu", "land_leased_out_mu", "land_leased_in_mu", "land_use")}
    return accepted.select(
        col["parcel_id"].cast(pl.Utf8).alias("parcel_id"), "uscc", "period",
        col["land_own_mu"].cast(pl.Float64).alias("area_mu"),
        col["land_leased_out_mu"].cast(pl.Float64).alias("leased_out_mu"),
        col["land_leased_in_mu"].cast(pl.Float64).alias("leased_in_mu"),
        col["land_use"].cast(pl.Utf8).alias("land_use"), pl.col("_row").alias("row_no"),
    )
