"""Who moved it (拉动): each firm's contribution in percentage points to the zone's growth.

On a like-for-like set (firms reporting in both years' 1–N月): growth = (ΣC − ΣB) / ΣB × 100 and a firm's
拉动 = (C − B) / ΣB × 100, so the contributions sum to the set's growth exactly. Firms with a value only this
year (entering, 新进规) or only last year (leaving, 退规) are kept apart and never mixed into the sum.
Input: per-firm sums (one row per firm, `gaoxin.store.monitoring.firm_sums`), a few columns of numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass
class Contributions:
    period: str
    indicator: str
    firms: pl.DataFrame  # uscc, current, base, delta, pp, status (same | entering | leaving)
    growth: float | None  # the like-for-like growth, %
    base_total: float
    current_total: float
    entering: int
    leaving: int

    def top(self, n: int = 10, drags: bool = False) -> pl.DataFrame:
        same = self.firms.filter(pl.col("status") == "same")
        return same.sort("pp", descending=not drags).head(n)

    def by(self, attrs: pl.DataFrame, column: str) -> pl.DataFrame:
        """拉动 summed by a firm attribute (town, industry) — the parts add up to the growth."""
        same = self.firms.filter(pl.col("status") == "same").join(attrs, on="uscc", how="left")
        return (
            same.group_by(pl.col(column).fill_null("（未登记）"))
            .agg(pl.len().alias("firms"), pl.col("delta").sum(), pl.col("pp").sum())
            .sort("pp", descending=True)
        )


def contributions(sums: pl.DataFrame, period: str, indicator: str) -> Contributions:
    """`sums`: uscc, current (this year's 1–N月, null when absent), base (last year's 1–N月, null when absent)."""
    cur = sums.get_column("current").to_numpy(allow_copy=True).astype(np.float64)
    base = sums.get_column("base").to_numpy(allow_copy=True).astype(np.float64)
    has_c, has_b = ~np.isnan(cur), ~np.isnan(base)
    same = has_c & has_b
    b_total = float(base[same].sum())
    c_total = float(cur[same].sum())
    delta = np.where(same, cur - base, np.nan)
    pp = delta / b_total * 100 if b_total > 0 else np.full_like(delta, np.nan)
    status = np.where(same, "same", np.where(has_c, "entering", "leaving"))
    firms = sums.select("uscc", "current", "base").with_columns(
        pl.Series("delta", delta), pl.Series("pp", pp), pl.Series("status", status)
    )
    growth = (c_total - b_total) / b_total * 100 if b_total > 0 else None
    return Contributions(
        period,
        indicator,
        firms,
        growth,
        b_total,
        c_total,
        int((has_c & ~has_b).sum()),
        int((has_b & ~has_c).sum()),
    )
