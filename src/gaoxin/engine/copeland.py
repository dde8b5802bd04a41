"""Copeland aggregation (non-compensatory; OECD/JRC Handbook, COINr a_copeland).

Outranking: e_jk = Σ_{i: unit j better than k on i} w_i + ½ Σ_{i: tie} w_i, with "better" by type.
Unit j beats k when e_jk > e_kj, i.e. when the signed sum s_jk = Σ_i w_i sign(y_ji − y_ki) > 0 (computed
directly, with a 1e-12 tolerance so float rounding never turns a tie into a win).
Copeland score = #wins − #losses (higher = better); a unit tied with k on the outranking gets neither.
Only the order inside each column matters, so X may be raw. Cost O(m² n): zone level (hundreds of units);
rows are processed in blocks so memory stays bounded.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_types, as_weights
from .provenance import StageRecord, finish

_TOL = 1e-12


def copeland(X, w, types=None, block_cells: int = 4_000_000, return_info: bool = False):
    """Copeland scores (wins − losses); the record holds the outranking matrix e_jk."""
    A = as_matrix(X)
    m, n = A.shape
    t = as_types(types, n)
    ww = as_weights(w, n)
    D = A * t
    E = np.empty((m, m))
    step = max(1, block_cells // max(1, m * n))
    for s in range(0, m, step):
        blk = np.sign(D[s : s + step, None, :] - D[None, :, :])  # (b, m, n) in {−1, 0, 1}
        E[s : s + step] = blk @ ww
    wins = (E > _TOL).sum(axis=1)
    losses = (E < -_TOL).sum(axis=1)
    score = (wins - losses).astype(float)
    outrank = (1.0 + E) / 2.0  # e_jk = (Σw + s_jk)/2 with Σw = 1
    np.fill_diagonal(outrank, 0.5)
    rec = StageRecord(
        "aggregate",
        "copeland",
        {"types": t},
        {"weights": ww, "outranking": outrank, "wins": wins, "losses": losses},
    )
    return finish(score, rec, return_info)
