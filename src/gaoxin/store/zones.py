"""Zones and their yearly indicator facts: writing zone import batches, reading the zone matrix of a period.

Zone identity: a row with a 园区代码 is that zone; a row with only a name is the known zone of that name, or
a new zone whose id is the name. Facts stay in the indicator's own unit. When several batches carry the
same (zone, period, indicator) the latest batch is in force; older values stay traceable.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import duckdb

from gaoxin.store.db import frame, one, rows, transaction
from gaoxin.store.imports import insert_batch, staged

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
else:  # loaded on first use (gaoxin.lazy): readers of plain rows do not import them
    from gaoxin.lazy import np, pl

ZONE_COLUMNS = ["zone_id", "name", "province", "city", "level", "zone_type", "is_home"]


def write_zone_batch(con: duckdb.DuckDBPyConnection, batch) -> int:
    """Store one prepared zone batch (`gaoxin.ingest.zones.ZoneBatch`) in a single transaction."""
    zones = batch.zones.with_columns(pl.col("is_home").cast(pl.Float64))
    facts = batch.facts
    with transaction(con):
        batch_id = insert_batch(con, batch)
        with staged(con, "staged_zones", zones):
            # resolve ids: code, else the known zone of that name, else the name itself
            con.execute("""
                CREATE OR REPLACE TEMP TABLE zone_keys AS
                SELECT s.zone_code, s.zone_name,
                       coalesce(s.zone_code, (SELECT min(z.zone_id) FROM zone z WHERE z.name = s.zone_name),
                                s.zone_name) AS zone_id,
                       s.province, s.city, s.level, s.zone_type, s.is_home
                FROM staged_zones s""")
        con.execute(
            """
            UPDATE zone SET name = coalesce(k.zone_name, zone.name), province = coalesce(k.province, zone.province),
                   city = coalesce(k.city, zone.city), level = coalesce(k.level, zone.level),
                   zone_type = coalesce(k.zone_type, zone.zone_type), batch_id = ?
            FROM zone_keys k WHERE zone.zone_id = k.zone_id""",
            [batch_id],
        )
        con.execute(
            """
            INSERT INTO zone SELECT k.zone_id, coalesce(k.zone_name, k.zone_id), k.province, k.city, k.level,
                                    k.zone_type, false, ?
            FROM zone_keys k ANTI JOIN zone z ON z.zone_id = k.zone_id""",
            [batch_id],
        )
        # a file that names the home zone (是否本区 = 是) makes it the only home zone
        if one(con, "SELECT count(*) FROM zone_keys WHERE is_home > 0")[0]:
            con.execute(
                """UPDATE zone SET is_home = zone_id IN (SELECT zone_id FROM zone_keys WHERE is_home > 0)"""
            )
        with staged(con, "staged_zone_facts", facts):
            con.execute(
                """
                INSERT INTO zone_fact
                SELECT k.zone_id, f.period, f.indicator, f.value, f.unit, ?, f.sheet, f.row_no
                FROM staged_zone_facts f JOIN zone_keys k
                  ON coalesce(k.zone_code, k.zone_name) = coalesce(f.zone_code, f.zone_name)
            """,
                [batch_id],
            )
        with staged(con, "staged_rejects", batch.rejected_rows):
            con.execute(
                "INSERT INTO rejected_row SELECT ?, sheet, row_no, disposition, columns, reasons, raw_json "
                "FROM staged_rejects",
                [batch_id],
            )
        con.execute("DROP TABLE zone_keys")
    return batch_id


def zones(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(con, f"SELECT {', '.join(ZONE_COLUMNS)} FROM zone ORDER BY is_home DESC, zone_id")


def zone_periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in rows(con, "SELECT DISTINCT period FROM zone_fact ORDER BY period")]


def home_zone(con: duckdb.DuckDBPyConnection) -> str | None:
    found = one(con, "SELECT zone_id FROM zone WHERE is_home ORDER BY zone_id LIMIT 1")
    return found[0] if found else None


def find_zone(con: duckdb.DuckDBPyConnection, ref: str) -> str | None:
    """A zone id from its id or its exact name (None when unknown)."""
    found = one(
        con,
        "SELECT zone_id FROM zone WHERE zone_id = ? OR name = ? ORDER BY zone_id = ? DESC LIMIT 1",
        [ref, ref, ref],
    )
    return found[0] if found else None


def max_zone_batch(con: duckdb.DuckDBPyConnection) -> int:
    return int(
        one(
            con,
            """SELECT coalesce(greatest(max(batch_id), (SELECT max(batch_id) FROM reg_zone_measure)), 0)
               FROM zone_fact""",
        )[0]
    )


def zone_matrix(
    con: duckdb.DuckDBPyConnection, period: str, indicators: list[str], max_batch: int | None = None
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """(zones with any fact in the period, values[zone, indicator] with NaN = missing, batch ids or -1).

    Zones are sorted by id; the value in force is the latest batch's (as of `max_batch`). For the home zone the
    registry measures (`reg_zone_measure`: 技术合同成交额, 研发机构数 and their per-capita forms worked from the
    zone's own 创新登记) replace what a zone file types in."""
    params: list = [period]
    cond = ""
    if max_batch is not None:
        cond = " AND batch_id <= ?"
        params.append(max_batch)
    current = frame(
        con,
        f"""
        WITH typed AS (
            SELECT zone_id, indicator, arg_max(value, batch_id) AS value, max(batch_id) AS batch_id
            FROM zone_fact WHERE period = ?{cond} GROUP BY zone_id, indicator),
        registry AS (
            SELECT z.zone_id, m.indicator, arg_max(m.value, m.batch_id) AS value, max(m.batch_id) AS batch_id
            FROM reg_zone_measure m CROSS JOIN (SELECT min(zone_id) AS zone_id FROM zone WHERE is_home) z
            WHERE z.zone_id IS NOT NULL AND m.period = ?{cond.replace("batch_id", "m.batch_id")}
            GROUP BY z.zone_id, m.indicator)
        SELECT * FROM registry
        UNION ALL
        SELECT t.* FROM typed t ANTI JOIN registry r USING (zone_id, indicator)""",
        params + params,
    )
    base = frame(
        con,
        f"""SELECT {", ".join(ZONE_COLUMNS)} FROM zone
                          WHERE zone_id IN (SELECT zone_id FROM zone_fact WHERE period = ?{cond})
                          ORDER BY zone_id""",
        params,
    )
    values = np.full((base.height, len(indicators)), np.nan)
    batches = np.full((base.height, len(indicators)), -1, dtype=np.int64)
    if current.height and base.height:
        pos = {m: j for j, m in enumerate(indicators)}
        located = (
            current.filter(pl.col("indicator").is_in(indicators))
            .join(base.select("zone_id").with_row_index("_row"), on="zone_id", how="inner")
            .with_columns(pl.col("indicator").replace_strict(pos, return_dtype=pl.Int64))
        )
        at = (located.get_column("_row").to_numpy(), located.get_column("indicator").to_numpy())
        values[at] = located.get_column("value").to_numpy()
        batches[at] = located.get_column("batch_id").to_numpy()
    return base, values, batches


def zone_fingerprint(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """Content hash of the zone facts of a period and the zone attributes (order-independent)."""
    facts = one(
        con,
        """SELECT count(*), coalesce(sum(hash(zone_id, period, indicator, value, batch_id)), 0)
                        FROM zone_fact WHERE period = ?""",
        [period],
    )
    attrs = one(
        con,
        """SELECT count(*), coalesce(sum(hash(zone_id, name, province, city, level, zone_type,
                                                          is_home)), 0) FROM zone""",
    )
    measures = one(
        con,
        """SELECT count(*), coalesce(sum(hash(period, indicator, value, batch_id)), 0)
           FROM reg_zone_measure WHERE period = ?""",
        [period],
    )
    if not measures[0]:  # a store without registry measures keeps the run ids it had
        return hashlib.sha256(repr(("zone", facts, attrs)).encode()).hexdigest()[:16]
    return hashlib.sha256(repr(("zone", facts, attrs, measures)).encode()).hexdigest()[:16]


def zone_sources(con: duckdb.DuckDBPyConnection, zone_id: str, period: str) -> pl.DataFrame:
    """Every value of one zone in one period with the file, sheet and row it came from (latest first); for the
    home zone the registry measures first (sheet 创新登记, no row: worked from the registers)."""
    return frame(
        con,
        """
        SELECT indicator, value, unit, batch_id, file_name, sheet, row_no FROM (
            SELECT m.indicator, m.value, m.unit, m.batch_id, b.file_name, '创新登记' AS sheet,
                   CAST(NULL AS INTEGER) AS row_no, 0 AS k
            FROM reg_zone_measure m JOIN import_batch b USING (batch_id)
            WHERE m.period = ? AND ? IN (SELECT zone_id FROM zone WHERE is_home)
            UNION ALL
            SELECT f.indicator, f.value, f.unit, f.batch_id, b.file_name, f.sheet, f.row_no, 1 AS k
            FROM zone_fact f JOIN import_batch b USING (batch_id)
            WHERE f.zone_id = ? AND f.period = ?)
        ORDER BY indicator, k, batch_id DESC""",
        [period, zone_id, zone_id, period],
    )


def zone_period_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Zone id → the number of periods it has facts for (zones without facts are absent)."""
    return dict(
        frame(con, "SELECT zone_id, count(DISTINCT period) AS n FROM zone_fact GROUP BY zone_id").iter_rows()
    )


def zone_run_results(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """A ranking run's zones (zone_id, score, rank, reasons), ranked first by rank, the unranked last."""
    return frame(
        con,
        "SELECT uscc AS zone_id, score, rank, reasons FROM run_result WHERE run_id = ? "
        "ORDER BY rank NULLS LAST, uscc",
        [run_id],
    )


def zone_dimensions(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """A ranking run's per-dimension rows: zone_id, dim (the dimension id), score and the dimension rank."""
    return frame(
        con,
        "SELECT uscc AS zone_id, substr(item, 5) AS dim, score, value AS rank FROM run_item "
        "WHERE run_id = ? AND starts_with(item, 'dim.')",
        [run_id],
    )


def zone_run_items(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Every item row of a ranking run (indicators and dimensions): zone_id, item, value, score."""
    return frame(con, "SELECT uscc AS zone_id, item, value, score FROM run_item WHERE run_id = ?", [run_id])
