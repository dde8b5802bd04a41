"""Ranking with an explicit tie policy.

Policy
------
* Rank 1 is the best unit: the highest score when ``descending=True`` (default), the lowest otherwise.
* NaN scores are not ranked: they get a NaN rank and do not count towards n (so the last valid unit has
  rank = number of valid scores under ``ties="ordinal"``).
* ±inf are ordinary, extreme values (they order correctly), not missing.
* Ties (exactly equal floats; no tolerance, so round scores first if they come from noisy arithmetic):
  ``"min"``  competition ranking 1,2,2,4 (what league tables print);
  ``"average"`` mean of the positions 1,2.5,2.5,4 (rank statistics, Spearman);
  ``"dense"`` 1,2,2,3;
  ``"ordinal"`` 1,2,3,4 with ties broken by position in the input (stable).
* Works along the last axis of a 2-D array (one ranking per row), which the Monte Carlo code uses to rank
  thousands of draws in one call.
"""

from __future__ import annotations

import numpy as np

TIES = ("min", "average", "dense", "ordinal", "max")


def _rank_rows(S: np.ndarray, ties: str) -> np.ndarray:
    """Rank each row of a NaN-free 2-D array ascending (1 = smallest), vectorised."""
    k, m = S.shape
    # only "ordinal" depends on the order inside a tie block; the others may use the faster unstable sort
    order = np.argsort(S, axis=1, kind="stable" if ties == "ordinal" else None)
    sorted_vals = np.take_along_axis(S, order, axis=1)
    rows = np.arange(k)[:, None]
    out = np.empty((k, m), dtype=float)
    if ties == "ordinal":
        out[rows, order] = np.arange(1, m + 1, dtype=float)[None, :]
        return out
    # new_block[i, p] is True where sorted position p starts a new group of equal values
    new_block = np.ones((k, m), dtype=bool)
    new_block[:, 1:] = sorted_vals[:, 1:] != sorted_vals[:, :-1]
    pos = np.arange(1, m + 1, dtype=float)[None, :].repeat(k, axis=0)
    if ties == "dense":
        r = np.cumsum(new_block, axis=1).astype(float)
    else:
        # first position of each block, forward filled
        first = np.where(new_block, pos, 0.0)
        first = np.maximum.accumulate(first, axis=1)
        # last position of each block, backward filled
        end_block = np.ones((k, m), dtype=bool)
        end_block[:, :-1] = new_block[:, 1:]
        last = np.where(end_block, pos, np.inf)
        last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
        if ties == "min":
            r = first
        elif ties == "max":
            r = last
        else:
            r = (first + last) / 2.0
    out[rows, order] = r
    return out


def rank(scores, ties: str = "min", descending: bool = True) -> np.ndarray:
    """Rank scores; returns float ranks 1..n (NaN where the score is NaN).

    ``scores`` is 1-D (one ranking) or 2-D (one ranking per row). See the module docstring for the NaN, inf
    and tie policy. ``ties`` is one of "min", "average", "dense", "ordinal" (and "max", the mirror of "min").
    """
    if ties not in TIES:
        raise ValueError(f"ties={ties!r} is not one of {TIES}")
    S = np.asarray(scores, dtype=float)
    if S.ndim not in (1, 2):
        raise ValueError(f"scores must be 1-D or 2-D, got shape {S.shape}")
    one_d = S.ndim == 1
    S2 = S[None, :] if one_d else S
    if S2.shape[1] == 0:
        return np.empty(S.shape, dtype=float)
    key = -S2 if descending else S2.copy()
    nan = np.isnan(key)
    if not nan.any():
        out = _rank_rows(key, ties)
    else:
        # NaNs sort last under argsort; rank as +inf then blank out. A real +inf tie with the NaN
        # placeholders must not merge with them, so rank valid entries row by row only when needed.
        # NaN is ranked as +inf and blanked afterwards. A genuine +inf key would tie with those
        # placeholders, so that rare case is ranked row by row on the valid entries only.
        if np.isposinf(key[~nan]).any():
            out = np.full(key.shape, np.nan)
            for i in range(key.shape[0]):
                v = ~nan[i]
                if v.any():
                    out[i, v] = _rank_rows(key[i, v][None, :], ties)[0]
        else:
            out = np.where(nan, np.nan, _rank_rows(np.where(nan, np.inf, key), ties))
    return out[0] if one_d else out
