"""What the registries feed the evaluations: `rd_institution_level` (研发机构级别, fields.RD_INSTITUTION_LEVELS) per
firm and data year, worked from the platform register — the 科技局 file no longer codes it (a file that still does
has its codes turned into register rows to verify, `store.registries.convert_coded`, like migration 19).

A platform counts for a year when it was approved by the year's end and is not 撤销 at the year's end (a
revocation date, or a 不合格-type grade given on or before that day; a list that says 撤销 without a date counts
it as revoked in every year); a converted row counts only in the years its codes came from. The level is the
highest of the firm's counting platforms (4 国家级, 3 省级, 2 市级, 1 区县级), 0 when none counts — for every firm
of the store once the register holds anything (the register decides; a firm it does not list has none). The
values are written as facts (`store.registries`): a cultivation run reads them like any other fact, names the
file, sheet and row they came from, and is marked stale when they change."""

from __future__ import annotations

from datetime import date

import polars as pl

from gaoxin import workdays
from gaoxin.registries.reviews import LEVEL_CODE, review_frame

FIELD = "rd_institution_level"


NONE_SHEET = "创新平台（台账无该企业平台）"


def institution_levels(
    platforms: pl.DataFrame,
    rules: dict,
    years: list[int],
    firms: list[str],
    cal: workdays.Calendar | None = None,
) -> pl.DataFrame:
    """(uscc, period, indicator, value, unit, sheet, row_no) for every firm in `firms` and year in `years`: the
    level at the year's end and the platform row it came from (the firm's first row when the level is 0; a firm
    without any platform row: sheet 创新平台（台账无该企业平台）, row 0)."""
    schema = {"uscc": pl.Utf8, "period": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64, "unit": pl.Utf8,
              "sheet": pl.Utf8, "row_no": pl.Int32}  # fmt: skip
    if not years or not firms:
        return pl.DataFrame(schema=schema)
    cal = cal or workdays.calendar()
    p = platforms.filter(pl.col("host_uscc").is_in(firms))
    grid = pl.DataFrame({"uscc": firms}).join(
        pl.DataFrame({"period": [str(y) for y in sorted(set(years))]}), how="cross"
    )
    out = []
    for y in sorted(set(years)) if p.height else []:
        end = date(y, 12, 31)
        r = review_frame(p, rules, end, cal).with_columns(
            pl.when(pl.col("counts") & (pl.col("approved_on") <= end).fill_null(True))
            .then(pl.col("level").replace_strict(LEVEL_CODE, default=0, return_dtype=pl.Int32))
            .otherwise(0)
            .alias("_code")
        )
        out.append(
            r.sort(["host_uscc", "_code", "sheet", "row_no"], descending=[False, True, False, False])
            .unique("host_uscc", keep="first", maintain_order=True)
            .select(
                pl.col("host_uscc").alias("uscc"),
                pl.lit(str(y)).alias("period"),
                pl.col("_code").cast(pl.Float64).alias("value"),
                "sheet",
                pl.col("row_no").cast(pl.Int32),
            )
        )
    found = pl.concat(out) if out else pl.DataFrame(schema={k: schema[k] for k in ("uscc", "period", "value",
                                                                                  "sheet", "row_no")})  # fmt: skip
    return (
        grid.join(found, on=["uscc", "period"], how="left")
        .select(
            "uscc",
            "period",
            pl.lit(FIELD).alias("indicator"),
            pl.col("value").fill_null(0.0),
            pl.lit("级").alias("unit"),
            pl.col("sheet").fill_null(NONE_SHEET),
            pl.col("row_no").fill_null(0).cast(pl.Int32),
        )
        .sort("uscc", "period")
    )


def changed_levels(worked: pl.DataFrame, in_force: pl.DataFrame) -> pl.DataFrame:
    """The worked levels that differ from the value in force (or have none): what a refresh writes, so a store
    whose facts already say what the register says gets nothing new (and its run ids stay)."""
    if worked.height == 0:
        return worked
    return (
        worked.join(
            in_force.select("uscc", "period", pl.col("value").alias("_now")),
            on=["uscc", "period"],
            how="left",
        )
        .filter(pl.col("_now").is_null() | (pl.col("_now") != pl.col("value")))
        .drop("_now")
    )
