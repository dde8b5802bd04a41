"""Each kind's data fingerprint for a period and the parameters of a run made without options — what its plan
stores with a run — importable without loading the kind (its engine and scheme model): `runs.REGISTRY` names
these; `freshness` tells a stored run up to date with them without parsing its scheme, and
`runs.stored_run_id` finds an existing run from the scheme text alone. tests/evaluations/
test_freshness_shortcut.py and test_stored_run_shortcut.py hold each equal to its kind's plan."""

from __future__ import annotations

import hashlib

import duckdb

# The cultivation method's version, part of every cultivation run's parameters (so of its id): 2 = the 待补数据
# verdict, three-valued conditions and open ranges for missing counts. Runs of method 1 stay as stored.
CULTIVATION_METHOD = 2


def mujun_params(period: str) -> dict:
    """`evaluations.mujun.kind.plan` parameters."""
    return {"period": period}


def cultivation_params(period: str) -> dict:
    """`evaluations.cultivation.kind.plan` parameters without `--param` overrides."""
    return {"period": period, "params": {}, "method": CULTIVATION_METHOD}


def cultivation(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """`evaluations.cultivation.kind.fingerprint`: the period and the three years before it."""
    from gaoxin.store import queries

    two = str(int(str(period)[:4]) - 2)
    blob = queries.data_fingerprint(con, period) + queries.data_fingerprint(con, two)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
