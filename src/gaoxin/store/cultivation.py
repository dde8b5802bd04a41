"""Reading cultivation runs back: the 培育库 (pool), the certificates held and each ladder tier's results.

The runs themselves are written by `store.runs.write_run`; `evaluations.cultivation` shapes these
frames into the ladder.
"""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store.db import frame, rows


def pool(con: duckdb.DuckDBPyConnection, run_id: str, include_pass: bool = False) -> pl.DataFrame:
    """The 培育库 of a run: firms in the population that do not hold the title (or hold an expiring one),
    closest first, with the number of failing conditions (未达标, a condition's score 0), of conditions the data
    cannot judge (待补数据, no score) and the gap texts."""
    where = "" if include_pass else "AND r.class_final <> 'pass'"
    return frame(
        con,
        f"""
        WITH fails AS (
            SELECT uscc, count(*) FILTER (WHERE starts_with(item, 'condition.') AND score = 0) AS n_fail,
                   count(*) FILTER (WHERE starts_with(item, 'condition.') AND score IS NULL) AS n_missing
            FROM run_item WHERE run_id = ? GROUP BY uscc)
        SELECT r.rank, r.uscc, e.name, e.town, e.industry_code, r.class_final AS verdict, r.list_id,
               coalesce(f.n_fail, 0) AS n_fail, coalesce(f.n_missing, 0) AS n_missing, r.score AS score_min, r.base_score AS score_max,
               r.adjustment AS expert_needed, r.reasons
        FROM run_result r LEFT JOIN enterprise e USING (uscc) LEFT JOIN fails f USING (uscc)
        WHERE r.run_id = ? AND r.list_id IN ('培育库', '到期复审') {where}
        ORDER BY r.rank, r.uscc""",
        [run_id, run_id],
    )


def certificates(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Certificates held (HNTE runs): issue year, expiry year, status and today's verdict, expiring first."""
    return frame(
        con,
        """
        SELECT i.uscc, e.name, e.town, i.value AS issued_year, i.numerator AS expires_year, i.note AS status,
               r.class_final AS verdict, r.reasons
        FROM run_item i JOIN run_result r ON r.run_id = i.run_id AND r.uscc = i.uscc
        LEFT JOIN enterprise e ON e.uscc = i.uscc
        WHERE i.run_id = ? AND i.item = 'certificate'
        ORDER BY CASE i.note WHEN '已到期' THEN 0 WHEN '有效' THEN 2 ELSE 1 END, i.numerator, i.uscc""",
        [run_id],
    )


def ladder_firms(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every enterprise (uscc, name, town) by USCC: the rows the ladder joins each tier's results onto."""
    return frame(con, "SELECT uscc, name, town FROM enterprise ORDER BY uscc")


def tier_results(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """One tier's run: uscc, class_final, reasons, list_id and rank of every firm it judged."""
    return frame(
        con, "SELECT uscc, class_final, reasons, list_id, rank FROM run_result WHERE run_id = ?", [run_id]
    )


def latest_scheme_runs(con: duckdb.DuckDBPyConnection, scheme_ids: list[str], period: str) -> dict[str, str]:
    """scheme id → the newest stored cultivation run of ``period`` (the web reads runs, it never computes)."""
    marks = ", ".join("?" for _ in scheme_ids)
    found = rows(
        con,
        f"""SELECT scheme_id, arg_max(run_id, created_at) FROM run
            WHERE kind = 'cultivation' AND period = ? AND scheme_id IN ({marks}) GROUP BY 1""",
        [period, *scheme_ids],
    )
    return {k: v for k, v in found}


def cultivation_periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in rows(con, "SELECT DISTINCT period FROM run WHERE kind = 'cultivation' ORDER BY 1")]


def run_firms(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """A cultivation run's firms (best first) for its run page: rank, uscc, name, town, verdict, list, gaps."""
    return frame(
        con,
        """SELECT r.rank, r.uscc, e.name, e.town, r.class_final AS verdict, r.list_id, r.reasons
           FROM run_result r LEFT JOIN enterprise e USING (uscc) WHERE r.run_id = ?
           ORDER BY r.rank, r.uscc""",
        [run_id],
    )


def condition_cells(con: duckdb.DuckDBPyConnection, run_id: str, usccs: list[str]) -> pl.DataFrame:
    """The condition rows (value, threshold, score = state, gap) of the given firms of a run."""
    if not usccs:
        return pl.DataFrame(
            schema={
                "uscc": pl.Utf8,
                "item": pl.Utf8,
                "value": pl.Float64,
                "benchmark": pl.Float64,
                "score": pl.Float64,
                "raw_score": pl.Float64,
                "note": pl.Utf8,
            }
        )
    marks = ", ".join("?" for _ in usccs)
    return frame(
        con,
        f"""SELECT uscc, item, value, benchmark, score, raw_score, note FROM run_item
            WHERE run_id = ? AND starts_with(item, 'condition.') AND uscc IN ({marks})""",
        [run_id, *usccs],
    )


def firm_tiers(con: duckdb.DuckDBPyConnection, run_ids: list[str], uscc: str) -> dict[str, dict]:
    """run id → the firm's class_final, list_id, reasons and rank in each of the given runs (one query)."""
    if not run_ids:
        return {}
    marks = ", ".join("?" for _ in run_ids)
    found = frame(
        con,
        f"""SELECT run_id, class_final, list_id, reasons, rank FROM run_result
            WHERE run_id IN ({marks}) AND uscc = ?""",
        [*run_ids, uscc],
    )
    return {r["run_id"]: r for r in found.to_dicts()}
