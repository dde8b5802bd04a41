"""Pydantic model of a zone benchmarking scheme (``[scheme].kind = "zone"``; see FORMAT.md, 园区对标方案).

The same file format as the 亩均 schemes: a ``[scheme]`` table (sources, verified, assumed), then the
evaluation's own tables: ``[method]`` (scoring, weighting, aggregation), ``[population]`` (which zones are
ranked, the peer group), ``[[dimension]]`` with ``[[dimension.indicator]]`` (first- and second-level
indicators, weights, 0.8/1.2 multipliers, goalposts), ``[robustness]`` and ``[report]``.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from gaoxin import zone_fields as Z

from .model import LoadedScheme, SchemeMeta, Source, _check_id, _Model  # noqa: F401  (Source: re-exported)

_REF_RE = re.compile(r"^(max|min|mean|median|p(\d{1,2}(\.\d+)?))$")
Level = Literal["national", "provincial"]
# "scheme" = the scheme's own normalisation / aggregation (the nominal ranking); others are alternatives
AltNormalization = Literal["scheme", "minmax", "percentile", "zscore", "rank"]
AltAggregation = Literal["scheme", "arithmetic", "topsis_hy", "topsis_cn", "gra"]
Reference = float | str | dict[str, float]


def check_reference(v: Reference, where: str) -> Reference:
    """A goalpost: a number, "max" / "min" / "mean" / "median" / "pNN" (percentile of the ranked zones), or
    a table period → number (year-specific reference values, the torch tool's year_quota)."""
    if isinstance(v, str):
        if not _REF_RE.match(v):
            raise ValueError(
                f"{where}: 参照值 '{v}' 无效，应为数值、max、min、mean、median 或 pNN（如 p90）/ "
                "a reference is a number, max, min, mean, median or pNN"
            )
    elif isinstance(v, dict):
        bad = [k for k in v if not re.fullmatch(r"\d{4}", k)]
        if bad or not v:
            raise ValueError(
                f'{where}: 按年份给出参照值时键须为四位年份（如 "2024" = 3.5）/ per-year reference '
                "values need four-digit year keys"
            )
        if not all(math.isfinite(x) for x in v.values()):
            raise ValueError(f"{where}: 参照值须为有限数 / reference values must be finite")
    elif not math.isfinite(v):
        raise ValueError(f"{where}: 参照值须为有限数 / reference values must be finite")
    return v


class ZoneSchemeMeta(SchemeMeta):
    kind: Literal["zone"] = "zone"  # type: ignore[assignment]


class Method(_Model):
    """How indicator values become scores and scores one index."""

    aggregation: Literal["goalpost", "topsis"] = "goalpost"
    weighting: Literal["points", "entropy"] = "points"
    total: float = Field(default=100.0, gt=0)
    # goalpost scoring: U = clip((x − worst)/(best − worst), 0, 1); score = U × points
    worst: Reference = 0.0
    best: Reference = "p90"
    cost_worst: Reference = "p90"
    cost_best: Reference = "p10"
    missing: Literal["zero", "median"] = "zero"
    topsis_variant: Literal["hy", "cn"] = "hy"
    topsis_normalization: Literal["vector", "minmax"] = "vector"
    entropy_variant: Literal["minmax", "raw", "vector"] = "minmax"
    entropy_shift: float = Field(default=1e-4, ge=0)
    ref: str = ""

    @model_validator(mode="after")
    def _check(self):
        for k in ("worst", "best", "cost_worst", "cost_best"):
            check_reference(getattr(self, k), f"method.{k}")
        return self


class ZonePopulation(_Model):
    levels: list[Level] = Field(default_factory=lambda: list[Level](["national"]), min_length=1)
    min_coverage: float = Field(
        default=0.5, ge=0, le=1
    )  # share of indicators a zone must report to be ranked
    peer: Literal["zone_type", "province", "none"] = "zone_type"
    min_peers: int = Field(default=5, ge=2)


class ZoneIndicatorSpec(_Model):
    id: str
    no: str = ""
    multiplier: float = Field(default=1.0, gt=0)
    direction: Literal["higher", "lower"] | None = None  # default: the catalogue's direction
    worst: Reference | None = None
    best: Reference | None = None
    status: Literal["verified", "assumed"] = "assumed"
    ref: str = ""
    note: str = ""

    @field_validator("id")
    @classmethod
    def _known(cls, v):
        if v not in Z.BY_ID:
            close = difflib.get_close_matches(v, Z.IDS, n=2, cutoff=0.5)
            hint = f"；是否想写 did you mean: {', '.join(close)}" if close else ""
            raise ValueError(
                f"未知的园区指标 '{v}'{hint}。可用指标见 gaoxin.zone_fields / unknown zone indicator"
            )
        return v

    @model_validator(mode="after")
    def _check(self):
        for k in ("worst", "best"):
            v = getattr(self, k)
            if v is not None:
                check_reference(v, f"indicator[{self.id}].{k}")
        return self

    @property
    def info(self) -> Z.ZoneIndicator:
        return Z.BY_ID[self.id]

    @property
    def lower_is_better(self) -> bool:
        return (self.direction or self.info.direction) == "lower"


class Dimension(_Model):
    id: str
    no: str = ""
    title: str
    title_en: str = ""
    weight: float | None = Field(default=None, gt=0)  # points of the dimension (weighting = "points")
    status: Literal["verified", "assumed"] = "assumed"
    ref: str = ""
    indicators: list[ZoneIndicatorSpec] = Field(alias="indicator", min_length=1)

    _id = field_validator("id")(_check_id)


class Robustness(_Model):
    draws: int = Field(default=10_000, ge=1, le=1_000_000)
    weight_draws: Literal["perturb", "dirichlet", "none"] = "perturb"
    perturbation: float = Field(default=0.25, ge=0, lt=1)
    concentration: float = Field(default=1.0, gt=0)
    normalizations: list[AltNormalization] = Field(
        default_factory=lambda: list[AltNormalization](["scheme", "minmax", "percentile"]), min_length=1
    )
    aggregations: list[AltAggregation] = Field(
        default_factory=lambda: list[AltAggregation](["scheme"]), min_length=1
    )
    seed: int = 2021
    neighbours: int = Field(default=5, ge=0)
    top: int = Field(default=50, ge=1)

    @model_validator(mode="after")
    def _nominal_first(self):
        if self.normalizations[0] != "scheme" or self.aggregations[0] != "scheme":
            raise ValueError(
                'robustness: normalizations 和 aggregations 的第一项必须是 "scheme"（名义排名）/ the '
                'first option must be "scheme" (the nominal ranking)'
            )
        return self


class Report(_Model):
    top_n: int = Field(default=20, ge=1)
    top_lists: list[str] = Field(
        default_factory=list
    )  # indicators shown as single-item lists (empty: first 6)
    weaknesses: int = Field(default=10, ge=1)
    strengths: int = Field(default=5, ge=1)


class ZoneScheme(LoadedScheme):
    scheme: ZoneSchemeMeta
    method: Method = Field(default_factory=Method)
    population: ZonePopulation = Field(default_factory=ZonePopulation)
    dimensions: list[Dimension] = Field(alias="dimension", min_length=1)
    robustness: Robustness = Field(default_factory=Robustness)
    report: Report = Field(default_factory=Report)

    @model_validator(mode="after")
    def _cross(self):
        problems: list[str] = []
        dims = [d.id for d in self.dimensions]
        dup = sorted({d for d in dims if dims.count(d) > 1})
        if dup:
            problems.append(f"dimension: 维度标识重复 {dup} / duplicate dimension ids")
        inds = [i.id for d in self.dimensions for i in d.indicators]
        dup = sorted({i for i in inds if inds.count(i) > 1})
        if dup:
            problems.append(f"dimension.indicator: 同一指标出现多次 {dup} / an indicator appears twice")
        if self.method.weighting == "points":
            missing = [d.id for d in self.dimensions if d.weight is None]
            if missing:
                problems.append(
                    f'dimension: weighting = "points" 时每个维度都须有 weight（缺 {missing}）/ '
                    "every dimension needs a weight"
                )
            else:
                total = sum(d.weight for d in self.dimensions if d.weight is not None)  # none missing here
                if abs(total - self.method.total) > 1e-6:
                    parts = " + ".join(f"{d.id} {d.weight:g}" for d in self.dimensions)
                    problems.append(
                        f"dimension: 维度权重之和为 {total:g}（{parts}），应为 method.total = "
                        f"{self.method.total:g} / dimension weights must sum to method.total"
                    )
        unknown = [i for i in self.report.top_lists if i not in inds]
        if unknown:
            problems.append(f"report.top_lists: 不在本方案中的指标 {unknown} / indicators not in this scheme")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # ---- helpers ---------------------------------------------------------------------------------------
    @property
    def indicators(self) -> list[ZoneIndicatorSpec]:
        """Every indicator in scheme order (the column order of the evaluation matrix)."""
        return [i for d in self.dimensions for i in d.indicators]

    def dimension_of(self) -> list[int]:
        """Dimension index of every indicator, in scheme order."""
        return [k for k, d in enumerate(self.dimensions) for _ in d.indicators]

    @property
    def linear(self) -> bool:
        """True when a zone's score is a (piecewise-)linear function of its own values with the others fixed."""
        return self.method.aggregation == "goalpost" and self.method.weighting == "points"

    def warnings(self) -> list[str]:
        out = []
        if not self.scheme.sources:
            out.append("scheme.sources: 未注明来源文件 / no source document cited")
        if self.method.weighting == "entropy" and any(i.multiplier != 1 for i in self.indicators):
            out.append(
                "weighting = entropy：指标赋权倍数 multiplier 不起作用 / multipliers are ignored with entropy"
            )
        return out


MODEL = ZoneScheme
