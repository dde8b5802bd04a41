"""亩均效益综合评价 (per-mu efficiency): one registered evaluation kind.

- ``types`` — the result types; ``prepare`` — derived values and population; ``benchmarks``; ``scoring``;
  ``core`` — the pure core ``evaluate(scheme, period, data, prev=None) -> MujunResult``;
  ``whatif`` — the smallest single change that lifts a firm to a class;
- ``inputs`` — the store's columns for a period; ``frames`` — summary, run_result rows and compact trace;
  ``explain`` — one firm of a stored run with its sources; ``kind`` — the unit :mod:`gaoxin.evaluations.runs`
  registers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gaoxin import lazy

if TYPE_CHECKING:
    from gaoxin.evaluations.industry import industry_numbers
    from gaoxin.evaluations.periods import period_end, previous_period

    from .core import evaluate
    from .types import READ_KEYS, ClassGroup, ItemBlock, ItemInfo, MujunResult, T
    from .whatif import WhatIf, WhatIfItem, what_if

# public name → its module, loaded on first use (PEP 562): the registry's `kind` module and a stored run's
# explanation do not pay for the engine
_WHERE = {
    "industry_numbers": "gaoxin.evaluations.industry",
    "period_end": "gaoxin.evaluations.periods",
    "previous_period": "gaoxin.evaluations.periods",
    "evaluate": ".core",
    **dict.fromkeys(("READ_KEYS", "ClassGroup", "ItemBlock", "ItemInfo", "MujunResult", "T"), ".types"),
    **dict.fromkeys(("WhatIf", "WhatIfItem", "what_if"), ".whatif"),
}


__getattr__ = lazy.names(__name__, _WHERE)


__all__ = [
    "READ_KEYS",
    "T",
    "ClassGroup",
    "ItemBlock",
    "ItemInfo",
    "MujunResult",
    "WhatIf",
    "WhatIfItem",
    "evaluate",
    "industry_numbers",
    "period_end",
    "previous_period",
    "run_mujun",
    "what_if",
]


def run_mujun(con, scheme_ref, period):
    """Evaluate ``period`` with a 亩均 scheme and store the run (the one recipe, :func:`runs.run`)."""
    from gaoxin.evaluations.runs import run

    return run(con, scheme_ref, period, expect="mujun")
