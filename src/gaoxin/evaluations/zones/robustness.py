"""Monte Carlo rank intervals of a zone ranking under weight and method uncertainty."""

from __future__ import annotations

import numpy as np

from gaoxin import engine

from .evaluate import ZoneResult


# ---------------------------------------------------------------------------------------------- robustness
def _alternatives(result: ZoneResult):
    mt = result.scheme.method
    rb = result.scheme.robustness
    if mt.aggregation == "goalpost":
        dead = np.isnan(result.worst)  # no data at all: scored 0 for everyone
        nominal_norm = (
            "goalposts",
            {"worst": np.where(dead, 0.0, result.worst), "best": np.where(dead, result.types, result.best)},
        )
        nominal_agg = "arithmetic"
    else:
        nominal_norm = (mt.topsis_normalization, {})
        nominal_agg = f"topsis_{mt.topsis_variant}"
    norms = [nominal_norm if k == "scheme" else (k, {}) for k in rb.normalizations]
    aggs = [nominal_agg if k == "scheme" else k for k in rb.aggregations]
    seen_n, seen_a = [], []
    for s in norms:  # "scheme" may equal a named alternative: keep each choice once, nominal first
        if all(s[0] != t[0] or s[0] == "goalposts" for t in seen_n):
            seen_n.append(s)
    for a in aggs:
        if a not in seen_a:
            seen_a.append(a)
    return seen_n, seen_a


def robustness(
    result: ZoneResult,
    ref: str | None = None,
    *,
    draws: int | None = None,
    seed: int | None = None,
    perturbation: float | None = None,
    weight_draws: str | None = None,
    methods: bool = True,
) -> tuple[dict, engine.UncertaintyResult]:
    """Rank intervals under weight and method uncertainty (see the module docstring).

    ``methods=False`` keeps only the scheme's own normalisation and aggregation (weight uncertainty only);
    ``perturbation=0`` with ``weight_draws="none"`` and ``methods=False`` reproduces the nominal ranking."""
    rb = result.scheme.robustness
    norms, aggs = _alternatives(result)
    if not methods:
        norms, aggs = norms[:1], aggs[:1]
    X = result.X_filled
    n_draws = draws or rb.draws
    res = engine.rank_intervals(
        X,
        result.types,
        result.weights,
        n_draws=n_draws,
        weight_draws=weight_draws or rb.weight_draws,
        perturbation=rb.perturbation if perturbation is None else perturbation,
        concentration=rb.concentration,
        normalizations=norms,
        aggregations=aggs,
        ties="min",
        seed=rb.seed if seed is None else seed,
    )
    top = rb.top
    p_top = (res.ranks <= top).mean(axis=0)
    pos = result.position(ref) if ref is not None else int(np.argmin(result.rank))
    order = np.argsort(result.rank, kind="stable")
    at = int(np.flatnonzero(order == pos)[0])
    k = rb.neighbours
    lo = max(0, min(at - k, result.m - (2 * k + 1)))
    window = order[lo : lo + 2 * k + 1]
    zones = [
        {
            "zone_id": str(result.zone_ids()[i]),
            "name": str(result.names()[i]),
            "rank": int(result.rank[i]),
            "nominal": int(res.nominal[i]),
            "median": float(res.median[i]),
            "p05": float(res.lower[i]),
            "p95": float(res.upper[i]),
            "mean": float(res.mean[i]),
            "p_top": float(p_top[i]),
            "is_focus": bool(i == pos),
        }
        for i in window
    ]
    return {
        "draws": n_draws,
        "weight_draws": weight_draws or rb.weight_draws,
        "perturbation": rb.perturbation if perturbation is None else perturbation,
        "normalizations": [n if isinstance(n, str) else n[0] for n in norms],
        "aggregations": list(aggs),
        "seed": rb.seed if seed is None else seed,
        "top": top,
        "focus": str(result.zone_ids()[pos]),
        "p_top": float(p_top[pos]),
        "nominal_matches": bool(np.array_equal(res.nominal, result.rank)),
        "mean_rank_shift": float(res.mean_rank_shift),
        "zones": zones,
    }, res
