"""Vectorised cell parsing (polars expressions): numbers, flags, dates, codes, periods.

Each parser returns (value expression, bad-cell expression). A cell is bad when it holds text that
is not a placeholder for 'no data' and cannot be read as the expected type.

Every parser folds its column itself unless given `fold`, the column already folded (`folded(col)`):
callers parsing many columns at once fold each column once, as each fold builds its own automaton.
"""

from __future__ import annotations

import datetime as dt
from itertools import product

import polars as pl

from gaoxin.ingest.text import NULL_TOKENS
from gaoxin.settings import get_limits

_FW = [chr(c) for c in range(0xFF10, 0xFF1A)] + ["．", "，", "％", "－", "＋", "　", "﹣", "＿"]
_HW = [chr(c) for c in range(0x30, 0x3A)] + [".", ",", "%", "-", "+", " ", "-", "_"]
_FW_UPPER = [chr(c) for c in range(0xFF21, 0xFF3B)]
_HW_UPPER = [chr(c) for c in range(0x41, 0x5B)]
_FW_LOWER = [chr(c) for c in range(0xFF41, 0xFF5B)]
_HW_LOWER = [chr(c) for c in range(0x61, 0x7B)]


def any_case(tokens) -> list[str]:
    """Every upper/lower-case spelling of lower-case tokens.

    `is_in(any_case(t))` matches what `str.to_lowercase().is_in(t)` matches (the tokens' letters are ASCII
    and no other character lower-cases to one), without lower-casing every cell: Unicode case mapping of
    Chinese text is the slowest step of a 100k-row import.
    """
    out: set[str] = set()
    for tok in tokens:
        assert tok == tok.lower(), tok
        out.update(map("".join, product(*({ch, ch.upper()} if ch.isascii() else {ch} for ch in tok))))
    return sorted(out)


TRUE_TOKENS = ["是", "y", "yes", "true", "1", "1.0", "有", "√", "✓", "规上", "发生"]
FALSE_TOKENS = ["否", "n", "no", "false", "0", "0.0", "无", "×", "规下", "未发生"]
_NULLS = any_case(NULL_TOKENS)
_TRUE = any_case(TRUE_TOKENS)
_FALSE = any_case(FALSE_TOKENS)


def folded(col: str) -> pl.Expr:
    """Trimmed, full-width digits/letters/punctuation folded to half-width."""
    return (
        pl.col(col)
        .str.replace_many(_FW + _FW_UPPER + _FW_LOWER, _HW + _HW_UPPER + _HW_LOWER)
        .str.strip_chars()
    )


def _folded(col: str, fold: pl.Expr | None) -> pl.Expr:
    return folded(col) if fold is None else fold


def is_placeholder(col: str, fold: pl.Expr | None = None) -> pl.Expr:
    f = _folded(col, fold)
    return f.is_null() | f.is_in(_NULLS)


def number(
    col: str, factor: float = 1.0, allow_percent: bool = False, fold: pl.Expr | None = None
) -> tuple[pl.Expr, pl.Expr]:
    """Numbers with thousand separators and full-width digits; '12%' only where a ratio is expected."""
    f = _folded(col, fold)
    pct = f.str.ends_with("%")
    body = f.str.replace_all(",", "", literal=True).str.strip_suffix("%").str.strip_chars()
    raw = body.cast(pl.Float64, strict=False)
    blank = is_placeholder(col, f)
    value = pl.when(blank).then(None).when(pct).then(raw / 100.0).otherwise(raw * factor)
    # inf, -Infinity, 1e400 (and 1e308 × a unit factor) are not figures: refused, never stored as ±∞
    bad = ~blank & (raw.is_null() | ~value.is_finite().fill_null(True) | (pct & (not allow_percent)))
    if not allow_percent:
        value = pl.when(pct).then(None).otherwise(value)
    return value, bad


def flag(col: str, fold: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    f = _folded(col, fold)
    value = pl.when(f.is_in(_TRUE)).then(1.0).when(f.is_in(_FALSE)).then(0.0).otherwise(None)
    bad = ~is_placeholder(col, f) & value.is_null()
    return value, bad


def date(col: str, fold: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    f = _folded(col, fold)
    dashed = (
        f.str.replace_all(r"[年月/.]", "-")
        .str.replace_all("日", "", literal=True)
        .str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
    )
    serial = f.cast(pl.Float64, strict=False)
    from_serial = (
        pl.when((serial > 1000) & (serial < 80000))
        .then(pl.lit(-25569, dtype=pl.Int32).cast(pl.Date) + pl.duration(days=serial.floor().cast(pl.Int64)))
        .otherwise(None)
    )
    value = pl.coalesce(
        dashed.str.to_date("%Y-%m-%d", strict=False),
        f.str.to_date("%Y%m%d", strict=False),
        from_serial,
    )
    bad = ~is_placeholder(col, f) & value.is_null()
    return value, bad


def industry_code(col: str, fold: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    f = _folded(col, fold)
    code = f.str.to_uppercase().str.replace(r"\.0+$", "").str.replace(r"^[A-T]", "")
    ok = code.str.contains(r"^\d{2,4}$")
    value = pl.when(ok).then(code).otherwise(None)
    bad = ~is_placeholder(col, f) & ~ok.fill_null(False)
    return value, bad


def period(col: str, fold: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    """A data year (2025, 2025年, 2025年度); years before `Limits.year_min` or after next year are refused."""
    limits = get_limits()
    f = _folded(col, fold)
    year = f.str.extract(r"((?:19|20)\d{2})", 1)
    last = dt.date.today().year + limits.year_ahead
    n = year.cast(pl.Int32, strict=False)
    bad = ~is_placeholder(col, f) & (year.is_null() | (n < limits.year_min) | (n > last)).fill_null(True)
    return year, bad


def text_problem(col: str, limit: int) -> pl.Expr:
    """True where a text cell is longer than `limit` characters or holds control characters (NUL …)."""
    t = pl.col(col)
    return ((t.str.len_chars() > limit) | t.str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")).fill_null(False)


def text_value(col: str, fold: pl.Expr | None = None) -> pl.Expr:
    t = pl.col(col).str.strip_chars()
    return pl.when(is_placeholder(col, fold)).then(None).otherwise(t)
