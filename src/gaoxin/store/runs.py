"""Evaluation runs: immutable, identified by a content hash, stored with their per-item trace."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

from gaoxin.store.db import dicts, frame, one, rows, transaction
from gaoxin.store.imports import staged

if TYPE_CHECKING:
    import polars as pl
else:  # loaded on first use (gaoxin.lazy): readers of plain rows do not import them
    from gaoxin.lazy import pl

# column → polars dtype name (resolved by `dtypes` when a frame is built: polars loads only then)
RESULT_COLUMNS = {
    "uscc": "Utf8",
    "list_id": "Utf8",
    "score": "Float64",
    "rank": "Int32",
    "class_initial": "Utf8",
    "class_final": "Utf8",
    "reasons": "Utf8",
    "land_mu": "Float64",
    "base_score": "Float64",
    "adjustment": "Float64",
    "list_size": "Int32",
}
ITEM_COLUMNS = {
    "uscc": "Utf8",
    "item": "Utf8",
    "value": "Float64",
    "numerator": "Float64",
    "denominator": "Float64",
    "benchmark": "Float64",
    "raw_score": "Float64",
    "score": "Float64",
    "weight": "Float64",
    "note": "Utf8",
    "clause": "Utf8",
}
NUMBERS = ["value", "numerator", "denominator", "benchmark", "raw_score", "score"]
TRACE_COLUMNS = {
    "firm": "Int32",
    "item_no": "Int32",
    **dict.fromkeys(NUMBERS, "Float64"),
    "note_no": "Int32",
}
DEF_COLUMNS = {"item_no": "Int32", "item": "Utf8", "weight": "Float64", "clause": "Utf8"}
NOTE_COLUMNS = {"note_no": "Int32", "note": "Utf8"}


@dataclass
class Trace:
    """A run's per-(firm, item) trace as stored: numbers keyed by integers, texts once per run.

    ``rows``: firm (position in the run's results), item_no, the numbers, note_no — may be a frame of many
    chunks (``pl.concat(..., rechunk=False)``), written as is without a copy; ``items``: item_no → item, weight,
    clause; ``notes``: note_no → text. The ``run_item`` view joins them back into long rows."""

    rows: pl.DataFrame
    items: pl.DataFrame
    notes: pl.DataFrame


def compact_trace(results: pl.DataFrame, items: pl.DataFrame) -> Trace:
    """Long trace rows (uscc or firm, item, numbers, weight, note, clause) → `Trace`.

    Item numbers follow first appearance, note numbers sorted text: both depend only on the rows."""
    items = items.cast(dtypes({k: v for k, v in ITEM_COLUMNS.items() if k in items.columns}))
    if "firm" not in items.columns:
        position = results.select(pl.col("uscc"), pl.int_range(pl.len(), dtype=pl.Int32).alias("firm"))
        items = items.join(position, on="uscc", how="left", maintain_order="left")
        lost = items.filter(pl.col("firm").is_null())
        if lost.height:
            raise ValueError(
                f"trace rows for firms not in the results: {lost.get_column('uscc').head(3).to_list()}"
            )
    for c in ("weight", "clause", "note"):
        if c not in items.columns:
            items = items.with_columns(pl.lit(None, dtype=getattr(pl, ITEM_COLUMNS[c])).alias(c))
    defs = (
        items.select("item", "weight", "clause")
        .unique(maintain_order=True)
        .with_row_index("item_no")
        .cast(dtypes(DEF_COLUMNS))
    )
    notes = (
        items.select(pl.col("note").drop_nulls().unique().sort())
        .with_row_index("note_no")
        .cast(dtypes(NOTE_COLUMNS))
    )
    rows = items.join(
        defs, on=["item", "weight", "clause"], how="left", nulls_equal=True, maintain_order="left"
    ).join(notes, on="note", how="left", maintain_order="left")
    return Trace(trace_table(rows), defs, notes)


def trace_table(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with exactly the run_trace columns (absent ones null)."""
    return _columns(rows, TRACE_COLUMNS)


def dtypes(schema: dict[str, str]) -> dict:
    """Column → polars dtype for one of the column tables above."""
    return {c: getattr(pl, t) for c, t in schema.items()}


def _columns(df: pl.DataFrame, schema: dict[str, str]) -> pl.DataFrame:
    types = dtypes(schema)
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in types.items() if c not in df.columns]
    return df.with_columns(missing).select(list(types)).cast(types)


def run_id_for(scheme_sha256: str, fingerprint: str, params: dict) -> str:
    """Same scheme text, same data, same parameters → same id."""
    blob = json.dumps([scheme_sha256, fingerprint, params], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def store_scheme(
    con: duckdb.DuckDBPyConnection, scheme_id: str, version: str | None, text: str, sha: str
) -> None:
    if one(con, "SELECT 1 FROM scheme WHERE sha256 = ?", [sha]) is None:
        con.execute(
            "INSERT INTO scheme VALUES (?, ?, ?, ?, ?)",
            [scheme_id, version, sha, text, datetime.now(UTC).replace(tzinfo=None)],
        )


def find_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
    found = dicts(con, "SELECT * FROM run WHERE run_id = ?", [run_id])
    if not found:
        return None
    run = found[0]
    run["params"] = json.loads(run.pop("params_json"))
    run["summary"] = json.loads(run.pop("summary_json") or "{}")
    return run


def run_kind(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The kind of a stored run, None when there is no such run."""
    found = one(con, "SELECT kind FROM run WHERE run_id = ?", [run_id])
    return found[0] if found else None


def resolve_run(con: duckdb.DuckDBPyConnection, prefix: str) -> str | None:
    """A run id from its first characters (like git), None when unknown or ambiguous."""
    found = rows(con, "SELECT run_id FROM run WHERE starts_with(run_id, ?)", [prefix])
    return found[0][0] if len(found) == 1 else None


def write_run(
    con: duckdb.DuckDBPyConnection,
    meta: dict,
    results: pl.DataFrame,
    items: pl.DataFrame | Trace,
    scheme_text: str,
) -> bool:
    """Store a run once. Returns False (and writes nothing) when the same run id already exists.

    `results` holds one row per firm (its row position is the firm number); `items` is either the long
    per-(firm, item) frame (ITEM_COLUMNS, `firm` may replace `uscc`) or an already compact `Trace`."""
    if one(con, "SELECT 1 FROM run WHERE run_id = ?", [meta["run_id"]]) is not None:
        return False
    results = _columns(results, RESULT_COLUMNS)
    trace = items if isinstance(items, Trace) else compact_trace(results, items)
    rid = meta["run_id"]
    with transaction(con):
        store_scheme(con, meta["scheme_id"], meta.get("scheme_version"), scheme_text, meta["scheme_sha256"])
        con.execute(
            "INSERT INTO run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                rid,
                meta["kind"],
                meta["scheme_id"],
                meta["scheme_sha256"],
                meta["data_fingerprint"],
                meta["period"],
                json.dumps(meta.get("params", {}), sort_keys=True, ensure_ascii=False),
                meta.get("max_batch_id"),
                json.dumps(meta.get("summary", {}), sort_keys=True, ensure_ascii=False),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        result_cols = ", ".join(RESULT_COLUMNS)
        numbered = results.with_columns(pl.int_range(pl.len(), dtype=pl.Int32).alias("firm"))
        with staged(con, "staged_results", numbered):
            con.execute(
                f"INSERT INTO run_result (run_id, {result_cols}, firm) "
                f"SELECT ?, {result_cols}, firm FROM staged_results",
                [rid],
            )
        for table, df, schema in (
            ("run_item_def", trace.items, DEF_COLUMNS),
            ("run_note", trace.notes, NOTE_COLUMNS),
            ("run_trace", trace.rows, TRACE_COLUMNS),
        ):
            cols = ", ".join(schema)
            with staged(con, "staged_trace", df.select(list(schema)).cast(dtypes(schema))):
                con.execute(f"INSERT INTO {table} (run_id, {cols}) SELECT ?, {cols} FROM staged_trace", [rid])
    return True


def run_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every run id, newest first (the order of `list_runs`)."""
    return [r[0] for r in rows(con, "SELECT run_id FROM run ORDER BY created_at DESC, run_id")]


def list_runs(con: duckdb.DuckDBPyConnection, kind: str | None = None) -> pl.DataFrame:
    where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
    return frame(
        con,
        f"""SELECT run_id, kind, scheme_id, period, data_fingerprint, created_at, summary_json
            FROM run {where} ORDER BY created_at DESC, run_id""",
        params,
    )


def run_results(
    con: duckdb.DuckDBPyConnection, run_id: str, klass: str | None = None, town: str | None = None
) -> pl.DataFrame:
    """Per-firm results with name and town, best first within each list."""
    return frame(con, *_results_sql(run_id, klass, town))


def run_result_rows(
    con: duckdb.DuckDBPyConnection, run_id: str, klass: str | None = None, town: str | None = None
) -> list[dict]:
    """`run_results` as one dict per firm (no polars: `gaoxin results` answers at once)."""
    return dicts(con, *_results_sql(run_id, klass, town))


def run_result_of(con: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> dict | None:
    """One firm's row of `run_results` (plain dict: no polars to load), None when the run has no such firm."""
    found = dicts(con, *_results_sql(run_id, None, None, uscc))
    return found[0] if found else None


def _results_sql(
    run_id: str, klass: str | None, town: str | None, uscc: str | None = None
) -> tuple[str, list]:
    where, params = ["r.run_id = ?"], [run_id]
    if uscc:
        where.append("r.uscc = ?")
        params.append(uscc)
    if klass:
        where.append("r.class_final = ?")
        params.append(klass)
    if town:
        where.append("e.town = ?")
        params.append(town)
    return (
        f"""SELECT r.uscc, e.name, e.town, e.industry_code, r.list_id, r.score, r.rank, r.class_initial,
                   r.class_final, r.reasons, r.land_mu, r.base_score, r.adjustment, r.list_size
            FROM run_result r LEFT JOIN enterprise e USING (uscc)
            WHERE {" AND ".join(where)}
            ORDER BY r.list_id NULLS LAST, r.rank NULLS LAST, r.uscc""",
        params,
    )


RUN_ITEMS_SQL = """SELECT item, value, numerator, denominator, benchmark, raw_score, score, weight, note, clause
    FROM run_item WHERE run_id = ? AND uscc = ? ORDER BY clause, item"""


def run_items(con: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> pl.DataFrame:
    return frame(con, RUN_ITEMS_SQL, [run_id, uscc])


def run_item_rows(con: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> list[dict]:
    """`run_items` as plain dicts."""
    return dicts(con, RUN_ITEMS_SQL, [run_id, uscc])


def run_labels(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[dict[int, tuple], dict[int, str]]:
    """A run's texts: item_no → (item, weight, clause), note_no → note — a few rows per run, and a run never
    changes, so a reader of many firms' traces (the 画像) keeps them per run."""
    defs = {
        r[0]: r[1:]
        for r in rows(
            con, "SELECT item_no, item, weight, clause FROM run_item_def WHERE run_id = ?", [run_id]
        )
    }
    notes = dict(rows(con, "SELECT note_no, note FROM run_note WHERE run_id = ?", [run_id]))
    return defs, notes


def run_item_rows_at(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    firm: int,
    labels: tuple[dict[int, tuple], dict[int, str]] | None = None,
) -> list[dict]:
    """`run_item_rows` by the firm's position in the run (`run_result.firm`, as the 画像's `firm_runs` rows
    carry it): the trace read by its integer keys (zone maps prune: a 亩均 trace is stored clustered by firm)
    instead of the view's join through run_result on the credit code; the texts from `labels` (`run_labels`,
    read here when not given) rather than joined per read."""
    defs, notes = labels if labels is not None else run_labels(con, run_id)
    found = rows(
        con,
        """SELECT item_no, value, numerator, denominator, benchmark, raw_score, score, note_no FROM run_trace
           WHERE run_id = ? AND firm = ?""",
        [run_id, firm],
    )
    out = []
    for no, value, numerator, denominator, benchmark, raw_score, score, note_no in found:
        item, weight, clause = defs[no]
        out.append(
            {
                "item": item,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "benchmark": benchmark,
                "raw_score": raw_score,
                "score": score,
                "weight": weight,
                "note": notes.get(note_no),
                "clause": clause,
            }
        )
    # the view's ORDER BY clause, item (text in code-point order = DuckDB's byte order; missing last)
    out.sort(key=lambda r: (r["clause"] is None, r["clause"] or "", r["item"] is None, r["item"] or ""))
    return out


def item_scores(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Every item row of a run (uscc, item, value, score), for reports that need the whole run."""
    return frame(con, "SELECT uscc, item, value, score FROM run_item WHERE run_id = ?", [run_id])


def run_policy(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Policy amounts per firm (only non-zero lines are stored), wide: one column per policy item."""
    long = frame(
        con,
        "SELECT uscc, substr(item, 8) AS policy, value FROM run_item WHERE run_id = ? AND starts_with(item, 'policy.') "
        "ORDER BY uscc, item",
        [run_id],
    )
    if long.height == 0:
        return pl.DataFrame(schema={"uscc": pl.Utf8})
    return long.pivot(on="policy", index="uscc", values="value")


def previous_run(con: duckdb.DuckDBPyConnection, kind: str, scheme_id: str, period: str) -> str | None:
    """The latest run of the same kind and scheme for the period before `period` (year-on-year comparison);
    None when there is none or the period is not a year."""
    try:
        prev_period = str(int(period) - 1)
    except ValueError:
        return None
    found = one(
        con,
        "SELECT run_id FROM run WHERE kind = ? AND scheme_id = ? AND period = ? "
        "ORDER BY created_at DESC, run_id LIMIT 1",
        [kind, scheme_id, prev_period],
    )
    return found[0] if found else None


def previous_run_of(con: duckdb.DuckDBPyConnection, run: dict) -> str | None:
    """`previous_run` for a stored run's own kind, scheme and period."""
    return previous_run(con, run.get("kind") or "mujun", run["scheme_id"], run["period"])


def latest_run(con: duckdb.DuckDBPyConnection, kind: str = "mujun", period: str | None = None) -> str | None:
    """The run pages and exports use by default: the official run (正式评价, store.official) of the latest
    year with one (of ``period``, when given), else the newest run of the kind."""
    from gaoxin.store.official import official_run

    marked = official_run(con, kind, period)
    if marked is not None:
        return marked
    found = one(
        con,
        "SELECT run_id FROM run WHERE kind = ? AND (? IS NULL OR period = ?) ORDER BY created_at DESC, run_id LIMIT 1",
        [kind, period, period],
    )
    return found[0] if found else None


def scheme_text(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    """The exact scheme text a run was made with (schemes are stored once per sha256)."""
    found = one(con, "SELECT text FROM scheme WHERE sha256 = ?", [sha256])
    return found[0] if found else None


def runs_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """(runs stored, last 正式评价 mark): changes whenever a run is added or an official mark is set or
    withdrawn — runs are immutable and both tables only grow, so what is derived from them keeps until then."""
    return one(con, f"SELECT {RUNS_VERSION}")


# what `runs_version` reads, for a query that checks it together with other versions (`webcache.versions`)
RUNS_VERSION = "(SELECT count(*) FROM run), (SELECT coalesce(max(seq), 0) FROM run_official)"


def run_summaries(cur: duckdb.DuckDBPyConnection, kind: str | None = "mujun") -> list[dict]:
    """Runs newest first with their title, size and class counts (the runs page and pickers)."""
    where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
    out = []
    for r in rows(
        cur,
        f"""SELECT run_id, kind, scheme_id, scheme_sha256, period, created_at, summary_json
                           FROM run {where} ORDER BY created_at DESC, run_id""",
        params,
    ):
        summary = json.loads(r[6] or "{}")
        out.append(
            {
                "run_id": r[0],
                "kind": r[1],
                "scheme_id": r[2],
                "scheme_sha256": r[3],
                "period": r[4],
                "created_at": r[5],
                "title": summary.get("title", r[2]),
                "n": summary.get("n"),
                "counts": summary.get("counts", {}),
            }
        )
    return out


def get_run(cur: duckdb.DuckDBPyConnection, run_id: str, kind: str | None = "mujun") -> dict | None:
    """A run's header and summary (None when unknown or of another kind)."""
    found = rows(
        cur,
        "SELECT run_id, kind, scheme_id, scheme_sha256, period, created_at, summary_json, "
        "data_fingerprint, max_batch_id FROM run WHERE run_id = ?",
        [run_id],
    )
    if not found or (kind and found[0][1] != kind):
        return None
    r = found[0]
    return {
        "run_id": r[0],
        "kind": r[1],
        "scheme_id": r[2],
        "scheme_sha256": r[3],
        "period": r[4],
        "created_at": r[5],
        "summary": json.loads(r[6] or "{}"),
        "data_fingerprint": r[7],
        "max_batch_id": r[8],
    }


def policy_lines(con: duckdb.DuckDBPyConnection, run_id: str, town: str | None = None) -> pl.DataFrame:
    """One row per (firm, policy) with a non-zero amount (canonical units): the 差别化政策台账's source rows.
    Read from the compact trace through the run's few policy item numbers (not the long run_item view)."""
    return frame(
        con,
        """WITH d AS (SELECT item_no, substr(item, 8) AS policy FROM run_item_def
                     WHERE run_id = ? AND starts_with(item, 'policy.'))
           SELECT r.uscc, e.name, e.town, r.class_final, r.list_id, d.policy, t.value AS amount
           FROM run_trace t JOIN d USING (item_no)
           JOIN run_result r ON r.run_id = t.run_id AND r.firm = t.firm
           LEFT JOIN enterprise e ON e.uscc = r.uscc
           WHERE t.run_id = ? AND t.item_no IN (SELECT item_no FROM d) AND (? IS NULL OR e.town = ?)
           ORDER BY d.policy, r.class_final, t.value DESC, r.uscc""",
        [run_id, run_id, town, town],
    )


def result_towns(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The towns of a run's firms (for filters and for naming the values that exist)."""
    return [
        r[0]
        for r in rows(
            con,
            "SELECT DISTINCT e.town FROM run_result r JOIN enterprise e USING (uscc) "
            "WHERE r.run_id = ? AND e.town IS NOT NULL ORDER BY 1",
            [run_id],
        )
    ]


def t_reasons(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    """Why firms are T (暂不评价): each reason with its firm count, most common first."""
    return frame(
        con,
        """SELECT coalesce(reasons, '') AS reason, count(*) AS firms FROM run_result
           WHERE run_id = ? AND class_final = 'T' GROUP BY 1 ORDER BY 2 DESC, 1""",
        [run_id],
    ).to_dicts()
