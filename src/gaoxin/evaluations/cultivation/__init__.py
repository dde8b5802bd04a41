"""Enterprise cultivation (高企 / 科小 / 创新型 / 专精特新 / 小巨人): one registered evaluation kind.

- ``types`` — verdicts, states and the result; ``evaluate`` — the pure core ``evaluate(scheme, period,
  years) -> CultivationResult``; ``frames`` — gap texts, run rows and the summary;
- ``kind`` — the unit :mod:`gaoxin.evaluations.runs` registers (inputs from the store, parameters);
  ``explain`` — one firm of a stored run; ``ladder`` — the pool, certificates and the tier ladder;
  ``english`` — the English of the stored texts (gaps, bands, titles), translated when read.
"""

from __future__ import annotations

from gaoxin.evaluations.runs import RunOutcome as CultivationOutcome

from .evaluate import evaluate
from .frames import condition_notes, fmt_number, item_band_texts, result_frames, summary
from .kind import KIND, evaluate_stored, fingerprint, years_data, years_of
from .ladder import BUILTIN, HNTE, LADDER, PREREQUISITE, certificates, ladder, pool
from .types import (
    EXPERT,
    FAIL,
    MISSING,
    PASS,
    STATE_CODES,
    STATE_LABELS,
    VERDICT_LABELS,
    VERDICTS,
    CultivationResult,
    Gap,
)

__all__ = [
    "BUILTIN",
    "EXPERT",
    "FAIL",
    "HNTE",
    "LADDER",
    "MISSING",
    "PASS",
    "PREREQUISITE",
    "STATE_CODES",
    "STATE_LABELS",
    "VERDICTS",
    "VERDICT_LABELS",
    "CultivationOutcome",
    "CultivationResult",
    "Gap",
    "certificates",
    "condition_notes",
    "evaluate",
    "evaluate_stored",
    "fingerprint",
    "fmt_number",
    "item_band_texts",
    "ladder",
    "load",
    "pool",
    "result_frames",
    "run_cultivation",
    "stored_scheme",
    "summary",
    "years_data",
    "years_of",
]


def load(scheme_ref, params: dict[str, float] | None = None):
    """(scheme, text, sha256) of a cultivation scheme with its parameter overrides; raises RunError."""
    from gaoxin.evaluations.runs import RunError
    from gaoxin.evaluations.runs import load as load_any

    scheme, text, sha = load_any(scheme_ref)
    if not KIND.accepts(scheme):
        raise RunError(KIND.wrong_kind(scheme_ref, scheme))
    return KIND.configure(scheme, {"params": params}), text, sha


def run_cultivation(con, scheme_ref, period: str, params: dict[str, float] | None = None):
    """Evaluate ``period`` with a cultivation scheme and store the run (the one recipe, :func:`runs.run`)."""
    from gaoxin.evaluations.runs import run

    return run(con, scheme_ref, period, expect="cultivation", params=params)


def stored_scheme(con, run: dict):
    return KIND.stored_scheme(con, run)
