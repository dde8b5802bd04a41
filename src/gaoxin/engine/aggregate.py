"""Aggregation of a normalised (benefit-oriented) matrix Y into one score per unit.

Weights are validated (finite, ≥ 0, not all 0) and rescaled to sum 1; the record shows the weights used.
* ``arithmetic``: Σ w y — fully compensatory; any real y.
* ``geometric``: Π y^w — partial compensation; needs y > 0 (raises on 0 or negatives, like COINr a_gmean:
  normalise to e.g. [1, 100] first). A zero-weight column is skipped, so its values may be anything.
* ``harmonic``: 1 / Σ (w / y) — needs y > 0 on columns with weight > 0.
* ``generalized``: (Σ w y^p)^(1/p); p = 1 arithmetic, p = 0 geometric, p = −1 harmonic; p ≠ 1 needs y > 0.
* ``pca_composite``: the Chinese-textbook PCA score F = Σ_k (λ_k/Σλ) F_k (no weights; see the function).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_types, as_weights
from .provenance import StageRecord, finish


def _prep(Y, w):
    A = as_matrix(Y, "Y")
    return A, as_weights(w, A.shape[1])


def _positive(A, w, what):
    used = w > 0
    if np.any(A[:, used] <= 0):
        raise ValueError(
            f"{what} aggregation needs values > 0 on weighted columns; rescale (e.g. to [1, 100])"
        )


def arithmetic(Y, w, return_info: bool = False):
    """Weighted arithmetic mean Σ_j w_j y_ij."""
    A, ww = _prep(Y, w)
    return finish(A @ ww, StageRecord("aggregate", "arithmetic", {}, {"weights": ww}), return_info)


def geometric(Y, w, return_info: bool = False):
    """Weighted geometric mean Π_j y_ij^w_j (y > 0 required on weighted columns)."""
    A, ww = _prep(Y, w)
    _positive(A, ww, "geometric")
    used = ww > 0
    s = np.exp(np.log(A[:, used]) @ ww[used])
    return finish(s, StageRecord("aggregate", "geometric", {}, {"weights": ww}), return_info)


def harmonic(Y, w, return_info: bool = False):
    """Weighted harmonic mean 1/Σ_j (w_j / y_ij) (y > 0 required on weighted columns)."""
    A, ww = _prep(Y, w)
    _positive(A, ww, "harmonic")
    used = ww > 0
    s = 1.0 / ((1.0 / A[:, used]) @ ww[used])
    return finish(s, StageRecord("aggregate", "harmonic", {}, {"weights": ww}), return_info)


def generalized(Y, w, p: float = 1.0, return_info: bool = False):
    """Weighted power mean of order p (see the module docstring)."""
    if not np.isfinite(p):
        raise ValueError("p must be finite")
    A, ww = _prep(Y, w)
    used = ww > 0
    if p == 1:
        s = A @ ww
    else:
        _positive(A, ww, f"generalized (p={p})")
        s = np.exp(np.log(A[:, used]) @ ww[used]) if p == 0 else (A[:, used] ** p @ ww[used]) ** (1.0 / p)
    return finish(s, StageRecord("aggregate", "generalized", {"p": p}, {"weights": ww}), return_info)


def pca_composite(
    X, types=None, n_components: int | None = None, min_eigen: float = 1.0, return_info: bool = False
):
    """主成分综合评价: F = Σ_k (λ_k / Σ_kept λ) F_k with F_k = Σ_j u_jk z_ij.

    z-score (ddof=1) with cost columns negated; constant columns dropped (noted); components with eigenvalue
    > ``min_eigen`` (at least one) or the first ``n_components``. Eigenvector signs are fixed so that the
    loadings of each kept component sum to ≥ 0 (all columns are benefit-oriented after the flip), making
    the result deterministic. Scores are centred at 0 (negative is normal: rank them) and depend on the sample.
    """
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    if m < 3:
        raise ValueError("PCA composite needs at least 3 units")
    ok = A.max(axis=0) > A.min(axis=0)
    if not ok.any():
        raise ValueError("PCA composite: every column is constant")
    Z = A[:, ok] * t[ok]
    Z = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
    R = np.atleast_2d(np.corrcoef(Z, rowvar=False))
    lam, U = np.linalg.eigh(R)
    order = np.argsort(lam)[::-1]
    lam, U = lam[order], U[:, order]
    k = n_components if n_components is not None else max(1, int((lam > min_eigen).sum()))
    if not 1 <= k <= lam.size:
        raise ValueError(f"n_components must be between 1 and {lam.size}")
    U = U[:, :k] * np.where(U[:, :k].sum(axis=0) < 0, -1.0, 1.0)
    F = Z @ U
    share = lam[:k] / lam[:k].sum()
    s = F @ share
    notes = tuple(f"column {j}: constant → dropped" for j in np.flatnonzero(~ok))
    rec = StageRecord(
        "aggregate",
        "pca_composite",
        {"n_components": n_components, "min_eigen": min_eigen, "types": t},
        {
            "eigenvalues": lam,
            "explained": lam / lam.sum(),
            "component_weights": share,
            "vectors": U,
            "component_scores": F,
        },
        notes,
    )
    return finish(s, rec, return_info)


METHODS = {"arithmetic": arithmetic, "geometric": geometric, "harmonic": harmonic}


def aggregate(Y, w, method: str = "arithmetic", return_info: bool = False, **params):
    """Dispatch by name: arithmetic | geometric | harmonic | generalized."""
    if method == "generalized":
        return generalized(Y, w, return_info=return_info, **params)
    if method not in METHODS:
        raise ValueError(f"unknown aggregation {method!r}; use one of {(*METHODS, 'generalized')}")
    return METHODS[method](Y, w, return_info=return_info, **params)
