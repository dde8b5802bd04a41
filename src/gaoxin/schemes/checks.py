"""Warnings a scheme file earns at validate time, before any data is read.

A formula whose constants or units are off by orders of magnitude (a 1,900-digit multiplier, 万元 mistaken
for 元 ten times over) overflows to ±∞; at evaluation that is missing for the firm, and when every firm
overflows the run is refused (`formula.evaluate(..., refuse_overflow=True)`). Here the 亩均 scheme's variables
and indicators are computed on probe values spanning ordinary magnitudes (1 … 10¹²: 元, 千瓦时, 亩, 人), so the
analyst hears of it when saving the file, not when the evaluation refuses.
"""

from __future__ import annotations

import numpy as np

from gaoxin.schemes.formula import Formula
from gaoxin.schemes.model import Scheme

PROBE = np.array([1.0, 1e3, 1e6, 1e9, 1e12])


class _ProbeEnv(dict):
    """Every field (and prev(...) value) not computed yet reads as the probe magnitudes."""

    def __missing__(self, key):
        return PROBE


def _raw(formula: Formula, env: dict) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.asarray(formula._fn(env), dtype=float)
    return np.full(PROBE.shape, float(out)) if out.ndim == 0 else out


def overflow_warnings(scheme: Scheme) -> list[str]:
    """Where a 亩均 scheme's variables or indicator values overflow at every probe magnitude."""
    parsed = scheme._formulas
    env = _ProbeEnv()
    out: list[str] = []
    for name, text in scheme.variables.items():
        value = _raw(parsed[text], env)
        if np.isinf(value).all():
            out.append(f"variables.{name}「{text}」在常见数量级（1～10¹²）下均溢出为无穷大：请检查常数和单位")
            value = np.full(PROBE.shape, np.nan)
        env[name] = value
    for lst in scheme.lists:
        for ind in lst.indicator:
            num = _raw(parsed[ind.numerator], env)
            den = _raw(parsed[ind.denominator], env) if ind.denominator else np.ones(PROBE.shape)
            with np.errstate(all="ignore"):
                value = num / den * ind.scale
            if np.isinf(num).all() or np.isinf(value[np.isfinite(den) & (den != 0)]).all():
                out.append(
                    f"list[{lst.id}].indicator[{ind.id}]（{ind.title}）在常见数量级（1～10¹²）下均溢出为无穷大："
                    "评价时将拒绝该方案，请检查公式中的常数和单位"
                )
    return out
