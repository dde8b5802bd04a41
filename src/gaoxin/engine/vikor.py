"""VIKOR (Opricovic 1998; Opricovic & Tzeng 2004).

f*_j, f⁻_j = best and worst value of column j by type; d_ij = (f*_j − x_ij)/(f*_j − f⁻_j) ∈ [0, 1];
S_i = Σ_j w_j d_ij (group utility), R_i = max_j w_j d_ij (individual regret);
Q_i = v (S_i − S*)/(S⁻ − S*) + (1 − v)(R_i − R*)/(R⁻ − R*). **Lower Q is better** (rank with
``descending=False``).

Edge cases: a constant column has f* = f⁻; pymcdm raises there, we set d = 0 (it cannot separate units,
so it adds nothing to S or R) and note it. S⁻ = S* (or R⁻ = R*, up to 1e-12 relative: rounding) → that
term is 0 for every unit, noted.
The record also gives the compromise solution (conditions C1 acceptable advantage with DQ = 1/(m − 1)
and C2 acceptable stability) as unit indices.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_types, as_weights, col_min_max
from .provenance import StageRecord, finish


def _compromise(S, R, Q):
    m = Q.shape[0]
    order = np.argsort(Q, kind="stable")
    if m < 2:
        return order.tolist(), True, True
    dq = 1.0 / (m - 1)
    a1 = order[0]
    c1 = Q[order[1]] - Q[a1] >= dq
    c2 = S[a1] == S.min() or R[a1] == R.min()
    if c1 and c2:
        return [int(a1)], c1, c2
    if not c1:
        close = Q[order] - Q[a1] < dq
        return [int(i) for i in order[close]], c1, c2
    return [int(order[0]), int(order[1])], c1, c2


def vikor(X, w, types=None, v: float = 0.5, return_info: bool = False):
    """Return Q (lower = better); S, R and the compromise set are in the record."""
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    ww = as_weights(w, n)
    if not 0.0 <= v <= 1.0:
        raise ValueError("v must be in [0, 1]")
    notes: list[str] = []
    lo, hi = col_min_max(A)
    best = np.where(t > 0, hi, lo)
    rng = hi - lo
    const = rng == 0
    notes += [f"column {j}: constant → contributes 0" for j in np.flatnonzero(const)]
    # (f* − x)·t / (max − min) is the signed distance to the best value, in [0, 1]
    scale = ww * t / np.where(const, 1.0, rng)
    scale = np.where(const, 0.0, scale)
    WD = np.subtract(best, A)
    WD *= scale
    S = WD @ np.ones(n)
    R = WD.max(axis=1)

    def part(x, label):
        lo_, hi_ = x.min(), x.max()
        # a spread of a few ulps is rounding, not a difference between units (else noise becomes Q)
        if hi_ - lo_ <= 1e-12 * max(abs(lo_), abs(hi_)):
            notes.append(f"{label} is the same for every unit → its term is 0")
            return np.zeros_like(x)
        return (x - lo_) / (hi_ - lo_)

    Q = v * part(S, "S") + (1.0 - v) * part(R, "R")
    comp, c1, c2 = _compromise(S, R, Q)
    rec = StageRecord(
        "aggregate",
        "vikor",
        {"v": v, "types": t},
        {
            "weights": ww,
            "best": best,
            "worst": np.where(t > 0, lo, hi),
            "S": S,
            "R": R,
            "Q": Q,
            "compromise": comp,
            "acceptable_advantage": bool(c1),
            "acceptable_stability": bool(c2),
        },
        tuple(notes),
    )
    return finish(Q, rec, return_info)
