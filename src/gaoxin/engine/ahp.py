"""AHP (Saaty): weights from a pairwise comparison matrix, with a consistency ratio on a selectable RI table.

A[i, j] is how much more important criterion i is than j (1–9 scale); A must be square, positive, with a unit
diagonal and reciprocal (a_ji = 1/a_ij, within ``rtol`` because papers print 1/3 as 0.33).

Weights: ``"eigen"`` principal (Perron) eigenvector; ``"geometric"`` (方根法) normalised row geometric means;
``"arithmetic"`` (和积法) mean of the column-normalised rows. λ_max is the principal eigenvalue for "eigen"
and mean_i (A w)_i / w_i for the other two (the textbook pairing). CI = (λ_max − n)/(n − 1), CR = CI/RI(n);
n ≤ 2 → CR = 0 (every 2×2 reciprocal matrix is consistent). n beyond the RI table raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import check_choice
from .provenance import StageRecord

# index = n - 1; n = 1, 2 have RI 0 (CR is defined as 0 there)
RI_TABLES: dict[str, tuple[float, ...]] = {
    # Saaty as printed in pyDecision (n = 12 is 1.48 in that table, kept as published)
    "saaty": (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    # Chinese textbook table (许树柏), the one in most Chinese code
    "cn": (0, 0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59),
    # Alonso & Lamata (2006), used by pymcdm
    "alonso": (
        0,
        0,
        0.5799,
        0.8921,
        1.1159,
        1.2358,
        1.3322,
        1.3952,
        1.4537,
        1.4882,
        1.5117,
        1.5356,
        1.5571,
        1.5714,
        1.5831,
    ),
}


def check_pairwise(A, rtol: float = 0.02) -> np.ndarray:
    """Validate a pairwise comparison matrix and return it as float."""
    M = np.asarray(A, dtype=float)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"pairwise matrix must be square and non-empty, got shape {M.shape}")
    if not np.all(np.isfinite(M)) or np.any(M <= 0):
        raise ValueError("pairwise matrix entries must be finite and > 0")
    if not np.allclose(np.diag(M), 1.0):
        raise ValueError("pairwise matrix must have a unit diagonal")
    if not np.allclose(M * M.T, 1.0, rtol=rtol, atol=0):
        raise ValueError(f"pairwise matrix is not reciprocal within rtol={rtol} (a_ji must be 1/a_ij)")
    return M


def random_index(n: int, ri: str = "saaty") -> float:
    check_choice(ri, tuple(RI_TABLES), "ri")
    table = RI_TABLES[ri]
    if n > len(table):
        raise ValueError(f"RI table {ri!r} stops at n={len(table)}; split the criteria into groups")
    return float(table[n - 1])


def ahp_weights(A, method: str = "eigen", ri: str = "saaty", rtol: float = 0.02, return_info: bool = False):
    """Return ``(w, cr)``; with ``return_info=True`` ``(w, cr, record)`` (record has λ_max, CI, RI)."""
    M = check_pairwise(A, rtol)
    n = M.shape[0]
    check_choice(method, ("eigen", "geometric", "arithmetic"), "method")
    if method == "eigen":
        vals, vecs = np.linalg.eig(M)
        k = int(np.argmax(vals.real))
        lam = float(vals[k].real)
        v = vecs[:, k].real
        w = v / v.sum()  # Perron vector has one sign; dividing by its sum makes it positive
    else:
        g = np.exp(np.log(M).mean(axis=1)) if method == "geometric" else (M / M.sum(axis=0)).mean(axis=1)
        w = g / g.sum()
        lam = float(np.mean((M @ w) / w))
    if n <= 2:
        ci, r, cr = 0.0, 0.0, 0.0
    else:
        ci = (lam - n) / (n - 1)
        r = random_index(n, ri)
        cr = ci / r
    rec = StageRecord(
        "weight",
        "ahp",
        {"method": method, "ri": ri, "matrix": M},
        {"lambda_max": lam, "ci": ci, "ri": r, "cr": cr, "weights": w},
        () if cr < 0.1 else (f"CR = {cr:.4f} ≥ 0.10: judgements inconsistent",),
    )
    return (w, cr, rec) if return_info else (w, cr)


def ahp_group(matrices: Sequence, rtol: float = 0.02) -> np.ndarray:
    """Aggregate individual judgements (AIJ): element-wise geometric mean of the experts' matrices."""
    Ms = [check_pairwise(A, rtol) for A in matrices]
    if not Ms or len({M.shape for M in Ms}) != 1:
        raise ValueError("need one or more pairwise matrices of the same shape")
    return np.exp(np.mean([np.log(M) for M in Ms], axis=0))


def hierarchy_cr(parent_weights: Sequence[float], cis: Sequence[float], ris: Sequence[float]) -> float:
    """Total-ranking (层次总排序) consistency: CR = Σ a_k CI_k / Σ a_k RI_k over the child matrices.

    Returns 0 when every child matrix has n ≤ 2 (Σ a_k RI_k = 0)."""
    a = np.asarray(parent_weights, dtype=float)
    ci = np.asarray(cis, dtype=float)
    r = np.asarray(ris, dtype=float)
    if not (a.shape == ci.shape == r.shape):
        raise ValueError("parent_weights, cis and ris must have the same length")
    den = float(a @ r)
    return 0.0 if den == 0 else float(a @ ci) / den
