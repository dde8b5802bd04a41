"""Shared input checks. Every public stage funnels its arrays through here so errors read the same."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def as_matrix(X, name: str = "X", allow_nan: bool = False) -> np.ndarray:
    """Return X as a 2-D float64 array (m units × n indicators).

    Infinite values are always rejected: no stage has a sensible meaning for them. NaN is rejected unless
    ``allow_nan`` (only imputation and screening accept missing data)."""
    A = np.asarray(X, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (units × indicators) array, got shape {A.shape}")
    if A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {A.shape})")
    if np.isfinite(A).all():  # one pass in the common case
        return A
    if np.isinf(A).any():
        raise ValueError(f"{name} contains infinite values")
    if not allow_nan:
        raise ValueError(f"{name} contains NaN; impute or screen first (see gaoxin.engine.impute)")
    return A


def col_min_max(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column minima and maxima of a finite 2-D array.

    ``A.max(axis=0)`` on a tall C-ordered matrix runs a slow strided reduction; halving the rows with
    element-wise minimum/maximum is SIMD and about 6× faster at 200 000 × 30. Exact (no rounding)."""
    m = A.shape[0]
    if m < 64:
        return A.min(axis=0), A.max(axis=0)
    h = m // 2
    lo = np.minimum(A[:h], A[h : 2 * h])
    hi = np.maximum(A[:h], A[h : 2 * h])
    if m % 2:
        np.minimum(lo[0], A[-1], out=lo[0])
        np.maximum(hi[0], A[-1], out=hi[0])
    while lo.shape[0] > 1:
        k = lo.shape[0]
        h = k // 2
        nlo = np.minimum(lo[:h], lo[h : 2 * h])
        nhi = np.maximum(hi[:h], hi[h : 2 * h])
        if k % 2:
            np.minimum(nlo[0], lo[-1], out=nlo[0])
            np.maximum(nhi[0], hi[-1], out=nhi[0])
        lo, hi = nlo, nhi
    return lo[0].copy(), hi[0].copy()


def as_types(types, n: int) -> np.ndarray:
    """Return criterion types as a float array of +1 (benefit) / -1 (cost), length n."""
    if types is None:
        return np.ones(n)
    t = np.asarray(types, dtype=float).reshape(-1)
    if t.shape[0] != n:
        raise ValueError(f"types has length {t.shape[0]}, expected {n}")
    if not np.all((t == 1) | (t == -1)):
        raise ValueError(
            "types must contain only +1 (benefit) or -1 (cost); use the hierarchy spec for target/band"
        )
    return t


def as_weights(w, n: int, name: str = "w") -> np.ndarray:
    """Return weights as a float array of length n, non-negative, rescaled to sum 1.

    Rescaling is documented (not silent): callers that pass points (e.g. 45/20/15/15/5) get shares."""
    a = np.asarray(w, dtype=float).reshape(-1)
    if a.shape[0] != n:
        raise ValueError(f"{name} has length {a.shape[0]}, expected {n}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(a < 0):
        raise ValueError(f"{name} contains negative weights")
    s = a.sum()
    if s <= 0:
        raise ValueError(f"{name} sums to zero")
    return a / s


def as_vector(x, name: str = "scores") -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    return a


def check_choice(value: str, allowed: Sequence[str], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {tuple(allowed)}")
    return value
