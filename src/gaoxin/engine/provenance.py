"""Provenance: what each stage did, in a form that can be shown, stored and replayed.

Every public stage accepts ``return_info=False``; with ``True`` it returns ``(value, StageRecord)``. The
record holds the method, the parameters actually used (defaults filled in), the intermediate quantities a
reader needs to explain the result (effective weights, entropies, ideal points, distances …) and notes on
every edge case that was hit (constant column → weight 0, imputed cells, winsorised points …).

``Pipeline``/``Run`` (COINr's Log/Regen idea) chain stages and keep the records, so a run can be explained
and re-generated with one parameter changed: ``run.regen("normalize", method="zscore")``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class StageRecord:
    """What one stage did. ``outputs`` may hold numpy arrays; ``to_dict`` makes it JSON-friendly."""

    stage: str
    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "method": self.method,
            "params": _jsonable(dict(self.params)),
            "outputs": _jsonable(dict(self.outputs)),
            "notes": list(self.notes),
        }


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return _jsonable(v.tolist())
    if isinstance(v, np.generic):
        return _jsonable(v.item())
    if isinstance(v, float):
        return None if math.isnan(v) else (str(v) if math.isinf(v) else v)
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def finish(value, record: StageRecord, return_info: bool):
    """Return ``value`` or ``(value, record)``; the single place that implements ``return_info``."""
    return (value, record) if return_info else value
