"""The 闲置土地 clocks of 国土资源部令第53号, per parcel as of a day, over the whole register at once (Polars).

- 第二条第一款 (not started): the clock starts at the contract's 约定动工开发日期; the parcel is 闲置 on the
  anniversary one year later while no 动工 is recorded.
- 第二条第二款 (candidate): started, not completed, work stopped (中止开发建设) and less than 1/3 of the area
  to be built built or less than 25 % of the total investment made; a *candidate* one year after the stop —
  "也可以认定": an officer's 认定 (a `finding` decision) makes it 闲置.
- 第八条: a verified government or 不可抗力 delay stops the clock for its days (no 闲置, no fee while it lasts)
  and opens the 第十二条 options; once it ends the clock runs on, shifted by those days. An unverified
  explanation changes nothing.
- 第五条: 30 days from the day the parcel became suspect (or was first seen by the store, if later) to the
  start of the investigation (an `investigation` decision, 调查通知书).
- 第十四条: eligible for a 征缴土地闲置费决定书 (20 % of the 出让 / 划拨 价款) at one year, for a 收回决定书 at two;
  both are decisions an approver records (`fee` / `reclaim`), never amounts that fall due by themselves.
"""

from __future__ import annotations

from datetime import date

import polars as pl

DELAY, INVESTIGATION, FINDING, FEE, RECLAIM, OPTION = (
    "delay",
    "investigation",
    "finding",
    "fee",
    "reclaim",
    "option",
)
DECISION_KINDS = {
    DELAY: "政府原因或不可抗力延迟",
    INVESTIGATION: "开展调查（调查通知书）",
    FINDING: "认定闲置土地",
    FEE: "征缴土地闲置费决定",
    RECLAIM: "收回国有建设用地使用权决定",
    OPTION: "第十二条处置方式",
}
_DECISION_SCHEMA = {
    "parcel_no": pl.Utf8, "kind": pl.Utf8, "from_day": pl.Date, "to_day": pl.Date, "verified": pl.Boolean,
    "recorded_at": pl.Datetime("us"), "amount_wan": pl.Float64,
}  # fmt: skip


def _years(col: pl.Expr, n: int) -> pl.Expr:
    return col.dt.offset_by(f"{n}y")


def _delay_days(parcels: pl.DataFrame, decisions: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per parcel: verified delay days inside [clock start, as_of], and whether any verified delay exists."""
    d = decisions.filter((pl.col("kind") == DELAY) & pl.col("verified").fill_null(False))
    starts = parcels.select("parcel_no", "_clock_start")
    j = d.join(starts, on="parcel_no", how="inner").with_columns(
        lo=pl.max_horizontal(pl.col("from_day"), pl.col("_clock_start").fill_null(pl.col("from_day"))),
        hi=pl.min_horizontal(pl.col("to_day").fill_null(pl.lit(as_of)), pl.lit(as_of)),
    )
    return j.group_by("parcel_no").agg(
        delay_days=((pl.col("hi") - pl.col("lo")).dt.total_days().clip(lower_bound=0)).sum().cast(pl.Int64),
        gov_cause=pl.lit(True),
        delay_ongoing=(pl.col("to_day").is_null() | (pl.col("to_day") > as_of)).any(),
    )


def _recorded(decisions: pl.DataFrame, kind: str, name: str) -> pl.DataFrame:
    return (
        decisions.filter(pl.col("kind") == kind)
        .group_by("parcel_no")
        .agg(pl.col("recorded_at").min().dt.date().alias(name))
    )


def clocks(parcels: pl.DataFrame, decisions: pl.DataFrame | None, as_of: date, rules: dict) -> pl.DataFrame:
    """One row per parcel: its 53号令 status, the days the clocks reach, eligibility and what was decided."""
    r = rules["idle"]
    decisions = (
        decisions if decisions is not None and decisions.height else pl.DataFrame(schema=_DECISION_SCHEMA)
    )
    decisions = decisions.with_columns(pl.col("from_day").cast(pl.Date), pl.col("to_day").cast(pl.Date))
    not_started = pl.col("actual_start").is_null() & pl.col("agreed_start").is_not_null()
    built = pl.col("built_floor_m2") / pl.col("planned_floor_m2")
    invested = pl.col("invested_wan") / pl.col("total_invest_wan")
    small = (built < r["built_share_below"]).fill_null(False) | (
        invested < r["invested_share_below"]
    ).fill_null(False)
    stopped = (
        pl.col("actual_start").is_not_null()
        & pl.col("actual_complete").is_null()
        & pl.col("stopped_on").is_not_null()
        & small
    )
    p = parcels.with_columns(
        _kind=pl.when(not_started)
        .then(pl.lit("not_started"))
        .when(stopped)
        .then(pl.lit("stopped"))
        .otherwise(None),
        built_share=built,
        invested_share=invested,
    ).with_columns(
        _clock_start=pl.when(pl.col("_kind") == "not_started")
        .then(pl.col("agreed_start"))
        .when(pl.col("_kind") == "stopped")
        .then(pl.col("stopped_on"))
        .otherwise(None)
    )
    delays = _delay_days(p, decisions, as_of)
    p = (
        p.join(delays, on="parcel_no", how="left")
        .join(_recorded(decisions, INVESTIGATION, "investigated_on"), on="parcel_no", how="left")
        .join(_recorded(decisions, FINDING, "found_idle_on"), on="parcel_no", how="left")
        .join(_recorded(decisions, FEE, "fee_decided_on"), on="parcel_no", how="left")
        .join(_recorded(decisions, RECLAIM, "reclaim_decided_on"), on="parcel_no", how="left")
        .with_columns(
            pl.col("delay_days").fill_null(0),
            pl.col("gov_cause").fill_null(False),
            pl.col("delay_ongoing").fill_null(False),
        )
    )
    shift = pl.duration(days=pl.col("delay_days"))
    one_year = _years(pl.col("_clock_start"), r["not_started_years"]) + shift
    p = p.with_columns(
        suspect_on=pl.when(pl.col("delay_ongoing")).then(None).otherwise(one_year),
        fee_on=pl.when(pl.col("delay_ongoing"))
        .then(None)
        .otherwise(_years(pl.col("_clock_start"), r["fee_years"]) + shift),
        reclaim_on=pl.when(pl.col("delay_ongoing"))
        .then(None)
        .otherwise(_years(pl.col("_clock_start"), r["reclaim_years"]) + shift),
        fee_base_wan=pl.col("price_wan") * r["fee_share"],
    )
    reached = (pl.col("suspect_on") <= as_of).fill_null(False)
    seen = pl.col("imported_at").dt.date() if "imported_at" in p.columns else pl.col("suspect_on")
    # the candidate of 第二条第二款 becomes 闲置 only by an officer's 认定; the not-started parcel by the date
    idle = reached & ((pl.col("_kind") == "not_started") | pl.col("found_idle_on").is_not_null())
    # while a verified delay lasts the clock stands still (政府原因); once it ends the clock runs on, shifted by
    # the delay's days, and a parcel still not started is idle by its user from the shifted anniversary
    route = ~pl.col("delay_ongoing")
    p = (
        p.with_columns(
            status=pl.when(pl.col("_kind").is_null())
            .then(pl.lit("正常"))
            .when(pl.col("delay_ongoing"))
            .then(pl.lit("政府原因（第八条）"))
            .when(idle)
            .then(pl.lit("闲置"))
            .when(reached)
            .then(pl.lit("闲置候选（待认定）"))
            .otherwise(pl.lit("计时中")),
            idle=idle & route,
            candidate=reached & route & (pl.col("_kind") == "stopped") & pl.col("found_idle_on").is_null(),
            found_on=pl.when(reached).then(pl.max_horizontal(pl.col("suspect_on"), seen)).otherwise(None),
        )
        .with_columns(
            investigate_due=pl.col("found_on") + pl.duration(days=r["investigate_days"]),
            fee_eligible=pl.col("idle")
            & (pl.col("fee_on") <= as_of).fill_null(False)
            & pl.col("price_wan").is_not_null(),
            reclaim_eligible=pl.col("idle") & (pl.col("reclaim_on") <= as_of).fill_null(False),
            options_open=pl.col("gov_cause"),
        )
        .with_columns(
            investigate_overdue=pl.col("found_on").is_not_null()
            & pl.col("investigated_on").is_null()
            & (pl.col("investigate_due") < as_of).fill_null(False),
            idle_days=pl.when(pl.col("_clock_start").is_not_null())
            .then((pl.lit(as_of) - pl.col("_clock_start")).dt.total_days() - pl.col("delay_days"))
            .otherwise(None),
        )
    )
    return p.select(
        "parcel_no", "status", pl.col("_kind").alias("clock"), pl.col("_clock_start").alias("clock_start"),
        "idle_days", "delay_days", "gov_cause", "delay_ongoing", "suspect_on", "found_on", "investigate_due",
        "investigated_on", "investigate_overdue", "idle", "candidate", "found_idle_on", "built_share",
        "invested_share", "fee_base_wan", "fee_on", "fee_eligible", "fee_decided_on", "reclaim_on",
        "reclaim_eligible", "reclaim_decided_on", "options_open",
    )  # fmt: skip
