"""What the registries feed the evaluations: `rd_institution_level` (研发机构级别, fields.RD_INSTITUTION_LEVELS) per
host firm and data year, worked from the platform register instead of the number the 科技局 file codes by hand.

A platform counts for a year when it was approved by the year's end and is not 撤销 at the year's end (a
revocation date, or a 不合格-type grade given on or before that day; a list that says 撤销 without a date counts
it as revoked in every year). The level is the highest of the firm's counting platforms (4 国家级, 3 省级, 2 市级),
0 when none counts. The values are written as facts of the registry batch (`store.registries`), so a
cultivation run reads them like any other fact, names the file, sheet and row they came from, and is marked
stale when they change; the field prefers the registry over the coded number of the 科技局 file."""

from __future__ import annotations

from datetime import date

import polars as pl

from gaoxin import workdays
from gaoxin.registries.reviews import LEVEL_CODE, review_frame

FIELD = "rd_institution_level"


def institution_levels(
    platforms: pl.DataFrame,
    rules: dict,
    years: list[int],
    firms: list[str],
    cal: workdays.Calendar | None = None,
) -> pl.DataFrame:
    """(uscc, period, indicator, value, unit, sheet, row_no) for every firm in `firms` and year in `years`: the
    level at the year's end and the platform row it came from (the firm's first row when the level is 0)."""
    schema = {"uscc": pl.Utf8, "period": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64, "unit": pl.Utf8,
              "sheet": pl.Utf8, "row_no": pl.Int32}  # fmt: skip
    p = platforms.filter(pl.col("host_uscc").is_in(firms))
    if p.height == 0 or not years:
        return pl.DataFrame(schema=schema)
    cal = cal or workdays.calendar()
    out = []
    for y in sorted(years):
        end = date(y, 12, 31)
        r = review_frame(p, rules, end, cal).with_columns(
            pl.when(pl.col("counts") & (pl.col("approved_on") <= end).fill_null(True))
            .then(pl.col("level").replace_strict(LEVEL_CODE, default=0, return_dtype=pl.Int32))
            .otherwise(0)
            .alias("_code")
        )
        best = (
            r.sort(["host_uscc", "_code", "sheet", "row_no"], descending=[False, True, False, False])
            .unique("host_uscc", keep="first", maintain_order=True)
            .select(
                pl.col("host_uscc").alias("uscc"),
                pl.lit(str(y)).alias("period"),
                pl.lit(FIELD).alias("indicator"),
                pl.col("_code").cast(pl.Float64).alias("value"),
                pl.lit("级").alias("unit"),
                "sheet",
                pl.col("row_no").cast(pl.Int32),
            )
        )
        out.append(best)
    return pl.concat(out).sort("uscc", "period")
