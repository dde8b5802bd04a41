"""English of the cultivation texts: the per-condition notes and gaps (`frames.condition_notes`, stored as run
notes and joined into `run_result.reasons`), the band texts (`frames.item_band_texts`), titles and headings.

Runs keep their texts in Chinese (they are immutable and their ids do not depend on a page's language); English
pages and API fields translate them when read, a whole column at a time: polars' Aho–Corasick `replace_many`
(leftmost, longest first) over the schemes' own words (`gaoxin/data/cultivation/en.toml`, keyed by the Chinese
text so stored runs of older scheme versions translate too), the field labels of `gaoxin.fields` and the fixed
phrases `frames` writes; then the units after numbers ("18万元" → "18 10k yuan"). A word the table does not
know stays Chinese.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

import polars as pl

from gaoxin import fields as F
from gaoxin.units_format import UNITS_EN

# the fixed phrases of frames.condition_notes / _gap_text / item_band_texts and of the certificate status
PHRASES = {
    "：经直接认定「": ": met directly through “",
    "」满足": "”",
    "直接认定：": "Qualifies directly: ",
    "：数据缺失": ": data missing",
    "：符合": ": met",
    "：不符合": ": not met",
    " 最高 ": " at most ",
    "（按现有数据不能通过）": " (cannot pass on the data at hand)",
    "（需 ": " (needs ",
    "）: 仅当专家评分项合计 ≥ ": "): passes only if the expert-judged items total ≥ ",
    " 分时通过": " points",
    ", 需 ≥ ": ", needs ≥ ",
    " 或 ": " or ",
    " 且 ": " and ",
    "未达最低档：": "Below the lowest band: ",
    "数据缺失：": "Data missing: ",
    "待补数据：档次无法判断（按可能的档次计分）": "Data needed: the band cannot be judged (scored over the bands it may be in)",
    "按公式计分": "Points by formula",
    "评分范围": "Points range",
    "其他：": "Other: ",
    "已到期": "Expired",
    "有效": "Valid",
    "；": "; ",
    "：": ": ",
    "、": ", ",
    "（": " (",
    "）": ")",
}
# units after a number (frames writes "412万元", "3 人", "30分"); singular for exactly 1
UNIT_WORDS = {
    "万元": UNITS_EN["万元"],
    "人": UNITS_EN["人"],
    "件": "items",
    "项": "items",
    "个": "",
    "家": UNITS_EN["家"],
    "天": "days",
    "年": "years",
    "分": "points",
}
OTHER_UNITS = {"级": ""}  # field units shown beside source values ("80 级": a level code)
SINGULAR = r"(^|[^\d.,])1 (person|item|day|year|point|firm)s\b"
DATA = resources.files("gaoxin") / "data" / "cultivation" / "en.toml"


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, str]]:
    """The data file's tables: words, aspects, bands, gap_verbs (Chinese → English)."""
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _table() -> tuple[list[str], list[str]]:
    """(patterns, replacements), longest pattern first (with `leftmost`, the longest match wins)."""
    voc = vocabulary()
    table: dict[str, str] = dict(PHRASES)
    table.update({f.label: f.label_en for f in F.BY_NAME.values() if f.label_en})
    table.update(voc.get("words", {}))
    for zh, en in voc.get("bands", {}).items():  # band labels only where a band text names them
        table[f"{zh}："] = f"{en}: "
    for zh, en in voc.get("gap_verbs", {}).items():  # "再投入 18万元": the verb is followed by a space
        table[f"{zh} "] = en if en.endswith("+") else f"{en} "
    keys = sorted(table, key=lambda k: (-len(k), k))
    return keys, [table[k] for k in keys]


def english(texts: pl.Series) -> pl.Series:
    """The English of a column of cultivation texts (nulls stay null)."""
    keys, values = _table()
    s = texts.cast(pl.Utf8)
    s = s.str.replace_all(r"（前(\d+)年）", " ($1 years earlier)")  # missing fields of earlier years
    s = s.str.replace_all(r"(\d+)个月内到期", "Expires within $1 months")  # certificate status
    s = s.str.replace_many(keys, values, leftmost=True)
    for zh, en in UNIT_WORDS.items():
        s = s.str.replace_all(rf"(\d)\s?{zh}", f"$1 {en}".rstrip() if en else "$1")
    return s.str.replace_all(SINGULAR, "${1}1 $2").str.replace_all(r"\(1 years earlier\)", "(1 year earlier)")


def english_parts(texts: pl.Series, sep: str = "；") -> list[list[str]]:
    """Each text's ``sep``-separated parts (the gaps of `run_result.reasons`) in English, empty parts dropped."""
    if texts.len() == 0:
        return []
    frame = pl.DataFrame({"t": texts.cast(pl.Utf8)}).with_row_index("i")
    parts = frame.with_columns(pl.col("t").str.split(sep)).explode("t")
    parts = parts.with_columns(english(parts["t"]).alias("t"))
    grouped = (
        parts.filter(pl.col("t").is_not_null() & (pl.col("t") != ""))
        .group_by("i", maintain_order=True)
        .agg("t")
    )
    found = dict(zip(grouped["i"].to_list(), grouped["t"].to_list(), strict=True))
    return [found.get(i, []) for i in range(texts.len())]


def english_text(text: str | None) -> str | None:
    """One text in English (titles, a note)."""
    if text is None:
        return None
    return english(pl.Series([text], dtype=pl.Utf8))[0]


def english_unit(unit: str) -> str:
    """A condition's, lever's or field's unit in English (万元 → 10k yuan, 人 → persons, % stays)."""
    for table in (UNIT_WORDS, UNITS_EN, OTHER_UNITS):
        if unit in table:
            return table[unit]
    return unit


def english_aspect(aspect: str) -> str:
    """A condition's heading (专 / 精 / 条件一 …): matched whole."""
    return vocabulary().get("aspects", {}).get(aspect, aspect)
