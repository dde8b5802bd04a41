"""Row work shared by every kind of sheet: data rows, raw cells, line markers, duplicates, the batch summary.

A sheet's rows come out of the kind's own parser (`prepare` for enterprise sheets, `zones` for zone sheets)
as one frame with `_sheet`, `_row`, `_status` (accepted / rejected / skipped), `_reasons`, `_columns` and
`_raw`; what follows (duplicates, rejected rows, counts) is the same for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import polars as pl

from gaoxin.ingest import headers, parse
from gaoxin.ingest.readers import RawSheet
from gaoxin.ingest.vocabulary import Vocabulary


def sheet_year(sheet_name: str) -> str | None:
    """A year named in a sheet name ('2025年', '数据2024')."""
    m = re.search(r"((?:19|20)\d{2})", sheet_name)
    return m.group(1) if m else None


def layouts(
    sheets: list[RawSheet],
    file_name: str,
    vocab: Vocabulary,
    notes: list[str],
    columns: list[dict],
    unusable: Callable[[headers.Layout], str | None] = lambda layout: None,
) -> Iterator[tuple[RawSheet, headers.Layout]]:
    """The sheets with a key column, each with its layout; the notes and column report of each on the way.

    A sheet without a key column, or one `unusable` names a reason for, is skipped with a note.
    """
    for sheet in sheets:
        if sheet.grid.height == 0:
            continue
        layout = headers.detect(sheet, file_name, vocab)
        if layout is None:
            notes.append(f"工作表「{sheet.name}」中未找到{vocab.key_label}列，已跳过该表")
            continue
        reason = unusable(layout)
        if reason is not None:
            notes.append(f"工作表「{sheet.name}」{reason}，已跳过该表")
            continue
        notes.extend(f"工作表「{sheet.name}」: {n}" for n in layout.notes)
        columns += column_report(sheet, layout)
        yield sheet, layout


def column_report(sheet: RawSheet, layout: headers.Layout) -> list[dict]:
    """How each column of a sheet was read: the batch's `columns` (shown by imports and stored with them)."""
    return [
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


def data_rows(sheet: RawSheet, layout: headers.Layout) -> pl.DataFrame:
    """The grid below the header, with `_row` the Excel row number of each line."""
    first_row = sheet.row0 + layout.data_start + 1  # Excel row number of data row 0
    return sheet.grid.slice(layout.data_start).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int32) + first_row).alias("_row")
    )


def raw_names(layout: headers.Layout, width: int, col0: int) -> list[str]:
    """Names of the raw cells kept with a rejected row: the header, or the column letter; never twice."""
    by_index = {c.index: c.header for c in layout.columns}
    names, seen = [], set()
    for j in range(width):
        name = by_index.get(j) or f"{headers.column_letter(col0 + j)}列"
        if name in seen:
            name = f"{name}（{headers.column_letter(col0 + j)}列）"
        seen.add(name)
        names.append(name)
    return names


def raw_json(sheet: RawSheet, layout: headers.Layout) -> pl.Expr:
    cols = sheet.grid.columns
    names = raw_names(layout, len(cols), sheet.col0)
    return pl.struct([pl.col(c).alias(n) for c, n in zip(cols, names, strict=True)]).struct.json_encode()


def join(parts: list[pl.Expr], sep: str) -> pl.Expr:
    """Join the non-null parts; null when there are none."""
    if not parts:
        return pl.lit(None, dtype=pl.Utf8)
    joined = pl.concat_str(parts, separator=sep, ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)


def line_flags(cols: list[str], vocab: Vocabulary, folded: Callable[[str], pl.Expr]) -> list[pl.Expr]:
    """`_blank` (no cell holds data), `_total` (a 合计 line), `_note` (a 说明 line in the first 3 cells).

    `folded(c)` is column `c` folded (`parse.folded`, or a column already holding it).
    """
    cells = [folded(c).fill_null("") for c in cols]
    return [
        pl.all_horizontal([parse.is_placeholder(c, folded(c)) for c in cols]).alias("_blank"),
        pl.any_horizontal([cc.str.contains(vocab.total) for cc in cells]).alias("_total"),
        pl.any_horizontal([cc.str.contains(vocab.note) for cc in cells[:3]]).alias("_note"),
    ]


def mark_duplicates(
    rows: pl.DataFrame, key: list[str], vals: list[str], same: str, differ: str
) -> pl.DataFrame:
    """One subject twice for one key among the accepted rows: identical → the later ones skipped with `same`
    (a format of the first row's sheet and row), different → all rejected with `differ` (a format of where)."""
    sig = pl.struct(vals).hash() if vals else pl.lit(0)
    acc = pl.col("_status") == "accepted"
    firms = pl.col(key[0]).filter(acc)
    if rows.select(firms.n_unique() == firms.len()).item():  # each subject once (the usual case)
        return rows
    if not rows.filter(acc).select(pl.struct(key).hash().is_duplicated().any()).item():
        return rows
    keyed = rows.with_columns(pl.col(k).fill_null("").alias(f"_k{i}") for i, k in enumerate(key))
    kcols = [f"_k{i}" for i in range(len(key))]
    keyed = keyed.with_columns(sig.alias("_sig"))
    grp = (
        keyed.filter(acc)
        .group_by(kcols)
        .agg(
            pl.len().alias("_n"),
            pl.col("_sig").n_unique().alias("_nsig"),
            pl.col("_sheet").first().alias("_first_sheet"),
            pl.col("_row").first().alias("_first_row"),
            pl.format("{}第{}行", pl.col("_sheet"), pl.col("_row")).str.join("、").alias("_where"),
        )
        .filter(pl.col("_n") > 1)
    )
    if grp.height == 0:
        return rows
    keyed = keyed.join(grp, on=kcols, how="left")
    is_first = (pl.col("_sheet") == pl.col("_first_sheet")) & (pl.col("_row") == pl.col("_first_row"))
    dup = acc & pl.col("_n").is_not_null()
    same_values = pl.col("_nsig") == 1
    return keyed.with_columns(
        pl.when(dup & same_values & ~is_first)
        .then(pl.lit("skipped"))
        .when(dup & ~same_values)
        .then(pl.lit("rejected"))
        .otherwise(pl.col("_status"))
        .alias("_status"),
        pl.when(dup & same_values & ~is_first)
        .then(pl.format(same, pl.col("_first_sheet"), pl.col("_first_row")))
        .when(dup & ~same_values)
        .then(pl.format(differ, pl.col("_where")))
        .otherwise(pl.col("_reasons"))
        .alias("_reasons"),
    ).drop(*kcols, "_sig", "_n", "_nsig", "_first_sheet", "_first_row", "_where")


def rejected_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows not accepted, as `rejected_row` keeps them."""
    return (
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


def status_counts(rows: pl.DataFrame) -> dict[str, int]:
    counts = rows.get_column("_status").value_counts()
    return dict(
        zip(counts.get_column("_status").to_list(), counts.get_column("count").to_list(), strict=True)
    )


class BatchSummary:
    """The counts line of a prepared batch (file, sha256, source, rows, accepted, rejected, skipped), the same
    for enterprise and zone sheets."""

    file_name: str
    sha256: str
    source: str
    rows: int
    accepted: int
    rejected: int
    skipped: int

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


PERIOD_UNKNOWN = (
    "无法确定数据年度：请加入「年份」列、在工作表名或标题中写明年份（如 2025年），或导入时使用 --period"
)


def disposition(
    *,
    blank: pl.Expr,
    total: pl.Expr,
    note: pl.Expr,
    reasons: pl.Expr,
    columns: pl.Expr,
    mismatch: pl.Expr,
    no_period: pl.Expr,
    period: str | None,
    total_label: str,
    note_label: str,
) -> list[pl.Expr]:
    """What becomes of every physical row, the same ladder for every vocabulary (first match wins): blank,
    total and note lines are skipped; a row with `reasons` (null when none) is rejected naming its `columns`;
    a row of another year than the one asked for is skipped; a row whose year is unknown is rejected; the rest
    is accepted. Returns the `_status`, `_reasons` and `_columns` expressions."""
    not_data = blank | total | note
    return [
        pl.when(blank)
        .then(pl.lit("skipped"))
        .when(total)
        .then(pl.lit("skipped"))
        .when(note)
        .then(pl.lit("skipped"))
        .when(reasons.is_not_null())
        .then(pl.lit("rejected"))
        .when(mismatch)
        .then(pl.lit("skipped"))
        .when(no_period)
        .then(pl.lit("rejected"))
        .otherwise(pl.lit("accepted"))
        .alias("_status"),
        pl.when(blank)
        .then(pl.lit("空行"))
        .when(total)
        .then(pl.lit(total_label))
        .when(note)
        .then(pl.lit(note_label))
        .when(reasons.is_not_null())
        .then(reasons)
        .when(mismatch)
        .then(pl.lit(f"年度不是本次导入指定的 {period}：") + pl.col("period"))
        .when(no_period)
        .then(pl.lit(PERIOD_UNKNOWN))
        .otherwise(None)
        .alias("_reasons"),
        pl.when(not_data)
        .then(None)
        .when(reasons.is_not_null())
        .then(columns)
        .otherwise(None)
        .alias("_columns"),
    ]


def cell_place(col: headers.Column) -> str:
    """How a refusal names a column: 列「实缴税金（万元）」(D列)."""
    return f"列「{col.header}」({col.letter}列)"


def optional_column(
    by: dict,
    cols: list[str],
    target: str,
    parser: Callable[[str], tuple[pl.Expr, pl.Expr]],
    expect: str,
    dtype: type[pl.DataType],
) -> tuple[list[pl.Expr], list[tuple[str, headers.Column, str]]]:
    """A column a sheet may or may not have: its parsed value and bad-cell flag (`b:<target>`) with the check
    message when the layout found it, a typed null column when it did not."""
    if target not in by:
        return [pl.lit(None, dtype=dtype).alias(target)], []
    value, bad = parser(cols[by[target].index])
    return [value.alias(target), bad.alias(f"b:{target}")], [(f"b:{target}", by[target], expect)]


ROW_COLUMNS = ["_sheet", "_row", "_status", "_reasons", "_columns", "_raw"]


def accepted(frame: pl.DataFrame) -> pl.DataFrame:
    """The accepted rows of a read sheet's frame (an empty frame as it is)."""
    return frame.filter(pl.col("_status") == "accepted") if frame.height else frame


class SheetCounts:
    """Counts of a batch read from several sheets — every physical row accepted, rejected or skipped — and its
    rejected rows for `rejected_row`. A batch class says which frames it holds (`_frames`)."""

    def _frames(self) -> list[pl.DataFrame]:
        raise NotImplementedError

    def _held(self) -> list[pl.DataFrame]:
        return [f for f in self._frames() if f.height]

    def _count(self, status: str) -> int:
        return sum(int((f.get_column("_status") == status).sum()) for f in self._held())

    @property
    def rows(self) -> int:
        return sum(f.height for f in self._held())

    @property
    def accepted(self) -> int:
        return self._count("accepted")

    @property
    def rejected(self) -> int:
        return self._count("rejected")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    def rejected_rows(self) -> pl.DataFrame:
        held = [f.select(ROW_COLUMNS).with_columns(pl.col("_row").cast(pl.Int32)) for f in self._held()]
        if not held:
            return rejected_frame(
                pl.DataFrame(schema={**dict.fromkeys(ROW_COLUMNS, pl.Utf8), "_row": pl.Int32})
            )
        return rejected_frame(pl.concat(held))
