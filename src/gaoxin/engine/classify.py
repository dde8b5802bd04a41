"""Classes (A/B/C/D …) by share of units or by score thresholds.

Share rule (``classify_by_share``)
----------------------------------
Let n be the number of units with a non-NaN score (within a group when ``groups`` is given), r the
competition rank of a unit (``rank(..., ties="min")``: best = 1, ties share the best rank of their block)
and C_k = shares[0] + … + shares[k] the cumulative share of classes 0..k. A unit gets the first class k with

    r ≤ C_k · n   (with a 1e-9 tolerance against float error in the cumulative sums)

i.e. class k receives the ranks floor(C_{k-1}·n)+1 … floor(C_k·n) ("top 25%" means rank/n ≤ 0.25).
Consequences, deliberate and tested:

* Rounding is down at every boundary, so a small group can leave a class empty (n=3 with a 20% top class:
  3·0.2 = 0.6 < 1, so nobody gets A); a group of one unit lands in the first class whose cumulative share
  reaches 1 (normally the last). The last class always closes at n, so every scored unit is classed.
* Tied units share the rank of the first of them, so ties are kept together **in the better class**; a tie
  that straddles a boundary enlarges the better class and shrinks the next one. With ``ties="average"`` a
  tie block is classed by its average rank instead, i.e. where most of its positions fall: a block of firms
  all scoring 0 at the bottom of a list goes to the last class rather than emptying it.
* NaN scores get ``None`` and do not count in n.
* ``groups``: shares are applied within each group separately (e.g. per industry or per town); n and ranks
  are per group. Group labels are compared by equality, any hashable value (including None) is a group.

Threshold rule (``classify_by_threshold``)
------------------------------------------
``thresholds`` strictly descending, ``len(labels) == len(thresholds) + 1``; a score s gets labels[k] for the
first k with s ≥ thresholds[k] (inclusive), and labels[-1] when it is below every threshold. NaN → None.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .groups import group_members
from .rank import rank

_TOL = 1e-9


def _class_index_by_share(
    scores: np.ndarray, cum: np.ndarray, ties: str = "better", ranks: np.ndarray | None = None
) -> np.ndarray:
    """Class index per unit (−1 for NaN) for one group."""
    idx = np.full(scores.shape[0], -1, dtype=int)
    valid = ~np.isnan(scores)
    n = int(valid.sum())
    if n == 0:
        return idx
    if ranks is not None and ties == "better":
        r = np.asarray(ranks, dtype=float)[valid]
    else:
        r = rank(scores[valid], ties="average" if ties == "average" else "min", descending=True)
    bounds = cum * n
    bounds[-1] = n  # the last class always closes at n
    idx[valid] = np.searchsorted(bounds + _TOL, r, side="left")
    return idx


def share_class_index(
    scores, shares: Sequence[float], ties: str = "better", ranks: np.ndarray | None = None
) -> np.ndarray:
    """`classify_by_share` for one group as class indices (0 = best class, −1 for NaN scores).

    ``ranks`` may pass the competition ranks (best = 1, ``rank(scores, "min")``) already computed for the same
    scores, to skip a second sort; they are used only with ``ties="better"``."""
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1:
        raise ValueError(f"scores must be 1-D, got shape {s.shape}")
    return _class_index_by_share(s, np.cumsum(_check_shares(shares, ties)), ties, ranks)


def _check_shares(shares: Sequence[float], ties: str) -> np.ndarray:
    sh = np.asarray(shares, dtype=float)
    if sh.ndim != 1 or sh.size == 0:
        raise ValueError("shares must be a non-empty 1-D sequence")
    if not np.all(np.isfinite(sh)) or np.any(sh < 0):
        raise ValueError("shares must be finite and non-negative")
    if abs(sh.sum() - 1.0) > 1e-6:
        raise ValueError(f"shares must sum to 1, got {sh.sum()!r}")
    if ties not in ("better", "average"):
        raise ValueError(f"ties must be 'better' or 'average', got {ties!r}")
    return sh


def classify_by_share(
    scores, shares: Sequence[float], labels: Sequence, groups=None, ties: str = "better"
) -> np.ndarray:
    """Label units by their rank share; see the module docstring for the exact boundary rule.

    Parameters
    ----------
    scores : 1-D array of scores (higher is better); NaN = not classed (None).
    shares : class shares from best to worst, each ≥ 0, summing to 1 (tolerance 1e-6).
    labels : one label per share.
    groups : optional 1-D sequence of group labels, same length as scores; shares apply within each group.
    ties : "better" (a tie block takes the class of its best position) or "average" (of its average rank).

    Returns an object array of labels (None for NaN scores).
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1:
        raise ValueError(f"scores must be 1-D, got shape {s.shape}")
    sh = _check_shares(shares, ties)
    if len(labels) != sh.size:
        raise ValueError(f"{len(labels)} labels for {sh.size} shares")
    cum = np.cumsum(sh)
    lab = np.empty(len(labels), dtype=object)
    lab[:] = list(labels)
    out = np.full(s.shape[0], None, dtype=object)
    parts = [np.arange(s.shape[0])] if groups is None else group_members(groups, s.shape[0])
    for part in parts:
        k = _class_index_by_share(s[part], cum.copy(), ties)
        ok = k >= 0
        out[part[ok]] = lab[k[ok]]
    return out


def classify_by_threshold(scores, thresholds: Sequence[float], labels: Sequence) -> np.ndarray:
    """Label units by score cut-offs; thresholds strictly descending, inclusive ≥; NaN → None.

    ``len(labels)`` must be ``len(thresholds) + 1``: the last label is for scores below every threshold
    (pass None there to leave them unclassed).
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1:
        raise ValueError(f"scores must be 1-D, got shape {s.shape}")
    t = np.asarray(thresholds, dtype=float).reshape(-1)
    if t.size == 0 or np.isnan(t).any():
        raise ValueError("thresholds must be a non-empty sequence of numbers")
    if np.any(np.diff(t) >= 0):
        raise ValueError("thresholds must be strictly descending")
    if len(labels) != t.size + 1:
        raise ValueError(f"need len(thresholds)+1 = {t.size + 1} labels, got {len(labels)}")
    lab = np.empty(len(labels), dtype=object)
    lab[:] = list(labels)
    # count of thresholds strictly above s = index of the first threshold with s >= it
    k = np.searchsorted(-t, -s, side="left")
    out = np.full(s.shape[0], None, dtype=object)
    valid = ~np.isnan(s)
    out[valid] = lab[k[valid]]
    return out
