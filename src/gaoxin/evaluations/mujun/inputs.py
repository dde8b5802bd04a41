"""亩均 inputs from the store: the columnar dataset of a period (only the fields the scheme reads) and the
previous period's, as the store stood at a batch."""

from __future__ import annotations

import duckdb
import numpy as np

from gaoxin import fields as F
from gaoxin.evaluations.periods import previous_period
from gaoxin.schemes import Scheme
from gaoxin.store import queries

from .core import evaluate
from .types import READ_KEYS, MujunResult


def stored_fields(scheme: Scheme) -> list[str]:
    """The stored numeric fields the scheme's formulas read (this period or through prev())."""
    names = {f.name for f in F.numeric_fields()}
    used, used_prev = scheme.referenced_names()
    return sorted(f for f in used | used_prev if f in names)


def period_data(
    con: duckdb.DuckDBPyConnection, period: str, scheme: Scheme, max_batch: int | None = None
) -> dict[str, np.ndarray]:
    """The columnar dataset the core reads: only the fields the scheme refers to."""
    return queries.arrays(con, period, stored_fields(scheme), max_batch, attributes=READ_KEYS)


def previous_fields(scheme: Scheme) -> list[str] | None:
    """The stored fields the previous period must supply: None when the scheme never looks back; the fields it
    reads through prev(...) — for most schemes only 规上 status — unless a benchmark is the previous period's
    (then every field the scheme reads, for that period's own population and values)."""
    if not scheme.uses_previous():
        return None
    if any(
        i.benchmark is not None and i.benchmark.basis == "previous"
        for lst in scheme.lists
        for i in lst.indicator
    ):
        return stored_fields(scheme)
    names = {f.name for f in F.numeric_fields()}
    return sorted(scheme.referenced_names()[1] & names)


def stored_data(
    con: duckdb.DuckDBPyConnection, period: str, scheme: Scheme, max_batch: int | None = None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """The period's columns the scheme reads and the previous period's (None when it reads none or the store
    has no such period): a 22-indicator scheme that looks back only for 小升规 reads one column there, not 22.
    Both years over one read of the firms (the same rows; attribute arrays shared, rows aligned)."""
    fields, before = previous_fields(scheme), previous_period(period)
    if fields is None or not queries.has_period(con, before):
        return period_data(con, period, scheme, max_batch), None
    read = queries.arrays_by_period(
        con, {period: stored_fields(scheme), before: fields}, max_batch, attributes=READ_KEYS
    )
    return read[period], read[before]


def evaluate_stored(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, period: str, max_batch: int | None = None, watch=None
) -> tuple[MujunResult, dict, dict | None]:
    """Evaluate from the store (as of `max_batch`): the result, the data and the previous period's data."""
    data, prev = stored_data(con, period, scheme, max_batch)
    if watch:
        watch.lap("read")
    result = evaluate(scheme, period, data, prev)
    if watch:
        watch.lap("evaluate")
    return result, data, prev
