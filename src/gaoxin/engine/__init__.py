"""gaoxin.engine — composite-indicator maths on numpy arrays.

This module is the public surface; the submodules are internals that may move. Every stage takes
(m units × n indicators) float arrays, documents its NaN / zero / negative / constant-column / tie policy in
its docstring, and returns, with ``return_info=True``, a ``StageRecord`` of what it did.

Several functions share their submodule's name (``rank``, ``normalize``, ``aggregate``, ``impute``,
``topsis`` …): ``gaoxin.engine.rank`` is the function. Reach internals with
``from gaoxin.engine.normalize import max_``, never ``import gaoxin.engine.normalize as m``.
"""

from .aggregate import aggregate, arithmetic, generalized, geometric, harmonic, pca_composite
from .ahp import RI_TABLES, ahp_group, ahp_weights, hierarchy_cr
from .classify import classify_by_share, classify_by_threshold, share_class_index
from .copeland import copeland
from .gra import gra
from .groups import factorize, group_members
from .hierarchy import Group, Hierarchy, Indicator
from .impute import impute, impute_group_average, impute_panel
from .normalize import (
    benchmark_ratio,
    dist_ref,
    dist_target,
    efficacy,
    goalposts,
    minmax,
    normalize,
    percentile,
    rank_score,
    vector,
    zscore,
)
from .outliers import check_skew_kurt, skew_kurt, treat, winsorise
from .pipeline import Pipeline, Run
from .positivize import positivize
from .provenance import StageRecord
from .rank import rank
from .robustness import UncertaintyResult, draw_weights, rank_intervals
from .sensitivity import SensitivityResult, composite_sensitivity, sobol_estimates, sobol_indices
from .topsis import topsis
from .vikor import vikor
from .weights import (
    combine_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    merec_weights,
    pca_weights,
    points_weights,
)

__all__ = [
    "RI_TABLES",
    "Group",
    "Hierarchy",
    "Indicator",
    "Pipeline",
    "Run",
    "SensitivityResult",
    "StageRecord",
    "UncertaintyResult",
    "aggregate",
    "ahp_group",
    "ahp_weights",
    "arithmetic",
    "benchmark_ratio",
    "check_skew_kurt",
    "classify_by_share",
    "classify_by_threshold",
    "share_class_index",
    "combine_weights",
    "composite_sensitivity",
    "copeland",
    "critic_weights",
    "cv_weights",
    "dist_ref",
    "dist_target",
    "draw_weights",
    "efficacy",
    "factorize",
    "entropy_weights",
    "equal_weights",
    "generalized",
    "geometric",
    "goalposts",
    "gra",
    "group_members",
    "harmonic",
    "hierarchy_cr",
    "impute",
    "impute_group_average",
    "impute_panel",
    "merec_weights",
    "minmax",
    "normalize",
    "pca_composite",
    "pca_weights",
    "percentile",
    "points_weights",
    "positivize",
    "rank",
    "rank_intervals",
    "rank_score",
    "skew_kurt",
    "sobol_estimates",
    "sobol_indices",
    "topsis",
    "treat",
    "vector",
    "vikor",
    "winsorise",
    "zscore",
]
