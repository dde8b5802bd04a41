"""亩均 公示 (migration 14): a publication of an official run — its window and public columns — and the
append-only 定级 events. The run itself is never touched."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import polars as pl

from gaoxin.store.db import frame, one, transaction


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def insert(con: duckdb.DuckDBPyConnection, pub: dict) -> str:
    """Store one publication (pub_id chosen by the caller: GS-<period>-<n>)."""
    with transaction(con):
        n = int(one(con, "SELECT count(*) FROM mujun_publication WHERE period = ?", [pub["period"]])[0])
        pub_id = f"GS-{pub['period']}-{n + 1:02d}"
        con.execute(
            "INSERT INTO mujun_publication VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                pub_id,
                pub["run_id"],
                pub["scheme_id"],
                pub["period"],
                pub["window_workdays"],
                pub["opens_on"],
                pub["ends_on"],
                json.dumps(pub["columns"], ensure_ascii=False),
                pub["opened_by"],
                pub.get("opened_at") or _now(),
                pub.get("note"),
            ],
        )
    return pub_id


def _decode(row: dict) -> dict:
    row["columns"] = json.loads(row.pop("columns_json"))
    return row


def get(con: duckdb.DuckDBPyConnection, pub_id: str) -> dict | None:
    found = frame(con, "SELECT * FROM mujun_publication WHERE pub_id = ?", [pub_id]).to_dicts()
    return _decode(found[0]) if found else None


def for_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
    found = frame(
        con, "SELECT * FROM mujun_publication WHERE run_id = ? ORDER BY opened_at DESC LIMIT 1", [run_id]
    ).to_dicts()
    return _decode(found[0]) if found else None


def all_publications(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return [
        _decode(r)
        for r in frame(con, "SELECT * FROM mujun_publication ORDER BY period DESC, opened_at DESC").to_dicts()
    ]


def add_event(con: duckdb.DuckDBPyConnection, pub_id: str, action: str, actor: str, note: str | None) -> None:
    with transaction(con):
        seq = int(
            one(
                con,
                "SELECT coalesce(max(seq), 0) + 1 FROM mujun_publication_event WHERE pub_id = ?",
                [pub_id],
            )[0]
        )
        con.execute(
            "INSERT INTO mujun_publication_event VALUES (?, ?, ?, ?, ?, ?)",
            [pub_id, seq, action, actor, _now(), note],
        )


def events(con: duckdb.DuckDBPyConnection, pub_id: str) -> list[dict]:
    return frame(
        con, "SELECT * FROM mujun_publication_event WHERE pub_id = ? ORDER BY seq", [pub_id]
    ).to_dicts()


def run_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, list]:
    """Every row the store keeps for a run (run, run_result, run_trace, run_item_def, run_note), sorted, for
    the check that nothing here edits a run."""
    out = {}
    for table in ("run", "run_result", "run_trace", "run_item_def", "run_note"):
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        if "run_id" not in cols:
            continue
        out[table] = sorted(
            con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id]).fetchall(), key=repr
        )
    return out


def run_tax_wan(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """uscc, tax_wan: the 税收 the run's 亩均税收 item read (its numerator, 元 → 万元)."""
    return frame(
        con,
        """SELECT uscc, max(numerator) / 1e4 AS tax_wan FROM run_item
           WHERE run_id = ? AND ends_with(item, '.tax_per_mu') GROUP BY uscc""",
        [run_id],
    )


def later_fact_batches(con: duckdb.DuckDBPyConnection, after: int, period: str) -> list[str]:
    """File names of the batches after `after` that hold enterprise facts of `period` (monthly series and
    other intakes that write no `fact` rows of the year do not count)."""
    return [
        r[0]
        for r in con.execute(
            """SELECT b.file_name FROM import_batch b WHERE b.batch_id > ?
               AND EXISTS (SELECT 1 FROM fact f WHERE f.batch_id = b.batch_id AND f.period = ?)
               ORDER BY b.batch_id""",
            [after, period],
        ).fetchall()
    ]
