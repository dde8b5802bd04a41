"""低效用地 flags by the zone's rules file, over every parcel at once: each rule is one Polars expression over
the register joined to per-firm aggregates (store.land.firm_month_aggregates, mujun classes), and each flag
row names its rule, clause, the numbers it compared and the batches those numbers came from."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

FLAG_SCHEMA = {
    "parcel_no": pl.Utf8, "uscc": pl.Utf8, "rule": pl.Utf8, "title": pl.Utf8, "clause": pl.Utf8,
    "numbers": pl.Utf8, "batches": pl.List(pl.Int64),
}  # fmt: skip


def _months_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _numbers(**exprs: pl.Expr) -> pl.Expr:
    return pl.struct(**exprs).struct.json_encode()


def _emit(
    df: pl.DataFrame, hit: pl.Expr, rid: str, rule: dict, numbers: pl.Expr, batches: pl.Expr
) -> pl.DataFrame:
    return df.filter(hit.fill_null(False)).select(
        "parcel_no",
        "uscc",
        pl.lit(rid).alias("rule"),
        pl.lit(rule["title"]).alias("title"),
        pl.lit(rule["clause"]).alias("clause"),
        numbers.alias("numbers"),
        batches.cast(pl.List(pl.Int64)).alias("batches"),
    )


def _class_d(classes: pl.DataFrame, rule: dict) -> pl.DataFrame:
    """Per firm: the latest N years' classes, and whether all N are the rule's class."""
    n = int(rule["years"])
    if classes.height == 0:
        return pl.DataFrame(
            schema={
                "uscc": pl.Utf8,
                "d_years": pl.List(pl.Utf8),
                "d_hit": pl.Boolean,
                "d_runs": pl.List(pl.Utf8),
            }
        )
    last = classes.sort("year", descending=True).group_by("uscc").head(n)
    return last.group_by("uscc").agg(
        d_years=pl.col("year").sort(),
        d_hit=(pl.col("class") == rule["class"]).all() & (pl.len() == n),
        d_runs=pl.col("run_id"),
    )


ZERO_TAX = {"uscc": pl.Utf8, "zero_tax_years": pl.List(pl.Utf8), "zero_tax_batches": pl.List(pl.Int64)}


def lowuse_flags(
    parcels: pl.DataFrame,
    months: pl.DataFrame,
    classes: pl.DataFrame,
    as_of: date,
    rules: dict,
    zero_tax: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every 低效 flag of every parcel as of `as_of` (one row per parcel and rule that fires). `no_tax` reads
    the monthly tax (months since the last month with tax) and the yearly 税务 facts (`zero_tax`: per firm the
    latest years in a row with no tax paid, and their batches) — either makes the case."""
    lu = rules["lowuse"]
    zero = zero_tax if zero_tax is not None else pl.DataFrame(schema=ZERO_TAX)
    base = parcels.join(months, on="uscc", how="left").join(zero, on="uscc", how="left")
    d_rule = lu["class_d"]
    base = base.join(_class_d(classes, d_rule), on="uscc", how="left")
    own = pl.concat_list(pl.col("batch_id"))
    out = []
    r = lu["overdue_completion"]
    if r.get("on", True):
        limit = pl.col("agreed_complete").dt.offset_by(f"{int(r['years'])}y")
        out.append(
            _emit(
                base,
                pl.col("actual_complete").is_null() & (limit <= as_of),
                "overdue_completion",
                r,
                _numbers(
                    约定竣工日期=pl.col("agreed_complete").cast(pl.Utf8),
                    已超期天数=(pl.lit(as_of) - pl.col("agreed_complete")).dt.total_days(),
                    阈值年=pl.lit(r["years"]),
                ),
                own,
            )
        )
    r = lu["low_intensity"]
    if r.get("on", True):
        actual = pl.col("invested_wan") / pl.col("area_mu")
        out.append(
            _emit(
                base,
                actual < pl.col("agreed_intensity") * r["share"],
                "low_intensity",
                r,
                _numbers(
                    实际投资强度_万元每亩=actual.round(2),
                    约定投资强度_万元每亩=pl.col("agreed_intensity"),
                    比例=(actual / pl.col("agreed_intensity")).round(4),
                    阈值=pl.lit(r["share"]),
                ),
                own,
            )
        )
    r = lu["no_power"]
    if r.get("on", True) and "low_power_months" in base.columns:
        out.append(
            _emit(
                base,
                pl.col("low_power_months") >= r["months"],
                "no_power",
                r,
                _numbers(
                    连续近零月数=pl.col("low_power_months"),
                    近零阈值_千瓦时=pl.lit(r["kwh_below"]),
                    阈值月数=pl.lit(r["months"]),
                ),
                pl.concat_list(own, pl.col("power_batches")),
            )
        )
    r = lu["no_tax"]
    if r.get("on", True) and "no_tax_months" in base.columns:
        months_hit = pl.col("no_tax_months") >= int(r["years"]) * 12
        years_hit = pl.col("zero_tax_years").list.len() >= int(r["years"])
        out.append(
            _emit(
                base,
                months_hit.fill_null(False) | years_hit.fill_null(False),
                "no_tax",
                r,
                _numbers(
                    连续无税月数=pl.col("no_tax_months"),
                    无税年度=pl.col("zero_tax_years"),
                    阈值月数=pl.lit(int(r["years"]) * 12),
                ),
                pl.concat_list(
                    own, pl.col("tax_batches").fill_null([]), pl.col("zero_tax_batches").fill_null([])
                ),
            )
        )
    if d_rule.get("on", True):
        out.append(
            _emit(
                base,
                pl.col("d_hit"),
                "class_d",
                d_rule,
                _numbers(评价年度=pl.col("d_years"), 评价批次=pl.col("d_runs"), 类别=pl.lit(d_rule["class"])),
                own,
            )
        )
    r = lu["banned_industry"]
    if r.get("on", True):
        out.append(
            _emit(
                base,
                pl.col("industry_status").is_in(r["statuses"]),
                "banned_industry",
                r,
                _numbers(产业目录类别=pl.col("industry_status"), 行业代码=pl.col("industry")),
                own,
            )
        )
    if not out:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    return pl.concat(out).with_columns(pl.col("batches").list.unique().list.sort()).sort("parcel_no", "rule")


def numbers_of(flag: dict) -> dict:
    return json.loads(flag["numbers"]) if flag.get("numbers") else {}
