"""Pydantic model of a cultivation scheme file (`[scheme].kind = "cultivation"`; see FORMAT.md, 培育方案).

One file describes one qualification (高新技术企业, 科技型中小企业, 创新型 / 专精特新中小企业, 小巨人):

* ``[[condition]]`` — hard conditions, all of which must hold; each is a boolean formula, a value (or
  numerator / denominator) compared with a threshold, or the score table's total / a group compared
  with a threshold. ``routes`` lists direct-qualification routes that satisfy the condition instead.
* ``[[route]]`` — 直接认定 routes (valid HNTE certificate, provincial R&D institution …).
* ``[[group]]`` / ``[[item]]`` — the points table; every item gives a range [min, max] so expert-judged
  items (``judged = true``) and bands such as "7–8 分" are represented honestly.
* ``[[lever]]`` — what a firm can change to close a gap (add R&D money, hire S&T staff …); the core finds
  the smallest change, in the lever's ``step``, that makes a failing condition hold.
* ``[params]`` — named numbers usable in formulas (pass marks, the province's 特色化 points …), which
  ``gaoxin cultivate --param`` may override; ``[variables]`` — named intermediate formulas.

Formulas are those of :mod:`gaoxin.schemes.formula`. Besides every numeric field of the period they may
read the same field one and two years earlier as ``<field>_p1`` / ``<field>_p2`` (``prev(x)`` = ``x_p1``),
and ``registered_days`` / ``registered_years`` (to the period's last day), ``industry4`` / ``industry2``.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from gaoxin.schemes.formula import Formula, FormulaError, parse
from gaoxin.schemes.model import FIELD_NAMES, LoadedScheme, SchemeMeta, _check_id, _Model

YEAR_SUFFIXES = ("_p1", "_p2", "_p3", "_p4")
PSEUDO = {
    "registered_days": "成立天数：评价期末日 − 注册日期",
    "registered_years": "成立年限（年）：评价期末日 − 注册日期",
    "industry4": "行业小类代码（数值）",
    "industry2": "行业大类代码（数值）",
}
TIERS = ("tsme", "innovative", "srdi", "little_giant", "hnte")
OPS = (">=", ">", "<=", "<")


class CultivationMeta(SchemeMeta):
    kind: Literal["cultivation"] = "cultivation"  # type: ignore[assignment]
    tier: Literal["tsme", "innovative", "srdi", "little_giant", "hnte"] | None = None
    years: int = Field(default=3, ge=1, le=5)  # periods read: the data year and years-1 before it


class Lever(_Model):
    """A change a firm can make: `add` gives, per field of the data year, how much one unit of the lever adds."""

    id: str
    title: str
    add: dict[str, float] = Field(min_length=1)
    step: float = Field(default=1.0, gt=0)  # smallest change, canonical units (元 / 人 / 件)
    unit: str = ""  # gap shown in this unit
    scale: float = Field(default=1.0, gt=0)  # shown = canonical × scale (元 → 万元: 1e-4)
    digits: int = Field(default=0, ge=0, le=6)
    verb: str  # 再投入 / 再增
    noun: str = ""  # 研发费用 / 科技人员 (named when a condition offers several levers)
    max: float = Field(default=1e12, gt=0)  # search limit in canonical units

    _id = field_validator("id")(_check_id)


class Quantity(_Model):
    """The firm's own quantity a gap is stated in: "研发费用 3 年合计 412万元, 需 ≥ 520万元"."""

    formula: str
    title: str
    unit: str = ""
    scale: float = 1.0
    digits: int = Field(default=2, ge=0, le=6)


class Route(_Model):
    id: str
    title: str
    when: str
    ref: str = ""

    _id = field_validator("id")(_check_id)


class Condition(_Model):
    id: str
    title: str
    aspect: str = ""  # 专 / 精 / 特 / 新 / 链 / 品, or a heading used when listing conditions
    when: str | None = None
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    score: str | None = None  # "total" or a group id
    op: Literal[">=", ">", "<=", "<"] | None = None
    threshold: float | str | None = None
    unit: str = ""
    scale: float = Field(default=1.0, gt=0)
    digits: int = Field(default=2, ge=0, le=6)
    levers: list[str] = Field(default_factory=list)
    quantity: Quantity | None = None
    routes: list[str] = Field(default_factory=list)
    ref: str = ""
    note: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _shape(self):
        kinds = [
            k
            for k, v in (
                ("when", self.when),
                ("value", self.value),
                ("numerator", self.numerator),
                ("score", self.score),
            )
            if v is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                f"条件 {self.id} 须且只能给出 when、value、numerator/denominator、score 之一（现为 "
                f"{kinds or '无'}）/ give exactly one of when, value, numerator+denominator, score"
            )
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError(f"条件 {self.id}: numerator 与 denominator 须同时给出 / give both")
        if self.when is None and (self.op is None or self.threshold is None):
            raise ValueError(
                f"条件 {self.id}: 数值条件需要 op 与 threshold / a value condition needs op and threshold"
            )
        if self.when is not None and (self.op is not None or self.threshold is not None):
            raise ValueError(f"条件 {self.id}: when 条件不使用 op/threshold / when takes no op or threshold")
        return self

    @property
    def kind(self) -> str:
        if self.when is not None:
            return "when"
        if self.score is not None:
            return "score"
        return "ratio" if self.numerator is not None else "value"


class Band(_Model):
    """One row of a points table: the first band whose `when` and comparison both hold gives the points."""

    when: str | None = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    points: float | list[float]
    label: str = ""

    @model_validator(mode="after")
    def _check(self):
        cmps = [k for k in ("ge", "gt", "le", "lt") if getattr(self, k) is not None]
        if len(cmps) > 1:
            raise ValueError(f"每档最多一个比较 ge/gt/le/lt（现为 {cmps}）/ at most one comparison per band")
        lo, hi = self.range
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi or lo < 0:
            raise ValueError(
                f"分值 points 应为非负数或 [下限, 上限]（现为 {self.points}）/ points: n or [min, max]"
            )
        return self

    @property
    def range(self) -> tuple[float, float]:
        p = self.points
        if isinstance(p, list):
            if len(p) != 2:
                return (math.nan, math.nan)
            return (float(p[0]), float(p[1]))
        return (float(p), float(p))

    @property
    def comparison(self) -> tuple[str, float] | None:
        for k, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            v = getattr(self, k)
            if v is not None:
                return op, float(v)
        return None


class Group(_Model):
    id: str
    title: str
    max: float = Field(gt=0)  # the group's sub-total is capped here
    ref: str = ""

    _id = field_validator("id")(_check_id)


class Item(_Model):
    id: str
    title: str
    group: str
    max: float = Field(gt=0)
    value: str | None = None
    unit: str = ""
    scale: float = Field(default=1.0, gt=0)
    digits: int = Field(default=2, ge=0, le=6)
    bands: list[Band] = Field(default_factory=list)
    points: str | None = None  # formula: exact points
    points_range: list[str] | None = None  # [min formula, max formula]
    judged: bool = False  # expert-judged: its range is what experts may give
    # points when the value is missing (or a band's condition cannot be judged); not given: anything from 0 to
    # `max` — a missing count is never 0, so the item stays open (待补数据) instead of scoring the lowest band
    missing: float | list[float] | None = None
    ref: str = ""
    note: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _check(self):
        given = [k for k in ("bands", "points", "points_range") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                f"计分项 {self.id} 须且只能给出 bands、points、points_range 之一 / give exactly one"
            )
        if self.points_range is not None and len(self.points_range) != 2:
            raise ValueError(f"计分项 {self.id}: points_range = [下限公式, 上限公式]")
        for b in self.bands:
            if b.comparison is not None and self.value is None:
                raise ValueError(f"计分项 {self.id}: 分档按数值比较时需要 value 公式 / bands compare `value`")
            if b.range[1] > self.max + 1e-9:
                raise ValueError(f"计分项 {self.id}: 分档分值 {b.points} 超过本项满分 {self.max:g}")
        return self

    @property
    def missing_range(self) -> tuple[float, float]:
        m = self.missing
        if m is None:
            return (0.0, float(self.max))
        return (float(m[0]), float(m[1])) if isinstance(m, list) else (float(m), float(m))


class CultivationPopulation(_Model):
    when: str | None = None  # who is evaluated (default: every firm with data for the period)
    reason: str = "不在评价范围（本年度无相关数据）"


class Certificate(_Model):
    """The title a firm may already hold (HNTE certificate), for the pool and the expiry list."""

    title: str = "高新技术企业证书"
    holder: str  # formula: firms holding a valid certificate in the data year
    issued_year: str  # formula: the year it was issued
    valid_years: int = Field(default=3, ge=1, le=10)
    warn_months: int = Field(default=12, ge=1, le=36)
    ref: str = ""


class CultivationScheme(LoadedScheme):
    """A whole cultivation scheme file. Load with :func:`gaoxin.schemes.load_scheme`."""

    scheme: CultivationMeta
    params: dict[str, float] = Field(default_factory=dict)
    variables: dict[str, str] = Field(default_factory=dict)
    population: CultivationPopulation = Field(default_factory=CultivationPopulation)
    levers: list[Lever] = Field(default_factory=list, alias="lever")
    conditions: list[Condition] = Field(alias="condition", min_length=1)
    routes: list[Route] = Field(default_factory=list, alias="route")
    groups: list[Group] = Field(default_factory=list, alias="group")
    items: list[Item] = Field(default_factory=list, alias="item")
    certificate: Certificate | None = None

    _formulas: dict[str, Formula] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross(self):
        problems = self._reference_problems() + self._formula_problems()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _reference_problems(self) -> list[str]:
        """Ids unique; levers, routes, groups and fields referred to are defined."""
        problems: list[str] = []
        for kind, objs in (
            ("lever", self.levers),
            ("condition", self.conditions),
            ("route", self.routes),
            ("group", self.groups),
            ("item", self.items),
        ):
            ids = [o.id for o in objs]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                problems.append(f"{kind}: 标识重复 {dup} / duplicate ids")
        lever_ids = {lv.id for lv in self.levers}
        route_ids = {r.id for r in self.routes}
        group_ids = {g.id for g in self.groups}
        for lv in self.levers:
            bad = [f for f in lv.add if f not in FIELD_NAMES]
            if bad:
                problems.append(
                    f"lever[{lv.id}].add: 未知字段 {bad} / unknown fields (levers change data-year fields)"
                )
        for c in self.conditions:
            where = f"condition[{c.id}]"
            if unknown := [x for x in c.levers if x not in lever_ids]:
                problems.append(f"{where}.levers: 未定义的 lever {unknown}；已定义 {sorted(lever_ids)}")
            if unknown := [x for x in c.routes if x not in route_ids]:
                problems.append(f"{where}.routes: 未定义的 route {unknown}；已定义 {sorted(route_ids)}")
            if c.score is not None and c.score != "total" and c.score not in group_ids:
                problems.append(f"{where}.score: 应为 total 或已定义的 group {sorted(group_ids)}")
            if c.score is not None and not self.items:
                problems.append(f"{where}.score: 方案没有计分项 [[item]] / no points table")
        for it in self.items:
            if it.group not in group_ids:
                problems.append(
                    f"item[{it.id}].group: 未定义的 group '{it.group}'；已定义 {sorted(group_ids)}"
                )
        if self.items and not self.groups:
            problems.append("group: 有计分项时须定义 [[group]] / items need groups")
        return problems

    def _formula_problems(self) -> list[str]:
        """Every formula parses over the fields (and their earlier years), params and earlier variables."""
        problems: list[str] = []
        known = set(FIELD_NAMES) | set(PSEUDO)
        for suffix in YEAR_SUFFIXES[: self.scheme.years - 1]:
            known |= {f + suffix for f in FIELD_NAMES}
        for name in self.params:
            if not re.match(r"^[a-z_][a-z0-9_]*$", name) or name in known:
                problems.append(f"params.{name}: 参数名只能用小写字母、数字、下划线，且不能与字段同名")
            known.add(name)
        self._formulas = {}

        def check(where, text):
            if text is None or isinstance(text, int | float):
                return
            try:
                self._formulas[text] = parse(text, known, where=f"{where}: ")
            except FormulaError as e:
                problems.append(str(e))

        for name, text in self.variables.items():
            if not re.match(r"^[a-z_][a-z0-9_]*$", name) or name in known:
                problems.append(
                    f"variables.{name}: 变量名只能用小写字母、数字、下划线，且不能与字段或参数同名"
                )
                continue
            check(f"variables.{name}", text)
            known.add(name)
        for where, text in self._formula_texts():
            check(where, text)
        return problems

    def _formula_texts(self):
        """(clause, formula) of every formula after the variables, in file order."""
        yield ("population.when", self.population.when)
        for c in self.conditions:
            where = f"condition[{c.id}]"
            for part in ("when", "value", "numerator", "denominator"):
                yield (f"{where}.{part}", getattr(c, part))
            if isinstance(c.threshold, str):
                yield (f"{where}.threshold", c.threshold)
            if c.quantity is not None:
                yield (f"{where}.quantity.formula", c.quantity.formula)
        for r in self.routes:
            yield (f"route[{r.id}].when", r.when)
        for it in self.items:
            where = f"item[{it.id}]"
            yield (f"{where}.value", it.value)
            yield (f"{where}.points", it.points)
            for k, t in enumerate(it.points_range or []):
                yield (f"{where}.points_range[{k}]", t)
            for k, b in enumerate(it.bands):
                yield (f"{where}.bands[{k}].when", b.when)
        if self.certificate is not None:
            yield ("certificate.holder", self.certificate.holder)
            yield ("certificate.issued_year", self.certificate.issued_year)

    # ---- helpers ------------------------------------------------------------------------------------------
    def formula(self, text: str) -> Formula:
        f = self._formulas.get(text)
        if f is None:
            f = parse(text)
            self._formulas[text] = f
        return f

    def with_params(self, overrides: dict[str, float]) -> CultivationScheme:
        """A copy with some [params] replaced (names must exist)."""
        unknown = sorted(set(overrides) - set(self.params))
        if unknown:
            raise ValueError(f"未知参数 {unknown}；本方案的参数 / known params: {sorted(self.params)}")
        copy = self.model_copy(update={"params": {**self.params, **overrides}})
        copy._formulas = dict(self._formulas)
        copy._text, copy._sha256, copy._origin = self._text, self._sha256, self._origin
        return copy

    def lever(self, lever_id: str) -> Lever:
        return next(lv for lv in self.levers if lv.id == lever_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def referenced_fields(self) -> set[str]:
        """Canonical fields the scheme reads in any year (year suffixes and prev() stripped)."""
        out: set[str] = set()
        names = set(FIELD_NAMES)
        for f in self._formulas.values():
            for n in f.names | f.prev_names:
                base = n
                for s in YEAR_SUFFIXES:
                    if n.endswith(s) and n[: -len(s)] in names:
                        base = n[: -len(s)]
                if base in names:
                    out.add(base)
        for lv in self.levers:
            out |= set(lv.add)
        return out

    def warnings(self) -> list[str]:
        out = []
        if not self.scheme.sources:
            out.append("scheme.sources: 未注明来源文件 / no source document cited")
        for g in self.groups:
            top = sum(it.max for it in self.items if it.group == g.id)
            if top < g.max - 1e-9:
                out.append(f"group[{g.id}]: 各项满分之和 {top:g} 小于分组上限 {g.max:g}")
        return out


MODEL = CultivationScheme
