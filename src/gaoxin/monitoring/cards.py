"""Indicator cards as data (`gaoxin/data/monitoring/indicators.toml`): meaning, unit, frequency, source
department, responsible unit, 1–2月 合并, 触警 / 优质 rules."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "monitoring"
CARDS_FILE = DATA / "indicators.toml"
MEASURES_EN = {
    "month": "month",
    "cum": "year to date",
    "month_yoy": "month YoY",
    "cum_yoy": "YTD YoY",
    "progress": "ahead (behind) schedule",
}
MEASURES = {
    "month": "当月",
    "cum": "累计",
    "month_yoy": "当月同比",
    "cum_yoy": "累计同比",
    "progress": "超(欠)进度",
}


@dataclass(frozen=True)
class Rule:
    measure: str  # cum_yoy | month_yoy | progress
    below: float | None = None  # 触警 when the figure is below
    above: float | None = None  # 优质 when the figure is at or above

    def text(self, label: str) -> str:
        what = MEASURES.get(self.measure, self.measure)
        if self.below is not None:
            return f"{label}{what}低于 {self.below:g}%（触警阈值）"
        return f"{label}{what}达到 {self.above:g}%（优质阈值）"

    def text_en(self, label: str) -> str:
        what = MEASURES_EN.get(self.measure, self.measure)
        if self.below is not None:
            return f"{label}: {what} below {self.below:g}% (alert threshold)"
        return f"{label}: {what} at or above {self.above:g}% (good threshold)"


@dataclass(frozen=True)
class Card:
    id: str
    label: str
    label_en: str
    kind: str  # level | growth
    unit: str
    jan_feb_combined: bool
    frequency: str
    source: str
    responsible: str
    meaning: str
    real: bool = False
    firm: str | None = None
    alert: Rule | None = None
    good: Rule | None = None

    @property
    def has_levels(self) -> bool:
        return self.kind == "level"


def _rule(raw: dict | None) -> Rule | None:
    return Rule(**raw) if raw else None


@cache
def load_cards(path: Path = CARDS_FILE) -> tuple[Card, ...]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for ind in raw["indicator"]:
        ind = dict(ind)
        ind.pop("aliases", None)
        alert, good = _rule(ind.pop("alert", None)), _rule(ind.pop("good", None))
        out.append(Card(**ind, alert=alert, good=good))
    return tuple(out)


def source_note(path: Path = CARDS_FILE) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")).get("source", {})


def by_id() -> dict[str, Card]:
    return {c.id: c for c in load_cards()}


def firm_fields(path: Path = CARDS_FILE) -> dict[str, dict]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f["id"]: f for f in raw.get("firm_field", [])}
