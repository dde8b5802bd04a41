"""Class decisions beside a run (migration 14): 调档, 参评/不参评 and appeal outcomes, each proposed once and
reviewed append-only (通过 / 退回). The final list is the run's class plus the approved decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl

from gaoxin.store.db import frame, one, transaction

APPROVED, RETURNED, PENDING = "通过", "退回", "待审核"

_STATUS = """
    SELECT d.*, coalesce(v.status, 'PENDING') AS status, v.reviewed_by, v.reviewed_at, v.note AS review_note
    FROM mujun_decision d LEFT JOIN (
        SELECT *, row_number() OVER (PARTITION BY decision_id ORDER BY seq DESC) AS k FROM mujun_decision_review
    ) v ON v.decision_id = d.decision_id AND v.k = 1
"""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def propose(con: duckdb.DuckDBPyConnection, row: dict) -> int:
    with transaction(con):
        did = int(one(con, "SELECT coalesce(max(decision_id), 0) + 1 FROM mujun_decision")[0])
        con.execute(
            "INSERT INTO mujun_decision VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                did,
                row["run_id"],
                row["uscc"],
                row["kind"],
                row.get("class_before"),
                row["class_after"],
                row["reason"],
                row.get("note"),
                row.get("case_id"),
                row.get("rerun_id"),
                row.get("score_after"),
                row["proposed_by"],
                row.get("proposed_at") or _now(),
            ],
        )
    return did


def review(
    con: duckdb.DuckDBPyConnection, decision_id: int, status: str, user: str, note: str | None
) -> None:
    with transaction(con):
        seq = int(
            one(
                con,
                "SELECT coalesce(max(seq), 0) + 1 FROM mujun_decision_review WHERE decision_id = ?",
                [decision_id],
            )[0]
        )
        con.execute(
            "INSERT INTO mujun_decision_review VALUES (?, ?, ?, ?, ?, ?)",
            [decision_id, seq, status, user, _now(), note],
        )


def get(con: duckdb.DuckDBPyConnection, decision_id: int) -> dict | None:
    found = frame(con, f"SELECT * FROM ({_STATUS}) WHERE decision_id = ?", [decision_id]).to_dicts()
    return _status(found[0]) if found else None


def _status(row: dict) -> dict:
    if row["status"] == "PENDING":
        row["status"] = PENDING
    return row


def decisions(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None = None,
    uscc: str | None = None,
    status: str | None = None,
    case_id: str | None = None,
) -> list[dict]:
    """Decisions with their current status and the firm's name and town, newest first."""
    st = "PENDING" if status == PENDING else status
    return [
        _status(r)
        for r in frame(
            con,
            f"""SELECT s.*, e.name, e.town FROM ({_STATUS}) s LEFT JOIN enterprise e USING (uscc)
                WHERE (? IS NULL OR run_id = ?) AND (? IS NULL OR uscc = ?) AND (? IS NULL OR status = ?)
                  AND (? IS NULL OR case_id = ?)
                ORDER BY decision_id DESC""",
            [run_id, run_id, uscc, uscc, st, st, case_id, case_id],
        ).to_dicts()
    ]


def approved(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """The approved decisions of a run: uscc, kind, class_after, decision_id, reason (all of them, oldest
    first — the latest approved per firm is the one in force)."""
    return frame(
        con,
        f"""SELECT decision_id, uscc, kind, class_before, class_after, reason, score_after, case_id, rerun_id
            FROM ({_STATUS}) WHERE run_id = ? AND status = ? ORDER BY decision_id""",
        [run_id, APPROVED],
    )
