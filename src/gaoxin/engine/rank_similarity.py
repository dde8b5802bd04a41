"""How alike two rankings are: Spearman's r_s, the weighted Spearman r_w and the WS coefficient.

Both rankings are rank vectors over the same subjects (1 = best), as the run comparison has them after joining
two runs on the firm. Formulas as in Sałabun & Urbaniak, "A New Coefficient of Rankings Similarity in
Decision-Making Problems", ICCS 2020 (doi 10.1007/978-3-030-50417-5_47):

- r_s = 1 − 6 Σ d² / (N (N² − 1)) (ties: the Pearson correlation of the ranks, which equals it without ties);
- r_w = 1 − 6 Σ (x−y)² ((N−x+1) + (N−y+1)) / (N⁴ + N³ − N² − N) — swaps near the top weigh more;
- WS  = 1 − Σ 2^(−x) |x−y| / max(|x−1|, |x−N|) — asymmetric: ``x`` is the reference ranking; a change of
  the first place costs up to one half, of the last almost nothing.

Degenerate cases (stated, not guessed): fewer than two subjects → NaN for all three; constant ranks (every
subject tied) → r_s NaN. Ranks are used as given (no re-ranking), NaN ranks are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class RankSimilarity:
    n: int  # subjects in both rankings
    spearman: float
    weighted_spearman: float  # r_w
    ws: float  # WS, the first ranking as reference


def _pair(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    a = np.asarray(x, dtype=np.float64).ravel()
    b = np.asarray(y, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"rankings of different length: {a.size} and {b.size}")
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("rankings hold NaN ranks")
    return a, b


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    a, b = _pair(x, y)
    if a.size < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def weighted_spearman(x: ArrayLike, y: ArrayLike) -> float:
    a, b = _pair(x, y)
    n = float(a.size)
    if a.size < 2:
        return float("nan")
    num = 6.0 * float(np.sum((a - b) ** 2 * ((n - a + 1) + (n - b + 1))))
    return 1.0 - num / (n**4 + n**3 - n**2 - n)


def ws(x: ArrayLike, y: ArrayLike) -> float:
    """WS coefficient with ``x`` the reference ranking."""
    a, b = _pair(x, y)
    n = float(a.size)
    if a.size < 2:
        return float("nan")
    span = np.maximum(np.abs(a - 1.0), np.abs(a - n))
    return 1.0 - float(np.sum(np.exp2(-a) * np.abs(a - b) / span))


def rank_similarity(x: ArrayLike, y: ArrayLike) -> RankSimilarity:
    a, b = _pair(x, y)
    return RankSimilarity(int(a.size), spearman(a, b), weighted_spearman(a, b), ws(a, b))
