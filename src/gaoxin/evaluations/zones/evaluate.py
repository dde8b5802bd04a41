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
  score is the TOPSIS closeness on that dimension's indicators with its weights renormalised."""

from __future__ import annotations

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
