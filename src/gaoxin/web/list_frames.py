"""Pages of the enterprise list from a list view held in memory as columns: the same filters, order and count
as `store.enterprise_list` gives in SQL over the view table, worked over arrays.

A page read in SQL scans the whole view twice (the page's firms by the sort, then their columns) — 4–8 ms of
a page under load at 100k firms. Here each order of the view is sorted once (an index array, kept per order),
a filter is one vectorised mask, and a page is a slice of the order taken through the mask: its count comes
with it. The SQL stays the reference (tests/web/test_list_frames.py checks both give the same pages)."""

from __future__ import annotations

import numpy as np
import polars as pl

from gaoxin.store.enterprise_list import (
    BASIS_COLUMNS,
    CLASS_PLACE,
    LIST_COLUMNS,
    SORT_KEYS,
    USCC_CHARS,
    ListQuery,
)


class ListFrame:
    """One list view (`webcache.build_view`'s table) as a polars frame, with its sorted orders."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame.with_columns(
            pl.col("class_final")
            .replace_strict(CLASS_PLACE, default=None, return_dtype=pl.Int8)
            .alias("class_place")
        )
        self.orders: dict[tuple[str, bool], np.ndarray] = {}

    def order(self, sort: str, desc: bool) -> np.ndarray:
        """Row positions in the order of `sort` (built on first use, kept: the view never changes)."""
        key = (sort, desc)
        found = self.orders.get(key)
        if found is None:
            keys = SORT_KEYS.get(sort, SORT_KEYS["name"])
            descending = [desc if direction is True else direction == "desc" for _, direction, _ in keys]
            found = (
                self.frame.select(
                    pl.arg_sort_by(
                        [pl.col(c) for c, _, _ in keys],
                        descending=descending,
                        nulls_last=[last for _, _, last in keys],
                    )
                )
                .to_series()
                .to_numpy()
            )
            self.orders[key] = found
        return found

    def mask(self, query: ListQuery) -> np.ndarray | None:
        """The rows that pass the query's filters (None: every row), as `ListQuery.where` selects them."""
        parts = []
        town = query.scope_town or query.town
        if town:
            parts.append(pl.col("town") == town)
        if query.industry:
            parts.append(pl.col("industry_code").str.starts_with(query.industry))
        if query.scale == "above":
            parts.append(pl.col("above_scale"))
        elif query.scale == "below":
            parts.append(~pl.col("above_scale").fill_null(False))
        if query.klass and query.run_id:
            parts.append(pl.col("class_final") == query.klass)
        q = query.q.strip()
        if q:
            alts = [pl.col("name").str.contains(q, literal=True)]
            up = q.upper()
            if USCC_CHARS.match(up):
                alts.append(pl.col("uscc").str.starts_with(up))
            low = q.lower()
            if low.isascii() and low.isalnum():
                alts.append(pl.col("initials").str.contains(low, literal=True))
            parts.append(pl.any_horizontal(alts))
        if not parts:
            return None
        # a missing value passes no filter, as NULL in a WHERE clause
        return self.frame.select(pl.all_horizontal(parts).fill_null(False)).to_series().to_numpy()

    def page(self, query: ListQuery) -> tuple[list[dict], dict[str, dict], int]:
        """(the page's rows, the 规上 basis of its firms that have one, how many firms match) — what
        `enterprise_list.page_with_basis` and `enterprise_list.count` give."""
        order = self.order(query.sort, query.desc)
        mask = self.mask(query)
        chosen = order if mask is None else order[mask[order]]
        start = (query.page - 1) * query.size
        rows = self.frame[chosen[start : start + query.size]]
        items = rows.select(LIST_COLUMNS).to_dicts()
        basis = {
            r["uscc"]: {c: r[f"basis_{c}"] for c in BASIS_COLUMNS}
            for r in rows.select("uscc", *(f"basis_{c}" for c in BASIS_COLUMNS)).to_dicts()
            if r["basis_period"] is not None
        }
        return items, basis, int(chosen.shape[0])
