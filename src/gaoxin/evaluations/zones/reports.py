"""Zone ranking read-outs: single-indicator top-N lists, peer groups and the home zone's 短板 / strengths."""

from __future__ import annotations

import math

import numpy as np

from gaoxin import engine

from .evaluate import ZoneResult


# ---------------------------------------------------------------------------------------------- reports
def _median_or_none(x: np.ndarray) -> float | None:
    x = x[~np.isnan(x)]
    return float(np.median(x)) if x.size else None


def indicator_ranks(result: ZoneResult) -> np.ndarray:
    """(m × n) rank of every zone on every indicator (1 = best by direction; NaN where missing)."""
    return engine.rank((result.X * result.types).T, ties="min").T


def top_lists(result: ZoneResult, n: int | None = None, indicators: list[str] | None = None) -> list[dict]:
    """Single-indicator lists: the best ``n`` zones by value (direction-aware, ties share a rank)."""
    n = n or result.scheme.report.top_n
    R = indicator_ranks(result)
    out = []
    for j, spec in enumerate(result.scheme.indicators):
        if indicators and spec.id not in indicators:
            continue
        r = R[:, j]
        order = [int(i) for i in np.argsort(np.where(np.isnan(r), np.inf, r), kind="stable") if r[i] <= n]
        out.append(
            {
                "indicator": spec.id,
                "no": spec.no or spec.info.no,
                "title": spec.info.label,
                "unit": spec.info.unit,
                "direction": "lower" if result.types[j] < 0 else "higher",
                "zones": [
                    {
                        "rank": int(r[i]),
                        "zone_id": str(result.zone_ids()[i]),
                        "name": str(result.names()[i]),
                        "value": float(result.X[i, j]),
                    }
                    for i in order
                ],
            }
        )
    return out


def peers(result: ZoneResult, pos: int) -> tuple[np.ndarray, str | None]:
    """Positions of the zone's peer group (excluding itself) and its label; empty when too small."""
    key = result.scheme.population.peer
    if key == "none":
        return np.array([], dtype=int), None
    attr = result.data.zone_type if key == "zone_type" else result.data.province
    mine = attr[result.idx[pos]]
    if mine is None:
        return np.array([], dtype=int), None
    same = np.flatnonzero((attr[result.idx] == mine) & (np.arange(result.m) != pos))
    if same.size + 1 < result.scheme.population.min_peers:
        return np.array([], dtype=int), str(mine)
    return same, str(mine)


def diagnose(result: ZoneResult, ref: str) -> dict:
    """The zone's 短板 and strengths against the group median and its peer group's median."""
    pos = result.position(ref)
    R = indicator_ranks(result)
    n_have = (~np.isnan(result.X)).sum(axis=0)
    peer_pos, peer_label = peers(result, pos)
    others = np.arange(result.m) != pos
    goal = result.scheme.method.aggregation == "goalpost"
    rows = []
    for j, spec in enumerate(result.scheme.indicators):
        x, t = result.X[pos, j], result.types[j]
        gm = _median_or_none(result.X[others, j])
        pm = _median_or_none(result.X[peer_pos, j]) if peer_pos.size else None
        below_g = gm is not None and (math.isnan(x) or (x - gm) * t < 0)
        below_p = pm is not None and (math.isnan(x) or (x - pm) * t < 0)
        pts = float(result.item_scores[pos, j]) if goal else None
        max_pts = float(result.points[j])
        if goal:
            lost = max_pts - pts
        else:  # TOPSIS is not additive: weight × how far down the field the zone is
            lost = max_pts * ((R[pos, j] - 1) / max(n_have[j] - 1, 1) if not math.isnan(x) else 1.0)
        rows.append(
            {
                "indicator": spec.id,
                "no": spec.no or spec.info.no,
                "title": spec.info.label,
                "unit": spec.info.unit,
                "kind": spec.info.kind,
                "direction": "lower" if t < 0 else "higher",
                "dimension": result.scheme.dimensions[result.dim_of[j]].title,
                "value": None if math.isnan(x) else float(x),
                "group_median": gm,
                "gap_group": None if gm is None or math.isnan(x) else float(x - gm),
                "gap_group_pct": None
                if gm in (None, 0) or math.isnan(x)
                else float((x - gm) / abs(gm) * 100),
                "peer_median": pm,
                "gap_peer": None if pm is None or math.isnan(x) else float(x - pm),
                "indicator_rank": None if math.isnan(R[pos, j]) else int(R[pos, j]),
                "of": int(n_have[j]),
                "points": pts,
                "max_points": max_pts,
                "points_lost": float(lost),
                "below_group": bool(below_g),
                "below_peer": bool(below_p),
                "missing": bool(math.isnan(x)),
            }
        )
    weak = sorted(
        (r for r in rows if r["below_group"] or r["below_peer"]),
        key=lambda r: (-r["points_lost"], r["indicator_rank"] or 10**9),
    )
    strong = sorted(
        (
            r
            for r in rows
            if (
                r["value"] is not None
                and r["group_median"] is not None
                and (r["value"] - r["group_median"]) * (-1 if r["direction"] == "lower" else 1) > 0
                and not r["below_peer"]
            )
        ),
        key=lambda r: (r["indicator_rank"], -r["max_points"]),
    )
    rep = result.scheme.report
    return {
        "zone_id": str(result.zone_ids()[pos]),
        "name": str(result.names()[pos]),
        "score": float(result.total[pos]),
        "rank": int(result.rank[pos]),
        "of": result.m,
        "dimensions": [
            {
                "id": d.id,
                "title": d.title,
                "score": float(result.dim_scores[pos, k]),
                "rank": int(result.dim_ranks[pos, k]),
                "weight": float(result.dimension_weights[k]),
            }
            for k, d in enumerate(result.scheme.dimensions)
        ],
        "peer_group": peer_label,
        "peer_size": int(peer_pos.size + 1) if peer_pos.size else 0,
        "weaknesses": weak[: rep.weaknesses],
        "n_weaknesses": len(weak),
        "strengths": strong[: rep.strengths],
        "n_strengths": len(strong),
        "indicators": rows,
    }
