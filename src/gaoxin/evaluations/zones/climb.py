"""What-if for a zone: the smallest set of indicator improvements that moves it to rank K (MILP via HiGHS for
goalpost scoring, a greedy search otherwise), every answer checked by re-ranking."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .evaluate import _TINY, ZoneData, ZoneResult, evaluate
from .reports import _median_or_none


# ---------------------------------------------------------------------------------------------- climb
@dataclass
class Climb:
    zone_id: str
    name: str
    period: str
    scheme: str
    current_rank: int
    current_score: float
    target_rank: int
    target_score: float  # the score to reach (the K-th best of the others)
    reachable: bool
    method: str  # milp | search | none
    max_change: float
    changes: list[dict] = field(default_factory=list)
    new_score: float | None = None
    new_rank: int | None = None
    best_rank: int | None = None  # with every climbable indicator at its bound (when K is out of reach)
    message: str = ""
    notes: list[str] = field(default_factory=list)


def _bounds(result: ZoneResult, pos: int, max_change: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Largest plausible improvement Δ ≥ 0 per indicator (own units, in the direction of improvement) and the
    base it is measured against: max_change × |today's value| (× the group median of |x| when today's value
    is 0), within the indicator's physical range. Qualitative and missing indicators are not moved."""
    notes = []
    n = result.X.shape[1]
    B, base = np.zeros(n), np.ones(n)
    for j, spec in enumerate(result.scheme.indicators):
        x = result.X[pos, j]
        info = spec.info
        if info.kind == "qualitative":
            continue
        if math.isnan(x):
            notes.append(f"{info.label}: 本区缺数据（按 0 分计），补报该项数据即可得分")
            continue
        scale = _median_or_none(np.abs(result.X[:, j])) or 1.0
        base[j] = abs(x) if abs(x) > _TINY * scale else scale
        B[j] = max_change * base[j]
        if result.types[j] > 0 and info.hi is not None:
            B[j] = min(B[j], max(info.hi - x, 0.0))
        if result.types[j] < 0 and info.lo is not None:
            B[j] = min(B[j], max(x - info.lo, 0.0))
        if info.integer:  # whole firms, institutions, people
            B[j] = math.floor(B[j] + 1e-9)
    return B, base, notes


def _rank_of(result: ZoneResult, pos: int, data: ZoneData) -> tuple[int, float]:
    """Rank and score of a zone after re-evaluating everything with ``data``."""
    again = evaluate(result.scheme, data, result.period)
    p = again.position(str(result.zone_ids()[pos]))
    return int(again.rank[p]), float(again.total[p])


def _apply(result: ZoneResult, pos: int, delta: np.ndarray) -> tuple[ZoneData, dict[str, float]]:
    upd = {
        result.indicator_ids[j]: float(result.X[pos, j] + result.types[j] * delta[j])
        for j in np.flatnonzero(delta > 0)
    }
    return result.data.with_values(int(result.idx[pos]), upd), upd


def _milp(result: ZoneResult, pos: int, need: float, B: np.ndarray, base: np.ndarray, J: np.ndarray):
    """Min #indicators, then min Σ Δ/base, s.t. the goalpost points gained ≥ need. None if infeasible."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    t = result.types[J]
    y = t * result.X[pos, J]
    w, b = t * result.worst[J], t * result.best[J]
    p = result.points[J]
    U0 = result.U[pos, J]
    k = p / (b - w)
    c = p * ((y - w) / (b - w) - U0)  # ≤ 0; < 0 when today is below the worst goalpost
    c = np.minimum(c, 0.0)
    G = p * (1 - U0)
    nJ = J.size
    eye = np.eye(nJ)
    zero = np.zeros((nJ, nJ))
    A = np.vstack(
        [
            np.hstack([eye, zero, -np.diag(B[J])]),  # Δ ≤ B z
            np.hstack([zero, eye, -np.diag(G)]),  # g ≤ G z
            np.hstack([-np.diag(k), eye, -np.diag(c)]),  # g ≤ kΔ + c z
            np.hstack([np.zeros(nJ), np.ones(nJ), np.zeros(nJ)])[None, :],  # Σ g ≥ need
        ]
    )
    lo = np.concatenate([np.full(3 * nJ, -np.inf), [need]])
    hi = np.concatenate([np.zeros(3 * nJ), [np.inf]])
    bounds = Bounds(np.zeros(3 * nJ), np.concatenate([B[J], G, np.ones(nJ)]))
    whole = np.array([result.scheme.indicators[j].info.integer for j in J], dtype=float)
    integ = np.concatenate([whole, np.zeros(nJ), np.ones(nJ)])
    cons = [LinearConstraint(A, lo, hi)]
    opts = {"mip_rel_gap": 0.0, "time_limit": 20.0}
    first = milp(
        np.concatenate([np.zeros(2 * nJ), np.ones(nJ)]),
        constraints=cons,
        integrality=integ,
        bounds=bounds,
        options=opts,
    )
    if first.status != 0 or first.x is None:
        return None
    count = int(round(first.x[2 * nJ :].sum()))
    cons.append(LinearConstraint(np.concatenate([np.zeros(2 * nJ), np.ones(nJ)])[None, :], -np.inf, count))
    second = milp(
        np.concatenate([1.0 / base[J], np.zeros(2 * nJ)]),
        constraints=cons,
        integrality=integ,
        bounds=bounds,
        options=opts,
    )
    sol = second.x if second.status == 0 and second.x is not None else first.x
    delta = np.zeros(result.X.shape[1])
    chosen = sol[2 * nJ :] > 0.5
    delta[J[chosen]] = np.clip(
        np.where(whole[chosen] > 0, np.round(sol[:nJ][chosen]), sol[:nJ][chosen]), 0.0, B[J][chosen]
    )
    return delta


def _search(result: ZoneResult, pos: int, K: int, B: np.ndarray, J: np.ndarray) -> np.ndarray | None:
    """Greedy for non-linear aggregation: add the indicator (at its bound) that helps most until rank ≤ K,
    drop the ones not needed, then shrink each change by bisection. Every step re-ranks everything."""

    def rank_with(delta):
        return _rank_of(result, pos, _apply(result, pos, delta)[0])

    delta = np.zeros(result.X.shape[1])
    chosen: list[int] = []
    rank_now = int(result.rank[pos])
    while rank_now > K:
        best = None
        for j in J:
            if j in chosen:
                continue
            trial = delta.copy()
            trial[j] = B[j]
            r, s = rank_with(trial)
            if best is None or (r, -s) < best[0]:
                best = ((r, -s), j)
        if best is None:
            return None
        chosen.append(int(best[1]))
        delta[best[1]] = B[best[1]]
        rank_now = best[0][0]
    for j in list(chosen):  # prune: drop any indicator the target does not need
        trial = delta.copy()
        trial[j] = 0.0
        if rank_with(trial)[0] <= K:
            delta, chosen = trial, [c for c in chosen if c != j]
    for j in chosen:  # shrink each change to the smallest that still reaches K
        lo, hi = 0.0, delta[j]
        for _ in range(30):
            mid = (lo + hi) / 2
            trial = delta.copy()
            trial[j] = mid
            if rank_with(trial)[0] <= K:
                hi = mid
            else:
                lo = mid
        delta[j] = math.ceil(hi - 1e-9) if result.scheme.indicators[j].info.integer else hi
    return delta


def climb(result: ZoneResult, ref: str, to_rank: int, max_change: float = 0.5) -> Climb:
    """The smallest set of improvements that moves the zone to rank ``to_rank`` (see the module docstring)."""
    pos = result.position(ref)
    K = int(to_rank)
    if K < 1:
        raise ValueError("目标名次须 ≥ 1")
    cur_rank, cur_score = int(result.rank[pos]), float(result.total[pos])
    others = np.delete(result.total, pos)
    target = float(np.sort(others)[::-1][min(K, others.size) - 1])
    out = Climb(
        str(result.zone_ids()[pos]),
        str(result.names()[pos]),
        result.period,
        result.scheme.id,
        cur_rank,
        cur_score,
        K,
        target,
        True,
        "none",
        max_change,
    )
    if cur_rank <= K:
        out.message = f"{out.name}已位列第 {cur_rank} 名，不低于目标第 {K} 名，无需改变。"
        out.new_rank, out.new_score = cur_rank, cur_score
        return out
    B, base, out.notes = _bounds(result, pos, max_change)
    J = np.flatnonzero((B > 0) & (result.weights > 0))
    if result.scheme.method.aggregation == "goalpost":
        J = J[result.U[pos, J] < 1.0 - 1e-12]
    delta = None
    if J.size and result.scheme.linear:
        out.method = "milp"
        margin = 1e-7 * result.scheme.method.total
        for _ in range(6):  # goalposts are quantiles of all zones: re-check and tighten if they moved
            delta = _milp(result, pos, target - cur_score + margin, B, base, J)
            if delta is None:
                break
            r, _s = _rank_of(result, pos, _apply(result, pos, delta)[0])
            if r <= K:
                break
            margin = margin * 10 + 1e-4 * result.scheme.method.total
            delta = None
    elif J.size:
        out.method = "search"
        out.notes.append("非线性聚合（TOPSIS 或熵权）：用贪心搜索并逐项二分缩小，所得组合可行但不保证最小")
        delta = _search(result, pos, K, B, J)
    full = np.zeros_like(B)
    full[J] = B[J]
    if delta is None and out.method == "milp" and _rank_of(result, pos, _apply(result, pos, full)[0])[0] <= K:
        # the linear model holds the goalposts; with them recomputed the target is within reach after all
        out.method = "search"
        out.notes.append("参照值随本区数值变化，线性规划判定不可行；改用贪心搜索，所得组合可行但不保证最小")
        delta = _search(result, pos, K, B, J)
    if delta is None:
        out.best_rank, best_score = _rank_of(result, pos, _apply(result, pos, full)[0])
        out.reachable = False
        out.message = (
            f"在每项指标最多改善 {max_change:.0%}（相对今天的值）的范围内，{out.name}无法从第 {cur_rank} 名升至第 "
            f"{K} 名；全部可改善的 {J.size} 项指标都用足时可达第 {out.best_rank} 名（{best_score:.2f} 分）。"
        )
        return out
    data2, upd = _apply(result, pos, delta)
    out.new_rank, out.new_score = _rank_of(result, pos, data2)
    for j in np.flatnonzero(delta > 0):
        spec = result.scheme.indicators[j]
        x = float(result.X[pos, j])
        new = upd[spec.id]
        gain = None
        if result.scheme.method.aggregation == "goalpost":
            u1 = float(np.clip((new - result.worst[j]) / (result.best[j] - result.worst[j]), 0, 1))
            gain = float((u1 - result.U[pos, j]) * result.points[j])
        out.changes.append(
            {
                "indicator": spec.id,
                "no": spec.no or spec.info.no,
                "title": spec.info.label,
                "unit": spec.info.unit,
                "direction": "lower" if result.types[j] < 0 else "higher",
                "current": x,
                "proposed": new,
                "change": new - x,
                "change_pct": (new - x) / abs(x) * 100 if abs(x) > 0 else None,
                "bound": float(B[j]),
                "points_gain": gain,
            }
        )
    out.changes.sort(key=lambda c: -(c["points_gain"] or 0))
    out.message = (
        f"{out.name}从第 {cur_rank} 名（{cur_score:.2f} 分）升至第 {out.new_rank} 名（{out.new_score:.2f} 分）"
        f"最少需改善 {len(out.changes)} 项指标（其他园区保持不变，已按新值重新排名核验）。"
    )
    return out


def brute_force_min_count(result: ZoneResult, ref: str, to_rank: int, max_change: float = 0.5) -> int | None:
    """Smallest number of indicators that, each at its bound, reach rank ≤ K (exhaustive; tests only)."""
    pos = result.position(ref)
    B, _base, _ = _bounds(result, pos, max_change)
    J = [int(j) for j in np.flatnonzero(B > 0)]
    for size in range(0, len(J) + 1):
        for subset in itertools.combinations(J, size):
            delta = np.zeros_like(B)
            delta[list(subset)] = B[list(subset)]
            if _rank_of(result, pos, _apply(result, pos, delta)[0])[0] <= to_rank:
                return size
    return None
