"""Variance-based sensitivity: first-order and total Sobol indices (Saltelli 2010 / Jansen), vectorised.

Design: A and B are two (N × k) quasi-random matrices (one scrambled Sobol sequence of dimension 2k, split
as SALib does); AB_g is A with the columns of factor group g taken from B. The model is evaluated once on
the stacked (N(G + 2) × k) matrix — the caller's function must be vectorised over rows.

Estimators (identical to SALib ``sobol.analyze``, including its standardisation of the output over all
N(G + 2) runs, which reduces the bias of the first-order estimator for non-centred outputs):
    S_g  = mean(f(B) (f(AB_g) − f(A))) / Var(f(A) ∪ f(B))                (Saltelli et al. 2010)
    ST_g = ½ mean((f(A) − f(AB_g))²) / Var(f(A) ∪ f(B))                  (Jansen 1999)
A constant output has no variance to apportion: all indices are 0 (noted), never NaN.
Bootstrap confidence half-widths (``n_boot`` > 0) resample the N base rows, batched.

``composite_sensitivity`` applies this to a composite index: the factors are the weights (one group of n
columns, perturbation or Dirichlet via the inverse gamma CDF), the normalisation, the aggregation, the
imputation and the dropped indicator (discrete factors map u ∈ [0, 1) to option ⌊u·K⌋); the output is the
average rank shift R̄_S against the nominal ranking (COINr's SA target) or one unit's rank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .provenance import StageRecord
from .rank import rank
from .robustness import UncertaintyModel

_EPS = np.finfo(float).eps


def saltelli_matrices(k: int, N: int, seed=None, scramble: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """A, B (N × k) in [0, 1) from one Sobol sequence of dimension 2k (N a power of 2 keeps its balance)."""
    if k < 1 or N < 2:
        raise ValueError("need k >= 1 factors and N >= 2 base samples")
    # lazy: scipy.stats costs ~0.5 s of import, and `import gaoxin.engine` (hence every CLI command) stays light
    from scipy.stats import qmc

    base = qmc.Sobol(d=2 * k, scramble=scramble, seed=seed).random(N)
    return base[:, :k], base[:, k:]


def _groups_or_singletons(k: int, groups: Sequence[Sequence[int]] | None) -> list[list[int]]:
    if groups is None:
        return [[j] for j in range(k)]
    gs = [list(g) for g in groups]
    flat = sorted(j for g in gs for j in g)
    if flat != list(range(k)):
        raise ValueError("groups must partition the k columns exactly once")
    return gs


def stack_design(A: np.ndarray, B: np.ndarray, groups=None) -> np.ndarray:
    """[A; B; AB_1; …; AB_G] as one (N(G + 2) × k) matrix."""
    gs = _groups_or_singletons(A.shape[1], groups)
    blocks = [A, B]
    for g in gs:
        AB = A.copy()
        AB[:, g] = B[:, g]
        blocks.append(AB)
    return np.vstack(blocks)


def sobol_estimates(yA, yB, yAB, n_boot: int = 0, conf_level: float = 0.95, seed=None) -> dict:
    """S1 and ST per column of yAB (N × G) from outputs on A, B, AB_g; optional bootstrap half-widths."""
    yA, yB, yAB = (np.asarray(v, dtype=float) for v in (yA, yB, yAB))
    if yAB.ndim == 1:
        yAB = yAB[:, None]
    N, G = yAB.shape
    allY = np.concatenate([yA, yB, yAB.ravel()])
    if not np.all(np.isfinite(allY)):
        raise ValueError("model outputs contain NaN or inf")
    sd = allY.std()
    notes: list[str] = []
    out: dict[str, Any] = {"S1": np.zeros(G), "ST": np.zeros(G), "notes": notes}
    if np.ptp(allY) <= _EPS or sd == 0:
        notes.append("constant output: all indices 0")
        if n_boot:
            out["S1_conf"] = np.zeros(G)
            out["ST_conf"] = np.zeros(G)
        return out
    mu = allY.mean()
    a, b, ab = (yA - mu) / sd, (yB - mu) / sd, (yAB - mu) / sd

    def est(a, b, ab):
        # a, b: (..., N); ab: (..., N, G)
        var = np.concatenate([a, b], axis=-1).var(axis=-1)[..., None]
        s1 = np.mean(b[..., None] * (ab - a[..., None]), axis=-2)
        st = 0.5 * np.mean((a[..., None] - ab) ** 2, axis=-2)
        ok = var > _EPS
        return np.where(ok, s1 / np.where(ok, var, 1.0), 0.0), np.where(ok, st / np.where(ok, var, 1.0), 0.0)

    out["S1"], out["ST"] = est(a, b, ab)
    if n_boot:
        r = np.random.default_rng(seed).integers(0, N, size=(n_boot, N))
        s1b, stb = est(a[r], b[r], ab[r])
        from scipy.stats import norm  # lazy, see saltelli_matrices

        z = norm.ppf(0.5 + conf_level / 2)
        out["S1_conf"] = z * s1b.std(axis=0, ddof=1)
        out["ST_conf"] = z * stb.std(axis=0, ddof=1)
    return out


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray], k: int, N: int = 1024, groups=None, n_boot: int = 0, seed=None
) -> dict:
    """Sobol indices of a vectorised ``func`` ((rows × k) in [0, 1) → (rows,)); uses ``saltelli_matrices``."""
    A, B = saltelli_matrices(k, N, seed)
    gs = _groups_or_singletons(k, groups)
    y = np.asarray(func(stack_design(A, B, gs)), dtype=float).reshape(-1)
    if y.size != N * (len(gs) + 2):
        raise ValueError("func must return one value per row")
    yA, yB, yAB = y[:N], y[N : 2 * N], y[2 * N :].reshape(len(gs), N).T
    res = sobol_estimates(yA, yB, yAB, n_boot=n_boot, seed=seed)
    res["N"], res["runs"] = N, y.size
    return res


@dataclass(frozen=True)
class SensitivityResult:
    factors: tuple[str, ...]
    S1: np.ndarray
    ST: np.ndarray
    S1_conf: np.ndarray | None
    ST_conf: np.ndarray | None
    record: StageRecord

    def as_dict(self) -> dict[str, tuple[float, float]]:
        return {f: (float(a), float(b)) for f, a, b in zip(self.factors, self.S1, self.ST, strict=True)}


def composite_sensitivity(
    X,
    types=None,
    weights=None,
    *,
    N: int = 512,
    weight_draws: str = "perturb",
    perturbation: float = 0.25,
    concentration: float = 1.0,
    normalizations: Sequence = ("minmax",),
    aggregations: Sequence[str] = ("arithmetic",),
    imputations: Sequence[str] = ("mean",),
    groups=None,
    drop_one: bool = False,
    target: str | int = "rank_shift",
    ties: str = "min",
    n_boot: int = 0,
    seed=None,
) -> SensitivityResult:
    """Sobol S1/ST of the composite's output with respect to each uncertain modelling choice.

    Factors present: "weights" (when ``weight_draws`` != "none"), and each of "imputation",
    "normalization", "aggregation", "drop" that has more than one option. ``target``: "rank_shift"
    (R̄_S against the nominal ranking) or a unit index (that unit's rank). Runs: N × (factors + 2)."""
    model = UncertaintyModel(
        X, types, weights, tuple(normalizations), tuple(aggregations), tuple(imputations), groups, drop_one
    )
    n = model.weights.size
    opts = model.n_options
    factors: list[tuple[str, list[int]]] = []
    col = 0
    if weight_draws != "none":
        factors.append(("weights", list(range(n))))
        col = n
    for name in ("imputation", "normalization", "aggregation", "drop"):
        if opts[name] > 1:
            factors.append((name, [col]))
            col += 1
    if not factors:
        raise ValueError("nothing is uncertain: give weight draws or more than one option for a choice")
    k = col
    A, B = saltelli_matrices(k, N, seed)
    gs = [c for _, c in factors]
    U = stack_design(A, B, gs)
    D = U.shape[0]
    w0 = model.weights
    if weight_draws == "perturb":
        if not 0 <= perturbation < 1:
            raise ValueError("perturbation must be in [0, 1)")
        W = w0 * (1.0 + perturbation * (2.0 * U[:, :n] - 1.0))
    elif weight_draws == "dirichlet":
        from scipy.special import gammaincinv  # lazy, see saltelli_matrices

        alpha = np.where(w0 > 0, concentration * n * w0, 1.0)
        W = np.where(w0 > 0, gammaincinv(alpha, np.clip(U[:, :n], 1e-12, 1 - 1e-12)), 0.0)
    else:
        W = np.broadcast_to(w0, (D, n)).copy()
    W = W / W.sum(axis=1, keepdims=True)
    choice = {}
    for name, cols in factors:
        if name != "weights":
            choice[name] = np.minimum((U[:, cols[0]] * opts[name]).astype(int), opts[name] - 1)
    zeros = np.zeros(D, dtype=int)
    W = model.apply_drop(W, choice.get("drop", zeros))
    S = model.scores(
        choice.get("imputation", zeros),
        choice.get("normalization", zeros),
        choice.get("aggregation", zeros),
        W,
    )
    R = rank(S, ties=ties)
    z1 = np.zeros(1, dtype=int)
    nominal = rank(model.scores(z1, z1, z1, w0[None, :]), ties=ties)[0]
    if target == "rank_shift":
        y = np.abs(R - nominal).mean(axis=1)
    elif isinstance(target, int | np.integer) and 0 <= int(target) < R.shape[1]:
        y = R[:, int(target)]
    else:
        raise ValueError("target must be 'rank_shift' or a unit index")
    G = len(gs)
    est = sobol_estimates(y[:N], y[N : 2 * N], y[2 * N :].reshape(G, N).T, n_boot=n_boot, seed=seed)
    names = tuple(f for f, _ in factors)
    rec = StageRecord(
        "sensitivity",
        "sobol",
        {
            "N": N,
            "runs": D,
            "factors": list(names),
            "target": target,
            "weight_draws": weight_draws,
            "perturbation": perturbation,
            "seed": seed,
        },
        {"S1": est["S1"], "ST": est["ST"], "nominal_rank": nominal},
        tuple(est["notes"]),
    )
    return SensitivityResult(names, est["S1"], est["ST"], est.get("S1_conf"), est.get("ST_conf"), rec)
