"""标准地 commitments (对赌) checked against the facts, and the 亩均 class a signing projects (pure: frames in,
frames out — vectorised over every project and year at once).

The agreement fixes 投资强度 (万元/亩), 容积率, 亩均税收 (万元/亩), 亩均产值 (万元/亩), 单位能耗增加值 (万元/吨标准煤)
and R&D 占比 (%) (浙政办发〔2018〕73号, operations.md §2). From the 达产 year on, each is worked from the facts in
force of the firm's 信用代码 for each year: taxes (tax_paid), revenue, value added, energy, R&D expenditure, with
the land of the year (the land register's land_own_mu; the agreement's land where the register has none);
投资强度 from the project's own 月度调度 (cumulative 完成投资 ÷ the agreement's land). A figure without its
facts is 无数据, never a shortfall."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

MET, SHORT, NO_DATA = "达标", "未达标", "无数据"


@dataclass(frozen=True)
class Item:
    id: str  # the commitment field in the project header
    title: str
    unit: str
    numerator: str | None  # fact indicator (元 or 吨标准煤), None: from the project itself
    denominator: str  # "land" or a fact indicator
    scale: float  # actual = numerator / denominator × scale


ITEMS = (
    Item("intensity", "投资强度", "万元/亩", None, "agreement", 1.0),  # the project's own land
    Item("tax_per_mu", "亩均税收", "万元/亩", "tax_paid", "land", 1e-4),
    Item("output_per_mu", "亩均产值", "万元/亩", "revenue", "land", 1e-4),
    Item("energy_va", "单位能耗增加值", "万元/吨标准煤", "value_added", "energy_tce", 1e-4),
    Item("rd_share", "R&D 占比", "%", "rd_expense", "revenue", 100.0),
    Item("plot_ratio", "容积率", "", None, "", 1.0),  # no department file carries it: checked by 自然资源
)
INDICATORS = ("tax_paid", "revenue", "value_added", "energy_tce", "rd_expense", "land_own_mu")
TITLES = {
    "tax_paid": "税收实际贡献",
    "revenue": "营业收入",
    "value_added": "工业增加值",
    "energy_tce": "综合能耗",
    "rd_expense": "研发费用",
    "land_own_mu": "用地面积",
}


def _evidence(facts: pl.DataFrame) -> pl.DataFrame:
    """One line per fact: what it is, its value and where it came from (batch, file, sheet, row)."""
    return facts.with_columns(
        pl.format(
            "{} {} {}（批次 {} · {} · {} 第 {} 行）",
            pl.col("indicator").replace_strict(TITLES, default=pl.col("indicator")),
            pl.col("value").round(2),
            pl.col("unit"),
            pl.col("batch_id"),
            pl.col("file_name"),
            pl.col("sheet"),
            pl.col("row_no"),
        ).alias("evidence")
    )


def check(projects: pl.DataFrame, facts: pl.DataFrame, last_year: int) -> pl.DataFrame:
    """Every commitment of every project for each year from its 达产 year to `last_year`.

    projects: case_id, uscc, land_mu, full_year, done_wan and one column per commitment (ITEMS ids; null
    where the agreement fixes none). facts: uscc, period, indicator, value, unit, batch_id, file_name, sheet,
    row_no (the values in force). Returns case_id, year, item, title, unit, committed, actual, status,
    short (committed − actual when short), evidence (list of lines)."""
    committed = [i.id for i in ITEMS if i.id in projects.columns]
    years = (
        projects.filter(pl.col("full_year").is_not_null() & (pl.col("full_year") <= last_year))
        .with_columns(pl.int_ranges(pl.col("full_year"), last_year + 1).alias("year"))
        .explode("year")
    )
    f = _evidence(facts.with_columns(pl.col("period").cast(pl.Int64).alias("year")))
    wide = f.pivot(on="indicator", index=["uscc", "year"], values="value", aggregate_function="first")
    ev = f.group_by(["uscc", "year", "indicator"]).agg(pl.col("evidence").first())
    for ind in INDICATORS:
        if ind not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(ind))
    base = years.join(wide, on=["uscc", "year"], how="left").with_columns(
        pl.coalesce(pl.col("land_own_mu"), pl.col("land_mu")).alias("_land")
    )
    parts = []
    for item in ITEMS:
        if item.id not in committed:
            continue
        parts.append(_item_frame(base, item))
    out = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame()
    if out.height == 0:
        return out
    return _attach_evidence(out, ev)


def _item_frame(base: pl.DataFrame, item: Item) -> pl.DataFrame:
    if item.numerator is None and item.id == "intensity":
        num = pl.col("done_wan")
    elif item.numerator is None:
        num = pl.lit(None, pl.Float64)
    else:
        num = pl.col(item.numerator)
    dens = {"land": pl.col("_land"), "agreement": pl.col("land_mu"), "": None}
    den = dens[item.denominator] if item.denominator in dens else pl.col(item.denominator)
    actual = (num / den * item.scale) if den is not None else pl.lit(None, pl.Float64)
    actual = pl.when(den > 0).then(actual).otherwise(None) if den is not None else actual
    used = [x for x in (item.numerator, item.denominator) if x and x not in ("land", "agreement")]
    if item.denominator == "land":
        used.append("land_own_mu")
    return (
        base.filter(pl.col(item.id).is_not_null())
        .select(
            "case_id",
            "uscc",
            "year",
            pl.lit(item.id).alias("item"),
            pl.lit(item.title).alias("title"),
            pl.lit(item.unit).alias("unit"),
            pl.col(item.id).cast(pl.Float64).alias("committed"),
            actual.cast(pl.Float64).alias("actual"),
            pl.lit(used, pl.List(pl.Utf8)).alias("used"),
            (pl.col("land_own_mu").is_null() & pl.lit(item.denominator == "land")).alias("agreement_land"),
            _own_lines(item),
        )
        .with_columns(
            pl.when(pl.col("actual").is_null())
            .then(pl.lit(NO_DATA))
            .when(pl.col("actual") >= pl.col("committed"))
            .then(pl.lit(MET))
            .otherwise(pl.lit(SHORT))
            .alias("status"),
        )
        .with_columns(
            pl.when(pl.col("status") == SHORT).then(pl.col("committed") - pl.col("actual")).alias("short")
        )
    )


def _own_lines(item: Item) -> pl.Expr:
    """Evidence that is not a fact: the project's own 调度 figures and the agreement's land."""
    if item.id == "intensity":
        line = pl.format(
            "累计完成投资 {} 万元（月度调度）÷ 协议用地 {} 亩", pl.col("done_wan").round(2), pl.col("land_mu")
        )
    elif item.denominator == "land":
        line = pl.when(pl.col("land_own_mu").is_null()).then(
            pl.format("协议用地 {} 亩（用地台账无该年数据）", pl.col("land_mu"))
        )
    else:
        line = pl.lit(None, pl.Utf8)
    return pl.concat_list([line]).list.drop_nulls().alias("own")


def _attach_evidence(out: pl.DataFrame, ev: pl.DataFrame) -> pl.DataFrame:
    long = out.select("case_id", "uscc", "year", "item", "used").explode("used").rename({"used": "indicator"})
    lines = (
        long.join(ev, on=["uscc", "year", "indicator"], how="inner")
        .group_by(["case_id", "year", "item"])
        .agg(pl.col("evidence"))
    )
    return (
        out.join(lines, on=["case_id", "year", "item"], how="left")
        .with_columns(
            pl.when(pl.col("evidence").is_null())
            .then(pl.col("own"))
            .otherwise(pl.concat_list([pl.col("own"), pl.col("evidence").list.sort()]))
            .alias("evidence")
        )
        .drop("used", "own")
        .sort(["case_id", "year", "item"])
    )


@dataclass(frozen=True)
class Projection:
    klass: str | None
    position: int  # the rank the committed 亩均税收 would take among the run's firms (1 = best)
    of: int  # firms in the list, the new one included
    run_id: str
    list_id: str
    above: int  # run firms with a higher 亩均税收


def projected_class(committed: float, run: pl.DataFrame, run_id: str, list_id: str) -> Projection:
    """The 亩均 class a signing projects at 达产: the committed 亩均税收 placed among the official run's firms
    of the list (k of them have a higher 亩均税收), and the class band of rank k + 1 in the run — the class by
    rank before vetoes and protections (class_initial) of the firm at that rank; the last firm's when it
    would come last.

    run: uscc, rank, class_initial, value (their 亩均税收 in the run) for one list."""
    ranked = run.filter(pl.col("rank").is_not_null()).sort("rank")
    k = int((ranked["value"] > committed).sum())
    if ranked.height == 0:
        return Projection(None, 1, 1, run_id, list_id, 0)
    klass = ranked["class_initial"][min(k, ranked.height - 1)]
    return Projection(klass, k + 1, ranked.height + 1, run_id, list_id, k)
