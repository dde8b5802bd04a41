"""Grey relational analysis (Deng): grade of each unit against the ideal reference sequence.

1. dimensionless form: ``"minmax"`` (direction-aware; constant column → constant, so Δ = 0 there) or
   ``"mean"`` (均值化 x/mean, needs a positive column mean; not flipped, the reference is chosen by type);
2. reference x₀(j) = best value of column j by type; Δ_ij = distance of x_ij to x₀(j) (≥ 0 by construction);
3. ξ_ij = (Δmin + ρ Δmax)/(Δ_ij + ρ Δmax) with **global** Δmin, Δmax; ρ = 0.5 by default;
   Δmax = 0 (every unit equals the reference everywhere) → ξ = 1, noted;
4. grade r_i = Σ_j w_j ξ_ij (higher = better). pyDecision divides this by the number of units; that
   changes no ranking but is not Deng's grade, so we do not.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_types, as_weights, check_choice
from .normalize import minmax
from .provenance import StageRecord, finish


def gra(X, w, types=None, rho: float = 0.5, normalization: str = "minmax", return_info: bool = False):
    """Grey relational grade (higher = better)."""
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    ww = as_weights(w, n)
    check_choice(normalization, ("minmax", "mean"), "normalization")
    if not 0.0 < rho <= 1.0:
        raise ValueError("rho must be in (0, 1]")
    notes: list[str] = []
    if normalization == "minmax":
        Y = minmax(A, t)
        delta = Y.max(axis=0) - Y
    else:
        mu = A.mean(axis=0)
        if np.any(mu <= 0):
            raise ValueError("GRA mean normalisation needs positive column means")
        Y = A / mu
        ref = np.where(t > 0, Y.max(axis=0), Y.min(axis=0))
        delta = (ref - Y) * t
    dmin, dmax = float(delta.min()), float(delta.max())
    if dmax == 0:
        xi = np.ones_like(delta)
        notes.append("every unit equals the reference → ξ = 1")
    else:
        xi = (dmin + rho * dmax) / (delta + rho * dmax)
    g = xi @ ww
    rec = StageRecord(
        "aggregate",
        "gra",
        {"rho": rho, "normalization": normalization, "types": t},
        {"weights": ww, "delta_min": dmin, "delta_max": dmax, "coefficients": xi, "grade": g},
        tuple(notes),
    )
    return finish(g, rec, return_info)
