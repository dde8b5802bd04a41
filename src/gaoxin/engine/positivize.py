"""Positivisation (正向化): turn every indicator into "higher is better".

Kinds (per column): ``"benefit"`` (极大型, unchanged), ``"cost"`` (极小型), ``"target"`` (中间型, best value
x_best) and ``"band"`` (区间型, best interval [a, b]).

Policy
------
* cost, ``cost="reflect"`` (default): x' = max(x) − x (keeps the column's spread; the worst unit gets 0).
  ``cost="reciprocal"``: x' = 1/x, only when every value is > 0 (raises otherwise, never abs()).
* target: M = max|x − x_best|; x' = 1 − |x − x_best|/M.
* band: M = max(a − min x, max x − b); x' = 1 − (a − x)/M below a, 1 inside [a, b], 1 − (x − b)/M above b.
* M = 0 (every unit already optimal, or all inside the band) → x' = 1 for the whole column (noted).
* NaN / inf are rejected; negatives are fine for benefit, cost-reflect, target and band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import as_matrix
from .provenance import StageRecord, finish

KINDS = ("benefit", "cost", "target", "band")


def kinds_from_types(types, n: int) -> list[str]:
    """±1 types → ["benefit" | "cost"]."""
    t = np.ones(n) if types is None else np.asarray(types, dtype=float).reshape(-1)
    if t.shape[0] != n or not np.all((t == 1) | (t == -1)):
        raise ValueError("types must be a length-n sequence of +1/-1")
    return ["benefit" if v == 1 else "cost" for v in t]


def positivize(
    X, kinds: Sequence[str], targets=None, bands=None, cost: str = "reflect", return_info: bool = False
):
    """Return X with every column turned into benefit direction (see module docstring).

    ``targets``: per column best value (used where kind == "target"; other entries ignored, may be None).
    ``bands``: per column (a, b) with a ≤ b (used where kind == "band").
    """
    A = as_matrix(X)
    m, n = A.shape
    if len(kinds) != n:
        raise ValueError(f"kinds has length {len(kinds)}, expected {n}")
    if cost not in ("reflect", "reciprocal"):
        raise ValueError("cost must be 'reflect' or 'reciprocal'")
    out = A.copy()
    notes = []
    for j, kind in enumerate(kinds):
        x = A[:, j]
        if kind == "benefit":
            continue
        if kind == "cost":
            if cost == "reflect":
                out[:, j] = x.max() - x
            else:
                if np.any(x <= 0):
                    raise ValueError(f"column {j}: cost='reciprocal' needs all values > 0")
                out[:, j] = 1.0 / x
        elif kind == "target":
            if targets is None or targets[j] is None or not np.isfinite(targets[j]):
                raise ValueError(f"column {j}: kind 'target' needs a finite targets[{j}]")
            d = np.abs(x - float(targets[j]))
            M = d.max()
            if M == 0:
                out[:, j] = 1.0
                notes.append(f"column {j}: every value equals the target → 1")
            else:
                out[:, j] = 1.0 - d / M
        elif kind == "band":
            if bands is None or bands[j] is None:
                raise ValueError(f"column {j}: kind 'band' needs bands[{j}] = (a, b)")
            a, b = (float(v) for v in bands[j])
            if not (np.isfinite(a) and np.isfinite(b)) or a > b:
                raise ValueError(f"column {j}: band must be finite with a <= b, got {(a, b)}")
            M = max(a - x.min(), x.max() - b)
            if M <= 0:
                out[:, j] = 1.0
                notes.append(f"column {j}: every value inside the band → 1")
            else:
                below = 1.0 - (a - x) / M
                above = 1.0 - (x - b) / M
                out[:, j] = np.where(x < a, below, np.where(x > b, above, 1.0))
        else:
            raise ValueError(f"column {j}: unknown kind {kind!r}; use one of {KINDS}")
    rec = StageRecord(
        "positivize",
        "positivize",
        {"kinds": list(kinds), "targets": targets, "bands": bands, "cost": cost},
        {},
        tuple(notes),
    )
    return finish(out, rec, return_info)
