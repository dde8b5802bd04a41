"""Each kind's data fingerprint for a period — what its plan stores with a run — importable without loading the
kind (its engine and scheme model): `runs.REGISTRY` names these, and `freshness` tells a stored run up to date
with them without parsing its scheme. tests/evaluations/test_freshness_shortcut.py holds each equal to its
kind's plan."""

from __future__ import annotations

import hashlib

import duckdb


def cultivation(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """`evaluations.cultivation.kind.fingerprint`: the period and the three years before it."""
    from gaoxin.store import queries

    two = str(int(str(period)[:4]) - 2)
    blob = queries.data_fingerprint(con, period) + queries.data_fingerprint(con, two)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
