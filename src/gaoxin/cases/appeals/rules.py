"""The 公示 / 调档 / 定级 rules file (window, public columns, reasons, consecutive-D flag) as data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class Rules:
    window_workdays: int
    columns: tuple[str, ...]
    raw_columns: tuple[str, ...]
    show_raw_figures: bool
    publication_source: str
    reasons: tuple[str, ...]
    participate_reasons: tuple[str, ...]
    d_years: int
    d_surcharge: str
    d_source: str

    def public_columns(self) -> list[str]:
        """The columns a 公示名单 may show: raw figures only when the rules allow them."""
        return [*self.columns, *(self.raw_columns if self.show_raw_figures else ())]


@lru_cache(maxsize=4)
def load(path: Path = RULES_FILE) -> Rules:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    pub, adj, d = data["publication"], data["adjust"], data["consecutive_d"]
    window = int(pub["window_workdays"])
    if window < 1:
        raise ValueError(f"{path.name} [publication] window_workdays 须为正整数（现为 {window}）")
    return Rules(
        window,
        tuple(pub["columns"]),
        tuple(pub.get("raw_columns", ())),
        bool(pub.get("show_raw_figures", False)),
        pub.get("source", ""),
        tuple(adj["reasons"]),
        tuple(adj["participate_reasons"]),
        int(d["years"]),
        d.get("surcharge", ""),
        d.get("source", ""),
    )
