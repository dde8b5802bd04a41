"""SQL for 产业链图谱: tagger results (chain_tag) and analyst overrides (chain_override), which win."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import polars as pl

from gaoxin.store.db import dicts, frame, one, rows, transaction
from gaoxin.store.imports import staged
from gaoxin.store.runs import latest_run

TAG_COLUMNS = {
    "uscc": pl.Utf8,
    "chain_id": pl.Utf8,
    "node_id": pl.Utf8,
    "confidence": pl.Float64,
    "is_primary": pl.Boolean,
    "evidence": pl.Utf8,
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def enterprise_texts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """uscc, name, town, industry_code, business_scope, main_products of every enterprise."""
    return frame(
        con,
        """SELECT uscc, name, town, industry_code, business_scope, main_products
                         FROM enterprise ORDER BY uscc""",
    )


def replace_tags(con: duckdb.DuckDBPyConnection, tags: pl.DataFrame, pack_shas: dict[str, str]) -> int:
    """Replace the tagger's rows for the given chains (one transaction). Overrides are untouched."""
    tags = tags.select(list(TAG_COLUMNS)).cast(TAG_COLUMNS)
    now = _now()
    with transaction(con), staged(con, "staged_tags", tags):
        for chain, sha in pack_shas.items():
            con.execute("DELETE FROM chain_tag WHERE chain_id = ?", [chain])
            con.execute(
                """INSERT INTO chain_tag SELECT uscc, chain_id, node_id, confidence, is_primary, evidence, ?, ?
                   FROM staged_tags WHERE chain_id = ?""",
                [sha, now, chain],
            )
    return tags.height


def add_override(
    con: duckdb.DuckDBPyConnection,
    uscc: str,
    chain_id: str,
    node_id: str,
    action: str,
    note: str | None = None,
) -> None:
    """Record an analyst decision; a later decision on the same (firm, node) replaces the earlier one."""
    with transaction(con):
        con.execute("DELETE FROM chain_override WHERE uscc = ? AND node_id = ?", [uscc, node_id])
        con.execute(
            "INSERT INTO chain_override VALUES (?, ?, ?, ?, ?, ?)",
            [uscc, chain_id, node_id, action, note, _now()],
        )


def overrides(con: duckdb.DuckDBPyConnection, chain_id: str | None = None) -> pl.DataFrame:
    where, params = ("WHERE chain_id = ?", [chain_id]) if chain_id else ("", [])
    return frame(con, f"SELECT * FROM chain_override {where} ORDER BY created_at", params)


def effective_tags(con: duckdb.DuckDBPyConnection, chain_id: str | None = None) -> pl.DataFrame:
    """Tagger rows minus `remove` overrides plus `add` overrides (confidence 1, source 人工)."""
    where, params = ("WHERE t.chain_id = ?", [chain_id]) if chain_id else ("", [])
    where_o = "AND chain_id = ?" if chain_id else ""
    return frame(
        con,
        f"""SELECT t.uscc, t.chain_id, t.node_id, t.confidence, t.is_primary, t.evidence, 'tagger' AS source
            FROM chain_tag t
            LEFT JOIN chain_override o ON o.uscc = t.uscc AND o.node_id = t.node_id
            {where} {"AND" if where else "WHERE"} o.action IS NULL
            UNION ALL
            SELECT uscc, chain_id, node_id, 1.0, false,
                   '[{{"signal": "override", "text": ' || to_json(coalesce(note, '人工认定')) || '}}]', 'override'
            FROM chain_override WHERE action = 'add' {where_o}
            ORDER BY 1, 3""",
        params + params,
    )


def tag_counts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """chain → (tagged firms, overrides)."""
    out: dict[str, tuple[int, int]] = {}
    for chain, n in rows(con, "SELECT chain_id, count(DISTINCT uscc) FROM chain_tag GROUP BY 1"):
        out[chain] = (n, 0)
    for chain, n in rows(con, "SELECT chain_id, count(*) FROM chain_override GROUP BY 1"):
        out[chain] = (out.get(chain, (0, 0))[0], n)
    return out


def latest_mujun_run(con: duckdb.DuckDBPyConnection, period: str) -> str | None:
    return latest_run(con, "mujun", period)


def mujun_results(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    return frame(
        con,
        """SELECT uscc, arg_max(class_final, score) AS class_final, max(score) AS score
                         FROM run_result WHERE run_id = ? GROUP BY uscc""",
        [run_id],
    )


_EVIDENCE = json.JSONEncoder(ensure_ascii=False)  # json.dumps(…, ensure_ascii=False) builds one per call


def evidence_json(evidence: list[dict]) -> str:
    return _EVIDENCE.encode(evidence)


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever what a chain map reads changes: facts, firms, tags, overrides, 亩均 runs."""
    return tuple(
        one(
            con,
            """SELECT (SELECT coalesce(max(batch_id), 0) FROM import_batch), (SELECT count(*) FROM enterprise),
                      (SELECT count(*) FROM chain_tag), (SELECT max(tagged_at) FROM chain_tag),
                      (SELECT count(*) FROM chain_override), (SELECT max(created_at) FROM chain_override),
                      (SELECT count(*) FROM run WHERE kind = 'mujun'),
                      (SELECT max(created_at) FROM run WHERE kind = 'mujun')""",
        )
    )


def stale_tags(con: duckdb.DuckDBPyConnection, chain_id: str, pack_sha256: str) -> int:
    """Tags of the chain made with an earlier version of its pack (the map asks to re-tag)."""
    return one(
        con, "SELECT count(*) FROM chain_tag WHERE chain_id = ? AND pack_sha256 <> ?", [chain_id, pack_sha256]
    )[0]


def firm_tags(con: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    """One firm's effective tags (tagger rows not removed by an override, plus `add` overrides), with the
    decisions recorded on it (removals included) beside them (plain rows: the 画像 reads a handful)."""
    return dicts(
        con,
        """SELECT t.uscc, t.chain_id, t.node_id, t.confidence, t.is_primary, t.evidence, 'tagger' AS source,
                  NULL::VARCHAR AS note, NULL::TIMESTAMP AS decided_at
           FROM chain_tag t LEFT JOIN chain_override o ON o.uscc = t.uscc AND o.node_id = t.node_id
           WHERE t.uscc = ? AND o.action IS NULL
           UNION ALL
           SELECT uscc, chain_id, node_id, 1.0, false, NULL, 'override:' || action, note, created_at
           FROM chain_override WHERE uscc = ?
           ORDER BY 2, 3""",
        [uscc, uscc],
    )
