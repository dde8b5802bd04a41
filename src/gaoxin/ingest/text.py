"""Text folding for headers and cells: full-width → half-width, units out of headers."""

from __future__ import annotations

import re
import unicodedata

from gaoxin.ingest import units

_SPACES = re.compile(r"\s+")
_PAREN = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_UNIT_LINE = re.compile(r"^(?:计量)?单位\s*[:：]\s*(.+)$")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_PREFIX = re.compile(r"^(其中|含|内)[:：]?")

NULL_TOKENS = frozenset(
    {
        "",
        "…",
        "……",
        "...",
        "—",
        "——",
        "-",
        "--",
        "/",
        "－",
        "null",
        "none",
        "nan",
        "n/a",
        "na",
        "#n/a",
        "无数据",
    }
)


def fold(s: str | None) -> str:
    """NFKC (full-width letters, digits, （）％：→ half-width), trimmed, inner whitespace removed."""
    if s is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(s)))


def split_unit(
    header: str, extra_units: frozenset[str] = frozenset(), slash: bool = True
) -> tuple[str, str | None]:
    """('用电量', '万千瓦时') from '用电量（万千瓦时）' / '用电量 单位:万千瓦时' / '用电量/万千瓦时'.

    Parenthesised text that is not a known unit (e.g. '(等价值)') stays in the name. `extra_units` are
    units `units.lookup` does not know (a vocabulary's compound units, 件/万人); `slash` reads
    '用电量/万千瓦时' as a unit (off where units themselves hold a '/').
    """

    def is_unit(tok: str) -> bool:
        return tok in extra_units or bool(units.lookup(tok))

    h = fold(header)
    unit = None
    m = re.search(r"单位[:：]\s*([^()\[\],，;；]+)", h)
    if m and is_unit(m.group(1)):
        unit = m.group(1)
        h = (h[: m.start()] + h[m.end() :]).strip()

    def _take(mm: re.Match) -> str:
        nonlocal unit
        kept = []
        for tok in re.split(r"[,，;；、]", mm.group(1)):
            tok = re.sub(r"^单位[:：]", "", tok)
            if unit is None and is_unit(tok):  # a wrong unit is caught, not ignored
                unit = tok
            elif tok:
                kept.append(tok)
        return f"({'，'.join(kept)})" if kept else ""

    h = _PAREN.sub(_take, h)
    if slash and unit is None and "/" in h:  # '用电量/万千瓦时'
        head, _, tail = h.rpartition("/")
        if units.lookup(tail):
            h, unit = head, tail
    return h.strip(), unit


def match_key(name: str) -> str:
    """Key used to look a header name up in the alias table."""
    s = _PREFIX.sub("", fold(name))
    return s.lower().rstrip("*:：")


def unit_line(cell: str | None) -> str | None:
    """'万元' from a '单位：万元' line under a table title."""
    m = _UNIT_LINE.match(fold(cell))
    if m and units.lookup(m.group(1)):
        return m.group(1)
    return None


def year_in(text: str | None) -> str | None:
    m = _YEAR.search(fold(text))
    return m.group(1) if m else None
