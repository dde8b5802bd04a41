"""Outlier treatment, COINr ``Treat()`` defaults.

Test (``check_skew_kurt``): a column *fails* when |skew| ≥ ``skew_thresh`` (2) **and** kurtosis ≥
``kurt_thresh`` (3.5); skew and kurtosis are the bias-corrected sample statistics (e1071 type 2, Excel's
SKEW/KURT, i.e. excess kurtosis) — scipy ``skew(bias=False)`` / ``kurtosis(bias=False)``.

Treatment (``treat``), per failing column:
1. winsorise: repeatedly replace the most extreme value(s) on the side of the skew (high if skew ≥ 0) by the
   next value inwards — tied extremes move together — until the column passes or ``winmax`` points have
   been replaced in total (COINr counts only the last step's points; we count the total, which is what the
   limit is meant to bound);
2. if it still fails, the winsorisation is discarded and ``f2`` is applied to the original column:
   ``"log_ct"`` log(x − min + 0.01·(max − min)) (COINr default), ``"log_ct_plus"`` log(x − min + 1), or
   ``"none"`` (keep the winsorised column).
Columns with fewer than 4 values, or constant (range ≤ 1e-12 of the largest magnitude), are left
untouched (statistics undefined or rounding noise; noted).
NaN/inf rejected.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, check_choice
from .provenance import StageRecord, finish


def _flat(x: np.ndarray) -> bool:
    """Constant up to rounding (range ≤ 1e-12 of the largest magnitude): moments would be noise."""
    return bool(x.max() - x.min() <= 1e-12 * np.abs(x).max())


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Bias-corrected skewness and excess kurtosis (Excel SKEW/KURT, e1071 type 2).

    Undefined for fewer than 4 values or a (near-)constant column: raises ValueError rather than NaN."""
    x = np.asarray(x, dtype=float)
    if x.size < 4 or _flat(x):
        raise ValueError("skewness/kurtosis need at least 4 values that are not all equal")
    # lazy: scipy.stats costs ~0.5 s of import, and `import gaoxin.engine` (hence every CLI command) stays light
    from scipy.stats import kurtosis, skew

    return float(skew(x, bias=False)), float(kurtosis(x, bias=False))


def check_skew_kurt(x, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> bool:
    """True when the column passes (|skew| < skew_thresh or kurt < kurt_thresh).

    A (near-)constant column or one with fewer than 4 values passes: there is nothing to treat."""
    x = np.asarray(x, dtype=float)
    if x.size < 4 or _flat(x):
        return True
    s, k = skew_kurt(x)
    return bool(abs(s) < skew_thresh or k < kurt_thresh)


def winsorise(x, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5):
    """COINr-style winsorisation of one column; returns (x_treated, mask of replaced points)."""
    from scipy.stats import skew  # lazy, see skew_kurt

    y = np.asarray(x, dtype=float).copy()
    replaced = np.zeros(y.shape, dtype=bool)
    while not check_skew_kurt(y, skew_thresh, kurt_thresh):
        hi = skew(y, bias=False) >= 0
        ext = y.max() if hi else y.min()
        at = y == ext
        rest = y[~at]
        if rest.size == 0 or replaced.sum() + at.sum() > winmax:
            break
        y[at] = rest.max() if hi else rest.min()
        replaced |= at
    return y, replaced


def treat(
    X,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    f2: str = "log_ct",
    return_info: bool = False,
):
    """Treat every column (see the module docstring); the record lists, per column, what was done."""
    A = as_matrix(X)
    check_choice(f2, ("log_ct", "log_ct_plus", "none"), "f2")
    out = A.copy()
    m, n = A.shape
    action = ["none"] * n
    replaced = np.zeros(A.shape, dtype=bool)
    stats = np.full((n, 2), np.nan)
    notes: list[str] = []
    for j in range(n):
        x = A[:, j]
        if m < 4 or _flat(x):
            notes.append(f"column {j}: too few or constant values, not tested")
            continue
        stats[j] = skew_kurt(x)
        if check_skew_kurt(x, skew_thresh, kurt_thresh):
            continue
        y, rep = winsorise(x, winmax, skew_thresh, kurt_thresh)
        if check_skew_kurt(y, skew_thresh, kurt_thresh) or f2 == "none":
            out[:, j] = y
            replaced[:, j] = rep
            action[j] = f"winsorised {int(rep.sum())}"
        else:
            a = 0.01 * (x.max() - x.min()) if f2 == "log_ct" else 1.0
            out[:, j] = np.log(x - x.min() + a)
            action[j] = f2
    rec = StageRecord(
        "treat",
        "winsorise",
        {"winmax": winmax, "skew_thresh": skew_thresh, "kurt_thresh": kurt_thresh, "f2": f2},
        {"action": action, "winsorised": replaced, "skew_kurt_before": stats},
        tuple(notes),
    )
    return finish(out, rec, return_info)
