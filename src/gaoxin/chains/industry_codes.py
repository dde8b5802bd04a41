"""GB/T 4754-2017 国民经济行业分类: the code table shipped in `gaoxin/data/gbt4754_2017.csv`.

Used to validate industry codes everywhere (chain packs, enterprise attributes). Codes may come with the 门类
letter in front (`C3973`) or as numbers that lost a leading zero (`610` for 0610); `normalize` handles both.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

EDITION = "GB/T 4754-2017 + 第1号修改单(2019)"
EXPECTED_COUNTS = {"section": 20, "division": 97, "group": 473, "class": 1382}


@dataclass(frozen=True)
class IndustryCode:
    code: str
    name: str
    level: str  # section | division | group | class
    parent: str
    section: str


@cache
def table() -> dict[str, IndustryCode]:
    text = resources.files("gaoxin").joinpath("data/gbt4754_2017.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        r["code"]: IndustryCode(r["code"], r["name"], r["level"], r["parent"], r["section"]) for r in rows
    }


def counts() -> dict[str, int]:
    out = dict.fromkeys(EXPECTED_COUNTS, 0)
    for c in table().values():
        out[c.level] += 1
    return out


def normalize(code: object) -> str | None:
    """'C3973' / ' 3973 ' / 610 (lost zero) → '3973' / '0610'; None when empty or not a known code."""
    if code is None:
        return None
    s = str(code).strip().upper()
    if s.endswith(".0"):
        s = s[:-2]
    if len(s) >= 3 and s[0].isalpha() and s[1:].isdigit():
        s = s[1:]
    if s.isdigit() and len(s) in (3, 1) and s.zfill(len(s) + 1) in table():
        s = s.zfill(len(s) + 1)
    return s if s in table() else None


def get(code: str) -> IndustryCode | None:
    n = normalize(code)
    return table()[n] if n else None


def name(code: str) -> str | None:
    c = get(code)
    return c.name if c else None


def is_class(code: str) -> bool:
    c = get(code)
    return c is not None and c.level == "class"


def expand(spec: str) -> list[str]:
    """'3911–3919' or '3911-3919' → the 小类 codes that exist in that range; a single code → [code]."""
    spec = spec.replace("–", "-").replace("—", "-").strip()
    if "-" in spec:
        lo, hi = (p.strip() for p in spec.split("-", 1))
        return [c for c, v in table().items() if v.level == "class" and lo <= c <= hi and len(c) == len(lo)]
    return [spec]
