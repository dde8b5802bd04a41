"""Uncertainty analysis: Monte Carlo over weights and discrete modelling choices, fully batched.

Model of one draw d: choose an imputation (if X has NaN), a normalisation, an aggregation, optionally an
indicator to drop, and a weight vector; score every unit; rank. All draws that share the discrete choices
are scored in one matrix product (draws × indicators) @ (indicators × units); ranking is one vectorised
argsort over the (draws × units) score matrix. Nothing loops per draw.

Weights per draw (``weight_draws``):
* ``"perturb"`` (COINr get_noisy_weights style): w_j (1 + U(−p, p)), renormalised; p = ``perturbation``.
* ``"dirichlet"``: Dirichlet(α = concentration · n · w), mean w; concentration 1 with equal weights is the
  uniform distribution on the simplex, larger is tighter.
* ``"none"``: nominal weights.
Zero nominal weights stay 0. ``drop_one=True`` adds the choice {keep all, drop indicator 1, …, drop n},
uniform, realised by zeroing that weight and renormalising.

Aggregations available in the batch: ``arithmetic``, ``geometric``, ``harmonic`` (need Y > 0 on
weighted columns — e.g. normalise with ("minmax", {"lo": 1, "hi": 100}); checked up front, raises),
``topsis_hy`` / ``topsis_cn`` (distances on the normalised Y with ideal = column max, anti-ideal = column
min), ``vikor`` (v = 0.5, on Y; ranked by −Q) and ``gra`` (ρ = 0.5, on Y). Copeland is O(m² n) per draw and
is not offered here. With a hierarchy, pass its effective weights: nested arithmetic and geometric
aggregation equal the flat ones with effective weights (harmonic does not).

The nominal ranking uses the first option of every choice and the nominal weights. Outputs per unit: the
nominal rank, median, mean and the (5 %, 95 %) rank interval; per draw the average rank shift
R̄_S = (1/m) Σ_c |rank_nominal(c) − rank_draw(c)| (Saisana, Saltelli & Tarantola 2005).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ._validate import as_matrix, as_types, as_weights, check_choice
from .impute import impute
from .normalize import normalize
from .provenance import StageRecord
from .rank import rank

AGGREGATIONS = ("arithmetic", "geometric", "harmonic", "topsis_hy", "topsis_cn", "vikor", "gra")
_VIKOR_CHUNK_CELLS = 4_000_000


def _norm_spec(spec):
    if isinstance(spec, str):
        return spec, {}
    name, params = spec
    return name, dict(params)


def _label(spec) -> str:
    name, params = _norm_spec(spec)
    return name if not params else f"{name}{sorted(params.items())}"


@dataclass
class UncertaintyModel:
    """Prepared matrices and options; ``scores(choices, W)`` evaluates any batch of draws."""

    X: np.ndarray
    types: np.ndarray
    weights: np.ndarray
    normalizations: tuple = ("minmax",)
    aggregations: tuple = ("arithmetic",)
    imputations: tuple = ("mean",)
    groups: Sequence | None = None
    drop_one: bool = False
    Ys: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.X = as_matrix(self.X, allow_nan=True)
        m, n = self.X.shape
        self.types = as_types(self.types, n)
        self.weights = as_weights(np.full(n, 1.0 / n) if self.weights is None else self.weights, n)
        self.normalizations = tuple(self.normalizations)
        self.aggregations = tuple(self.aggregations)
        for a in self.aggregations:
            check_choice(a, AGGREGATIONS, "aggregation")
        if not self.normalizations or not self.aggregations:
            raise ValueError("need at least one normalisation and one aggregation")
        has_nan = bool(np.isnan(self.X).any())
        self.imputations = tuple(self.imputations) if has_nan else ("none",)
        used = self.weights > 0
        self.Ys = {}
        for i, imp in enumerate(self.imputations):
            Xi = self.X if imp == "none" else impute(self.X, imp, groups=self.groups)
            for k, spec in enumerate(self.normalizations):
                name, params = _norm_spec(spec)
                Y = normalize(Xi, self.types, name, **params)
                if {"geometric", "harmonic"} & set(self.aggregations) and np.any(Y[:, used] <= 0):
                    raise ValueError(
                        f"normalisation {_label(spec)} gives values <= 0, which geometric/harmonic "
                        "aggregation cannot take; use e.g. ('minmax', {'lo': 1, 'hi': 100})"
                    )
                self.Ys[(i, k)] = Y

    @property
    def n_options(self) -> dict[str, int]:
        return {
            "imputation": len(self.imputations),
            "normalization": len(self.normalizations),
            "aggregation": len(self.aggregations),
            "drop": self.X.shape[1] + 1 if self.drop_one else 1,
        }

    def apply_drop(self, W: np.ndarray, drop: np.ndarray) -> np.ndarray:
        """Zero the dropped indicator (drop = 0 keeps all, j + 1 drops column j) and renormalise."""
        W = W.copy()
        rows = np.flatnonzero(drop > 0)
        W[rows, drop[rows] - 1] = 0.0
        s = W.sum(axis=1, keepdims=True)
        if np.any(s == 0):
            raise ValueError("dropping an indicator left a draw with all-zero weights")
        return W / s

    def scores(self, imp: np.ndarray, norm: np.ndarray, agg: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Scores (draws × units), higher = better, for per-draw choice indices and weight rows."""
        D = W.shape[0]
        m = self.X.shape[0]
        out = np.empty((D, m))
        combo = (imp * len(self.normalizations) + norm) * len(self.aggregations) + agg
        for c in np.unique(combo):
            idx = np.flatnonzero(combo == c)
            a = c % len(self.aggregations)
            k = (c // len(self.aggregations)) % len(self.normalizations)
            i = c // (len(self.aggregations) * len(self.normalizations))
            out[idx] = _batch_scores(self.Ys[(int(i), int(k))], W[idx], self.aggregations[a])
        return out


def _batch_scores(Y: np.ndarray, W: np.ndarray, agg: str) -> np.ndarray:
    if agg == "arithmetic":
        return W @ Y.T
    if agg == "geometric":
        return np.exp(W @ np.log(np.where(Y > 0, Y, 1.0)).T)
    if agg == "harmonic":
        return 1.0 / (W @ (1.0 / np.where(Y > 0, Y, 1.0)).T)
    hi, lo = Y.max(axis=0), Y.min(axis=0)
    if agg in ("topsis_hy", "topsis_cn"):
        Wd = W * W if agg == "topsis_hy" else W
        Dp = np.sqrt(np.maximum(Wd @ ((Y - hi) ** 2).T, 0.0))
        Dm = np.sqrt(np.maximum(Wd @ ((Y - lo) ** 2).T, 0.0))
        den = Dp + Dm
        return np.where(den == 0, 0.5, Dm / np.where(den == 0, 1.0, den))
    if agg == "gra":
        delta = hi - Y
        dmax, dmin = delta.max(), delta.min()
        xi = np.ones_like(delta) if dmax == 0 else (dmin + 0.5 * dmax) / (delta + 0.5 * dmax)
        return W @ xi.T
    # vikor, v = 0.5; ranked by −Q
    rng = hi - lo
    d = np.where(rng == 0, 0.0, (hi - Y) / np.where(rng == 0, 1.0, rng))
    S = W @ d.T
    R = np.empty_like(S)
    step = max(1, _VIKOR_CHUNK_CELLS // d.size)
    for s in range(0, W.shape[0], step):
        R[s : s + step] = (W[s : s + step, None, :] * d[None, :, :]).max(axis=2)

    def part(x):
        lo_, hi_ = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
        span = hi_ - lo_
        flat = span <= 1e-12 * np.maximum(np.abs(lo_), np.abs(hi_))  # rounding, as in vikor()
        return np.where(flat, 0.0, (x - lo_) / np.where(flat, 1.0, span))

    return -(0.5 * part(S) + 0.5 * part(R))


def draw_weights(
    w: np.ndarray,
    n_draws: int,
    rng: np.random.Generator,
    method: str = "perturb",
    perturbation: float = 0.25,
    concentration: float = 1.0,
) -> np.ndarray:
    """Random weight rows (n_draws × n), each ≥ 0 summing to 1 (see the module docstring)."""
    check_choice(method, ("perturb", "dirichlet", "none"), "weight_draws")
    n = w.size
    if method == "none":
        return np.broadcast_to(w, (n_draws, n)).copy()
    if method == "perturb":
        if not 0 <= perturbation < 1:
            raise ValueError("perturbation must be in [0, 1)")
        W = w * (1.0 + rng.uniform(-perturbation, perturbation, size=(n_draws, n)))
    else:
        if concentration <= 0:
            raise ValueError("concentration must be > 0")
        pos = w > 0
        W = np.zeros((n_draws, n))
        # Dirichlet via normalised gammas, batched
        W[:, pos] = rng.standard_gamma(concentration * n * w[pos], size=(n_draws, int(pos.sum())))
    return W / W.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class UncertaintyResult:
    """Rank statistics of a Monte Carlo uncertainty analysis (arrays indexed by unit unless noted)."""

    nominal: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    rank_shift: np.ndarray  # (draws,) R̄_S of each draw
    ranks: np.ndarray  # (draws × units)
    choices: dict
    record: StageRecord

    @property
    def mean_rank_shift(self) -> float:
        return float(self.rank_shift.mean())


def rank_intervals(
    X,
    types=None,
    weights=None,
    *,
    n_draws: int = 1000,
    weight_draws: str = "perturb",
    perturbation: float = 0.25,
    concentration: float = 1.0,
    normalizations: Sequence = ("minmax",),
    aggregations: Sequence[str] = ("arithmetic",),
    imputations: Sequence[str] = ("mean",),
    groups=None,
    drop_one: bool = False,
    ties: str = "min",
    quantiles: tuple[float, float] = (0.05, 0.95),
    seed=None,
) -> UncertaintyResult:
    """Monte Carlo rank intervals (see the module docstring). ``normalizations`` items are method names or
    (name, params) pairs for ``gaoxin.engine.normalize``; discrete options are drawn uniformly."""
    if n_draws < 1:
        raise ValueError("n_draws must be >= 1")
    model = UncertaintyModel(
        X, types, weights, tuple(normalizations), tuple(aggregations), tuple(imputations), groups, drop_one
    )
    rng = np.random.default_rng(seed)
    opts = model.n_options
    choice = {k: rng.integers(0, v, size=n_draws) for k, v in opts.items()}
    W = draw_weights(model.weights, n_draws, rng, weight_draws, perturbation, concentration)
    W = model.apply_drop(W, choice["drop"])
    S = model.scores(choice["imputation"], choice["normalization"], choice["aggregation"], W)
    R = rank(S, ties=ties)
    zero = np.zeros(1, dtype=int)
    nominal = rank(model.scores(zero, zero, zero, model.weights[None, :]), ties=ties)[0]
    lo, hi = np.quantile(R, quantiles, axis=0)
    shift = np.abs(R - nominal).mean(axis=1)
    rec = StageRecord(
        "robustness",
        "rank_intervals",
        {
            "n_draws": n_draws,
            "weight_draws": weight_draws,
            "perturbation": perturbation,
            "concentration": concentration,
            "normalizations": [_label(s) for s in normalizations],
            "aggregations": list(aggregations),
            "imputations": list(model.imputations),
            "drop_one": drop_one,
            "ties": ties,
            "quantiles": quantiles,
            "seed": seed,
        },
        {"nominal_weights": model.weights, "mean_rank_shift": float(shift.mean())},
    )
    return UncertaintyResult(
        nominal, np.median(R, axis=0), R.mean(axis=0), lo, hi, shift, R, {**choice, "weights": W}, rec
    )
