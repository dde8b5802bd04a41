"""Group keys → integer codes, without a per-unit Python loop (towns, industry codes, any hashable labels).

Text keys (str, with None allowed) are hashed by polars — numpy would sort Python objects one comparison at a
time; other keys (numbers, mixed objects) fall back to numpy or a dict pass. Codes follow the first appearance
of each key, so results do not depend on how keys sort.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def factorize(values) -> tuple[np.ndarray, list]:
    """(codes, uniques): ``uniques[codes[i]] == values[i]``; uniques in order of first appearance (None is a key)."""
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind in "biuf":  # numbers: sort-based, then renumbered by first appearance
        _, first, inv = np.unique(arr, return_index=True, return_inverse=True)
        rank = np.empty(first.size, dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(first.size)
        return rank[inv.ravel()], arr[np.sort(first)].tolist()
    arr = arr.astype(object, copy=False)
    try:
        s = pl.Series(arr, dtype=pl.Utf8)
    except (TypeError, pl.exceptions.PolarsError):  # not all text: equality classes through a dict
        seen: dict = {}
        by_dict = np.fromiter(
            (seen.setdefault(v, len(seen)) for v in arr.tolist()), dtype=np.int64, count=arr.shape[0]
        )
        return by_dict, list(seen)
    uniq = s.unique(maintain_order=True).to_list()
    texts = [u for u in uniq if u is not None]
    at = pl.Series([uniq.index(u) for u in texts], dtype=pl.Int64)
    codes = s.replace_strict(pl.Series(texts, dtype=pl.Utf8), at, return_dtype=pl.Int64)
    if None in uniq:
        codes = codes.fill_null(uniq.index(None))
    return codes.to_numpy().astype(np.int64, copy=False), uniq


def group_members(groups, n: int) -> list[np.ndarray]:
    """Indices (ascending) of each group's members, groups in order of first appearance."""
    g = np.asarray(groups, dtype=object) if not isinstance(groups, np.ndarray) else groups
    if g.shape != (n,):
        raise ValueError(f"groups has length {g.shape[0] if g.ndim else 0}, expected {n}")
    if n == 0:
        return []
    codes, _ = factorize(g)
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
