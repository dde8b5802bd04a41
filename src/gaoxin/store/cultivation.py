"""Reading cultivation runs back: the 培育库 (pool), the certificates held and each ladder tier's results.

The runs themselves are written by `store.runs.write_run`; `evaluations.cultivation` shapes these
frames into the ladder.
"""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store.db import frame, one, rows


def pool(con: duckdb.DuckDBPyConnection, run_id: str, include_pass: bool = False) -> pl.DataFrame:
    """The 培育库 of a run: firms in the population that do not hold the title (or hold an expiring one),
    closest first, with the number of failing conditions and the gap texts."""
    where = "" if include_pass else "AND r.class_final <> 'pass'"
    return frame(
        con,
        f"""
        WITH fails AS (
            SELECT uscc, count(*) FILTER (WHERE starts_with(item, 'condition.') AND coalesce(score, 0) = 0)
                   AS n_fail
            FROM run_item WHERE run_id = ? GROUP BY uscc)
        SELECT r.rank, r.uscc, e.name, e.town, e.industry_code, r.class_final AS verdict, r.list_id,
               coalesce(f.n_fail, 0) AS n_fail, r.score AS score_min, r.base_score AS score_max,
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


def _pool_where(town: str | None, industry: str | None, include_pass: bool) -> tuple[str, list]:
    where, params = ["r.run_id = ?", "r.list_id IN ('培育库', '到期复审')"], []
    if not include_pass:
        where.append("r.class_final <> 'pass'")
    if town:
        where.append("e.town = ?")
        params.append(town)
    if industry:
        where.append("starts_with(coalesce(e.industry_code, ''), ?)")
        params.append(industry)
    return " AND ".join(where), params


def pool_page(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    town: str | None = None,
    industry: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[pl.DataFrame, int]:
    """One page of the 培育库 (closest first) with its position in the filtered pool (名次 from 1), and the
    filtered pool's size. Failing conditions are counted for the page's firms only."""
    where, params = _pool_where(town, industry, False)
    total = one(
        con,
        f"SELECT count(*) FROM run_result r LEFT JOIN enterprise e USING (uscc) WHERE {where}",
        [run_id, *params],
    )[0]
    page = "" if limit is None else f"LIMIT {int(limit)} OFFSET {int(offset)}"
    df = frame(
        con,
        f"""
        WITH p AS (
            SELECT row_number() OVER (ORDER BY r.rank, r.uscc) AS position, r.rank, r.uscc, e.name, e.town,
                   e.industry_code, r.class_final AS verdict, r.list_id, r.score AS score_min,
                   r.base_score AS score_max, r.adjustment AS expert_needed, r.reasons
            FROM run_result r LEFT JOIN enterprise e USING (uscc) WHERE {where}
            ORDER BY r.rank, r.uscc {page}),
        fails AS (
            SELECT uscc, count(*) FILTER (WHERE coalesce(score, 0) = 0) AS n_fail
            FROM run_item WHERE run_id = ? AND starts_with(item, 'condition.') AND uscc IN (SELECT uscc FROM p)
            GROUP BY uscc)
        SELECT p.*, coalesce(f.n_fail, 0) AS n_fail FROM p LEFT JOIN fails f USING (uscc) ORDER BY position""",
        [run_id, *params, run_id],
    )
    return df, total


def run_firms_page(
    con: duckdb.DuckDBPyConnection, run_id: str, town: str | None, limit: int, offset: int
) -> tuple[pl.DataFrame, int]:
    """A cultivation run's firms (best first) for its run page, and how many there are."""
    where, params = ("AND e.town = ?", [town]) if town else ("", [])
    total = one(
        con,
        f"SELECT count(*) FROM run_result r LEFT JOIN enterprise e USING (uscc) WHERE r.run_id = ? {where}",
        [run_id, *params],
    )[0]
    df = frame(
        con,
        f"""SELECT r.rank, r.uscc, e.name, e.town, r.class_final AS verdict, r.list_id, r.reasons
            FROM run_result r LEFT JOIN enterprise e USING (uscc) WHERE r.run_id = ? {where}
            ORDER BY r.rank, r.uscc LIMIT {int(limit)} OFFSET {int(offset)}""",
        [run_id, *params],
    )
    return df, total


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


def pool_filters(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[list[str], list[str]]:
    """Towns and industry 大类 (two-digit code) present in a run's pool: the filter choices."""
    towns = [
        r[0]
        for r in rows(
            con,
            """SELECT DISTINCT e.town FROM run_result r JOIN enterprise e USING (uscc)
               WHERE r.run_id = ? AND e.town IS NOT NULL ORDER BY 1""",
            [run_id],
        )
    ]
    codes = [
        r[0]
        for r in rows(
            con,
            """SELECT DISTINCT left(e.industry_code, 2) FROM run_result r JOIN enterprise e USING (uscc)
               WHERE r.run_id = ? AND e.industry_code IS NOT NULL ORDER BY 1""",
            [run_id],
        )
    ]
    return towns, codes


def firm_tier(con: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> dict | None:
    found = frame(
        con,
        "SELECT class_final, list_id, reasons, rank FROM run_result WHERE run_id = ? AND uscc = ?",
        [run_id, uscc],
    ).to_dicts()
    return found[0] if found else None
