"""Zone benchmarking core (pure: arrays and a scheme in, arrays and dicts out; no store, no printing).

* :func:`evaluate` — total score and rank, per-dimension score and rank (the official results give one
  rank per first-level dimension), per-indicator normalised value and points.
* :func:`top_lists` — single-indicator top-N lists (the MIIT 2024 publication form).
* :func:`diagnose` — the home zone's 短板 (worse than the group median or its peer group's median, with the
  gap in the indicator's own units) and strengths.
* :func:`robustness` — Monte Carlo rank intervals (median, 5–95 %) under weight and method uncertainty for
  the home zone and the zones around it, and the probability of being in the top 50 (``gaoxin.engine``).
* :func:`climb` — the smallest set of indicator improvements that moves a zone to rank K with the others
  held at their values: a MILP (scipy HiGHS) for goalpost scoring with fixed points, a greedy search
  otherwise; every answer is checked by re-ranking with the proposed values.

Scoring (see FORMAT.md, 园区对标方案):
* ``goalpost``: U = clip((x − worst)/(best − worst), 0, 1) per indicator (direction carried by the goalposts:
  a cost indicator has worst > best); score = Σ U × points; points = dimension weight × multiplier share.
* ``topsis``: closeness C of the (imputed) matrix with entropy or fixed weights; score = 100 C; a dimension
  score is the TOPSIS closeness on that dimension's indicators with its weights renormalised.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from gaoxin import engine
from gaoxin import zone_fields as Z
from gaoxin.schemes.zone import ZoneScheme

_TINY = 1e-9


# ---------------------------------------------------------------------------------------------- data
@dataclass
class ZoneData:
    """All zones of one period: attributes (object arrays, one per zone) and values[zone, indicator]."""

    zone_id: np.ndarray
    name: np.ndarray
    values: np.ndarray  # (zones × indicators), indicator units, NaN = missing
    indicators: list[str]
    province: np.ndarray | None = None
    city: np.ndarray | None = None
    level: np.ndarray | None = None
    zone_type: np.ndarray | None = None
    is_home: np.ndarray | None = None

    def __post_init__(self):
        m = len(self.zone_id)
        self.zone_id = np.asarray(self.zone_id, dtype=object)
        self.name = np.asarray(self.name, dtype=object)
        self.values = np.asarray(self.values, dtype=float).reshape(m, len(self.indicators))
        for attr in ("province", "city", "level", "zone_type"):
            v = getattr(self, attr)
            setattr(self, attr, np.full(m, None, dtype=object) if v is None else np.asarray(v, dtype=object))
        self.is_home = np.zeros(m, bool) if self.is_home is None else np.asarray(self.is_home, dtype=bool)

    def index_of(self, ref: str) -> int:
        hit = np.flatnonzero((self.zone_id == ref) | (self.name == ref))
        if hit.size == 0:
            raise KeyError(ref)
        return int(hit[0])

    def with_values(self, row: int, updates: dict[str, float]) -> ZoneData:
        """A copy with some of one zone's values replaced (for what-if re-ranking)."""
        v = self.values.copy()
        for ind, x in updates.items():
            v[row, self.indicators.index(ind)] = x
        return replace(self, values=v)


# ---------------------------------------------------------------------------------------------- result
@dataclass
class ZoneResult:
    scheme: ZoneScheme
    period: str
    data: ZoneData
    idx: np.ndarray  # data rows of the ranked zones (population), in data order
    excluded: dict[int, str]  # data row → reason it is not ranked
    indicator_ids: list[str]  # scheme order
    dim_of: np.ndarray  # dimension index per indicator
    types: np.ndarray  # ±1
    X: np.ndarray  # (m × n) raw values of ranked zones (NaN missing)
    X_filled: np.ndarray  # what the aggregation used (missing → worst goalpost / median)
    worst: np.ndarray  # goalposts (NaN for topsis)
    best: np.ndarray
    U: np.ndarray  # normalised, benefit-oriented (goalpost U in [0, 1]; topsis: r of the distance space)
    weights: np.ndarray  # effective indicator weights, sum 1
    item_scores: np.ndarray  # (m × n) points earned (goalpost); NaN for topsis (not additive)
    dim_scores: np.ndarray  # (m × d)
    dim_ranks: np.ndarray  # (m × d)
    total: np.ndarray  # (m,)
    rank: np.ndarray  # (m,) ties "min"
    notes: list[str] = field(default_factory=list)

    @property
    def m(self) -> int:
        return self.idx.size

    @property
    def points(self) -> np.ndarray:
        return self.weights * self.scheme.method.total

    @property
    def dimension_weights(self) -> np.ndarray:
        d = len(self.scheme.dimensions)
        return np.round(np.bincount(self.dim_of, weights=self.points, minlength=d), 10)

    def position(self, ref: str) -> int:
        """Position among the ranked zones of a zone id or name (KeyError if not ranked)."""
        row = self.data.index_of(ref)
        hit = np.flatnonzero(self.idx == row)
        if hit.size == 0:
            raise KeyError(ref)
        return int(hit[0])

    def zone_ids(self) -> np.ndarray:
        return self.data.zone_id[self.idx]

    def names(self) -> np.ndarray:
        return self.data.name[self.idx]


# ---------------------------------------------------------------------------------------------- scoring
def _reference(ref, col: np.ndarray, period: str) -> float | None:
    """A goalpost value from its spec over one column of the ranked zones (None: no value for this period)."""
    if isinstance(ref, dict):
        v = ref.get(str(period))
        return None if v is None else float(v)
    if isinstance(ref, int | float):
        return float(ref)
    data = col[~np.isnan(col)]
    if data.size == 0:
        return math.nan
    if ref.startswith("p"):
        return float(np.quantile(data, float(ref[1:]) / 100.0))
    return float({"max": np.max, "min": np.min, "mean": np.mean, "median": np.median}[ref](data))


def goalposts(
    scheme: ZoneScheme, X: np.ndarray, types: np.ndarray, period: str, notes: list[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(worst, best) per indicator from the scheme over the ranked zones' values.

    A goalpost pair that is degenerate (equal, e.g. p90 = 0 when 90 % report zero) or contradicts the
    direction is opened by a hair beyond the worst value, so any zone strictly better than it gets full
    points and the others none (noted)."""
    notes = notes if notes is not None else []
    m = scheme.method
    n = X.shape[1]
    worst, best = np.empty(n), np.empty(n)
    for j, spec in enumerate(scheme.indicators):
        cost = types[j] < 0
        dw, db = (m.cost_worst, m.cost_best) if cost else (m.worst, m.best)
        w = _reference(spec.worst if spec.worst is not None else dw, X[:, j], period)
        b = _reference(spec.best if spec.best is not None else db, X[:, j], period)
        if w is None or b is None:
            notes.append(f"{spec.id}: 没有 {period} 年的参照值，改用方案默认参照值")
            w = _reference(dw, X[:, j], period) if w is None else w
            b = _reference(db, X[:, j], period) if b is None else b
        if not (math.isfinite(w) and math.isfinite(b)):
            worst[j] = best[j] = math.nan
            notes.append(f"{spec.id}: 没有任何园区的数据，该项全部计 0 分")
            continue
        if (b - w) * types[j] <= 0:
            nb = w + types[j] * _TINY * max(1.0, abs(w))
            notes.append(
                f"{spec.id}: 参照值重合或方向相反（最差 {w:g}，基准 {b:g}），改为优于 {w:g} 即得满分"
            )
            b = nb
        worst[j], best[j] = w, b
    return worst, best


def _weights(scheme: ZoneScheme, X_filled: np.ndarray, types: np.ndarray, notes: list[str]) -> np.ndarray:
    if scheme.method.weighting == "points":
        inds = [
            engine.Indicator(s.id, parent=f"dim:{d.id}", multiplier=s.multiplier)
            for d in scheme.dimensions
            for s in d.indicators
        ]
        groups = [engine.Group(f"dim:{d.id}", weight=d.weight) for d in scheme.dimensions]
        return engine.Hierarchy(inds, groups).effective_weights()
    mt = scheme.method
    w, rec = engine.entropy_weights(
        X_filled,
        types,
        variant=mt.entropy_variant,
        shift=mt.entropy_shift,
        degenerate="equal",
        return_info=True,
    )
    notes.extend(f"熵权: {n}" for n in rec.notes)
    return w


@dataclass
class _Scored:
    X_filled: np.ndarray
    worst: np.ndarray
    best: np.ndarray
    U: np.ndarray
    weights: np.ndarray
    item_scores: np.ndarray
    dim_scores: np.ndarray
    total: np.ndarray


def _fill(scheme: ZoneScheme, X: np.ndarray, worst: np.ndarray) -> np.ndarray:
    """Missing values: the worst goalpost (U = 0) for goalpost scoring with missing = "zero", 0 for TOPSIS
    with missing = "zero", else the column median of the ranked zones."""
    miss = np.isnan(X)
    if not miss.any():
        return X
    mt = scheme.method
    if mt.missing == "zero":
        fill = np.where(np.isnan(worst), 0.0, worst) if mt.aggregation == "goalpost" else np.zeros(X.shape[1])
    else:
        empty = miss.all(axis=0)
        fill = np.where(empty, 0.0, np.nanmedian(np.where(empty, 0.0, X), axis=0))
    return np.where(miss, fill, X)


def score(
    scheme: ZoneScheme,
    X: np.ndarray,
    types: np.ndarray,
    dim_of: np.ndarray,
    period: str,
    notes: list[str] | None = None,
    fixed: tuple[np.ndarray, np.ndarray] | None = None,
) -> _Scored:
    """Scores of the ranked zones (rows of X, scheme column order). ``fixed`` = (worst, best) to hold the
    goalposts instead of recomputing them from X."""
    notes = notes if notes is not None else []
    mt = scheme.method
    d = len(scheme.dimensions)
    m, n = X.shape
    if mt.aggregation == "goalpost":
        worst, best = fixed if fixed is not None else goalposts(scheme, X, types, period, notes)
        Xf = _fill(scheme, X, worst)
        dead = np.isnan(worst)
        span = np.where(dead, 1.0, best - worst)
        U = np.clip((Xf - np.where(dead, 0.0, worst)) / span, 0.0, 1.0)
        U[:, dead] = 0.0
        w = _weights(scheme, Xf, types, notes)
        items = U * (w * mt.total)
        dims = np.zeros((m, d))
        for k in range(d):
            dims[:, k] = items[:, dim_of == k].sum(axis=1)
        total = mt.total * (U @ w)
        return _Scored(Xf, worst, best, U, w, items, dims, total)
    Xf = _fill(scheme, X, np.full(n, np.nan))
    w = _weights(scheme, Xf, types, notes)
    C, rec = engine.topsis(
        Xf, w, types, variant=mt.topsis_variant, normalization=mt.topsis_normalization, return_info=True
    )
    R = engine.normalize(Xf, types, mt.topsis_normalization)  # benefit-oriented, the distance space of C
    dims = np.zeros((m, d))
    for k in range(d):
        cols = dim_of == k
        if w[cols].sum() > 0:
            dims[:, k] = 100.0 * engine.topsis(
                Xf[:, cols],
                w[cols],
                types[cols],
                variant=mt.topsis_variant,
                normalization=mt.topsis_normalization,
            )
    nan = np.full(n, np.nan)
    return _Scored(Xf, nan, nan, R, w, np.full((m, n), np.nan), dims, 100.0 * C)


def population(
    scheme: ZoneScheme, data: ZoneData, cols: np.ndarray
) -> tuple[np.ndarray, dict[int, str], list[str]]:
    """Rows ranked, and the reason for every row that is not."""
    notes: list[str] = []
    levels = set(scheme.population.levels)
    level = np.array([lv or "national" for lv in data.level], dtype=object)
    if any(lv is None for lv in data.level):
        notes.append(f"{sum(lv is None for lv in data.level)} 个园区未注明级别，按国家级处理")
    have = np.zeros((len(data.zone_id), cols.size), bool)
    ok_cols = cols >= 0
    have[:, ok_cols] = ~np.isnan(data.values[:, cols[ok_cols]])
    coverage = have.mean(axis=1) if cols.size else np.ones(len(data.zone_id))
    other_level = ~np.isin(level, list(levels))
    too_few = ~other_level & (coverage < scheme.population.min_coverage)
    excluded: dict[int, str] = {}
    for i in np.flatnonzero(other_level):
        excluded[int(i)] = f"级别为{Z.LEVEL_LABELS.get(level[i], level[i])}，不在本方案的参评范围"
    for i in np.flatnonzero(too_few):
        excluded[int(i)] = (
            f"只报送了 {have[i].sum()} / {cols.size} 项指标（少于 "
            f"{scheme.population.min_coverage:.0%}），不参加排名"
        )
    idx = np.flatnonzero(~(other_level | too_few))
    return idx, excluded, notes


def evaluate(scheme: ZoneScheme, data: ZoneData, period: str) -> ZoneResult:
    """Rank the zones of one period with a zone scheme (see the module docstring)."""
    ids = [s.id for s in scheme.indicators]
    cols = np.array([data.indicators.index(i) if i in data.indicators else -1 for i in ids], dtype=int)
    notes = [f"{ids[j]}: 数据中没有该指标，全部按缺失处理" for j in np.flatnonzero(cols < 0)]
    idx, excluded, pop_notes = population(scheme, data, cols)
    notes += pop_notes
    if idx.size < 2:
        raise ValueError(f"{period} 年度可参加排名的园区不足 2 个（共 {len(data.zone_id)} 个园区有数据）")
    X = np.full((idx.size, len(ids)), np.nan)
    X[:, cols >= 0] = data.values[np.ix_(idx, cols[cols >= 0])]
    types = np.array([-1.0 if s.lower_is_better else 1.0 for s in scheme.indicators])
    dim_of = np.array(scheme.dimension_of(), dtype=int)
    sc = score(scheme, X, types, dim_of, period, notes)
    missing = int(np.isnan(X).sum())
    if missing:
        how = (
            "按最差参照值计（得 0 分）"
            if (scheme.method.aggregation == "goalpost" and scheme.method.missing == "zero")
            else "按中位数插补"
        )
        notes.append(f"共 {missing} 个缺失值，{how}")
    return ZoneResult(
        scheme=scheme,
        period=str(period),
        data=data,
        idx=idx,
        excluded=excluded,
        indicator_ids=ids,
        dim_of=dim_of,
        types=types,
        X=X,
        X_filled=sc.X_filled,
        worst=sc.worst,
        best=sc.best,
        U=sc.U,
        weights=sc.weights,
        item_scores=sc.item_scores,
        dim_scores=sc.dim_scores,
        dim_ranks=engine.rank(sc.dim_scores.T, ties="min").T,
        total=sc.total,
        rank=engine.rank(sc.total, ties="min"),
        notes=notes,
    )


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
