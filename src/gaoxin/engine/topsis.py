"""TOPSIS in the Hwang–Yoon form and the "weight inside the root" form common in Chinese practice.

Given raw X (m × n), weights w (rescaled to sum 1) and ±1 types:
1. normalise: ``"vector"`` r = x/‖x‖₂ (classical; zero-norm column → 0) or ``"minmax"`` (direction-aware,
   pymcdm's default; a constant column → a constant, so it adds nothing to either distance);
2. ideal z⁺ = best of each column by type, anti-ideal z⁻ = worst;
3. ``variant="hy"``: D± = √Σ_j (w_j r_ij − w_j z±_j)²   (weights inside the square, i.e. w² effective);
   ``variant="cn"``: D± = √Σ_j w_j (r_ij − z±_j)²       (weight applied once, inside the root);
   the two coincide for equal weights up to a common factor, and can rank differently otherwise;
4. C = D⁻/(D⁺ + D⁻) ∈ [0, 1], higher is better. D⁺ + D⁻ = 0 (all units identical on every weighted
   column) → C = 0.5 for all, noted.
Relative ideals change with the set of units (rank reversal; not comparable across years).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_types, as_weights, check_choice, col_min_max
from .normalize import minmax
from .provenance import StageRecord, finish


def topsis(X, w, types=None, variant: str = "hy", normalization: str = "vector", return_info: bool = False):
    """Closeness coefficients C (higher = better); see the module docstring for the exact definitions."""
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    ww = as_weights(w, n)
    check_choice(variant, ("hy", "cn"), "variant")
    check_choice(normalization, ("vector", "minmax"), "normalization")
    notes: list[str] = []
    mn, mx = col_min_max(A)
    if normalization == "vector":
        norm = np.sqrt(np.einsum("ij,ij->j", A, A))
        zero = norm == 0
        inv = 1.0 / np.where(zero, 1.0, norm)
        R = A * inv
        notes += [f"column {j}: zero norm → r = 0" for j in np.flatnonzero(zero)]
        # r is x scaled by a positive factor, so its extremes are the scaled extremes of x
        hi, lo = mx * inv, mn * inv
        pos = np.where(t > 0, hi, lo)
        neg = np.where(t > 0, lo, hi)
    else:
        R = minmax(A, t)
        const = mx == mn
        pos, neg = np.where(const, 0.5, 1.0), np.where(const, 0.5, 0.0)
    # distance weights: w² for HY (w·r − w·z)², w for CN; one reusable buffer for the squared gaps
    dw = ww * ww if variant == "hy" else ww
    G = np.subtract(R, pos)
    G *= G
    Dp = np.sqrt(G @ dw)
    np.subtract(R, neg, out=G)
    G *= G
    Dm = np.sqrt(G @ dw)
    den = Dp + Dm
    flat = den == 0
    C = np.where(flat, 0.5, Dm / np.where(flat, 1.0, den))
    if flat.any():
        notes.append(f"{int(flat.sum())} units with D+ + D- = 0 → C = 0.5")
    rec = StageRecord(
        "aggregate",
        "topsis",
        {"variant": variant, "normalization": normalization, "types": t},
        {"weights": ww, "ideal": pos, "anti_ideal": neg, "d_plus": Dp, "d_minus": Dm, "closeness": C},
        tuple(notes),
    )
    return finish(C, rec, return_info)
