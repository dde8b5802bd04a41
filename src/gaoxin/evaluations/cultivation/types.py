"""Cultivation result types and verdict vocabulary (states, verdicts, labels)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gaoxin.schemes.cultivation import Condition, CultivationScheme, Lever

PASS, FAIL, EXPERT, MISSING = 0, 1, 2, 3
STATE_CODES = {PASS: "pass", FAIL: "fail", EXPERT: "expert", MISSING: "missing"}
STATE_LABELS = {PASS: "符合", FAIL: "不符合", EXPERT: "待专家评分", MISSING: "数据缺失"}
# closest first: a firm whose only open points are missing data (待补数据) comes before one a condition fails
VERDICTS = ("pass", "expert", "missing", "near", "fail", "out")
VERDICT_LABELS = {
    "pass": "符合条件",
    "expert": "待专家评分",
    "missing": "待补数据",
    "near": "差一项",
    "fail": "未达标",
    "out": "不参评",
}
EPS = 1e-9
NEAR_SHORTFALL = (
    0.5  # "差一项" needs the failing value within half of its threshold (relative shortfall ≤ 50%)
)
# band codes beside a band's index: below the lowest band, the value missing, a band condition that cannot be
# judged (the firm may be in that band or a later one: the item spans them, 待补数据)
BAND_NONE, BAND_MISSING, BAND_OPEN = -1, -2, -3
_COUNT_UNITS = ("人", "件", "项", "家", "个", "名")
NEG_OP = {">=": "<", ">": "≤", "<=": ">", "<": "≥"}
OP_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


# ---------------------------------------------------------------------------------------------------------
# result types
@dataclass
class Gap:
    """The smallest change of one lever that makes one condition hold, per firm (NaN: not failing / n.a.)."""

    lever: Lever
    steps: np.ndarray  # float (n,): lever steps; inf when the lever cannot close the gap within its limit
    q0: np.ndarray  # the condition's quantity now (canonical units; NaN without a quantity)
    q1: np.ndarray  # the quantity with the gap applied

    @property
    def amount(self) -> np.ndarray:
        """Canonical units (元 / 人 …)."""
        return self.steps * self.lever.step


@dataclass
class CultivationResult:
    scheme: CultivationScheme
    period: str
    n: int
    uscc: np.ndarray
    name: np.ndarray
    town: np.ndarray
    industry_code: np.ndarray
    population: np.ndarray  # bool
    # conditions (n × C)
    state: np.ndarray  # int8, own test, before routes
    final_state: np.ndarray  # int8, routes applied
    route_used: np.ndarray  # int16 index into scheme.routes (-1 none)
    value: np.ndarray  # canonical (ratios as fractions); score conditions: the minimum score
    value_max: np.ndarray  # score conditions: the maximum score (else = value)
    numerator: np.ndarray
    denominator: np.ndarray
    threshold: np.ndarray
    missing_fields: list[np.ndarray]  # per condition: object (n,) "字段、字段" or None
    gaps: dict[int, list[Gap]]
    route_hit: np.ndarray  # bool (n × R)
    # points table
    item_min: np.ndarray  # (n × I)
    item_max: np.ndarray
    item_value: np.ndarray
    item_band: np.ndarray  # int16 band index, BAND_NONE / BAND_MISSING
    group_min: np.ndarray  # (n × G)
    group_max: np.ndarray
    score_min: np.ndarray  # (n,) NaN without a points table
    score_max: np.ndarray
    expert_needed: np.ndarray  # points the expert-judged items must reach (NaN when not EXPERT)
    # verdicts
    verdict_initial: np.ndarray  # object, before routes
    verdict: np.ndarray  # object
    n_fail: np.ndarray  # int: conditions that fail (未达标)
    n_missing: np.ndarray  # int: conditions the data cannot judge (待补数据)
    shortfall: np.ndarray  # Σ relative shortfall of failing conditions
    rank: np.ndarray  # int, 1 = closest; 0 outside the population
    # the certificate a firm may already hold
    holder: np.ndarray  # bool
    cert_year: np.ndarray  # float
    cert_status: np.ndarray  # object: "" | 有效 | 12个月内到期 | 已到期
    warnings: list[str] = field(default_factory=list)

    @property
    def conditions(self) -> list[Condition]:
        return self.scheme.conditions

    def cond_index(self, cond_id: str) -> int:
        return next(k for k, c in enumerate(self.conditions) if c.id == cond_id)

    def firm(self, uscc: str) -> int:
        hits = np.flatnonzero(self.uscc == uscc)
        if hits.size == 0:
            raise KeyError(uscc)
        return int(hits[0])

    def gap(self, cond_id: str, lever_id: str) -> Gap:
        for g in self.gaps.get(self.cond_index(cond_id), []):
            if g.lever.id == lever_id:
                return g
        raise KeyError((cond_id, lever_id))

    def counts(self) -> dict[str, int]:
        return {v: int(np.sum(self.verdict == v)) for v in VERDICTS}
