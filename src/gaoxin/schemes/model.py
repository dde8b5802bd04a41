"""Pydantic v2 model of a 亩均 scheme file (see FORMAT.md in this folder for the analyst's guide).

Every model forbids unknown keys, so a misspelt key is an error naming the clause, not a silent default.
Cross-field rules (weights sum, class labels, list references, formulas) are checked in validators whose
messages are Chinese first, English after.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from gaoxin.fields import numeric_fields
from gaoxin.schemes.formula import PSEUDO_FIELDS, Formula, FormulaError, parse

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in numeric_fields())
RESERVED_CLASS = "T"
DEFAULT_CLASS_NAMES = {
    "A": "优先发展类",
    "B": "提升发展类",
    "C": "调控帮扶类",
    "D": "倒逼整治类",
    "T": "暂不评价类",
}

# GB/T 4754-2017 门类 → 大类 (2-digit) ranges, so exclusions may say "D" for 44–46.
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
_PREFIX_RE = re.compile(r"^([A-T])?(\d{0,4})$")
_ID_RE = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]+$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


def _check_id(v: str) -> str:
    if not _ID_RE.match(v):
        raise ValueError(
            f"标识 '{v}' 只能含字母、数字、汉字、_ 和 - / id '{v}' may contain only letters, digits, "
            "Chinese characters, _ and -"
        )
    return v


class Source(_Model):
    """A source document the scheme follows."""

    key: str = ""  # mujun.md source key, e.g. "S9"
    title: str
    number: str = ""  # document number, e.g. 浙政发〔2018〕5号
    url: str = ""
    note: str = ""


class SchemeMeta(_Model):
    id: str
    title: str
    title_en: str = ""
    version: str = ""
    region: str = ""
    kind: Literal["mujun"] = "mujun"
    status: Literal["verified", "partial", "synthesis"] = Field(
        description="verified: all rules from sources; partial: some assumed; synthesis: a documented design"
    )
    data_year: int | None = None  # the data year the published benchmarks belong to
    sources: list[Source] = Field(default_factory=list)
    verified: list[str] = Field(default_factory=list)
    assumed: list[str] = Field(default_factory=list)
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v):
        if not re.match(r"^[a-z0-9][a-z0-9._\-]*$", v):
            raise ValueError(
                f"方案标识 '{v}' 只能用小写字母、数字、- _ . / scheme id '{v}' must be lower-case "
                "letters, digits, - _ ."
            )
        return v


class Exclusion(_Model):
    """A rule that puts firms in T (不参评) with a reason. Criteria given together must all hold."""

    id: str
    reason: str
    industry_prefix: list[str] = Field(default_factory=list)
    registered_within_years: int | None = Field(default=None, ge=1, le=50)
    when: str | None = None
    lists: list[str] = Field(default_factory=list)  # only candidates of these lists (empty: everyone)
    ref: str = ""

    _id = field_validator("id")(_check_id)

    @field_validator("industry_prefix")
    @classmethod
    def _prefixes(cls, v):
        for p in v:
            if not _PREFIX_RE.match(p) or p == "":
                raise ValueError(
                    f"行业代码前缀 '{p}' 无效：应为门类字母（如 D）、数字前缀（如 44、4417）或 D44 / "
                    f"invalid industry prefix '{p}': use a section letter (D), digits (44) or D44"
                )
        return v

    @model_validator(mode="after")
    def _some_criterion(self):
        if not (self.industry_prefix or self.registered_within_years or self.when):
            raise ValueError(
                f"排除规则 {self.id} 至少需要 industry_prefix、registered_within_years 或 when 之一 / "
                f"exclusion {self.id} needs industry_prefix, registered_within_years or when"
            )
        return self


class Population(_Model):
    land: str = "sum_of(land_own_mu, -land_leased_out_mu, land_leased_in_mu)"
    require_land: bool = True
    out_of_scope_reason: str = "不属于任何评价名单（如规下企业用地面积未达标准），不参评"
    exclude: list[Exclusion] = Field(default_factory=list)


class Benchmark(_Model):
    method: Literal["fixed", "mean", "median", "aggregate", "industry_mean", "industry_aggregate"]
    value: float | None = None  # for fixed; in the indicator's display unit
    digits: Literal[2, 4] = 2  # industry grouping: 2-digit 大类 or 4-digit 小类
    min_group: int = Field(default=3, ge=1)  # smaller industry groups use the list-wide benchmark
    multiple: float = Field(default=1.0, gt=0)
    basis: Literal["current", "previous"] = "current"
    if_no_previous: Literal["current", "error"] = "current"

    @model_validator(mode="after")
    def _check(self):
        if self.method == "fixed":
            if self.value is None or not math.isfinite(self.value) or self.value <= 0:
                raise ValueError("固定基准值 value 必须为正数 / a fixed benchmark needs a positive value")
            if self.basis == "previous":
                raise ValueError(
                    "固定基准值不能取上年 basis=previous / a fixed benchmark has no previous basis"
                )
        elif self.value is not None:
            raise ValueError(
                f"基准方法 {self.method} 不使用 value（只有 fixed 使用）/ value is only for method=fixed"
            )
        return self


class Score(_Model):
    method: Literal["ratio", "minmax", "percentile"] = "ratio"
    cap: float | None = Field(default=None, gt=0)  # ratio method: score ≤ cap × weight
    floor: float | None = None  # ratio method: score ≥ floor × weight (e.g. 0: refunds give 0, not negative)
    low: float = 20.0  # minmax/percentile: worst gets weight×low/100 (Jingde: 20)
    high: float = 100.0  # best gets weight×high/100 (Jingde: 20+80 = 100)
    on_constant: Literal["low", "mid", "high"] = "mid"  # minmax when max == min

    @model_validator(mode="after")
    def _check(self):
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise ValueError("保底 floor 不能大于封顶 cap / floor must not exceed cap")
        if self.method != "ratio" and (self.cap is not None or self.floor is not None):
            raise ValueError("cap/floor 只用于 ratio 方法 / cap and floor apply to method=ratio only")
        if not (0 <= self.low <= self.high):
            raise ValueError("须 0 ≤ low ≤ high / need 0 ≤ low ≤ high")
        return self


class Indicator(_Model):
    id: str
    title: str
    title_en: str = ""
    numerator: str
    denominator: str | None = None
    scale: float = Field(default=1.0, gt=0)  # display value = numerator/denominator × scale
    unit: str = ""
    weight: float = Field(ge=0)
    direction: Literal["higher", "lower"] = "higher"
    benchmark: Benchmark | None = None
    score: Score = Field(default_factory=Score)
    missing: Literal["zero", "list_mean", "T"] = "zero"
    missing_reason: str = ""
    ref: str = ""  # clause of the source document
    note: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _check(self):
        if self.score.method == "ratio" and self.benchmark is None:
            raise ValueError(
                f"指标 {self.id} 使用 ratio 计分，必须给出 benchmark / indicator {self.id} uses "
                "method=ratio and needs a benchmark"
            )
        return self


class ClassRule(_Model):
    method: Literal["share", "threshold"]
    labels: list[str] = Field(default_factory=lambda: ["A", "B", "C", "D"])
    shares: list[float] | None = None  # percent, best first, sum 100
    thresholds: list[float] | None = None  # score ≥ thresholds[k] → labels[k]; strictly descending
    within: Literal["list", "all", "industry2", "industry4", "town"] = "list"
    # share method: a block of tied scores takes the class of its best position ("better") or of its average
    # rank ("average": e.g. many firms scoring 0 at the bottom then fill the last class instead of emptying it)
    ties: Literal["better", "average"] = "better"
    names: dict[str, str] = Field(default_factory=dict)
    ref: str = ""

    @model_validator(mode="after")
    def _check(self):
        if len(self.labels) < 2 or len(set(self.labels)) != len(self.labels):
            raise ValueError("等级 labels 至少两个且不重复 / labels: at least two, no duplicates")
        if RESERVED_CLASS in self.labels:
            raise ValueError("T 为不参评保留标签，不能用作等级 / 'T' is reserved for not-evaluated firms")
        if self.method == "share":
            if self.shares is None or len(self.shares) != len(self.labels):
                raise ValueError(
                    f"share 方法需要与 labels 等长的 shares（{len(self.labels)} 个百分比）/ "
                    "method=share needs one share (percent) per label"
                )
            if any(s < 0 for s in self.shares) or abs(sum(self.shares) - 100) > 1e-6:
                raise ValueError(
                    f"shares 之和必须为 100（现为 {sum(self.shares):g}）/ shares must sum to 100"
                )
            if self.thresholds is not None:
                raise ValueError("share 方法不使用 thresholds / thresholds are for method=threshold")
        else:
            t = self.thresholds
            if t is None or len(t) != len(self.labels) - 1:
                raise ValueError(
                    f"threshold 方法需要 {len(self.labels) - 1} 个分数线 thresholds / "
                    "method=threshold needs len(labels)-1 thresholds"
                )
            if any(b >= a for a, b in zip(t, t[1:], strict=False)):
                raise ValueError("thresholds 必须严格递减 / thresholds must be strictly descending")
            if self.shares is not None:
                raise ValueError("threshold 方法不使用 shares / shares are for method=share")
        unknown = set(self.names) - set(self.labels) - {RESERVED_CLASS}
        if unknown:
            raise ValueError(f"names 中有未定义的等级 {sorted(unknown)} / names for unknown labels")
        return self

    def name_of(self, label: str) -> str:
        return self.names.get(label) or DEFAULT_CLASS_NAMES.get(label, label)


class ListSpec(_Model):
    id: str
    title: str = ""
    title_en: str = ""
    when: str
    indicator: list[Indicator] = Field(min_length=1)
    total_weight: float = Field(default=100.0, gt=0)
    classes: ClassRule | None = None  # overrides the scheme-level [classes] for this list
    max_bonus: float | None = Field(default=None, ge=0)
    max_penalty: float | None = Field(default=None, ge=0)
    ref: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _check(self):
        ids = [i.id for i in self.indicator]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"名单 {self.id} 的指标标识重复 {dup} / duplicate indicator ids")
        total = sum(i.weight for i in self.indicator)
        if abs(total - self.total_weight) > 1e-6:
            parts = " + ".join(f"{i.id} {i.weight:g}" for i in self.indicator)
            raise ValueError(
                f"名单 {self.id} 的权重之和为 {total:g}（{parts}），应为 total_weight = "
                f"{self.total_weight:g}；如确需其他总分，请显式设置 total_weight / weights of list "
                f"{self.id} sum to {total:g}, expected total_weight = {self.total_weight:g}"
            )
        return self


class Adjustment(_Model):
    """加减分 item: fixed points, percent of the indicator total, or points from a formula."""

    id: str
    title: str
    when: str | None = None
    points: float | None = None
    percent: float | None = None
    value: str | None = None  # formula giving points per firm
    min: float | None = None
    max: float | None = None
    lists: list[str] = Field(default_factory=list)
    ref: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _check(self):
        given = [k for k in ("points", "percent", "value") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"加减分项 {self.id} 须且只能给出 points、percent、value 之一（现为 {given or '无'}）/ "
                "give exactly one of points, percent, value"
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min 不能大于 max / min must not exceed max")
        return self


class Veto(_Model):
    id: str
    when: str
    effect: Literal["cap", "force"]  # cap: no better than `class`; force: exactly `class`
    klass: str = Field(alias="class")
    reason: str
    lists: list[str] = Field(default_factory=list)
    ref: str = ""

    _id = field_validator("id")(_check_id)


class Protection(_Model):
    """保护: the final class is no worse than `class` (vetoes still apply afterwards)."""

    id: str
    when: str | None = None
    registered_within_years: int | None = Field(default=None, ge=1, le=50)
    klass: str = Field(alias="class")
    reason: str
    lists: list[str] = Field(default_factory=list)
    ref: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _some(self):
        if not (self.when or self.registered_within_years):
            raise ValueError(
                f"保护规则 {self.id} 需要 when 或 registered_within_years / protection needs a criterion"
            )
        return self


class PolicyItem(_Model):
    """One column of the 差别化政策 table. rate: amount = base × rate[class]; percent: base × rate/100;
    text: measures only."""

    id: str
    title: str
    title_en: str = ""
    kind: Literal["rate", "percent", "text"]
    base: str | None = None  # formula in canonical units; omit for a rate with no per-firm amount
    base_unit: str = ""
    rate_unit: str = ""
    amount_unit: str = ""
    rates: dict[str, float] = Field(default_factory=dict)
    text: dict[str, str] = Field(default_factory=dict)
    status: Literal["verified", "assumed", "example"] = "example"
    ref: str = ""
    note: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _check(self):
        if self.kind == "text":
            if not self.text or self.rates or self.base:
                raise ValueError(f"政策 {self.id}：text 类只需 text 表 / kind=text takes only a text table")
        elif not self.rates:
            raise ValueError(f"政策 {self.id}：{self.kind} 类需要 rates 表 / kind={self.kind} needs rates")
        return self


class LoadedScheme(_Model):
    """What every kind of scheme carries once loaded: its exact text, sha256 and origin (set by the loader)."""

    _text: str = PrivateAttr(default="")
    _sha256: str = PrivateAttr(default="")
    _origin: str = PrivateAttr(default="")

    if TYPE_CHECKING:  # every kind declares this field with its own SchemeMeta subclass
        scheme: SchemeMeta

    @property
    def id(self) -> str:
        return self.scheme.id

    @property
    def text(self) -> str:
        """The TOML text the scheme was loaded from ('' when built in code)."""
        return self._text

    @property
    def sha256(self) -> str:
        return self._sha256

    @property
    def origin(self) -> str:
        return self._origin


class Scheme(LoadedScheme):
    """A whole scheme file. Load with :func:`gaoxin.schemes.load_scheme`."""

    scheme: SchemeMeta
    population: Population = Field(default_factory=Population)
    variables: dict[str, str] = Field(default_factory=dict)
    lists: list[ListSpec] = Field(alias="list", min_length=1)
    classes: ClassRule
    adjustment: list[Adjustment] = Field(default_factory=list)
    veto: list[Veto] = Field(default_factory=list)
    protection: list[Protection] = Field(default_factory=list)
    policy: list[PolicyItem] = Field(default_factory=list)

    _formulas: dict[str, Formula] = PrivateAttr(default_factory=dict)

    # ---- cross-field validation -------------------------------------------------------------------------
    @model_validator(mode="after")
    def _cross(self):
        problems = self._reference_problems() + self._duplicate_problems() + self._formula_problems()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _reference_problems(self) -> list[str]:
        """List ids unique; lists and classes referred to are defined."""
        problems: list[str] = []
        list_ids = [lst.id for lst in self.lists]
        dup = sorted({i for i in list_ids if list_ids.count(i) > 1})
        if dup:
            problems.append(f"list: 名单标识重复 {dup} / duplicate list ids")
        labels = self.classes.labels
        for lst in self.lists:
            if lst.classes is not None and lst.classes.labels != labels:
                problems.append(
                    f"list[{lst.id}].classes: 各名单的等级 labels 必须与 [classes] 一致 {labels} / "
                    "every list must use the scheme's class labels"
                )

        def check_lists(where, refs):
            bad = [r for r in refs if r not in list_ids]
            if bad:
                problems.append(f"{where}.lists: 未定义的名单 {bad}；已定义 {list_ids} / unknown lists")

        def check_class(where, c):
            if c not in labels:
                problems.append(f"{where}.class: 未定义的等级 '{c}'，应为 {labels} 之一 / unknown class")

        for e in self.population.exclude:
            check_lists(f"population.exclude[{e.id}]", e.lists)
        for a in self.adjustment:
            check_lists(f"adjustment[{a.id}]", a.lists)
        for v in self.veto:
            check_lists(f"veto[{v.id}]", v.lists)
            check_class(f"veto[{v.id}]", v.klass)
        for p in self.protection:
            check_lists(f"protection[{p.id}]", p.lists)
            check_class(f"protection[{p.id}]", p.klass)
        for pol in self.policy:
            for c in list(pol.rates) + list(pol.text):
                if c not in labels and c != RESERVED_CLASS:
                    problems.append(f"policy[{pol.id}]: 未定义的等级 '{c}' / unknown class '{c}'")
        return problems

    def _duplicate_problems(self) -> list[str]:
        problems: list[str] = []
        for kind, items in (
            ("adjustment", self.adjustment),
            ("veto", self.veto),
            ("protection", self.protection),
            ("policy", self.policy),
            ("population.exclude", self.population.exclude),
        ):
            ids = [x.id for x in items]
            d = sorted({i for i in ids if ids.count(i) > 1})
            if d:
                problems.append(f"{kind}: 标识重复 {d} / duplicate ids")
        return problems

    def _formula_problems(self) -> list[str]:
        """Every formula parses over the fields, pseudo-fields and the variables declared before it (kept
        parsed in ``_formulas`` for the evaluator)."""
        problems: list[str] = []
        known = set(FIELD_NAMES) | set(PSEUDO_FIELDS)
        self._formulas = {}

        def check_formula(where, text, names):
            if text is None:
                return
            try:
                self._formulas[text] = parse(text, names, where=f"{where}: ")
            except FormulaError as e:
                problems.append(str(e))

        # the land rule comes first (fields only); variables may then use land_mu and earlier variables
        check_formula("population.land", self.population.land, known - {"land_mu"})
        for name, text in self.variables.items():
            if not re.match(r"^[a-z_][a-z0-9_]*$", name):
                problems.append(
                    f"variables.{name}: 变量名只能用小写字母、数字、下划线 / variable names: a-z 0-9 _"
                )
                continue
            if name in known:
                problems.append(f"variables.{name}: 与字段同名 / shadows a field or earlier variable")
                continue
            check_formula(f"variables.{name}", text, known)
            known.add(name)
        for e in self.population.exclude:
            check_formula(f"population.exclude[{e.id}].when", e.when, known)
        for lst in self.lists:
            check_formula(f"list[{lst.id}].when", lst.when, known)
            for ind in lst.indicator:
                where = f"list[{lst.id}].indicator[{ind.id}]"
                check_formula(f"{where}.numerator", ind.numerator, known)
                check_formula(f"{where}.denominator", ind.denominator, known)
        for a in self.adjustment:
            check_formula(f"adjustment[{a.id}].when", a.when, known)
            check_formula(f"adjustment[{a.id}].value", a.value, known)
        for v in self.veto:
            check_formula(f"veto[{v.id}].when", v.when, known)
        for p in self.protection:
            check_formula(f"protection[{p.id}].when", p.when, known)
        for pol in self.policy:
            check_formula(f"policy[{pol.id}].base", pol.base, known)
        return problems

    # ---- helpers used by the evaluator ----------------------------------------------------------------------
    def formula(self, text: str) -> Formula:
        """The parsed form of a formula appearing in this scheme."""
        f = self._formulas.get(text)
        if f is None:  # e.g. a scheme built in code and then mutated; parse without a name check
            f = parse(text)
            self._formulas[text] = f
        return f

    def referenced_names(self) -> tuple[set[str], set[str]]:
        """(names, prev_names): every field / variable / pseudo-field the scheme's formulas read, and the
        fields read through ``prev(...)`` — so a caller can load only those columns."""
        names: set[str] = set()
        prevs: set[str] = set()
        for f in self._formulas.values():
            names |= f.names
            prevs |= f.prev_names
        return names, prevs

    def classes_for(self, list_id: str) -> ClassRule:
        for lst in self.lists:
            if lst.id == list_id and lst.classes is not None:
                return lst.classes
        return self.classes

    def list_by_id(self, list_id: str) -> ListSpec:
        for lst in self.lists:
            if lst.id == list_id:
                return lst
        raise KeyError(list_id)

    def uses_previous(self) -> bool:
        """True when some benchmark or formula needs the previous period's data."""
        if any(f.prev_names for f in self._formulas.values()):
            return True
        return any(
            ind.benchmark is not None and ind.benchmark.basis == "previous"
            for lst in self.lists
            for ind in lst.indicator
        )

    def warnings(self) -> list[str]:
        """Soft issues worth showing to an analyst (the scheme is still valid)."""
        out = []
        for lst in self.lists:
            for ind in lst.indicator:
                where = f"list[{lst.id}].indicator[{ind.id}]"
                if ind.score.method == "ratio" and ind.score.cap is None:
                    out.append(
                        f"{where}: 未设封顶 cap，极端值（如极小分母）可能主导总分 / no cap: an extreme "
                        "ratio can dominate the total"
                    )
                if ind.score.method != "ratio" and ind.benchmark is not None:
                    out.append(
                        f"{where}: {ind.score.method} 方法不使用 benchmark，已忽略 / benchmark ignored"
                    )
        if not self.scheme.sources:
            out.append("scheme.sources: 未注明来源文件 / no source document cited")
        return out
