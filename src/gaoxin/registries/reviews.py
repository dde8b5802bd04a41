"""The review clock of every platform, vectorised: the cycle that applies (kind, level, province — the most
specific rule wins), the next review date (the department's date, else the last 复核/评价 or the 认定 date plus
the cycle), the status as of a day, the days and working days left, and the bar on reapplying after 撤销.

Status as of a day (first match wins): 撤销 — the list says so (from its 撤销日期 on, when one is given), a 撤销日期
has passed, or the last grade (from the last review date on, when that is known) maps to 撤销; 警示 — the list
says so or the last grade maps to 警示; 待核实 — a row converted from a 科技局 file's 研发机构级别 code (migration 19:
kind, name and dates unknown); 待复核 — the list says so or the next review date has passed without a newer 复核;
else 有效. A platform counts (cultivation, 研发机构数) unless 撤销 — a converted row only in the data years its
codes came from (`from_year`–`to_year`)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from gaoxin import workdays
from gaoxin.registries.rules import cycle_table, provider_cycle_table
from gaoxin.store import calendar as store_calendar

COUNTS = ("有效", "待复核", "警示", "待核实")
# fields.RD_INSTITUTION_LEVELS: 4 国家级, 3 省级（省部级）, 2 市级, 1 区县级
LEVEL_CODE = {"国家": 4, "省": 3, "市": 2, "区": 1}
UNVERIFIED = "待核实"


def calendar_in_force(con: duckdb.DuckDBPyConnection) -> workdays.Calendar:
    """The shipped national table, then every calendar file the zone loaded (as the case clocks use it)."""
    return workdays.calendar_of(tuple(store_calendar.versions(con)))


def _match_cycles(p: pl.DataFrame, cycles: pl.DataFrame) -> pl.DataFrame:
    """Each platform's cycle: the candidates of its level, filtered by kind and province, the most specific kept."""
    cand = (
        p.select("_i", "kind", "level", "province")
        .join(cycles.with_row_index("cycle_id"), left_on="level", right_on="c_level", how="inner")
        .filter(
            ((pl.col("c_kind") == pl.col("kind")) | (pl.col("c_kind") == "*"))
            & ((pl.col("c_province") == pl.col("province").fill_null("")) | (pl.col("c_province") == "*"))
        )
        .with_columns(
            ((pl.col("c_kind") != "*").cast(pl.Int8) * 2 + (pl.col("c_province") != "*").cast(pl.Int8)).alias(
                "_spec"
            )
        )
        .sort("_i", "_spec", descending=[False, True])
        .unique("_i", keep="first", maintain_order=True)
        .drop("kind", "level", "province", "_spec", "c_kind", "c_province")
    )
    return p.join(cand, on="_i", how="left")


def _workdays_left(nxt: pl.Series, as_of: date, cal: workdays.Calendar) -> pl.Series:
    """Working days (as_of, date] for a date column: negative once the date has passed, null where unknown."""
    known = nxt.is_not_null().to_numpy()
    days = np.zeros(len(nxt), dtype=np.int64)
    if known.any():
        target = nxt.fill_null(as_of).to_numpy().astype("datetime64[D]")
        days = np.asarray(cal.count(np.full(len(nxt), np.datetime64(as_of, "D")), target), dtype=np.int64)
    return pl.Series("workdays_left", np.where(known, days, 0), pl.Int32).set(~pl.Series(known), None)


def review_frame(
    platforms: pl.DataFrame, rules: dict, as_of: date, cal: workdays.Calendar | None = None
) -> pl.DataFrame:
    """The platforms with their cycle, next review, status as of `as_of`, days / working days left and flags."""
    cal = cal or workdays.calendar()
    horizon = int(rules["meta"].get("upcoming_days", 90))
    cycles = cycle_table(rules)
    grades = (
        cycles.with_row_index("cycle_id")
        .select("cycle_id", "grades")
        .explode("grades")
        .unnest("grades")
        .drop_nulls("grade")
        .rename({"to": "grade_status"})
    )
    p = _match_cycles(platforms.with_row_index("_i"), cycles.drop("grades"))
    p = p.join(grades, on=["cycle_id", "grade"], how="left")
    base = pl.coalesce(pl.col("last_review_on"), pl.col("approved_on"))
    rule_next = base.dt.offset_by(pl.format("{}y", pl.col("cycle_years")))
    asof = pl.lit(as_of)
    graded = (pl.col("last_review_on") <= asof).fill_null(True)  # a grade counts from the day it was given
    revoked = (
        ((pl.col("status") == "撤销") & (pl.col("revoked_on") <= asof).fill_null(True)).fill_null(False)
        | (pl.col("revoked_on") <= asof).fill_null(False)
        | (graded & (pl.col("grade_status") == "撤销")).fill_null(False)
    )
    warned = (pl.col("status") == "警示").fill_null(False) | (
        graded & (pl.col("grade_status") == "警示")
    ).fill_null(False)
    p = p.with_columns(
        base.alias("review_base"),
        pl.coalesce(pl.col("next_review_on"), rule_next).alias("next_review"),
        pl.when(pl.col("next_review_on").is_not_null())
        .then(pl.lit("台账"))
        .when(rule_next.is_not_null())
        .then(pl.lit("规则"))
        .otherwise(None)
        .alias("next_review_basis"),
    )
    lapsed = (pl.col("next_review") < asof).fill_null(False)
    p = p.with_columns(
        pl.when(revoked)
        .then(pl.lit("撤销"))
        .when(warned)
        .then(pl.lit("警示"))
        .when((pl.col("status") == UNVERIFIED).fill_null(False))
        .then(pl.lit(UNVERIFIED))
        .when((pl.col("status") == "待复核").fill_null(False) | lapsed)
        .then(pl.lit("待复核"))
        .otherwise(pl.lit("有效"))
        .alias("status_now"),
        (pl.col("next_review") - asof).dt.total_days().cast(pl.Int32).alias("days_left"),
    )
    # working days (as_of, next review]: negative when the date has passed
    nxt = p.get_column("next_review")
    known = nxt.is_not_null().to_numpy()
    p = p.with_columns(
        _workdays_left(nxt, as_of, cal),
        pl.Series(
            "provisional", np.where(known, cal.provisional(as_of, nxt.fill_null(as_of).to_numpy()), False)
        ),
    )
    for col in ("from_year", "to_year"):  # rows from a list (not converted codes) have no year bounds
        if col not in p.columns:
            p = p.with_columns(pl.lit(None, dtype=pl.Int32).alias(col))
    in_years = (pl.col("from_year") <= as_of.year).fill_null(True) & (
        pl.col("to_year") >= as_of.year
    ).fill_null(True)
    live = pl.col("status_now") != "撤销"
    p = p.with_columns(
        (live & in_years).alias("counts"),
        (pl.col("status_now") == UNVERIFIED).alias("unverified"),
        (live & pl.col("days_left").is_between(0, horizon)).fill_null(False).alias("due_soon"),
        (live & (pl.col("days_left") < 0)).fill_null(False).alias("overdue"),
        pl.when(pl.col("status_now") == "撤销")
        .then(
            pl.coalesce(
                pl.col("bar_until"),
                pl.col("revoked_on").dt.offset_by(pl.format("{}y", pl.col("bar_years"))),
            )
        )
        .otherwise(pl.col("bar_until"))
        .alias("bar_until_now"),
        ((pl.col("cycle_verified") == "assumed") | pl.col("cycle_verified").is_null()).alias("cycle_assumed"),
    )
    return p.drop("_i").sort("name")


def upcoming(reviews: pl.DataFrame) -> pl.DataFrame:
    """Reviews due within the horizon and those already overdue, soonest first (overdue on top), then the rows
    to verify (待核实: converted codes without a date)."""
    return reviews.filter(pl.col("due_soon") | pl.col("overdue") | pl.col("unverified")).sort(
        "next_review", "name", nulls_last=True
    )


def clock(review: dict, as_of: date) -> dict:
    """One platform's review clock for its page: the cycle, where in it the day falls, what is next."""
    start, nxt = review.get("review_base"), review.get("next_review")
    span = (nxt - start).days if start and nxt else None
    elapsed = (as_of - start).days if start else None
    share = None if not span or elapsed is None else max(0.0, min(1.0, elapsed / span))
    return {
        "as_of": as_of,
        "start": start,
        "next_review": nxt,
        "basis": review.get("next_review_basis"),
        "days_left": review.get("days_left"),
        "workdays_left": review.get("workdays_left"),
        "share_elapsed": share,
        "status_now": review.get("status_now"),
        "mode": review.get("cycle_mode"),
        "years": review.get("cycle_years"),
        "source": review.get("cycle_source"),
        "assumed": review.get("cycle_assumed"),
        "window_opens": (nxt - timedelta(days=90)) if nxt else None,
    }


def firm_platforms(reviews: pl.DataFrame) -> pl.DataFrame:
    """Per host firm, the platforms that count (not 撤销): how many per level and the highest level as the
    `rd_institution_level` code (4 国家级, 3 省级, 2 市级) — what cultivation and 研发机构数 read."""
    live = reviews.filter(pl.col("counts") & pl.col("host_uscc").is_not_null())
    return (
        live.group_by("host_uscc")
        .agg(
            pl.len().alias("platforms"),
            (pl.col("level") == "国家").sum().alias("national"),
            (pl.col("level") == "省").sum().alias("provincial"),
            (pl.col("level") == "市").sum().alias("city"),
            pl.col("level")
            .replace_strict(LEVEL_CODE, default=0, return_dtype=pl.Int32)
            .max()
            .alias("level_code"),
            pl.col("name").sort().alias("names"),
        )
        .rename({"host_uscc": "uscc"})
        .sort("uscc")
    )


def provider_frame(
    providers: pl.DataFrame, rules: dict, as_of: date, cal: workdays.Calendar | None = None
) -> pl.DataFrame:
    """The 科技服务载体 with their evaluation cycle (`[[provider_cycle]]`: (kind, level) before (kind, "*")) and the
    next review as of `as_of`: the first anniversary of the approval date in the cycle on or after the day (the
    register holds no evaluation dates), days and working days left, and whether it falls within the horizon."""
    cal = cal or workdays.calendar()
    horizon = int(rules["meta"].get("upcoming_days", 90))
    cycles = provider_cycle_table(rules)
    p = providers.with_row_index("_i")
    cand = (
        p.select("_i", "kind", pl.col("level").fill_null(""))
        .join(cycles, left_on="kind", right_on="pc_kind", how="inner")
        .filter((pl.col("pc_level") == pl.col("level")) | (pl.col("pc_level") == "*"))
        .sort("_i", pl.col("pc_level") == "*")
        .unique("_i", keep="first", maintain_order=True)
        .select("_i", "cycle_years", "cycle_source", "cycle_assumed")
    )
    p = p.join(cand, on="_i", how="left")
    a, y = pl.col("approved_on"), pl.col("cycle_years")
    # whole cycles from the approval to the day, then one more when that anniversary is before the day
    n = ((pl.lit(as_of.year) - a.dt.year()) // y * y).clip(lower_bound=y)
    first = a.dt.offset_by(pl.format("{}y", n))
    p = p.with_columns(
        pl.when(first < pl.lit(as_of))
        .then(a.dt.offset_by(pl.format("{}y", n + y)))
        .otherwise(first)
        .alias("next_review")
    )
    p = p.with_columns(
        (pl.col("next_review") - pl.lit(as_of)).dt.total_days().cast(pl.Int32).alias("days_left")
    )
    return p.with_columns(
        _workdays_left(p.get_column("next_review"), as_of, cal),
        pl.col("days_left").is_between(0, horizon).fill_null(False).alias("due_soon"),
        pl.col("cycle_assumed").fill_null(True),
    ).drop("_i")
