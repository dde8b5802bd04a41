"""Objective and participatory weights. Every function returns weights ≥ 0 summing to 1.

Shared policy
-------------
* NaN / inf in X are rejected (impute first); nothing is passed through abs().
* A constant column carries no information and gets weight 0 (entropy, CRITIC, CV, MEREC, PCA), noted in
  the record.
* If every column is degenerate (all weights would be 0), ``degenerate="raise"`` (default) raises
  ValueError and ``degenerate="equal"`` returns equal weights over the non-constant columns (over all
  columns only if every one is constant), with a note. A single informative column gets weight 1.
* ``types`` are ±1 (benefit/cost). Methods whose result does not depend on direction say so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import as_matrix, as_types, as_weights, check_choice, col_min_max
from .normalize import minmax
from .provenance import StageRecord, finish


def _settle(
    score: np.ndarray, degenerate: str, what: str, notes: list[str], informative: np.ndarray | None = None
) -> np.ndarray:
    """Score vector (≥ 0) → weights, applying the all-degenerate policy.

    With ``degenerate="equal"`` the equal weights go to the non-constant (``informative``) columns; only if
    every column is constant do all columns share them."""
    check_choice(degenerate, ("raise", "equal"), "degenerate")
    total = score.sum()
    if total > 0:
        return score / total
    if degenerate == "raise":
        raise ValueError(f"{what}: every indicator has zero weight (all columns constant or degenerate)")
    mask = np.ones(score.shape, bool) if informative is None or not informative.any() else informative
    notes.append(f"{what}: all scores zero → equal weights over {int(mask.sum())} columns")
    return mask / mask.sum()


def _informative(A: np.ndarray) -> np.ndarray:
    mn, mx = col_min_max(A)
    return mx > mn


def equal_weights(n: int, return_info: bool = False):
    """1/n each."""
    if n < 1:
        raise ValueError("n must be >= 1")
    w = np.full(n, 1.0 / n)
    return finish(w, StageRecord("weight", "equal", {"n": n}, {"weights": w}), return_info)


def points_weights(points: Sequence[float], return_info: bool = False):
    """Expert points / budget allocation (e.g. 45, 20, 15, 15, 5) → shares. Negative or all-zero raises."""
    p = np.asarray(points, dtype=float).reshape(-1)
    w = as_weights(p, p.size, "points")
    return finish(w, StageRecord("weight", "points", {"points": p}, {"weights": w}), return_info)


def entropy_weights(
    X,
    types=None,
    variant: str = "minmax",
    shift: float = 1e-4,
    degenerate: str = "raise",
    return_info: bool = False,
):
    """Entropy weight method (熵权法).

    p_ij = y_ij / Σ_i y_ij; e_j = −(1/ln m) Σ_i p_ij ln p_ij with 0·ln 0 := 0; d_j = 1 − e_j; w = d/Σd.

    ``variant`` chooses y (it changes the weights, so papers must be matched):
    * ``"minmax"`` (default, most Chinese papers): direction-aware min-max to [0, 1] plus ``shift``
      (0.0001 in most papers, 0.01 in some) so no y is 0. A constant column → uniform p → weight 0.
    * ``"raw"``: y = x as given (Xu 2004, Elsayed 2017, pymcdm); direction is ignored because the entropy
      of a column does not depend on which end is good; needs x ≥ 0 (raises on negatives). An all-zero
      column has no distribution → weight 0, noted.
    * ``"vector"`` (清风 course): cost columns reflected (max − x), then vector-normalised; since p is scale
      free this equals ``raw`` on the positivised matrix. Benefit columns need x ≥ 0.
    m = 1 raises (ln m = 0).
    """
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    check_choice(variant, ("minmax", "raw", "vector"), "variant")
    if m < 2:
        raise ValueError("entropy weights need at least 2 units (k = 1/ln m)")
    notes: list[str] = []
    mn, mx = col_min_max(A)
    if variant == "minmax":
        if not np.isfinite(shift) or shift < 0:
            raise ValueError("shift must be a finite number >= 0")
        Y = minmax(A, t)
        Y += shift
        has_zero = shift == 0
    elif variant == "raw":
        if np.any(mn < 0):
            raise ValueError("entropy variant='raw' needs x >= 0; use variant='minmax' (never abs())")
        Y = A
        has_zero = bool(np.any(mn == 0))
    else:
        if np.any(mn[t > 0] < 0):
            raise ValueError("entropy variant='vector' needs benefit columns >= 0")
        Y = np.where(t > 0, A, mx - A)
        has_zero = True
    colsum = Y.sum(axis=0)
    empty = colsum == 0
    for j in np.flatnonzero(empty):
        notes.append(f"column {j}: sums to 0 (no distribution) → weight 0")
    s = np.where(empty, 1.0, colsum)
    # Σ p ln p = (Σ y ln y)/s − ln s with p = y/s: one log pass over Y, no P matrix (0·ln 0 := 0)
    logY = np.log(Y, out=np.zeros_like(Y), where=Y > 0) if has_zero else np.log(Y)
    ylny = np.einsum("ij,ij->j", Y, logY)
    e = -(ylny / s - np.log(s)) / np.log(m)
    e = np.where(empty, 1.0, e)
    # e ≤ 1 mathematically; only rounding can push it above, by a few ulps
    d = np.clip(1.0 - e, 0.0, None)
    const = (mx == mn) & ~empty
    for j in np.flatnonzero(const):
        notes.append(f"column {j}: constant → weight 0")
        d[j] = 0.0
    w = _settle(d, degenerate, "entropy", notes, (mx > mn) & ~empty)
    rec = StageRecord(
        "weight",
        "entropy",
        {
            "variant": variant,
            "shift": shift if variant == "minmax" else None,
            "types": t,
            "degenerate": degenerate,
        },
        {"entropy": e, "divergence": d, "weights": w},
        tuple(notes),
    )
    return finish(w, rec, return_info)


def critic_weights(
    X,
    types=None,
    flip_cost: bool = True,
    abs_corr: bool = False,
    degenerate: str = "raise",
    return_info: bool = False,
):
    """CRITIC (Diakoulaki et al. 1995): C_j = σ_j Σ_k (1 − r_jk), w = C/ΣC, on min-max normalised data.

    ``flip_cost=True`` min-max normalises cost columns as (max − x)/(max − min), which flips the sign of
    their correlations with benefit columns; ``False`` uses (x − min)/(max − min) for every column (pymcdm;
    some published examples). σ is the same either way and ddof cancels in the weights.
    ``abs_corr=True`` uses 1 − |r_jk| (a published variant; that abs() is the variant's definition).
    Constant columns get C = 0 and are left out of the other columns' sums, as if the column were absent
    (its correlation is undefined). One column → weight 1.
    """
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    if m < 2:
        raise ValueError("CRITIC needs at least 2 units")
    notes: list[str] = []
    # Min-max is affine per column, so everything comes from the raw data: σ_norm = σ_raw / range and
    # the correlation of normalised columns is the raw correlation, sign-flipped for cost columns under
    # flip_cost. One centring pass and one BLAS Gram product instead of an n² loop.
    mn, mx = col_min_max(A)
    ok = mx > mn
    for j in np.flatnonzero(~ok):
        notes.append(f"column {j}: constant → weight 0")
    C0 = A - A.mean(axis=0)
    G = C0.T @ C0
    ss = np.sqrt(np.clip(np.diag(G), 0.0, None))
    sigma = np.where(ok, ss / np.sqrt(m - 1) / np.where(ok, mx - mn, 1.0), 0.0)
    good = ok & (ss > 0)
    inv = np.where(good, 1.0 / np.where(good, ss, 1.0), 0.0)
    sign = t if flip_cost else np.ones(n)
    R = np.clip(G * np.outer(inv * sign, inv * sign), -1.0, 1.0)
    R[~good, :] = 0.0
    R[:, ~good] = 0.0
    gap = 1.0 - (np.abs(R) if abs_corr else R)
    # |r| = 1 computed in floating point can miss by a few ulps; such noise must not become weight
    gap = np.where(gap < 1e-12, 0.0, gap)
    conflict = (gap * ok[None, :]).sum(axis=1)
    C = sigma * conflict
    if ok.sum() == 1:
        # one informative column: Σ(1 − r) is 0 by definition, yet it is the only column that separates
        # units; with the constant columns treated as absent this is the n = 1 case, weight 1
        C = ok.astype(float)
    w = _settle(C, degenerate, "CRITIC", notes, ok)
    rec = StageRecord(
        "weight",
        "critic",
        {"flip_cost": flip_cost, "abs_corr": abs_corr, "types": t, "degenerate": degenerate},
        {"sigma": sigma, "corr": R, "information": C, "weights": w},
        tuple(notes),
    )
    return finish(w, rec, return_info)


def cv_weights(X, types=None, ddof: int = 1, degenerate: str = "raise", return_info: bool = False):
    """Coefficient of variation (变异系数法): v_j = σ_j / |μ_j| on raw data, w = v/Σv.

    Direction-free (``types`` accepted for a uniform signature, validated, unused). Each column must not mix
    signs and must have μ ≠ 0, otherwise CV is meaningless and ValueError is raised (shift the data first).
    Invariant to rescaling a column by a positive factor, not to shifts. ddof cancels in the weights.
    (pyrepo's CV of the sum-normalised columns is the same number: σ(x/Σx)/μ(x/Σx) = σ/μ.)"""
    A = as_matrix(X)
    m, n = A.shape
    as_types(types, n)
    if m < 2:
        raise ValueError("CV weights need at least 2 units")
    mixed = (A.min(axis=0) < 0) & (A.max(axis=0) > 0)
    if np.any(mixed):
        raise ValueError(f"CV weights: columns {np.flatnonzero(mixed).tolist()} mix signs; shift first")
    mu = A.mean(axis=0)
    if np.any(mu == 0):
        raise ValueError(f"CV weights: columns {np.flatnonzero(mu == 0).tolist()} have mean 0")
    const = A.max(axis=0) == A.min(axis=0)
    s = np.where(const, 0.0, A.std(axis=0, ddof=ddof))
    v = s / np.abs(mu)
    notes: list[str] = [f"column {j}: constant → weight 0" for j in np.flatnonzero(const)]
    w = _settle(v, degenerate, "CV", notes, ~const)
    rec = StageRecord(
        "weight", "cv", {"ddof": ddof, "degenerate": degenerate}, {"cv": v, "weights": w}, tuple(notes)
    )
    return finish(w, rec, return_info)


def merec_weights(X, types=None, degenerate: str = "raise", return_info: bool = False):
    """MEREC (Keshavarz-Ghorabaee et al. 2021): removal effects of each criterion.

    n_ij = min_j/x_ij (benefit), x_ij/max_j (cost); S_i = ln(1 + (1/n)Σ_j |ln n_ij|);
    S'_ij = the same without criterion j (still divided by n, as in the paper); E_j = Σ_i |S'_ij − S_i|.
    Needs x > 0 (raises otherwise). Since n_ij ≤ 1, |ln n_ij| = −ln n_ij and S'_ij ≤ S_i, so the
    implementation needs no abs()."""
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    if np.any(A <= 0):
        raise ValueError("MEREC needs all values > 0")
    N = np.where(t > 0, A.min(axis=0) / A, A / A.max(axis=0))
    L = -np.log(N)  # ≥ 0
    tot = L.sum(axis=1, keepdims=True)
    S = np.log1p(tot / n)
    S_prime = np.log1p((tot - L) / n)
    E = (S - S_prime).sum(axis=0)
    notes: list[str] = []
    w = _settle(E, degenerate, "MEREC", notes, _informative(A))
    rec = StageRecord(
        "weight",
        "merec",
        {"types": t, "degenerate": degenerate},
        {"S": S.ravel(), "removal_effect": E, "weights": w},
        tuple(notes),
    )
    return finish(w, rec, return_info)


def varimax(L: np.ndarray, normalize: bool = True, max_sweeps: int = 100, tol: float = 1e-12) -> np.ndarray:
    """Varimax rotation (Kaiser 1958, pairwise closed-form angles; Kaiser row normalisation like R/SPSS).

    The pairwise form takes the optimal angle for each factor pair, so it cannot stall at the symmetric
    stationary points where the SVD-iteration form leaves the loadings unrotated."""
    p, k = L.shape
    if k < 2:
        return L.copy()
    h = np.sqrt((L**2).sum(axis=1)) if normalize else np.ones(p)
    h = np.where(h == 0, 1.0, h)
    R = L / h[:, None]
    for _ in range(max_sweeps):
        biggest = 0.0
        for a in range(k - 1):
            for b in range(a + 1, k):
                x, y = R[:, a], R[:, b]
                u, v = x * x - y * y, 2.0 * x * y
                A, B = u.sum(), v.sum()
                C, D = (u * u - v * v).sum(), 2.0 * (u * v).sum()
                phi = 0.25 * np.arctan2(D - 2.0 * A * B / p, C - (A * A - B * B) / p)
                if abs(phi) > tol:
                    c, s_ = np.cos(phi), np.sin(phi)
                    R[:, a], R[:, b] = c * x + s_ * y, -s_ * x + c * y
                biggest = max(biggest, abs(phi))
        if biggest <= tol:
            break
    return R * h[:, None]


def pca_weights(
    X,
    types=None,
    n_factors: int | None = None,
    min_eigen: float = 1.0,
    rotate: bool = True,
    degenerate: str = "raise",
    return_info: bool = False,
):
    """Weights from principal components (OECD/JRC Handbook, Nicoletti et al.).

    z-score standardise (constant columns dropped, weight 0); eigen-decompose the correlation matrix; keep
    ``n_factors`` components, or those with eigenvalue > ``min_eigen`` (Kaiser; at least one); loadings
    L = u·√λ, varimax-rotated when ``rotate`` and more than one factor; squared loadings scaled to unity within
    each factor; each indicator takes the scaled squared loading of the factor it loads on most, times that
    factor's share of the explained variance; renormalised to sum 1. Direction does not matter (squared
    loadings); ``types`` is validated and recorded. m ≤ n gives a singular correlation matrix: allowed, noted.
    """
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    if m < 3:
        raise ValueError("PCA weights need at least 3 units")
    notes: list[str] = []
    ok = A.max(axis=0) > A.min(axis=0)
    for j in np.flatnonzero(~ok):
        notes.append(f"column {j}: constant → weight 0")
    if m <= n:
        notes.append(f"m={m} ≤ n={n}: correlation matrix is singular")
    w = np.zeros(n)
    outputs: dict = {}
    if ok.sum() >= 1:
        Z = A[:, ok]
        Z = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
        R = np.corrcoef(Z, rowvar=False).reshape(ok.sum(), ok.sum())
        lam, U = np.linalg.eigh(R)
        order = np.argsort(lam)[::-1]
        lam, U = lam[order], U[:, order]
        k = n_factors if n_factors is not None else max(1, int((lam > min_eigen).sum()))
        if not 1 <= k <= lam.size:
            raise ValueError(f"n_factors must be between 1 and {lam.size}")
        L = U[:, :k] * np.sqrt(np.clip(lam[:k], 0.0, None))
        if rotate:
            L = varimax(L)
        sq = L**2
        var = sq.sum(axis=0)
        scaled = sq / var
        best = np.argmax(scaled, axis=1)
        w[ok] = scaled[np.arange(sq.shape[0]), best] * (var[best] / var.sum())
        outputs = {"eigenvalues": lam, "n_factors": k, "loadings": L, "factor_of_indicator": best}
    w = _settle(w, degenerate, "PCA", notes, ok)
    outputs["weights"] = w
    rec = StageRecord(
        "weight",
        "pca",
        {
            "n_factors": n_factors,
            "min_eigen": min_eigen,
            "rotate": rotate,
            "types": t,
            "degenerate": degenerate,
        },
        outputs,
        tuple(notes),
    )
    return finish(w, rec, return_info)


def combine_weights(
    weight_sets: Sequence,
    method: str = "linear",
    alpha: Sequence[float] | None = None,
    return_info: bool = False,
):
    """Combined (组合) weights from several weight vectors of the same length.

    * ``"linear"``: Σ_k α_k w_k, α ≥ 0 rescaled to sum 1 (default equal α).
    * ``"multiplicative"``: w_j ∝ Π_k w_kj (all zero → raises).
    * ``"game"`` (博弈论组合赋权): α solves Σ_l α_l (w_k·w_l) = w_k·w_k, then α/Σα. If any α ≤ 0 the
      combination is refused (ValueError): the common |α| fix-up is an abs() that changes the meaning.
    """
    W = np.vstack([as_weights(w, np.asarray(w).size, f"weight set {i}") for i, w in enumerate(weight_sets)])
    K, n = W.shape
    if K < 1:
        raise ValueError("need at least one weight set")
    check_choice(method, ("linear", "multiplicative", "game"), "method")
    if method == "linear":
        a = as_weights(np.ones(K) if alpha is None else alpha, K, "alpha")
        w = a @ W
    elif method == "multiplicative":
        p = W.prod(axis=0)
        if p.sum() == 0:
            raise ValueError("multiplicative combination: every product is 0")
        a = None
        w = p / p.sum()
    else:
        G = W @ W.T
        a_raw = np.linalg.lstsq(G, np.diag(G), rcond=None)[0]
        if np.any(a_raw <= 1e-12 * np.abs(a_raw).max()):
            raise ValueError(f"game-theory combination gives non-positive coefficients {a_raw}; refused")
        a = a_raw / a_raw.sum()
        w = a @ W
    w = w / w.sum()
    rec = StageRecord(
        "weight", "combined", {"method": method, "alpha": alpha}, {"alpha": a, "inputs": W, "weights": w}
    )
    return finish(w, rec, return_info)
