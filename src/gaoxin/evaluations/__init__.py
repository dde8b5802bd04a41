"""Evaluations: one module per kind (``mujun`` = 亩均效益综合评价). Each turns a scheme + period data into a run.

Imports are lazy: importing the package (e.g. for one kind) does not load every evaluation module. The formula
language the schemes are written in lives in :mod:`gaoxin.schemes.formula`.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "evaluate_mujun": ("mujun", "evaluate"),
    "what_if": ("mujun", "what_if"),
    "MujunResult": ("mujun", "MujunResult"),
    "WhatIf": ("mujun", "WhatIf"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(f"{__name__}.{mod}"), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
