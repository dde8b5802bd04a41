"""Reads of a stored run's item rows that reports need in bulk (the whole run, not one subject)."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store.db import frame


def item_scores(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Every item row of a run: uscc, item, value, score (in the view's order)."""
    return frame(con, "SELECT uscc, item, value, score FROM run_item WHERE run_id = ?", [run_id])
