"""Nowcast: this month's 规上 output growth before the bureau publishes it, from the power and tax files.

Model (documented, deliberately small): ordinary least squares of the published 当月同比 of the target
indicator on the 同比 of the zone's firm-level 用电量 and 入库税收 of the same month,
    y_t = a + b₁ · power_yoy_t + b₂ · tax_yoy_t + e_t,
fitted only on months before t (the published figure for t is what we estimate) with the regressors up to t,
so a nowcast for t uses only what was available when t's power and tax files arrived. The interval is the
OLS prediction interval (Student t, 80 %). The back-test runs the same recipe for every past month with
enough history and reports MAE / RMSE beside a naive peer (last month's published growth).

Months of a 1–2月 合并 indicator: January has no published figure; February stands for 1–2月 and its
regressors are the 1–2月 sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from gaoxin.monitoring.periods import fmt, parse

MIN_OBS = 8
LEVEL = 0.80


@dataclass(frozen=True)
class Inputs:
    """Monthly series keyed by 'YYYY-MM': the published growth (%) and the regressors' monthly totals."""

    published: dict[str, float]  # 当月同比 as published (for a 合并 indicator, February = 1–2月)
    power: dict[str, float]  # zone total of firm 用电量, 当月
    tax: dict[str, float]  # zone total of firm 入库税收, 当月
    combined: bool = True


def _yoy(series: dict[str, float], period: str, combined: bool) -> float | None:
    y, m = parse(period)
    months = [1, 2] if combined and m == 2 else [m]
    cur = [series.get(fmt(y, k)) for k in months]
    base = [series.get(fmt(y - 1, k)) for k in months]
    if any(v is None for v in cur + base) or sum(base) <= 0:
        return None
    return (sum(cur) / sum(base) - 1) * 100


def design(inputs: Inputs, period: str) -> list[float] | None:
    p, t = _yoy(inputs.power, period, inputs.combined), _yoy(inputs.tax, period, inputs.combined)
    return None if p is None or t is None else [1.0, p, t]


def available(inputs: Inputs, as_of: str) -> Inputs:
    """What was known when `as_of`'s power and tax files arrived: published growth before it, regressors up to
    it. Every estimate goes through this cut — the look-ahead guard."""
    return Inputs(
        {k: v for k, v in inputs.published.items() if k < as_of},
        {k: v for k, v in inputs.power.items() if k <= as_of},
        {k: v for k, v in inputs.tax.items() if k <= as_of},
        inputs.combined,
    )


def estimate(inputs: Inputs, period: str) -> dict | None:
    """The nowcast for `period` with its interval, from the data available then (None: too little history)."""
    known = available(inputs, period)
    x_now = design(known, period)
    if x_now is None:
        return None
    rows, ys = [], []
    for k in sorted(known.published):
        x = design(known, k)
        if x is not None:
            rows.append(x)
            ys.append(known.published[k])
    if len(ys) < MIN_OBS:
        return None
    X, y = np.asarray(rows), np.asarray(ys)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - X.shape[1]
    s2 = float(resid @ resid) / dof
    x0 = np.asarray(x_now)
    xtx_inv = np.linalg.pinv(X.T @ X)
    se = float(np.sqrt(s2 * (1 + x0 @ xtx_inv @ x0)))
    q = float(stats.t.ppf(0.5 + LEVEL / 2, dof))
    point = float(x0 @ beta)
    return {
        "period": period,
        "estimate": point,
        "low": point - q * se,
        "high": point + q * se,
        "level": LEVEL,
        "n_obs": len(y),
        "coef": {"const": float(beta[0]), "power_yoy": float(beta[1]), "tax_yoy": float(beta[2])},
        "power_yoy": x_now[1],
        "tax_yoy": x_now[2],
        "last_input": max(k for k in known.published) if known.published else None,
    }


def backtest(inputs: Inputs) -> dict:
    """Every published month with enough earlier history, estimated as it would have been then."""
    rows = []
    months = sorted(inputs.published)
    for k in months:
        est = estimate(inputs, k)
        if est is None:
            continue
        prev = [m for m in months if m < k]
        naive = inputs.published[prev[-1]] if prev else None
        actual = inputs.published[k]
        inside = est["low"] <= actual <= est["high"]
        rows.append(
            {**est, "actual": actual, "error": est["estimate"] - actual, "naive": naive, "inside": inside}
        )
    if not rows:
        return {"rows": [], "n": 0}
    err = np.asarray([r["error"] for r in rows])
    naive_err = np.asarray([r["naive"] - r["actual"] for r in rows if r["naive"] is not None])
    return {
        "rows": rows,
        "n": len(rows),
        "mae": float(np.abs(err).mean()),
        "rmse": float(np.sqrt((err**2).mean())),
        "bias": float(err.mean()),
        "coverage": float(np.mean([r["inside"] for r in rows])),
        "naive_mae": float(np.abs(naive_err).mean()) if naive_err.size else None,
        "peer": "上月公布增速（朴素法）",
    }
