"""One firm as its 画像 shows it: attributes and parcels, every imported value with its batch, its result and
trace in a run, and its 亩均 history across runs."""

from __future__ import annotations

import duckdb

from .db import one, rows
from .keys import FIRM_OF


def firm_town(cur: duckdb.DuckDBPyConnection, uscc: str) -> tuple[bool, str | None]:
    """(exists, town) from the store itself, for access checks."""
    found = one(cur, "SELECT town FROM enterprise WHERE uscc = ?", [uscc])
    return (found is not None, found[0] if found else None)


def identity(cur: duckdb.DuckDBPyConnection, uscc: str) -> dict | None:
    """The profile's attributes (the latest 规上 status from the look-up table) and its parcels."""
    keys = (
        "uscc",
        "name",
        "town",
        "industry_code",
        "industry_name",
        "registered_on",
        "business_scope",
        "main_products",
        "batch_id",
        "attr_source",
        "file_name",
    )
    # the 规上 status joined in the same read (one query for the firm's row instead of two)
    found = one(
        cur,
        f"""SELECT {", ".join("e." + k for k in keys[:-1])}, b.file_name, w.above_scale
                         FROM enterprise e LEFT JOIN import_batch b USING (batch_id)
                         LEFT JOIN webcache.firm w ON w.uscc = e.uscc WHERE e.uscc = ?""",
        [uscc],
    )
    if found is None:
        return None
    out = dict(zip((*keys, "above_scale"), found, strict=True))
    pkeys = (
        "parcel_id",
        "period",
        "area_mu",
        "leased_out_mu",
        "leased_in_mu",
        "land_use",
        "batch_id",
        "row_no",
    )
    out["parcels"] = [
        dict(zip(pkeys, r, strict=True))
        for r in rows(
            cur, f"SELECT {', '.join(pkeys)} FROM parcel WHERE uscc = ? ORDER BY period, parcel_id", [uscc]
        )
    ]
    return out


def all_facts(cur: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    """Every value ever imported for the firm (in force or superseded), newest batch first."""
    keys = (
        "period",
        "indicator",
        "value",
        "unit",
        "batch_id",
        "source",
        "file_name",
        "sheet",
        "row_no",
        "current",
    )
    # the firm's rows first (MATERIALIZED keeps the point look-up apart from the join; by the firm's number
    # the zone maps of facts clustered by firm skip all but a few row groups), then their batches
    found = rows(
        cur,
        f"""WITH f AS MATERIALIZED (SELECT * FROM fact WHERE firm = {FIRM_OF})
                         SELECT f.period, f.indicator, f.value, f.unit, f.batch_id, b.source, b.file_name, f.sheet,
                                f.row_no, NOT f.superseded
                         FROM f JOIN import_batch b USING (batch_id)
                         ORDER BY f.period DESC, f.indicator, f.batch_id DESC""",
        [uscc],
    )
    return [dict(zip(keys, r, strict=True)) for r in found]


RESULT_KEYS = (
    "list_id",
    "score",
    "rank",
    "class_initial",
    "class_final",
    "reasons",
    "land_mu",
    "base_score",
    "adjustment",
    "list_size",
)
# what the 画像's history and tiers show of each run (the rows `firm_history` returns, with the kind)
RUN_KEYS = (
    "run_id",
    "kind",
    "scheme_id",
    "period",
    "created_at",
    "list_id",
    "score",
    "rank",
    "class_final",
    "reasons",
)


def result_in(runs: list[dict], run_id: str) -> dict | None:
    """The firm's result in the run `run_id` taken from its `firm_runs` rows (None when not in that run)."""
    for r in runs:
        if r["run_id"] == run_id:
            return {k: r[k] for k in RESULT_KEYS}
    return None


def firm_runs(cur: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    """The firm's row in every stored run (one scan of run_result), with the run's kind, scheme, period and
    time: the 画像 takes its 亩均 history, its cultivation tiers, the chosen run's result (`result_in`) and the
    firm's position in each run (`firm`, for `store.runs.run_item_rows_at`) from these."""
    extra = [k for k in RESULT_KEYS if k not in RUN_KEYS]
    keys = (*RUN_KEYS, *extra, "firm")
    found = rows(
        cur,
        f"""WITH r AS MATERIALIZED (SELECT * FROM run_result WHERE uscc = ?)
                         SELECT r.run_id, run.kind, run.scheme_id, run.period, run.created_at, r.list_id, r.score,
                                r.rank, r.class_final, r.reasons, {", ".join("r." + k for k in extra)}, r.firm
                         FROM r JOIN run USING (run_id)
                         ORDER BY run.period, run.created_at, r.run_id""",
        [uscc],
    )
    return [dict(zip(keys, r, strict=True)) for r in found]


def firm_history(cur: duckdb.DuckDBPyConnection, uscc: str, runs: list[dict] | None = None) -> list[dict]:
    """The firm's 亩均 runs, oldest first (from `firm_runs` rows when the caller has them)."""
    found = firm_runs(cur, uscc) if runs is None else runs
    return [{k: r[k] for k in RUN_KEYS if k != "kind"} for r in found if r["kind"] == "mujun"]
