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


def batch_sources(cur: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str]]:
    """batch id → (source, file name) of every import batch: a batch never changes, so a reader of many firms'
    pages keeps this and passes it to `identity` and `all_facts` instead of their join per read."""
    return {r[0]: (r[1], r[2]) for r in rows(cur, "SELECT batch_id, source, file_name FROM import_batch")}


def run_heads(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """run id → (kind, scheme_id, period, created_at) of every run (runs never change: see `batch_sources`)."""
    return {
        r[0]: tuple(r[1:]) for r in rows(cur, "SELECT run_id, kind, scheme_id, period, created_at FROM run")
    }


def _known(cur, table: str, key: str, value, cols: str, known: dict):
    """`known[value]`, or the row read from the store when it is not there (written after `known` was read)."""
    found = known.get(value)
    if found is None and value is not None:
        hit = one(cur, f"SELECT {cols} FROM {table} WHERE {key} = ?", [value])
        found = tuple(hit) if hit else None
    return found


def identity(
    cur: duckdb.DuckDBPyConnection, uscc: str, batches: dict[int, tuple[str, str]] | None = None
) -> dict | None:
    """The profile's attributes (the latest 规上 status from the look-up table) and its parcels; the file of the
    batch the attributes came from is taken from `batches` (`batch_sources`) when the caller keeps it, else read."""
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
    )
    # the 规上 status joined in the same read (one query for the firm's row instead of two)
    found = one(
        cur,
        f"""SELECT {", ".join("e." + k for k in keys)}, w.above_scale, e.firm
                         FROM enterprise e LEFT JOIN webcache.firm w ON w.uscc = e.uscc WHERE e.uscc = ?""",
        [uscc],
    )
    if found is None:
        return None
    head = _known(cur, "import_batch", "batch_id", found[8], "source, file_name", batches or {})
    found = (*found[:10], head[1] if head else None, *found[10:])
    # `firm`: the store's number of the firm (store.keys), for reads by it (`all_facts`); not the user's key
    out = dict(zip((*keys, "file_name", "above_scale", "firm"), found, strict=True))
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


def all_facts(
    cur: duckdb.DuckDBPyConnection,
    uscc: str,
    firm: int | None = None,
    batches: dict[int, tuple[str, str]] | None = None,
) -> list[dict]:
    """Every value ever imported for the firm (in force or superseded), newest batch first; `firm`: its number
    when the caller has it (`identity` reads it), else found by the credit code. Each row's source and file come
    from `batches` (`batch_sources`, read here when the caller keeps none): no join per read. By the firm's
    number the zone maps of facts clustered by firm skip all but a few row groups."""
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
    where, param = ("firm = ?", firm) if firm is not None else (f"firm = {FIRM_OF}", uscc)
    found = rows(
        cur,
        f"""SELECT period, indicator, value, unit, batch_id, sheet, row_no, NOT superseded FROM fact WHERE {where}
            ORDER BY period DESC, indicator, batch_id DESC""",
        [param],
    )
    if batches is None:
        batches = batch_sources(cur)
    out = []
    for period, indicator, value, unit, batch_id, sheet, row_no, current in found:
        head = _known(cur, "import_batch", "batch_id", batch_id, "source, file_name", batches)
        if head is not None:  # a fact of no batch is not shown
            row = (period, indicator, value, unit, batch_id, *head, sheet, row_no, current)
            out.append(dict(zip(keys, row, strict=True)))
    return out


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


def firm_runs(cur: duckdb.DuckDBPyConnection, uscc: str, heads: dict[str, tuple] | None = None) -> list[dict]:
    """The firm's row in every stored run (one scan of run_result), with the run's kind, scheme, period and
    time: the 画像 takes its 亩均 history, its cultivation tiers, the chosen run's result (`result_in`) and the
    firm's position in each run (`firm`, for `store.runs.run_item_rows_at`) from these. The run's part comes
    from `heads` (`run_heads`, read here when the caller keeps none): no join per read."""
    extra = [k for k in RESULT_KEYS if k not in RUN_KEYS]
    keys = (*RUN_KEYS, *extra, "firm")
    mine = (
        f"r.list_id, r.score, r.rank, r.class_final, r.reasons, {', '.join('r.' + k for k in extra)}, r.firm"
    )
    found = rows(cur, f"SELECT r.run_id, {mine} FROM run_result r WHERE r.uscc = ?", [uscc])
    if heads is None:
        heads = run_heads(cur)
    out = []
    for run_id, *rest in found:
        head = _known(cur, "run", "run_id", run_id, "kind, scheme_id, period, created_at", heads)
        if head is not None:
            out.append(dict(zip(keys, (run_id, *head, *rest), strict=True)))
    out.sort(key=lambda r: (r["period"], r["created_at"], r["run_id"]))
    return out


def firm_history(cur: duckdb.DuckDBPyConnection, uscc: str, runs: list[dict] | None = None) -> list[dict]:
    """The firm's 亩均 runs, oldest first (from `firm_runs` rows when the caller has them)."""
    found = firm_runs(cur, uscc) if runs is None else runs
    return [{k: r[k] for k in RUN_KEYS if k != "kind"} for r in found if r["kind"] == "mujun"]
