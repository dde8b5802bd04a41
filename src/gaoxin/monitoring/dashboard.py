"""One month of 经济运行 as pages, the CLI, the API and the 简报 show it: per indicator card 当月 / 累计 /
同比 (as published), gaoxin's own 同比 from firm files on a like-for-like set, progress against the target
and 时序进度, alerts, the trend against last year, and 拉动 for firm-backed indicators. Every figure carries
its batch, file, sheet and row."""

from __future__ import annotations

import polars as pl

from gaoxin.monitoring import alerts, contrib, nowcast, owners, periods, targets
from gaoxin.monitoring.cards import Card, load_cards
from gaoxin.store import monitoring as S
from gaoxin.store.towns import known_towns


def latest_month(con) -> str | None:
    found = S.months(con)
    return found[0] if found else None


def _figures(values: pl.DataFrame, period: str) -> dict:
    out = {}
    for row in values.filter(pl.col("period") == period).iter_rows(named=True):
        out[row["measure"]] = row["value"]
        out[f"{row['measure']}_src"] = (
            f"批次 {row['batch_id']} · {row['file_name']} · {row['sheet']} 第{row['row_no']}行"
        )
        out["combined"] = out.get("combined") or row["combined"]
    return out


def trend(values: pl.DataFrame, period: str, card: Card) -> dict:
    """This year's and last year's monthly values by month (当月 for level series, 累计同比 for growth ones)."""
    y, _ = periods.parse(period)
    measure = "month" if card.has_levels else "cum_yoy"
    v = values.filter(pl.col("measure") == measure)
    by = {r["period"]: r["value"] for r in v.iter_rows(named=True)}
    derived: set[str] = set()
    if (
        measure == "month"
    ):  # a table publishing only 累计: 当月 = 累计 − the month before (1–2月 合并 kept whole)
        cum = values.filter(pl.col("measure") == "cum").select("period", "value", "combined")
        if cum.height:
            months = periods.monthly_from_cumulative(
                cum.rename({"value": "cum"}).with_columns(pl.lit(card.id).alias("indicator")),
                pl.col("combined") | card.jan_feb_combined,
            )
            for r in months.iter_rows(named=True):
                if r["period"] not in by and r["month"] is not None and r["span"] is None:
                    by[r["period"]] = r["month"]
                    derived.add(r["period"])
    months = list(range(1, 13))
    return {
        "measure": measure,
        "months": months,
        "this": [by.get(periods.fmt(y, m)) for m in months],
        "last": [by.get(periods.fmt(y - 1, m)) for m in months],
        "derived": sorted(derived),  # months whose 当月 was worked out from 累计
        "combined": card.jan_feb_combined,
    }


def _progress(
    card: Card, fig: dict, target: dict | None, period: str, values: pl.DataFrame, method
) -> dict | None:
    if target is None:
        return None
    if target["kind"] == "level" and fig.get("cum") is not None:
        return targets.level_progress(fig["cum"], target["value"], period, method)
    if target["kind"] == "growth" and fig.get("cum_yoy") is not None:
        y, _ = periods.parse(period)
        base_total = values.filter(
            (pl.col("period") == periods.fmt(y - 1, 12)) & (pl.col("measure") == "cum")
        )
        cum = fig.get("cum")
        base_cum = cum / (1 + fig["cum_yoy"] / 100) if cum is not None else None
        total = base_total.get_column("value")[0] if base_total.height else None
        return targets.growth_progress(fig["cum_yoy"], target["value"], period, cum, total, base_cum)
    return None


def own_growth(con, card: Card, period: str) -> dict | None:
    """gaoxin's 同比 from the firm files on a like-for-like set (firms with values in both years' 1–N月)."""
    if card.firm is None:
        return None
    y, m = periods.parse(period)
    c = contrib.contributions(S.firm_sums(con, card.firm, y, m), period, card.firm)
    if c.growth is None:
        return None
    return {
        "growth": c.growth,
        "firms": int((c.firms["status"] == "same").sum()),
        "entering": c.entering,
        "leaving": c.leaving,
    }


def indicator(con, card: Card, period: str, target_rows: pl.DataFrame | None = None, method=None) -> dict:
    values = S.zone_values(con, card.id)
    fig = _figures(values, period)
    method = method or targets.load_method()
    tgt = None
    if target_rows is not None:  # the zone's target: no owner or a department (town targets: `owners`)
        t = target_rows.filter(pl.col("indicator") == card.id)
        tgt = t.row(0, named=True) if t.height else None
    prog = _progress(card, fig, tgt, period, values, method)
    ahead = None
    if prog and prog["kind"] == "level":
        ahead = prog["ahead"] * 100
    elif prog:
        ahead = prog["gap"]
    found = alerts.evaluate(
        card,
        {
            "cum_yoy": fig.get("cum_yoy"),
            "month_yoy": fig.get("month_yoy"),
            "progress": ahead,
            "progress_kind": prog["kind"] if prog else None,
        },
    )
    own = own_growth(con, card, period)
    diff = diff_en = None
    if own and fig.get("cum_yoy") is not None:
        diff = (
            f"公布同比 {fig['cum_yoy']:.1f}% 为同口径（上年基数按今年的规上企业范围调整），gaoxin 按 {own['firms']} 家两年均有数据的企业"
            f"计算 {own['growth']:.1f}%，差 {fig['cum_yoy'] - own['growth']:+.1f} 个百分点；新进 {own['entering']} 家、退出 {own['leaving']} 家未计入"
        )
        diff_en = (
            f"The published {fig['cum_yoy']:.1f}% is like-for-like (last year's base restated to this year's "
            f"above-scale firms); gaoxin's {own['growth']:.1f}% over the {own['firms']} firms with data in both "
            f"years differs by {fig['cum_yoy'] - own['growth']:+.1f} points; {own['entering']} entering and "
            f"{own['leaving']} leaving firms are left out"
        )
    return {
        "card": card,
        "period": period,
        "label": periods.label(period, bool(fig.get("combined"))),
        "figures": fig,
        "target": tgt,
        "progress": prog,
        "alerts": found,
        "own": own,
        "own_note": diff,
        "own_note_en": diff_en,
        "trend": trend(values, period, card),
    }


def dashboard(con, period: str | None = None) -> dict:
    period = period or latest_month(con)
    if period is None:
        return {"period": None, "cards": [], "alerts": []}
    y, _ = periods.parse(period)
    zone_targets, town_targets = owners.split(S.targets(con, y), set(known_towns(con)))
    method = targets.load_method()
    cards = [indicator(con, c, period, zone_targets, method) for c in load_cards()]
    return {
        "period": period,
        "months": S.months(con),
        "method": method,
        "cards": cards,
        "owners": owner_rows(con, period, cards, zone_targets, town_targets, method),
        "alerts": [a for c in cards for a in c["alerts"]],
        "revised": [
            {**r, "label": next((c.label for c in load_cards() if c.id == r["indicator"]), r["indicator"])}
            for r in S.revised_periods(con).to_dicts()
        ],
    }


def owner_rows(con, period: str, cards: list[dict], zone_targets, town_targets, method) -> list[dict]:
    """目标分解: each department's zone targets with the zone's progress, then each town's targets measured on
    its firms' monthly data (one query per firm-level indicator that has town targets)."""
    by_card = {c["card"].id: c for c in cards}
    out = [
        owners.department_progress(by_card[t["indicator"]]["card"], t, by_card[t["indicator"]]["progress"])
        for t in zone_targets.filter(pl.col("owner").is_not_null()).to_dicts()
        if t["indicator"] in by_card
    ]
    if town_targets.height == 0:
        return out
    y, m = periods.parse(period)
    firm_towns = S.firm_towns(con)
    figures: dict[str, dict[str, dict]] = {}
    for t in town_targets.to_dicts():
        card = by_card.get(t["indicator"], {}).get("card")
        if card is None:
            continue
        if card.firm and card.firm not in figures:
            f = owners.town_figures(S.firm_sums(con, card.firm, y, m), firm_towns)
            figures[card.firm] = {r["town"]: r for r in f.to_dicts()}
        fig = figures.get(card.firm or "", {}).get(t["owner"])
        out.append(owners.town_progress(card, t, fig, period, method))
    return out


def contributions(con, period: str, firm_indicator: str = "output", n: int = 10) -> dict:
    y, m = periods.parse(period)
    c = contrib.contributions(S.firm_sums(con, firm_indicator, y, m), period, firm_indicator)
    attrs = S.firm_attributes(con)
    named = lambda f: f.join(attrs, on="uscc", how="left").to_dicts()  # noqa: E731 — one join, three tables
    return {
        "period": period,
        "indicator": firm_indicator,
        "growth": c.growth,
        "base_total": c.base_total,
        "current_total": c.current_total,
        "sum_pp": float(c.firms.filter(pl.col("status") == "same")["pp"].sum()),
        "top": named(c.top(n)),
        "drags": named(c.top(n, drags=True)),
        "by_town": c.by(attrs.select("uscc", "town"), "town").to_dicts(),
        "by_industry": c.by(attrs.select("uscc", "industry_name"), "industry_name").head(15).to_dicts(),
        "by_chain": c.by(attrs.select("uscc", "chain"), "chain").to_dicts(),
        "entering": named(
            c.firms.filter(pl.col("status") == "entering").sort("current", descending=True).head(n)
        ),
        "leaving": named(c.firms.filter(pl.col("status") == "leaving").sort("base", descending=True).head(n)),
        "n_entering": c.entering,
        "n_leaving": c.leaving,
    }


def nowcast_inputs(con, indicator: str = "gross_output") -> nowcast.Inputs:
    v = S.zone_values(con, indicator).filter(pl.col("measure") == "month_yoy")
    return nowcast.Inputs(
        {r["period"]: r["value"] for r in v.iter_rows(named=True)},
        S.firm_totals(con, "power"),
        S.firm_totals(con, "tax"),
        combined=True,
    )


def nowcast_view(con, indicator: str = "gross_output") -> dict:
    inputs = nowcast_inputs(con, indicator)
    published = sorted(inputs.published)
    pending = [p for p in sorted(set(inputs.power) & set(inputs.tax)) if not published or p > published[-1]]
    est = nowcast.estimate(inputs, pending[-1]) if pending else None
    return {
        "indicator": indicator,
        "estimate": est,
        "backtest": nowcast.backtest(inputs),
        "published_to": published[-1] if published else None,
    }


def plain(obj):
    """JSON-ready: cards and methods as dicts, NaN as null (the CLI's --json and the API)."""
    import dataclasses

    from gaoxin.jsonable import jsonable

    def walk(o):
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return walk(dataclasses.asdict(o))
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [walk(v) for v in o]
        if hasattr(o, "isoformat"):  # dates and times (a vintage's import time)
            return o.isoformat()
        return o

    return jsonable(walk(obj))
