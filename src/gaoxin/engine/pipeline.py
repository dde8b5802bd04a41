"""A whole composite-index run as data: impute → treat → weight → normalise → aggregate → rank → classify.

``Pipeline`` holds only parameters (one mapping per stage, ``{"method": …, **params}``); ``run`` records a
StageRecord per stage; ``Run.regen(stage, **changes)`` re-runs with one parameter changed (COINr Regen).

Aggregations that take the normalised matrix: arithmetic, geometric, harmonic, generalized. Those with their
own normalisation take the (imputed, treated) raw matrix and types: topsis, vikor, gra, copeland. VIKOR's
Q is lower-is-better, so its ranks are taken ascending and share classes use −Q.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from . import weights as _w
from ._validate import as_matrix, as_types, as_weights
from .aggregate import aggregate as _aggregate
from .ahp import ahp_weights
from .classify import classify_by_share, classify_by_threshold
from .copeland import copeland
from .gra import gra
from .impute import impute
from .normalize import normalize
from .outliers import treat
from .provenance import StageRecord
from .rank import rank
from .topsis import topsis
from .vikor import vikor

STAGES = ("impute", "treat", "weight", "normalize", "aggregate", "rank", "classify")
_RAW_AGG: dict[str, Callable[..., Any]] = {"topsis": topsis, "vikor": vikor, "gra": gra, "copeland": copeland}
_WEIGHTS: dict[str, Callable[..., Any]] = {
    "entropy": _w.entropy_weights,
    "critic": _w.critic_weights,
    "cv": _w.cv_weights,
    "merec": _w.merec_weights,
    "pca": _w.pca_weights,
}


def _frozen(d: Mapping | None):
    return None if d is None else MappingProxyType(dict(d))


@dataclass(frozen=True)
class Pipeline:
    impute: Mapping | None = None
    treat: Mapping | None = None
    weight: Mapping = field(default_factory=lambda: {"method": "equal"})
    normalize: Mapping = field(default_factory=lambda: {"method": "minmax"})
    aggregate: Mapping = field(default_factory=lambda: {"method": "arithmetic"})
    rank: Mapping = field(default_factory=lambda: {"ties": "min"})
    classify: Mapping | None = None

    def __post_init__(self):
        for s in STAGES:
            object.__setattr__(self, s, _frozen(getattr(self, s)))

    def replace(self, stage: str, **params) -> Pipeline:
        """A copy with ``params`` merged into ``stage`` (``method=...`` switches the method)."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; stages are {STAGES}")
        cur = dict(getattr(self, stage) or {})
        cur.update(params)
        return replace(self, **{stage: cur})

    def to_dict(self) -> dict:
        return {s: (None if getattr(self, s) is None else dict(getattr(self, s))) for s in STAGES}

    def run(self, X, types=None, groups=None) -> Run:
        A = as_matrix(X, allow_nan=True)
        t = as_types(types, A.shape[1])
        log: list[StageRecord] = []
        if np.isnan(A).any() and self.impute is None:
            raise ValueError("X has missing values and the pipeline has no impute stage")
        if self.impute is not None:
            p = dict(self.impute)
            A, rec = impute(
                A,
                p.pop("method", "mean"),
                groups=groups if p.pop("by_group", False) else None,
                return_info=True,
                **p,
            )
            log.append(rec)
        if self.treat is not None:
            A, rec = treat(A, return_info=True, **dict(self.treat))
            log.append(rec)
        w, rec = _weights(A, t, dict(self.weight))
        log.append(rec)
        p = dict(self.aggregate)
        method = p.pop("method", "arithmetic")
        if method in _RAW_AGG:
            scores, rec = _RAW_AGG[method](A, w, t, return_info=True, **p)
            log.append(rec)
        else:
            np_ = dict(self.normalize)
            Y, rec = normalize(A, t, np_.pop("method", "minmax"), return_info=True, **np_)
            log.append(rec)
            scores, rec = _aggregate(Y, w, method, return_info=True, **p)
            log.append(rec)
        lower_better = method == "vikor"
        rp = dict(self.rank)
        ranks = rank(scores, descending=not lower_better, **rp)
        log.append(StageRecord("rank", rp.get("ties", "min"), rp, {"ranks": ranks}))
        classes = None
        if self.classify is not None:
            cp = dict(self.classify)
            key = -scores if lower_better else scores
            if "shares" in cp:
                classes = classify_by_share(
                    key, cp["shares"], cp["labels"], groups=groups if cp.get("by_group") else None
                )
            else:
                classes = classify_by_threshold(key, cp["thresholds"], cp["labels"])
            log.append(
                StageRecord("classify", "share" if "shares" in cp else "threshold", cp, {"classes": classes})
            )
        return Run(self, (X, types, groups), scores, ranks, classes, w, tuple(log))


def _weights(A, t, p: dict):
    method = p.pop("method", "equal")
    n = A.shape[1]
    if method == "equal":
        return _w.equal_weights(n, return_info=True)
    if method == "points":
        return _w.points_weights(p["points"], return_info=True)
    if method == "fixed":
        w = as_weights(p["weights"], n)
        return w, StageRecord("weight", "fixed", {"weights": w}, {"weights": w})
    if method == "ahp":
        w, cr, rec = ahp_weights(p.pop("matrix"), return_info=True, **p)
        return w, rec
    if method in _WEIGHTS:
        return _WEIGHTS[method](A, t, return_info=True, **p)
    raise ValueError(f"unknown weight method {method!r}")


@dataclass(frozen=True)
class Run:
    """The outcome of ``Pipeline.run``: scores, ranks, classes, the weights used and the stage log."""

    pipeline: Pipeline
    inputs: tuple
    scores: np.ndarray
    ranks: np.ndarray
    classes: np.ndarray | None
    weights: np.ndarray
    log: tuple[StageRecord, ...]

    def regen(self, stage: str, **params) -> Run:
        """Re-run on the same inputs with ``params`` changed in ``stage``."""
        return self.pipeline.replace(stage, **params).run(*self.inputs)

    def explain(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.log]
