"""Zone benchmarking (园区对标): one registered evaluation kind.

- ``evaluate`` — the pure core: data and result types, goalpost / TOPSIS scoring, ``evaluate(scheme, data,
  period) -> ZoneResult``; ``reports`` — top-N lists and the home zone's 短板; ``robustness`` — rank
  intervals; ``climb`` — the smallest improvements to reach a rank;
- ``kind`` — the unit :mod:`gaoxin.evaluations.runs` registers (inputs from the store, stored rows,
  payload, explain one zone); ``service`` — ranking, climbing and the zone list for the CLI and the web.
"""

from __future__ import annotations

from .climb import Climb, _bounds, brute_force_min_count, climb
from .evaluate import ZoneData, ZoneResult, evaluate, goalposts, population, score
from .reports import diagnose, indicator_ranks, peers, top_lists
from .robustness import _alternatives, robustness

__all__ = [
    "Climb",
    "ZoneData",
    "ZoneResult",
    "_alternatives",
    "_bounds",
    "brute_force_min_count",
    "climb",
    "diagnose",
    "evaluate",
    "goalposts",
    "indicator_ranks",
    "peers",
    "population",
    "robustness",
    "score",
    "top_lists",
]
