"""Normalisation: put indicators on a common, dimensionless scale with "higher is better".

All functions take a raw (m × n) matrix and ±1 ``types`` (None = all benefit) and return a float matrix of
the same shape plus, with ``return_info=True``, a StageRecord holding the per-column parameters used
(min/max, mean/sd, norms, goalposts …) so the same transformation can be applied to another year.

Common policy
-------------
* NaN and ±inf are rejected (impute first).
* Constant column (max == min): min-max and 功效系数 give the midpoint of the target scale, z-score gives 0,
  percentile gives 0.5; each case is noted in the record. No division by zero is ever attempted.
* Methods that need signs (sum, max, benchmark ratio with cost="inverse", reciprocal) raise on values they
  cannot take; nothing is ever passed through abs().
* Cost columns are flipped inside each method (documented per method), so outputs are benefit-oriented.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._validate import as_matrix, as_types, col_min_max
from .provenance import StageRecord, finish
from .rank import rank as _rank


def _prep(X, types):
    A = as_matrix(X)
    t = as_types(types, A.shape[1])
    return A, t


def _const_notes(const: np.ndarray, what: str) -> tuple[str, ...]:
    return tuple(f"column {j}: constant → {what}" for j in np.flatnonzero(const))


def minmax(X, types=None, lo: float = 0.0, hi: float = 1.0, return_info: bool = False):
    """(x − min)/(max − min) mapped to [lo, hi]; cost: (max − x)/(max − min). Constant column → (lo+hi)/2."""
    A, t = _prep(X, types)
    mn, mx = col_min_max(A)
    rng = mx - mn
    const = rng == 0
    # (x − min)/range, and for cost (x − max)/(−range) = (max − x)/range exactly; in place, one buffer.
    # Subtract-then-divide keeps the end points exactly 0 and 1.
    Y = A - np.where(t > 0, mn, mx)
    Y /= np.where(const, 1.0, rng) * t
    if const.any():
        Y[:, const] = 0.5
    if (lo, hi) != (0.0, 1.0):
        Y *= hi - lo
        Y += lo
    rec = StageRecord(
        "normalize",
        "minmax",
        {"lo": lo, "hi": hi, "types": t},
        {"min": mn, "max": mx},
        _const_notes(const, f"{(lo + hi) / 2}"),
    )
    return finish(Y, rec, return_info)


def zscore(X, types=None, ddof: int = 1, mean: float = 0.0, sd: float = 1.0, return_info: bool = False):
    """(x − μ)/σ (σ with ``ddof``), sign flipped for cost; rescaled to mean/sd. Constant column (or m=1) → mean."""
    A, t = _prep(X, types)
    mu = A.mean(axis=0)
    m = A.shape[0]
    s = A.std(axis=0, ddof=ddof) if m > ddof else np.zeros(A.shape[1])
    # exact test: the mean of identical floats can miss them by an ulp, leaving a spurious σ ~ 1e-16
    const = (A.max(axis=0) == A.min(axis=0)) | (s == 0)
    Z = (A - mu) / np.where(const, 1.0, s) * t
    Z = np.where(const, 0.0, Z)
    rec = StageRecord(
        "normalize",
        "zscore",
        {"ddof": ddof, "mean": mean, "sd": sd, "types": t},
        {"mu": mu, "sigma": s},
        _const_notes(const, f"{mean}"),
    )
    return finish(mean + sd * Z, rec, return_info)


def vector(X, types=None, return_info: bool = False):
    """x/‖x‖₂ (Hwang-Yoon); cost: 1 − x/‖x‖₂ (pymcdm's convention). All-zero column → 0 (cost → 1).

    Negative values are allowed (the norm is still defined) but then r is no longer in [0, 1]."""
    A, t = _prep(X, types)
    norm = np.sqrt((A * A).sum(axis=0))
    zero = norm == 0
    R = A / np.where(zero, 1.0, norm)
    R = np.where(t > 0, R, 1.0 - R)
    rec = StageRecord(
        "normalize", "vector", {"types": t}, {"norm": norm}, _const_notes(zero, "zero norm, r=0")
    )
    return finish(R, rec, return_info)


def sum_(X, types=None, return_info: bool = False):
    """x/Σx (benefit, needs x ≥ 0 and Σx > 0); cost: (1/x)/Σ(1/x) (needs x > 0). Raises otherwise."""
    A, t = _prep(X, types)
    ben, cst = t > 0, t < 0
    if np.any(A[:, ben] < 0):
        raise ValueError("sum normalisation: benefit columns must be >= 0 (shift or min-max first)")
    if np.any(A[:, cst] <= 0):
        raise ValueError("sum normalisation: cost columns must be > 0 (the reciprocal is used)")
    B = np.where(t > 0, A, 1.0 / np.where(A == 0, 1.0, A))
    s = B.sum(axis=0)
    if np.any(s == 0):
        raise ValueError(f"sum normalisation: columns {np.flatnonzero(s == 0).tolist()} sum to zero")
    rec = StageRecord("normalize", "sum", {"types": t}, {"sum": s})
    return finish(B / s, rec, return_info)


def max_(X, types=None, return_info: bool = False):
    """x/max (benefit); cost: 1 − x/max (pymcdm). Needs x ≥ 0 and max > 0, raises otherwise."""
    A, t = _prep(X, types)
    if np.any(A < 0):
        raise ValueError("max normalisation needs values >= 0")
    mx = A.max(axis=0)
    if np.any(mx == 0):
        raise ValueError(f"max normalisation: columns {np.flatnonzero(mx == 0).tolist()} are all zero")
    R = A / mx
    rec = StageRecord("normalize", "max", {"types": t}, {"max": mx})
    return finish(np.where(t > 0, R, 1.0 - R), rec, return_info)


def rank_score(X, types=None, ties: str = "min", return_info: bool = False):
    """Rank within the column with the best unit getting m and the worst 1 (COINr n_rank); ties per ``ties``."""
    A, t = _prep(X, types)
    # rank(descending=False) gives 1 to the smallest; flipping the sign of cost columns makes 1 the worst
    R = _rank((A * t).T, ties=ties, descending=False).T
    rec = StageRecord("normalize", "rank", {"ties": ties, "types": t}, {})
    return finish(R, rec, return_info)


def percentile(X, types=None, return_info: bool = False):
    """(average rank − 1)/(m − 1) in [0, 1], best = 1; ties share the average; m = 1 or constant → 0.5."""
    A, t = _prep(X, types)
    m = A.shape[0]
    R = _rank((A * t).T, ties="average", descending=False).T
    P = (R - 1.0) / (m - 1) if m > 1 else np.full(A.shape, 0.5)
    const = A.max(axis=0) == A.min(axis=0)
    P = np.where(const, 0.5, P)
    rec = StageRecord("normalize", "percentile", {"types": t}, {}, _const_notes(const, "0.5"))
    return finish(P, rec, return_info)


def _reference(A, ref, name):
    if isinstance(ref, str):
        reducers: dict[str, Callable[..., Any]] = {
            "max": np.max,
            "min": np.min,
            "mean": np.mean,
            "median": np.median,
        }
        fn = reducers.get(ref)
        if fn is None:
            raise ValueError(f"{name}={ref!r}: use 'max', 'min', 'mean', 'median' or numbers")
        return fn(A, axis=0)
    r = np.broadcast_to(np.asarray(ref, dtype=float), (A.shape[1],)).copy()
    if not np.all(np.isfinite(r)):
        raise ValueError(f"{name} must be finite")
    return r


def dist_ref(X, types=None, ref="max", kind: str = "ratio", return_info: bool = False):
    """Distance to a reference (Handbook): ``kind="ratio"`` x/ref, ``"diff"`` (x − ref)/ref.

    ``ref`` is "max" | "min" | "mean" | "median" or numbers per column. Cost columns use ref/x (needs x > 0)
    and (ref − x)/ref. A zero reference raises."""
    A, t = _prep(X, types)
    r = _reference(A, ref, "ref")
    if np.any(r == 0):
        raise ValueError("dist_ref: a reference value is 0")
    if kind not in ("ratio", "diff"):
        raise ValueError("kind must be 'ratio' or 'diff'")
    cst = t < 0
    if kind == "ratio" and np.any(A[:, cst] <= 0):
        raise ValueError("dist_ref ratio: cost columns need x > 0 (ref/x is used)")
    if kind == "ratio":
        Y = np.where(t > 0, A / r, r / np.where(A == 0, 1.0, A))
    else:
        Y = np.where(t > 0, (A - r) / r, (r - A) / r)
    rec = StageRecord("normalize", "dist_ref", {"ref": ref, "kind": kind, "types": t}, {"reference": r})
    return finish(Y, rec, return_info)


def dist_target(X, types=None, target=None, cap: bool = True, return_info: bool = False):
    """COINr n_dist2targ: benefit (x − min)/(target − min), cost (max − x)/(max − target); capped at 1.

    The target must lie beyond the column minimum (benefit) or below the maximum (cost), else raises."""
    A, t = _prep(X, types)
    if target is None:
        raise ValueError("dist_target needs target values")
    tg = _reference(A, target, "target")
    mn, mx = A.min(axis=0), A.max(axis=0)
    den = np.where(t > 0, tg - mn, mx - tg)
    if np.any(den <= 0):
        raise ValueError(
            f"dist_target: target not beyond the worst value in columns {np.flatnonzero(den <= 0).tolist()}"
        )
    Y = np.where(t > 0, A - mn, mx - A) / den
    if cap:
        Y = np.minimum(Y, 1.0)
    rec = StageRecord(
        "normalize",
        "dist_target",
        {"target": target, "cap": cap, "types": t},
        {"min": mn, "max": mx, "target": tg},
    )
    return finish(Y, rec, return_info)


def _pairs(worst, best, n, name):
    w = np.broadcast_to(np.asarray(worst, dtype=float), (n,)).copy()
    b = np.broadcast_to(np.asarray(best, dtype=float), (n,)).copy()
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise ValueError(f"{name} must be finite")
    if np.any(w == b):
        raise ValueError(f"{name}: worst == best in columns {np.flatnonzero(w == b).tolist()}")
    return w, b


def _check_direction(t, w, b, name):
    bad = ((t > 0) & (b < w)) | ((t < 0) & (b > w))
    if np.any(bad):
        raise ValueError(f"{name}: (worst, best) contradict types in columns {np.flatnonzero(bad).tolist()}")


def goalposts(
    X, types=None, worst=None, best=None, scale: float = 1.0, cap: bool = True, return_info: bool = False
):
    """COINr n_goalposts: (x − worst)/(best − worst), clipped to [0, 1] when ``cap``, times ``scale``.

    Direction is carried by the goalposts themselves (a cost indicator has worst > best); when ``types`` is
    given it must agree with them (raises otherwise). Goalposts are fixed numbers (e.g. per year from the
    hierarchy spec), which is what makes scores comparable across years."""
    A = as_matrix(X)
    n = A.shape[1]
    if worst is None or best is None:
        raise ValueError("goalposts needs worst and best")
    w, b = _pairs(worst, best, n, "goalposts")
    if types is not None:
        _check_direction(as_types(types, n), w, b, "goalposts")
    U = (A - w) / (b - w)
    clipped = int(((U < 0) | (U > 1)).sum())
    if cap:
        U = np.clip(U, 0.0, 1.0)
    rec = StageRecord(
        "normalize",
        "goalposts",
        {"worst": w, "best": b, "scale": scale, "cap": cap},
        {},
        (f"{clipped} values outside the goalposts{' clipped' if cap else ''}",) if clipped else (),
    )
    return finish(scale * U, rec, return_info)


def benchmark_ratio(
    X,
    types=None,
    benchmark="mean",
    points=1.0,
    cost: str = "reflect",
    cap=None,
    floor=None,
    return_info: bool = False,
):
    """Administrative scoring s = x/b × points (亩均: 亩均税收/26.01×30 …), benchmark b per column.

    ``benchmark``: "mean" | "max" | "median" | numbers. ``points``: scalar or per column.
    Cost columns: ``cost="reflect"`` (2 − x/b) × points, the published pollutant rule, floored at 0;
    ``cost="inverse"`` b/x × points (needs x > 0). ``cap`` / ``floor``: optional bounds on the ratio before
    multiplying by points (None = uncapped, as in the 台州黄岩 scheme). Zero benchmark raises."""
    A, t = _prep(X, types)
    b = _reference(A, benchmark, "benchmark")
    if np.any(b == 0):
        raise ValueError("benchmark_ratio: a benchmark is 0")
    if cost not in ("reflect", "inverse"):
        raise ValueError("cost must be 'reflect' or 'inverse'")
    pts = np.broadcast_to(np.asarray(points, dtype=float), (A.shape[1],))
    ratio = A / b
    if cost == "reflect":
        cratio = np.maximum(2.0 - ratio, 0.0)
    else:
        if np.any(A[:, t < 0] <= 0):
            raise ValueError("benchmark_ratio cost='inverse' needs x > 0")
        cratio = b / np.where(A == 0, 1.0, A)
    R = np.where(t > 0, ratio, cratio)
    if cap is not None:
        R = np.minimum(R, cap)
    if floor is not None:
        R = np.maximum(R, floor)
    rec = StageRecord(
        "normalize",
        "benchmark_ratio",
        {"benchmark": benchmark, "points": pts, "cost": cost, "cap": cap, "floor": floor, "types": t},
        {"benchmark": b},
    )
    return finish(R * pts, rec, return_info)


def efficacy(
    X,
    types=None,
    unsatisfactory=None,
    satisfactory=None,
    base: float = 60.0,
    span: float = 40.0,
    cap: bool = False,
    return_info: bool = False,
):
    """功效系数法: d = base + span·(x − x_s)/(x_h − x_s), default 60 + 40×.

    x_s (unsatisfactory) and x_h (satisfactory) per column; None → the column's worst and best value given
    ``types`` (then constant columns get base + span/2, noted). User-given values with x_s == x_h raise; for
    a cost indicator x_s > x_h. ``cap`` clips d to [base, base + span]."""
    A, t = _prep(X, types)
    notes = []
    if unsatisfactory is None and satisfactory is None:
        mn, mx = A.min(axis=0), A.max(axis=0)
        xs, xh = np.where(t > 0, mn, mx), np.where(t > 0, mx, mn)
        const = xs == xh
        U = np.where(const, 0.5, (A - xs) / np.where(const, 1.0, xh - xs))
        notes += list(_const_notes(const, f"{base + span / 2}"))
    elif unsatisfactory is None or satisfactory is None:
        raise ValueError("give both unsatisfactory and satisfactory values, or neither")
    else:
        xs, xh = _pairs(unsatisfactory, satisfactory, A.shape[1], "efficacy")
        _check_direction(t, xs, xh, "efficacy")
        U = (A - xs) / (xh - xs)
    if cap:
        U = np.clip(U, 0.0, 1.0)
    rec = StageRecord(
        "normalize",
        "efficacy",
        {"base": base, "span": span, "cap": cap, "types": t},
        {"unsatisfactory": xs, "satisfactory": xh},
        tuple(notes),
    )
    return finish(base + span * U, rec, return_info)


METHODS: dict[str, Callable[..., Any]] = {
    "minmax": minmax,
    "zscore": zscore,
    "vector": vector,
    "sum": sum_,
    "max": max_,
    "rank": rank_score,
    "percentile": percentile,
    "dist_ref": dist_ref,
    "dist_target": dist_target,
    "goalposts": goalposts,
    "benchmark_ratio": benchmark_ratio,
    "efficacy": efficacy,
}


def normalize(X, types=None, method: str = "minmax", return_info: bool = False, **params):
    """Dispatch to one of ``METHODS`` by name; extra keyword parameters go to that method."""
    if method not in METHODS:
        raise ValueError(f"unknown normalisation {method!r}; use one of {tuple(METHODS)}")
    return METHODS[method](X, types, return_info=return_info, **params)
