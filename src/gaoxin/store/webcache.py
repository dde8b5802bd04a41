"""The web's look-up tables, in an in-memory database attached to the app's connection (`webcache`): never
written to the user's file. `webcache.firm` is enterprise ⋈ pinyin initials ⋈ latest 规上 status;
`webcache.run_firm` one row per firm of each run viewed; `webcache.scale_basis` each firm's 规上 basis; `webcache.v…` the firm table joined with one run (a
page reads one table instead of a join). When to build or drop them is the web's cache policy
(`gaoxin.web.queries.WebCache`); the SQL is here. `name_index` (pinyin initials) is kept in the store because
computing initials for 100k names takes seconds."""

from __future__ import annotations

import re

import duckdb
import polars as pl

from . import queries
from .db import one, rows
from .imports import staged

_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _table(name: str) -> str:
    if not _TABLE.match(name):
        raise ValueError(f"not a look-up table name: {name!r}")
    return name


def attach(con: duckdb.DuckDBPyConnection, threads: int | None = None) -> None:
    """Prepare the app's connection: an optional thread cap and the in-memory `webcache` database."""
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("ATTACH ':memory:' AS webcache")


# (last batch id, number of firms): changes whenever an import changes the list
DATA_VERSION = "(SELECT coalesce(max(batch_id), 0) FROM import_batch), (SELECT count(*) FROM enterprise)"


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """(last batch id, number of firms): changes whenever an import changes the list."""
    return one(con, f"SELECT {DATA_VERSION}")


def versions(con: duckdb.DuckDBPyConnection) -> tuple[tuple, tuple]:
    """(`data_version`, `store.runs.runs_version`) in one query: a page that checks both pays one read."""
    from .runs import RUNS_VERSION

    found = one(con, f"SELECT {DATA_VERSION}, {RUNS_VERSION}")
    return tuple(found[:2]), tuple(found[2:])


def names_without_initials(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    """(uscc, name) of firms whose name is new or changed since its initials were computed."""
    return rows(
        con,
        """SELECT e.uscc, e.name FROM enterprise e LEFT JOIN name_index n USING (uscc)
           WHERE n.uscc IS NULL OR n.name IS DISTINCT FROM e.name""",
    )


def put_initials(con: duckdb.DuckDBPyConnection, df: pl.DataFrame) -> None:
    """Store (uscc, name, initials) rows in `name_index` (the caller holds the write lock)."""
    with staged(con, "staged_names", df):
        con.execute("INSERT OR REPLACE INTO name_index SELECT uscc, name, initials FROM staged_names")


def build_firm_table(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[str, str]]]:
    """(Re)build `webcache.firm`; returns the towns and the industry divisions (code, name) it holds."""
    con.execute(f"""
        CREATE OR REPLACE TABLE webcache.firm AS
        SELECT e.uscc, e.name, coalesce(n.initials, '') AS initials, e.town, e.industry_code,
               e.industry_name, e.registered_on, e.above_scale
        FROM ({queries.ENTERPRISE_SQL}) e LEFT JOIN name_index n ON n.uscc = e.uscc
        ORDER BY e.uscc""")
    towns = [
        r[0]
        for r in rows(con, "SELECT DISTINCT town FROM webcache.firm WHERE town IS NOT NULL ORDER BY town")
    ]
    industries = rows(
        con,
        """
        SELECT left(industry_code, 2) AS code, arg_min(industry_name, industry_code) AS name
        FROM webcache.firm WHERE industry_code IS NOT NULL GROUP BY 1 ORDER BY 1""",
    )
    return towns, industries


def build_scale_basis_table(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build `webcache.scale_basis`: every firm's `store.scale_basis.scale_basis` row at once (one scan of
    the 规上 facts in force per data version, instead of one per list page); the list views carry it."""
    con.execute("""
        CREATE OR REPLACE TABLE webcache.scale_basis AS
        SELECT uscc, arg_max(period, period) AS period, arg_max(value, period) > 0 AS above_scale,
               arg_max(b.source, period) AS source, arg_max(b.file_name, period) AS file_name,
               arg_max(f.batch_id, period) AS batch_id
        FROM fact f JOIN import_batch b USING (batch_id)
        WHERE f.indicator = 'above_scale' AND NOT f.superseded
        GROUP BY uscc ORDER BY uscc""")


def drop_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS webcache.{_table(name)}")


def build_run_table(
    con: duckdb.DuckDBPyConnection, run_id: str, tax_keys: list[str], va_keys: list[str]
) -> None:
    """One run's rows in `webcache.run_firm`, with its 亩均税收 / 亩均增加值 values from the trace."""
    con.execute("""CREATE TABLE IF NOT EXISTS webcache.run_firm (
        run_id VARCHAR, uscc VARCHAR, list_id VARCHAR, score DOUBLE, rank INTEGER, class_initial VARCHAR,
        class_final VARCHAR, reasons VARCHAR, land_mu DOUBLE, tax_per_mu DOUBLE, va_per_mu DOUBLE)""")
    con.execute("DELETE FROM webcache.run_firm WHERE run_id = ?", [run_id])
    con.execute(
        """INSERT INTO webcache.run_firm
           SELECT r.run_id, r.uscc, r.list_id, r.score, r.rank, r.class_initial, r.class_final, r.reasons,
                  r.land_mu, i.tax_per_mu, i.va_per_mu
           FROM run_result r LEFT JOIN (
               SELECT t.firm, max(t.value) FILTER (WHERE list_contains(?, d.item)) AS tax_per_mu,
                      max(t.value) FILTER (WHERE list_contains(?, d.item)) AS va_per_mu
               FROM run_trace t JOIN run_item_def d ON d.run_id = t.run_id AND d.item_no = t.item_no
               WHERE t.run_id = ? GROUP BY t.firm) i ON i.firm = r.firm
           WHERE r.run_id = ?""",
        [tax_keys or [""], va_keys or [""], run_id, run_id],
    )


def build_view(con: duckdb.DuckDBPyConnection, name: str, run_id: str | None) -> None:
    """`webcache.<name>`: the firm table with one run's result columns (empty ones without a run), each
    firm's 规上 basis (`basis_*`, from `webcache.scale_basis`) and its place in the name order (`name_order`:
    initials, name, credit code — the default sort of a page by one integer instead of two texts; a page deep
    in the list took ~50 ms to sort), in credit-code order."""
    join, params = (
        ("LEFT JOIN webcache.run_firm r ON r.uscc = f.uscc AND r.run_id = ?", [run_id])
        if run_id
        else (
            "LEFT JOIN (SELECT NULL::VARCHAR AS uscc, NULL::VARCHAR AS list_id, NULL::DOUBLE AS score, "
            "NULL::INTEGER AS rank, NULL::VARCHAR AS class_final, NULL::DOUBLE AS land_mu, "
            "NULL::DOUBLE AS tax_per_mu) r ON false",
            [],
        )
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE webcache.{_table(name)} AS
        SELECT f.uscc, f.name, f.initials, f.town, f.industry_code, f.industry_name, f.above_scale,
               r.list_id, r.score, r.rank, r.class_final, r.land_mu, r.tax_per_mu,
               b.period AS basis_period, b.above_scale AS basis_above_scale, b.source AS basis_source,
               b.file_name AS basis_file_name, b.batch_id AS basis_batch_id,
               (row_number() OVER (ORDER BY f.initials, f.name, f.uscc))::INTEGER AS name_order
        FROM webcache.firm f {join} LEFT JOIN webcache.scale_basis b ON b.uscc = f.uscc
        ORDER BY f.uscc""",
        params,
    )
