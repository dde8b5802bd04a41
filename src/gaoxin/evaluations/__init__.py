"""Evaluations: one module per kind (``mujun`` = 亩均效益综合评价). Each turns a scheme + period data into a run.

Imports are lazy so that ``gaoxin.schemes`` can use :mod:`gaoxin.evaluations.formula` (to check formulas while
validating a scheme file) without importing the evaluation modules, which themselves import the schemes.
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
