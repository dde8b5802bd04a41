"""Monthly periods: `2025-10` is 1–10月 累计 where the source is cumulative, 当月 where it says so.

`monthly_from_cumulative` and `cumulative_from_monthly` convert whole frames of series at once (polars,
per indicator and year). An indicator published 1–2月 合并 has no January figure: its February value is the
1–2月 combined amount (`span` = "1-2"), never split into two months.
"""

from __future__ import annotations

import polars as pl


def parse(period: str) -> tuple[int, int]:
    y, m = period.split("-")
    return int(y), int(m)


def fmt(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def label(period: str, combined: bool = False, cumulative: bool = True) -> str:
    """'2025-10' → '2025年1-10月' (累计) or '2025年10月' (当月); 2月 of a 合并 release → '1-2月'."""
    y, m = parse(period)
    if cumulative and m > 1:
        return f"{y}年1-{m}月"
    if combined and m == 2:
        return f"{y}年1-2月"
    return f"{y}年{m}月"


def same_month_last_year(period: str) -> str:
    y, m = parse(period)
    return fmt(y - 1, m)


def months_to(period: str) -> list[str]:
    """The months of the year up to `period`: ['2025-01', …, '2025-10']."""
    y, m = parse(period)
    return [fmt(y, k) for k in range(1, m + 1)]


def _ym(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("_y"),
        pl.col("period").str.slice(5, 2).cast(pl.Int32).alias("_m"),
    )


def monthly_from_cumulative(frame: pl.DataFrame, combined: pl.Expr | bool = False) -> pl.DataFrame:
    """`frame` (indicator, period, cum[, combined]) → adds `month` (当月) and `span` ("1-2" for a 合并 February).

    当月 = 累计 − the previous month's 累计 of the same year; January is its 累计; February of a 合并
    indicator is the 1–2月 amount; a month after a gap (the previous month missing) has no 当月 value.
    """
    comb = combined if isinstance(combined, pl.Expr) else pl.lit(combined)
    f = _ym(frame).sort("indicator", "_y", "_m")
    prev_m = pl.col("_m").shift(1).over("indicator", "_y")
    prev_c = pl.col("cum").shift(1).over("indicator", "_y")
    first_feb = (pl.col("_m") == 2) & prev_m.is_null() & comb
    return f.with_columns(
        pl.when(pl.col("_m") == 1)
        .then(pl.col("cum"))
        .when(first_feb)
        .then(pl.col("cum"))
        .when(prev_m == pl.col("_m") - 1)
        .then(pl.col("cum") - prev_c)
        .otherwise(None)
        .alias("month"),
        pl.when(first_feb).then(pl.lit("1-2")).otherwise(None).alias("span"),
    ).drop("_y", "_m")


def cumulative_from_monthly(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` (indicator, period, month[, span]) → adds `cum` (1–N月 累计): the running sum within the year,
    null once a month is missing (a 合并 February stands for January and February)."""
    f = _ym(frame).sort("indicator", "_y", "_m")
    has_span = "span" in f.columns
    covers = pl.when(pl.col("span") == "1-2").then(2).otherwise(1) if has_span else pl.lit(1)
    f = f.with_columns(covers.alias("_n"))
    complete = pl.col("_n").cum_sum().over("indicator", "_y") == pl.col("_m")
    running = pl.col("month").cum_sum().over("indicator", "_y")
    return f.with_columns(
        pl.when(
            complete & (pl.col("month").is_not_null().cast(pl.Int8).cum_min().over("indicator", "_y") == 1)
        )
        .then(running)
        .otherwise(None)
        .alias("cum")
    ).drop("_y", "_m", "_n")
