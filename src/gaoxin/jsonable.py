"""One rule for turning results into JSON: NaN and ±∞ become null, numpy scalars and arrays plain Python,
tuples lists — all the way down. Used by the CLI's ``--json``, the JSON API and run summaries alike."""

from __future__ import annotations

import math
import sys
from typing import Any


def jsonable(obj: Any) -> Any:
    """`obj` with every value JSON can hold (JSON has no NaN or Infinity)."""
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    np = sys.modules.get("numpy")  # no numpy loaded, no numpy value to convert (and no import to pay)
    if np is not None:
        if isinstance(obj, np.ndarray):
            return [jsonable(v) for v in obj.tolist()]
        if isinstance(obj, np.generic):
            obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def finite_or_none(v: Any) -> float | None:
    """A float, or None for missing / NaN / ±∞."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None
