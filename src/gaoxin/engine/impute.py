"""Imputation of missing values (NaN). The only stage, with screening, that accepts NaN.

Policy
------
* ``impute``: column-wise ``"mean"`` or ``"median"`` of the observed values, optionally within ``groups``
  (e.g. industry, or 规上/规下). A group with no observed value in a column falls back to the whole-column
  statistic (noted per cell count); a column with no observed value at all raises (nothing to impute from).
* The same call on a matrix of item *scores* implements the rule-based "group average score" (亩均: a 规上
  enterprise without emission data gets the 规上 average score for that item): ``impute_group_average``.
* ``impute_panel`` (periods × units × indicators): ``"locf"`` carries the latest earlier observation forward,
  ``"linear"`` interpolates between observed periods (and carries the ends flat). Leading gaps (nothing
  observed before) follow ``leading``: ``"raise"`` (default), ``"backfill"`` (next observation), ``"keep"``
  (left as NaN — then the record says how many remain and later stages will refuse them).
* ±inf is rejected. The record holds the boolean mask of imputed cells and the share imputed per column,
  which the Handbook asks to report.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, check_choice
from .groups import group_members
from .provenance import StageRecord, finish


def _stat(A, method):
    return np.nanmean(A, axis=0) if method == "mean" else np.nanmedian(A, axis=0)


def impute(X, method: str = "mean", groups=None, return_info: bool = False):
    """Fill NaN by column mean/median, within groups when given (see module docstring)."""
    A = as_matrix(X, allow_nan=True)
    check_choice(method, ("mean", "median"), "method")
    miss = np.isnan(A)
    empty = miss.all(axis=0)
    if np.any(empty):
        raise ValueError(f"columns {np.flatnonzero(empty).tolist()} have no observed value")
    out = A.copy()
    notes: list[str] = []
    overall = _stat(A, method) if miss.any() else A.mean(axis=0)
    if groups is None:
        out[miss] = np.broadcast_to(overall, A.shape)[miss]
    else:
        fallback = 0
        for idx in group_members(groups, A.shape[0]):
            sub = A[idx]
            sub_miss = miss[idx]
            if not sub_miss.any():
                continue
            has = ~sub_miss.all(axis=0)
            stat = np.where(has, np.nan, overall)
            if has.any():
                with np.errstate(all="ignore"):
                    stat[has] = _stat(sub[:, has], method)
            fallback += int((sub_miss & ~has[None, :]).sum())
            filled = np.where(sub_miss, stat[None, :], sub)
            out[idx] = filled
        if fallback:
            notes.append(f"{fallback} cells in groups with no observed value used the whole-column {method}")
    share = miss.mean(axis=0)
    rec = StageRecord(
        "impute",
        method,
        {"groups": None if groups is None else list(groups)},
        {"imputed": miss, "share_imputed": share, "n_imputed": int(miss.sum())},
        tuple(notes),
    )
    return finish(out, rec, return_info)


def impute_group_average(scores, groups, return_info: bool = False):
    """Rule-based "group average score": a missing item score gets its group's mean score on that item."""
    return impute(scores, "mean", groups=groups, return_info=return_info)


def impute_panel(P, method: str = "locf", leading: str = "raise", return_info: bool = False):
    """Impute a panel array P[period, unit, indicator] along the period axis (see module docstring)."""
    A = np.asarray(P, dtype=float)
    if A.ndim != 3:
        raise ValueError(f"panel must be (periods × units × indicators), got shape {A.shape}")
    if np.isinf(A).any():
        raise ValueError("panel contains infinite values")
    check_choice(method, ("locf", "linear"), "method")
    check_choice(leading, ("raise", "backfill", "keep"), "leading")
    T = A.shape[0]
    miss = np.isnan(A)
    obs = ~miss
    t_idx = np.arange(T)[:, None, None]
    # index of the last observation at or before t (−1 if none), and of the next at or after t (T if none)
    prev = np.maximum.accumulate(np.where(obs, t_idx, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(obs, t_idx, T)[::-1], axis=0)[::-1]
    filled_prev = np.take_along_axis(A, np.clip(prev, 0, T - 1), axis=0)
    filled_next = np.take_along_axis(A, np.clip(nxt, 0, T - 1), axis=0)
    out = A.copy()
    has_prev, has_next = prev >= 0, nxt < T
    if method == "locf":
        out = np.where(miss & has_prev, filled_prev, out)
    else:
        both = miss & has_prev & has_next
        span = np.where(both, nxt - prev, 1)
        frac = np.where(both, (t_idx - prev) / span, 0.0)
        interp = filled_prev + frac * (filled_next - filled_prev)
        out = np.where(both, interp, out)
        out = np.where(miss & has_prev & ~has_next, filled_prev, out)
    lead = miss & ~has_prev & has_next
    never = miss & ~has_next & ~has_prev
    notes: list[str] = []
    if never.any():
        notes.append(f"{int(never.sum())} cells belong to unit×indicator series with no observation")
    if lead.any():
        if leading == "raise":
            raise ValueError(f"{int(lead.sum())} leading gaps (no earlier observation); choose leading=")
        if leading == "backfill":
            out = np.where(lead, filled_next, out)
            notes.append(f"{int(lead.sum())} leading gaps back-filled from the next observation")
    if never.any() and leading == "raise":
        raise ValueError("some unit×indicator series have no observation at all")
    remaining = int(np.isnan(out).sum())
    if remaining:
        notes.append(f"{remaining} cells remain NaN (leading='{leading}')")
    rec = StageRecord(
        "impute",
        f"panel_{method}",
        {"leading": leading},
        {
            "imputed": miss & ~np.isnan(out),
            "n_imputed": int((miss & ~np.isnan(out)).sum()),
            "n_remaining": remaining,
        },
        tuple(notes),
    )
    return finish(out, rec, return_info)
