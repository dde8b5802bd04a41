"""The land register's SQL: write a 宗地台账 or geometry batch (all or nothing, rejected rows kept), read the
register in force, the decisions beside it, and the per-firm aggregates the 低效 flags read (power and tax
months from monitor_firm_value, 亩均 classes from mujun runs) — each aggregate with the batches it came from."""

from __future__ import annotations

import uuid
from datetime import datetime

import duckdb
import polars as pl

from gaoxin.store.db import frame, one, rows, transaction
from gaoxin.store.imports import ArrowStream, find_batch, insert_batch, staged

PARCEL_FIELDS = (
    "parcel_no", "uscc", "holder_name", "town", "location", "area_mu", "land_use", "supply", "tenure",
    "contract_no", "signed_on", "price_wan", "agreed_start", "agreed_complete", "agreed_intensity",
    "plot_ratio", "planned_floor_m2", "total_invest_wan", "actual_start", "actual_complete", "stopped_on",
    "built_floor_m2", "invested_wan", "industry_code", "industry_status",
)  # fmt: skip
BUILDING_FIELDS = (
    "building_no", "parcel_no", "name", "floor_m2", "use", "owner_uscc", "lessee_uscc", "leased_m2", "vacant_m2",
)  # fmt: skip
_PTYPES = {
    **dict.fromkeys(PARCEL_FIELDS, pl.Utf8),
    **dict.fromkeys(("signed_on", "agreed_start", "agreed_complete", "actual_start", "actual_complete", "stopped_on"), pl.Date),
    **dict.fromkeys(("area_mu", "price_wan", "agreed_intensity", "plot_ratio", "planned_floor_m2", "total_invest_wan", "built_floor_m2", "invested_wan"), pl.Float64),
}  # fmt: skip
_BTYPES = {
    **dict.fromkeys(BUILDING_FIELDS, pl.Utf8),
    **dict.fromkeys(("floor_m2", "leased_m2", "vacant_m2"), pl.Float64),
}


def known_batch(con: duckdb.DuckDBPyConnection, sha: str) -> dict | None:
    return find_batch(con, sha)


def _typed(df: pl.DataFrame, types: dict, names: tuple) -> pl.DataFrame:
    cols = [
        (pl.col(n).cast(types[n]) if n in df.columns else pl.lit(None, dtype=types[n])).alias(n)
        for n in names
    ]
    return df.select(*cols, pl.col("_sheet").alias("sheet"), pl.col("_row").cast(pl.Int32).alias("row_no"))


def write_land_batch(con: duckdb.DuckDBPyConnection, batch) -> int:
    """One batch: its rows in force (earlier rows of the same 宗地 / 房屋 superseded) and its rejected rows."""
    parcels, buildings, rejected = batch.accepted_parcels(), batch.accepted_buildings(), batch.rejected_rows()
    targets = batch.accepted_targets()
    with transaction(con):
        batch_id = insert_batch(con, batch)
        if parcels.height:
            with staged(con, "staged_land", ArrowStream(_typed(parcels, _PTYPES, PARCEL_FIELDS))):
                con.execute(
                    "UPDATE land_parcel SET superseded = true FROM staged_land s "
                    "WHERE land_parcel.parcel_no = s.parcel_no AND NOT land_parcel.superseded"
                )
                con.execute(
                    f"INSERT INTO land_parcel SELECT {', '.join(PARCEL_FIELDS)}, ?, sheet, row_no, false FROM staged_land",
                    [batch_id],
                )
        if buildings.height:
            with staged(con, "staged_bld", ArrowStream(_typed(buildings, _BTYPES, BUILDING_FIELDS))):
                con.execute(
                    "UPDATE land_building SET superseded = true FROM staged_bld s "
                    "WHERE land_building.building_no = s.building_no AND NOT land_building.superseded"
                )
                con.execute(
                    f"INSERT INTO land_building SELECT {', '.join(BUILDING_FIELDS)}, ?, sheet, row_no, false "
                    "FROM staged_bld",
                    [batch_id],
                )
        if targets.height:
            t = targets.select(
                pl.col("year").cast(pl.Int32), "town", pl.col("target_mu").cast(pl.Float64),
                pl.col("_sheet").alias("sheet"), pl.col("_row").cast(pl.Int32).alias("row_no"),
            )  # fmt: skip
            with staged(con, "staged_target", ArrowStream(t)):
                con.execute(
                    "UPDATE land_target SET superseded = true FROM staged_target s WHERE land_target.town = s.town "
                    "AND land_target.year = s.year AND NOT land_target.superseded"
                )
                con.execute(
                    "INSERT INTO land_target SELECT year, town, target_mu, ?, sheet, row_no, false FROM staged_target",
                    [batch_id],
                )
        if rejected.height:
            with staged(con, "staged_land_rejects", ArrowStream(rejected)):
                con.execute(
                    "INSERT INTO rejected_row SELECT ?, sheet, row_no, disposition, columns, reasons, raw_json "
                    "FROM staged_land_rejects",
                    [batch_id],
                )
    return batch_id


def write_geometry_batch(con: duckdb.DuckDBPyConnection, batch) -> int:
    df = pl.DataFrame(
        batch.rows,
        schema={"parcel_no": pl.Utf8, "geojson": pl.Utf8, "crs": pl.Utf8, "lon": pl.Float64, "lat": pl.Float64, "feature_no": pl.Int32},
    )  # fmt: skip
    info = {
        "file_name": batch.file_name, "sha256": batch.sha256, "source": batch.source, "periods": [],
        "sheets": ["geometry"], "rows": df.height, "accepted": df.height, "rejected": 0, "skipped": 0,
        "columns": [], "notes": batch.notes,
    }  # fmt: skip
    with transaction(con):
        batch_id = insert_batch(con, info)
        with staged(con, "staged_geom", ArrowStream(df)):
            con.execute(
                "UPDATE land_geometry SET superseded = true FROM staged_geom s "
                "WHERE land_geometry.parcel_no = s.parcel_no AND NOT land_geometry.superseded"
            )
            con.execute(
                "INSERT INTO land_geometry SELECT parcel_no, geojson, crs, lon, lat, ?, feature_no, false FROM staged_geom",
                [batch_id],
            )
    return batch_id


def parcels(
    con: duckdb.DuckDBPyConnection, town: str | None = None, parcel_no: str | None = None
) -> pl.DataFrame:
    """The register in force (one town's, or one parcel), with the holder's name, town and industry from the
    enterprise table."""
    where, params = ("AND coalesce(p.town, e.town) = ?", [town]) if town else ("", [])
    if parcel_no:
        where, params = f"{where} AND p.parcel_no = ?", [*params, parcel_no]
    return frame(
        con,
        f"""SELECT p.* EXCLUDE (superseded, town, holder_name), coalesce(p.holder_name, e.name) AS holder_name,
                   coalesce(p.town, e.town) AS town, coalesce(p.industry_code, e.industry_code) AS industry,
                   e.industry_name, b.file_name, b.imported_at
            FROM land_parcel p LEFT JOIN enterprise e ON e.uscc = p.uscc JOIN import_batch b ON b.batch_id = p.batch_id
            WHERE NOT p.superseded {where} ORDER BY p.parcel_no""",
        params,
    )


def buildings(con: duckdb.DuckDBPyConnection, parcel_no: str | None = None) -> pl.DataFrame:
    where, params = ("AND b.parcel_no = ?", [parcel_no]) if parcel_no else ("", [])
    return frame(
        con,
        f"""SELECT b.* EXCLUDE (superseded), o.name AS owner_name, l.name AS lessee_name
            FROM land_building b LEFT JOIN enterprise o ON o.uscc = b.owner_uscc
                 LEFT JOIN enterprise l ON l.uscc = b.lessee_uscc
            WHERE NOT b.superseded {where} ORDER BY b.parcel_no, b.building_no""",
        params,
    )


def geometries(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(
        con,
        "SELECT parcel_no, geojson, crs, lon, lat, batch_id, feature_no FROM land_geometry WHERE NOT superseded",
    )


def targets(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, float]:
    """The 盘活目标 in force per town for a year (亩)."""
    return dict(
        rows(
            con,
            "SELECT town, target_mu FROM land_target WHERE NOT superseded AND year = ? ORDER BY town",
            [year],
        )
    )


def towns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The towns of the parcels in force (the parcel's own, else its holder's)."""
    return [
        t
        for (t,) in rows(
            con,
            """SELECT DISTINCT coalesce(p.town, e.town) AS t FROM land_parcel p LEFT JOIN enterprise e USING (uscc)
               WHERE NOT p.superseded AND coalesce(p.town, e.town) IS NOT NULL ORDER BY t""",
        )
    ]


def geometry_count(con: duckdb.DuckDBPyConnection) -> int:
    return one(con, "SELECT count(*) FROM land_geometry WHERE NOT superseded")[0]


def parcel_count(con: duckdb.DuckDBPyConnection) -> int:
    return one(con, "SELECT count(*) FROM land_parcel WHERE NOT superseded")[0]


# --- decisions beside the clocks (append only) -----------------------------------------------------------


def add_decision(con: duckdb.DuckDBPyConnection, rec: dict) -> str:
    did = rec.get("decision_id") or f"LD-{uuid.uuid4().hex[:10]}"
    keys = (
        "parcel_no",
        "kind",
        "cause",
        "from_day",
        "to_day",
        "verified",
        "amount_wan",
        "actor",
        "note",
        "clause",
    )
    con.execute(
        f"INSERT INTO land_decision (decision_id, {', '.join(keys)}, recorded_at) VALUES (?, {', '.join('?' * len(keys))}, ?)",
        [did, *[rec.get(k) for k in keys], rec.get("recorded_at") or datetime.now()],
    )
    return did


def decisions(con: duckdb.DuckDBPyConnection, parcel_no: str | None = None) -> pl.DataFrame:
    where, params = ("WHERE parcel_no = ?", [parcel_no]) if parcel_no else ("", [])
    return frame(con, f"SELECT * FROM land_decision {where} ORDER BY recorded_at, decision_id", params)


# --- what the 低效 flags read (per firm, vectorised) --------------------------------------------------------


def firm_month_aggregates(
    con: duckdb.DuckDBPyConnection, window_months: int, kwh_below: float, uscc: str | None = None
) -> pl.DataFrame:
    """Per firm (or the one firm `uscc`), in one scan: the trailing run of months with power < kwh_below up to
    the firm's last power month, the months of tax since the last month with tax > 0, and the batches those
    months came from. The window ends at the zone's latest month, whichever firms are read."""
    return frame(
        con,
        """WITH m AS (
             SELECT uscc, indicator, year * 12 + month - 1 AS mi, value, batch_id FROM monitor_firm_value
             WHERE NOT superseded AND indicator IN ('power', 'tax')),
           last AS (SELECT max(mi) AS top FROM m),
           w AS (SELECT m.* FROM m, last WHERE m.mi > last.top - ? AND (CAST(? AS VARCHAR) IS NULL OR m.uscc = ?)),
           p AS (
             SELECT uscc, max(mi) AS last_mi,
                    max(mi) FILTER (WHERE value >= ?) AS last_ok_mi, min(mi) AS first_mi,
                    list(DISTINCT batch_id ORDER BY batch_id) AS power_batches
             FROM w WHERE indicator = 'power' GROUP BY uscc),
           t AS (
             SELECT uscc, max(mi) AS last_mi, max(mi) FILTER (WHERE value > 0) AS last_paid_mi, min(mi) AS first_mi,
                    list(DISTINCT batch_id ORDER BY batch_id) AS tax_batches
             FROM w WHERE indicator = 'tax' GROUP BY uscc)
           SELECT coalesce(p.uscc, t.uscc) AS uscc,
                  p.last_mi - coalesce(p.last_ok_mi, p.first_mi - 1) AS low_power_months,
                  p.last_mi AS power_last_mi, p.power_batches,
                  t.last_mi - coalesce(t.last_paid_mi, t.first_mi - 1) AS no_tax_months,
                  t.last_mi AS tax_last_mi, t.tax_batches
           FROM p FULL JOIN t USING (uscc)""",
        [window_months, uscc, uscc, kwh_below],
    )


def firm_zero_tax_years(con: duckdb.DuckDBPyConnection, years: int, uscc: str | None = None) -> pl.DataFrame:
    """Per firm (or the one firm `uscc`) whose 税务 facts in force show no tax paid (tax_paid ≤ 0) in each of
    the store's latest `years` years: those years and the batches they came from."""
    return frame(
        con,
        """WITH f AS (SELECT uscc, period, value, batch_id FROM fact
                     WHERE NOT superseded AND indicator = 'tax_paid' AND regexp_matches(period, '^[0-9]{4}$')),
                top AS (SELECT max(CAST(period AS INTEGER)) AS y FROM f)
           SELECT uscc, list(period ORDER BY period) AS zero_tax_years,
                  list(DISTINCT CAST(batch_id AS BIGINT) ORDER BY CAST(batch_id AS BIGINT)) AS zero_tax_batches
           FROM f, top WHERE CAST(period AS INTEGER) > top.y - ? AND value <= 0
             AND (CAST(? AS VARCHAR) IS NULL OR uscc = ?)
           GROUP BY uscc HAVING count(*) = ?""",
        [years, uscc, uscc, years],
    )


def mujun_classes(con: duckdb.DuckDBPyConnection, uscc: str | None = None) -> pl.DataFrame:
    """Per firm (or the one firm `uscc`) and year: the 亩均 class of the latest mujun run of that year, and the
    run."""
    return frame(
        con,
        """SELECT r.uscc, run.period AS year, arg_max(r.class_final, run.created_at) AS class,
                  arg_max(r.run_id, run.created_at) AS run_id
           FROM run_result r JOIN run USING (run_id) WHERE run.kind = 'mujun' AND r.class_final IS NOT NULL
             AND (CAST(? AS VARCHAR) IS NULL OR r.uscc = ?)
           GROUP BY ALL""",
        [uscc, uscc],
    )


def firm_mujun_history(con: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    found = rows(
        con,
        """SELECT run.period, arg_max(r.class_final, run.created_at), arg_max(r.score, run.created_at),
                  arg_max(r.run_id, run.created_at)
           FROM run_result r JOIN run USING (run_id) WHERE r.uscc = ? AND run.kind = 'mujun'
           GROUP BY 1 ORDER BY 1""",
        [uscc],
    )
    return [{"year": y, "class": c, "score": s, "run_id": rid} for y, c, s, rid in found]


def firm_yearly_facts(con: duckdb.DuckDBPyConnection, indicators: tuple[str, ...]) -> pl.DataFrame:
    """The latest year's enterprise facts in force (tax_paid, value_added …) per firm in 万元 (stored in 元)."""
    marks = ", ".join("?" * len(indicators))
    return frame(
        con,
        f"""WITH f AS (SELECT uscc, period, indicator, value / 10000.0 AS value, batch_id FROM fact
                       WHERE NOT superseded AND indicator IN ({marks}))
            SELECT f.* FROM f JOIN (SELECT max(period) AS period FROM f) USING (period)""",
        list(indicators),
    )


def open_space_needs(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Who needs space now (read only): the 招商 leads still open (not signed or dropped) with a land or
    floor-space need, and the signed projects whose 供地 node is not done yet (their agreement's 亩)."""
    return frame(
        con,
        """SELECT '线索' AS kind, c.case_id, c.title, c.category AS industry, c.town, s.state_title,
                  TRY_CAST(json_extract_string(c.fields_json, '$.land_mu') AS DOUBLE) AS land_mu,
                  TRY_CAST(json_extract_string(c.fields_json, '$.space_sqm') AS DOUBLE) AS space_sqm
           FROM case_file c JOIN case_state s USING (case_id)
           WHERE c.domain = 'lead' AND s.state NOT IN ('signed', 'dropped')
             AND (json_extract_string(c.fields_json, '$.land_mu') IS NOT NULL
                  OR json_extract_string(c.fields_json, '$.space_sqm') IS NOT NULL)
           UNION ALL
           SELECT '项目', c.case_id, c.title, c.category, c.town, s.state_title,
                  TRY_CAST(json_extract_string(c.fields_json, '$.land_mu') AS DOUBLE), NULL
           FROM case_file c JOIN case_state s USING (case_id)
           WHERE c.domain = 'project' AND s.state = 'signed'
             AND json_extract_string(c.fields_json, '$.land_mu') IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.case_id AND e.action = 'node'
                             AND json_extract_string(e.fields_json, '$.node') = 'land')
           ORDER BY 1 DESC, 2""",
    )


def land_case_rows(con: duckdb.DuckDBPyConnection, town: str | None = None) -> pl.DataFrame:
    where, params = ("AND c.town = ?", [town]) if town else ("", [])
    return frame(
        con,
        f"""SELECT c.case_id, c.title, c.town, c.uscc, c.firm_name, c.category AS cause, c.opened_at,
                   json_extract_string(c.fields_json, '$.parcel_no') AS parcel_no,
                   s.state, s.state_title, s.lead AS officer, s.due, s.overdue, s.left_workdays, s.closed_at
            FROM case_file c JOIN case_state s USING (case_id)
            WHERE c.domain = 'land' {where} ORDER BY c.opened_at, c.case_id""",
        params,
    )


def case_outcomes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The 销号 events' outcome fields of every land case (亩 freed, new user, new investment)."""
    return frame(
        con,
        """SELECT e.case_id, e.happened_at AS at,
                  TRY_CAST(json_extract_string(e.fields_json, '$.freed_mu') AS DOUBLE) AS freed_mu,
                  json_extract_string(e.fields_json, '$.new_user') AS new_user,
                  TRY_CAST(json_extract_string(e.fields_json, '$.new_investment_wan') AS DOUBLE) AS new_investment_wan
           FROM case_event e JOIN case_file c USING (case_id)
           WHERE c.domain = 'land' AND e.action = 'close'""",
    )
