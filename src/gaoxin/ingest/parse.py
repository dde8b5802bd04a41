"""Vectorised cell parsing (polars expressions): numbers, flags, dates, codes, periods.

Each parser returns (value expression, bad-cell expression). A cell is bad when it holds text that
is not a placeholder for 'no data' and cannot be read as the expected type.
"""

from __future__ import annotations

import polars as pl

from gaoxin.ingest.text import NULL_TOKENS

_FW = [chr(c) for c in range(0xFF10, 0xFF1A)] + ["．", "，", "％", "－", "＋", "　", "﹣", "＿"]
_HW = [chr(c) for c in range(0x30, 0x3A)] + [".", ",", "%", "-", "+", " ", "-", "_"]
_FW_UPPER = [chr(c) for c in range(0xFF21, 0xFF3B)]
_HW_UPPER = [chr(c) for c in range(0x41, 0x5B)]
_FW_LOWER = [chr(c) for c in range(0xFF41, 0xFF5B)]
_HW_LOWER = [chr(c) for c in range(0x61, 0x7B)]
_NULLS = sorted(NULL_TOKENS)

TRUE_TOKENS = ["是", "y", "yes", "true", "1", "1.0", "有", "√", "✓", "规上", "发生"]
FALSE_TOKENS = ["否", "n", "no", "false", "0", "0.0", "无", "×", "规下", "未发生"]


def folded(col: str) -> pl.Expr:
    """Trimmed, full-width digits/letters/punctuation folded to half-width."""
    return (
        pl.col(col)
        .str.replace_many(_FW + _FW_UPPER + _FW_LOWER, _HW + _HW_UPPER + _HW_LOWER)
        .str.strip_chars()
    )


def is_placeholder(col: str) -> pl.Expr:
    f = folded(col)
    return f.is_null() | f.str.to_lowercase().is_in(_NULLS)


def number(col: str, factor: float = 1.0, allow_percent: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """Numbers with thousand separators and full-width digits; '12%' only where a ratio is expected."""
    f = folded(col)
    pct = f.str.ends_with("%")
    body = f.str.replace_all(",", "", literal=True).str.strip_suffix("%").str.strip_chars()
    raw = body.cast(pl.Float64, strict=False)
    value = pl.when(is_placeholder(col)).then(None).when(pct).then(raw / 100.0).otherwise(raw * factor)
    bad = ~is_placeholder(col) & (raw.is_null() | (pct & (not allow_percent)))
    if not allow_percent:
        value = pl.when(pct).then(None).otherwise(value)
    return value, bad


def flag(col: str) -> tuple[pl.Expr, pl.Expr]:
    f = folded(col).str.to_lowercase()
    value = (
        pl.when(f.is_in(TRUE_TOKENS)).then(1.0).when(f.is_in(FALSE_TOKENS)).then(0.0).otherwise(None)
    )
    bad = ~is_placeholder(col) & value.is_null()
    return value, bad


def date(col: str) -> tuple[pl.Expr, pl.Expr]:
    f = folded(col)
    dashed = (
        f.str.replace_all(r"[年月/.]", "-").str.replace_all("日", "", literal=True)
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
    bad = ~is_placeholder(col) & value.is_null()
    return value, bad


def industry_code(col: str) -> tuple[pl.Expr, pl.Expr]:
    f = folded(col).str.to_uppercase().str.replace(r"\.0+$", "").str.replace(r"^[A-T]", "")
    ok = f.str.contains(r"^\d{2,4}$")
    value = pl.when(ok).then(f).otherwise(None)
    bad = ~is_placeholder(col) & ~ok.fill_null(False)
    return value, bad


def period(col: str) -> tuple[pl.Expr, pl.Expr]:
    f = folded(col).str.extract(r"((?:19|20)\d{2})", 1)
    bad = ~is_placeholder(col) & f.is_null()
    return f, bad


def text_value(col: str) -> pl.Expr:
    t = pl.col(col).str.strip_chars()
    return pl.when(is_placeholder(col)).then(None).otherwise(t)
