"""已过期: is a stored run still computed on the data the store holds now, and its re-run.

A run is stale when its kind's plan, made today for the run's period and parameters, gives another data
fingerprint than the one stored with the run (a batch imported or superseded since). The re-run goes through
the one recipe (:func:`gaoxin.evaluations.runs.run`) with the run's own stored scheme text and parameters,
so the same data gives the same id and a re-run of an up-to-date run is a no-op."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from gaoxin.evaluations import runs as recipe


def _options(run: dict) -> dict:
    params = dict(run.get("params") or {})
    params.pop("period", None)
    return {k: v for k, v in params.items() if v is not None}


def current_fingerprint(con: duckdb.DuckDBPyConnection, run: dict) -> str | None:
    """The fingerprint the run's kind would compute now; None when it cannot be told (the period has no data
    any more, the scheme text is not stored, an unknown kind) — such a run is not flagged."""
    from gaoxin.schemes import SchemeError

    if not run.get("scheme_sha256") or not _has_text(con, run["scheme_sha256"]):
        return None
    try:
        unit = recipe.kind_of_run(run)
        scheme = unit.stored_scheme(con, run)
        return unit.plan(con, scheme, run["period"], _options(run)).fingerprint
    except (recipe.RunError, SchemeError):
        return None


def _has_text(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    from gaoxin.store import runs as store_runs

    return store_runs.scheme_text(con, sha) is not None


def stale_ids(con: duckdb.DuckDBPyConnection, runs: list[dict]) -> set[str]:
    """The stale runs among ``runs`` (each needs run_id, kind, scheme_sha256, period, data_fingerprint,
    params): the current fingerprint is computed once per (kind, period, parameters). A run whose kind gives
    its stored fingerprint for its period today (`runs.data_fingerprint`: no kind loaded, no scheme parsed) is up to date without
    more: the plan would give that fingerprint too, or fail — and a run that cannot be told is not flagged."""
    seen: dict[tuple, str | None] = {}
    quick: dict[tuple, str | None] = {}
    out = set()
    for run in runs:
        if not run.get("scheme_sha256") or not _has_text(con, run["scheme_sha256"]):
            continue  # cannot be told: not flagged
        kind = run.get("kind") or "mujun"
        if (kind, run["period"]) not in quick:
            quick[(kind, run["period"])] = _quick_fingerprint(con, run)
        key = (kind, run["period"], repr(sorted(_options(run).items())))
        if key not in seen and quick[(kind, run["period"])] == run["data_fingerprint"]:
            continue
        if key not in seen:
            seen[key] = current_fingerprint(con, run)
        if seen[key] is not None and seen[key] != run["data_fingerprint"]:
            out.add(run["run_id"])
    return out


def _quick_fingerprint(con: duckdb.DuckDBPyConnection, run: dict) -> str | None:
    return recipe.data_fingerprint(run.get("kind") or "mujun", con, run["period"])


def is_stale(con: duckdb.DuckDBPyConnection, run: dict) -> bool:
    return bool(stale_ids(con, [run]))


def rerun(con: duckdb.DuckDBPyConnection, run: dict) -> recipe.RunOutcome:
    """The run made again on today's data with its stored scheme text and parameters."""
    from gaoxin.store import runs as store_runs

    text = store_runs.scheme_text(con, run["scheme_sha256"])
    if text is None:
        raise recipe.RunError(f"评价 {run['run_id']} 的方案文本不在数据库中，无法重新评价")
    with tempfile.TemporaryDirectory(prefix="gaoxin-rerun-") as tmp:
        path = Path(tmp) / f"{run['scheme_id']}.toml"
        path.write_text(text, encoding="utf-8")
        return recipe.run(con, path, run["period"], expect=run.get("kind") or "mujun", **_options(run))


def run_states(con: duckdb.DuckDBPyConnection, runs: list[dict]) -> dict[str, dict]:
    """run id → {"official": the 正式 run of its scheme and year, "stale": 已过期} (CLI, pages and API)."""
    from gaoxin.store import official

    stale, marks = stale_ids(con, runs), official.current(con)
    out = {}
    for r in runs:
        mark = marks.get((r["scheme_id"], r["period"]))
        out[r["run_id"]] = {
            "official": bool(mark and mark["run_id"] == r["run_id"]),
            "stale": r["run_id"] in stale,
        }
    return out
