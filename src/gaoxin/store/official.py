"""正式评价: the official run of a (scheme, year) — a decision kept beside the runs (table run_official,
migration 13), append-only: every mark and withdrawal stays with who, when and why."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from gaoxin.store.db import dicts, frame, one, rows, transaction

_CURRENT = """
    SELECT kind, scheme_id, period, run_id, action, marked_by, marked_at, reason FROM (
        SELECT *, row_number() OVER (PARTITION BY scheme_id, period ORDER BY seq DESC) AS k FROM run_official
    ) WHERE k = 1 AND action = 'mark'
"""


def record(
    con: duckdb.DuckDBPyConnection, run: dict, action: str, user: str, reason: str | None = None
) -> int:
    """Append a mark (``action`` 'mark') or its withdrawal ('clear') for the run's scheme and year."""
    if action not in ("mark", "clear"):
        raise ValueError(f"unknown action {action!r}")
    with transaction(con):
        seq = int(one(con, "SELECT coalesce(max(seq), 0) + 1 FROM run_official")[0])
        con.execute(
            "INSERT INTO run_official VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                seq,
                run.get("kind") or "mujun",
                run["scheme_id"],
                run["period"],
                run["run_id"],
                action,
                user,
                datetime.now(UTC).replace(tzinfo=None),
                (reason or "").strip() or None,
            ],
        )
    return seq


def current(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """(scheme_id, period) → the mark in force (run_id, marked_by, marked_at, reason)."""
    return {(r["scheme_id"], r["period"]): r for r in dicts(con, _CURRENT)}


def official_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in rows(con, f"SELECT run_id FROM ({_CURRENT})")}


def official_run(
    con: duckdb.DuckDBPyConnection,
    kind: str = "mujun",
    period: str | None = None,
    scheme_id: str | None = None,
) -> str | None:
    """The official run of a kind (of one year and scheme, when given): the latest year's, most recently marked."""
    found = one(
        con,
        f"""SELECT run_id FROM ({_CURRENT})
            WHERE kind = ? AND (? IS NULL OR period = ?) AND (? IS NULL OR scheme_id = ?)
            ORDER BY period DESC, marked_at DESC LIMIT 1""",
        [kind, period, period, scheme_id, scheme_id],
    )
    return found[0] if found else None


def history(con: duckdb.DuckDBPyConnection, scheme_id: str, period: str) -> list[dict]:
    """Every mark and withdrawal of a (scheme, year), newest first."""
    return frame(
        con,
        """SELECT seq, run_id, action, marked_by, marked_at, reason FROM run_official
           WHERE scheme_id = ? AND period = ? ORDER BY seq DESC""",
        [scheme_id, period],
    ).to_dicts()
