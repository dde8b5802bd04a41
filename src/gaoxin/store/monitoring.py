"""经济运行监测 in the store: monthly zone series, firm-level monthly values and yearly targets.

Every published value is kept (a vintage per batch); `superseded` marks all but the latest batch's value for
the same (indicator, area, period, measure) — a revised month supersedes the first release, both stay.
Firm values are kept the same way per (uscc, period, indicator); targets per (year, indicator, owner).
"""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store.db import frame, one, rows, transaction
from gaoxin.store.imports import insert_batch, staged

TABLES = {
    "monitor_zone": "monitor_value",
    "monitor_firm": "monitor_firm_value",
    "monitor_target": "monitor_target",
}


def write_monthly_batch(con: duckdb.DuckDBPyConnection, batch) -> int:
    """Store one prepared monthly batch (`gaoxin.ingest.monthly.MonthlyBatch`) all-or-nothing."""
    with transaction(con):
        batch_id = insert_batch(con, batch)
        with staged(con, "staged_monitor", batch.values):
            if batch.source == "monitor_zone":
                con.execute(
                    """UPDATE monitor_value SET superseded = true FROM staged_monitor s
                       WHERE monitor_value.indicator = s.indicator AND monitor_value.period = s.period
                         AND monitor_value.measure = s.measure AND monitor_value.area = '全区'"""
                )
                con.execute(
                    "INSERT INTO monitor_value SELECT indicator, '全区', period, measure, value, unit, combined, ?, "
                    "sheet, row_no, false FROM staged_monitor",
                    [batch_id],
                )
            elif batch.source == "monitor_firm":
                con.execute(
                    """UPDATE monitor_firm_value SET superseded = true FROM staged_monitor s
                       WHERE monitor_firm_value.uscc = s.uscc AND monitor_firm_value.period = s.period
                         AND monitor_firm_value.indicator = s.indicator AND NOT monitor_firm_value.superseded"""
                )
                con.execute(
                    "INSERT INTO monitor_firm_value SELECT uscc, period, CAST(substr(period, 1, 4) AS INTEGER), "
                    "CAST(substr(period, 6, 2) AS INTEGER), indicator, value, unit, above_scale > 0, ?, sheet, row_no, "
                    "false FROM staged_monitor",
                    [batch_id],
                )
            else:
                con.execute(
                    """UPDATE monitor_target SET superseded = true FROM staged_monitor s
                       WHERE monitor_target.indicator = s.indicator AND monitor_target.year = s.year
                         AND coalesce(monitor_target.owner, '') = coalesce(s.owner, '')"""
                )
                con.execute(
                    "INSERT INTO monitor_target SELECT year, indicator, kind, value, unit, owner, ?, sheet, row_no, "
                    "false FROM staged_monitor",
                    [batch_id],
                )
        with staged(con, "staged_rejects", batch.rejected_rows):
            con.execute(
                "INSERT INTO rejected_row SELECT ?, sheet, row_no, disposition, columns, reasons, raw_json "
                "FROM staged_rejects",
                [batch_id],
            )
    return batch_id


def zone_values(con: duckdb.DuckDBPyConnection, indicator: str | None = None) -> pl.DataFrame:
    """The values in force: indicator, period, measure, value, unit, combined, batch_id, file_name, sheet, row_no."""
    where, params = ("AND v.indicator = ?", [indicator]) if indicator else ("", [])
    return frame(
        con,
        f"""SELECT v.indicator, v.period, v.measure, v.value, v.unit, v.combined, v.batch_id, b.file_name,
                   v.sheet, v.row_no
            FROM monitor_value v JOIN import_batch b USING (batch_id)
            WHERE NOT v.superseded AND v.area = '全区' {where} ORDER BY v.indicator, v.period, v.measure""",
        params,
    )


def vintages(con: duckdb.DuckDBPyConnection, indicator: str, period: str | None = None) -> pl.DataFrame:
    """Every published value of an indicator (all vintages), oldest batch first."""
    where, params = ("AND v.period = ?", [indicator, period]) if period else ("", [indicator])
    return frame(
        con,
        f"""SELECT v.period, v.measure, v.value, v.unit, v.superseded, v.batch_id, b.file_name, b.imported_at,
                   v.sheet, v.row_no
            FROM monitor_value v JOIN import_batch b USING (batch_id)
            WHERE v.indicator = ? {where} ORDER BY v.period, v.measure, v.batch_id""",
        params,
    )


def revised_periods(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(
        con,
        """SELECT indicator, period, measure, count(*) AS vintages FROM monitor_value  -- revised: a value changed
           GROUP BY ALL HAVING count(DISTINCT value) > 1 ORDER BY indicator, period""",
    )


def months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months with published zone values, newest first."""
    return [r[0] for r in rows(con, "SELECT DISTINCT period FROM monitor_value ORDER BY period DESC")]


def firm_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        f"{y:04d}-{m:02d}"
        for y, m in rows(
            con, "SELECT DISTINCT year, month FROM monitor_firm_value ORDER BY year DESC, month DESC"
        )
    ]


def firm_sums(con: duckdb.DuckDBPyConnection, indicator: str, year: int, month: int) -> pl.DataFrame:
    """Per firm: this year's 1–N月 sum (current) and last year's (base), null where the firm has none."""
    return frame(
        con,
        """SELECT uscc,
                  sum(value) FILTER (WHERE year = ?) AS current,
                  sum(value) FILTER (WHERE year = ?) AS base
           FROM monitor_firm_value
           WHERE indicator = ? AND NOT superseded AND year IN (?, ?) AND month <= ?
           GROUP BY uscc""",
        [year, year - 1, indicator, year, year - 1, month],
    )


def firm_scan_floor(con: duckdb.DuckDBPyConnection, indicator: str, year: int, month: int) -> float:
    """The floor a contribution query cannot beat: one sum over the same rows (bench only)."""
    return one(
        con,
        "SELECT sum(value) FROM monitor_firm_value WHERE indicator = ? AND NOT superseded AND year IN (?, ?) "
        "AND month <= ?",
        [indicator, year, year - 1, month],
    )[0]


def firm_totals(con: duckdb.DuckDBPyConnection, indicator: str) -> dict[str, float]:
    """Zone total of a firm-level indicator per month (当月)."""
    return {
        f"{y:04d}-{m:02d}": v
        for y, m, v in rows(
            con,
            "SELECT year, month, sum(value) FROM monitor_firm_value WHERE indicator = ? AND NOT superseded "
            "GROUP BY year, month ORDER BY year, month",
            [indicator],
        )
    }


def firm_attributes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Name, town, industry and one chain per firm (its primary tag, else its most confident one; overrides
    applied), so 拉动 by chain still sums to the growth."""
    from gaoxin.store.chains import effective_tags

    firms = frame(con, "SELECT uscc, name, town, industry_name FROM enterprise")
    tags = effective_tags(con)
    if tags.height == 0:
        return firms.with_columns(pl.lit(None, dtype=pl.Utf8).alias("chain"))
    chain = (
        tags.sort(["uscc", "is_primary", "confidence"], descending=[False, True, True])
        .group_by("uscc", maintain_order=True)
        .agg(pl.col("chain_id").first().alias("chain"))
    )
    return firms.join(chain, on="uscc", how="left")


def firm_towns(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(con, "SELECT uscc, town FROM enterprise WHERE town IS NOT NULL")


def targets(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    return frame(
        con,
        """SELECT t.year, t.indicator, t.kind, t.value, t.unit, t.owner, t.batch_id, b.file_name, t.sheet, t.row_no
           FROM monitor_target t JOIN import_batch b USING (batch_id)
           WHERE NOT t.superseded AND t.year = ? ORDER BY t.indicator, t.owner NULLS FIRST""",
        [year],
    )


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Changes whenever a monthly batch lands (the web's cache key)."""
    return one(
        con,
        "SELECT coalesce(max(batch_id), 0) FROM import_batch WHERE source IN "
        "('monitor_zone', 'monitor_firm', 'monitor_target')",
    )[0]
