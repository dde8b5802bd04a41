"""招商线索 and 项目库 reads over the case tables (case_file, case_event, case_state) — the projects' monthly
调度 figures are their `report` events, signings their leads' `sign` events; nothing is stored twice — plus
the facts in force and the 亩均 run values a commitment check and a projection read."""

from __future__ import annotations

import duckdb
import polars as pl

from .db import frame, transaction
from .queries import current_facts_sql

_FIELD = "json_extract_string(c.fields_json, '$.{}')"


def project_rows(
    con: duckdb.DuckDBPyConnection, domain: str, town: str | None = None, uscc: str | None = None
) -> pl.DataFrame:
    """Every case of `domain` (of one town, of one firm) with its header fields (as JSON text), projected state
    and — from its `report` events — the cumulative 计划投资 / 完成投资 / 资金到位 (万元) and the last reported
    month."""
    return frame(
        con,
        """
        WITH c AS MATERIALIZED (
            SELECT * FROM case_file
            WHERE domain = ? AND (? IS NULL OR town = ?) AND (? IS NULL OR uscc = ?)),
        rep AS (
            SELECT case_id,
                   sum(TRY_CAST(json_extract_string(fields_json, '$.plan_wan') AS DOUBLE)) AS plan_wan,
                   sum(TRY_CAST(json_extract_string(fields_json, '$.done_wan') AS DOUBLE)) AS done_wan,
                   sum(TRY_CAST(json_extract_string(fields_json, '$.funds_wan') AS DOUBLE)) AS funds_wan,
                   max(json_extract_string(fields_json, '$.month')) AS last_month,
                   max(json_extract_string(fields_json, '$.month'))
                       FILTER (WHERE TRY_CAST(json_extract_string(fields_json, '$.done_wan') AS DOUBLE) > 0)
                       AS last_done_month
            FROM case_event WHERE action = 'report' AND case_id IN (SELECT case_id FROM c) GROUP BY case_id)
        SELECT c.case_id, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.source, c.fields_json,
               c.opened_at, s.state, s.state_title, s.events,
               coalesce(r.plan_wan, 0) AS plan_wan, coalesce(r.done_wan, 0) AS done_wan,
               coalesce(r.funds_wan, 0) AS funds_wan, r.last_month, r.last_done_month
        FROM c LEFT JOIN case_state s USING (case_id) LEFT JOIN rep r USING (case_id)
        ORDER BY c.opened_at, c.case_id""",
        [domain, town, town, uscc, uscc],
    )


def reports(con: duckdb.DuckDBPyConnection, case_id: str) -> pl.DataFrame:
    """A project's monthly 调度 figures (万元), one row per month (a month reported twice: the later one)."""
    return frame(
        con,
        """
        SELECT json_extract_string(fields_json, '$.month') AS month,
               arg_max(TRY_CAST(json_extract_string(fields_json, '$.plan_wan') AS DOUBLE), seq) AS plan_wan,
               arg_max(TRY_CAST(json_extract_string(fields_json, '$.done_wan') AS DOUBLE), seq) AS done_wan,
               arg_max(TRY_CAST(json_extract_string(fields_json, '$.funds_wan') AS DOUBLE), seq) AS funds_wan,
               max(seq) AS seq
        FROM case_event WHERE case_id = ? AND action = 'report' GROUP BY month ORDER BY month""",
        [case_id],
    )


def all_reports(con: duckdb.DuckDBPyConnection, domain: str) -> pl.DataFrame:
    """Every project's monthly figures (the colour of the whole board)."""
    return frame(
        con,
        """
        SELECT e.case_id, json_extract_string(e.fields_json, '$.month') AS month,
               arg_max(TRY_CAST(json_extract_string(e.fields_json, '$.plan_wan') AS DOUBLE), e.seq) AS plan_wan,
               arg_max(TRY_CAST(json_extract_string(e.fields_json, '$.done_wan') AS DOUBLE), e.seq) AS done_wan,
               arg_max(TRY_CAST(json_extract_string(e.fields_json, '$.funds_wan') AS DOUBLE), e.seq) AS funds_wan
        FROM case_event e JOIN case_file c USING (case_id)
        WHERE c.domain = ? AND e.action = 'report' GROUP BY ALL ORDER BY 1, 2""",
        [domain],
    )


def signings(con: duckdb.DuckDBPyConnection, domain: str) -> pl.DataFrame:
    """Every `sign` event of the domain's cases: which case, when, the firm and title, the fields it carried
    (counted investment and its reason included)."""
    return frame(
        con,
        """
        SELECT c.case_id, c.title, c.uscc, c.firm_name, c.fields_json AS header_json, e.happened_at,
               e.fields_json
        FROM case_event e JOIN case_file c USING (case_id)
        WHERE c.domain = ? AND e.action = 'sign' ORDER BY e.happened_at, c.case_id""",
        [domain],
    )


def facts_in_force(
    con: duckdb.DuckDBPyConnection, usccs: list[str], indicators: tuple[str, ...]
) -> pl.DataFrame:
    """The values in force of these firms and indicators, every period, with batch, file, sheet and row."""
    if not usccs:
        return pl.DataFrame(
            schema={
                "uscc": pl.Utf8, "period": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64, "unit": pl.Utf8,
                "batch_id": pl.Int32, "source": pl.Utf8, "file_name": pl.Utf8, "sheet": pl.Utf8,
                "row_no": pl.Int32,
            }
        )  # fmt: skip
    con.register("_fact_usccs", pl.DataFrame({"uscc": usccs}, schema={"uscc": pl.Utf8}).to_arrow())
    try:
        return frame(
            con,
            current_facts_sql(
                "WHERE f.uscc IN (SELECT uscc FROM _fact_usccs) AND list_contains(?, f.indicator)"
            ),
            [list(indicators)],
        )
    finally:
        con.unregister("_fact_usccs")


def run_item_values(con: duckdb.DuckDBPyConnection, run_id: str, list_id: str, item: str) -> pl.DataFrame:
    """One item of a run for the firms of one list: uscc, rank, class_initial, class_final, value."""
    return frame(
        con,
        """SELECT r.uscc, r.rank, r.class_initial, r.class_final, i.value
           FROM run_result r JOIN run_item i ON i.run_id = r.run_id AND i.uscc = r.uscc AND i.item = ?
           WHERE r.run_id = ? AND r.list_id = ? ORDER BY r.rank NULLS LAST""",
        [f"{list_id}.{item}", run_id, list_id],
    )


def project_of_lead(con: duckdb.DuckDBPyConnection, domain: str, lead_id: str) -> str | None:
    """The project a lead's signing opened (its header names the lead)."""
    found = frame(
        con,
        "SELECT case_id FROM case_file WHERE domain = ? AND json_extract_string(fields_json, '$.lead') = ? "
        "ORDER BY opened_at LIMIT 1",
        [domain, lead_id],
    )
    return found["case_id"][0] if found.height else None


# ---- the board's projection (migration 11) ----------------------------------------------------------------

BOARD_COLUMNS = {
    "case_id": pl.Utf8,
    "as_of": pl.Date,
    "events": pl.Int32,
    "colour": pl.Utf8,
    "missed": pl.Boolean,
    "overdue_nodes": pl.Utf8,
    "next_node": pl.Utf8,
    "next_due": pl.Date,
    "landed": pl.Boolean,
    "planned_start": pl.Date,
    "planned_complete": pl.Date,
    "plan_wan": pl.Float64,
    "done_wan": pl.Float64,
    "funds_wan": pl.Float64,
    "last_month": pl.Utf8,
    "last_done_month": pl.Utf8,
    "investment_wan": pl.Float64,
    "counted_wan": pl.Float64,
    "land_mu": pl.Float64,
    "owner": pl.Utf8,
    "full_year": pl.Int32,
    "intensity": pl.Float64,
    "tax_per_mu": pl.Float64,
    "output_per_mu": pl.Float64,
    "energy_va": pl.Float64,
    "rd_share": pl.Float64,
    "plot_ratio": pl.Float64,
}


def stale_projects(con: duckdb.DuckDBPyConnection, domain: str, day) -> list[str]:
    """The cases whose board row is missing, older than their log (an event since) or derived for another
    day (the running month's colour moves with the date)."""
    found = frame(
        con,
        """SELECT c.case_id FROM case_file c JOIN case_state s USING (case_id)
           LEFT JOIN project_board b USING (case_id)
           WHERE c.domain = ? AND (b.case_id IS NULL OR b.events <> s.events OR b.as_of <> ?)
           ORDER BY c.case_id""",
        [domain, day],
    )
    return found["case_id"].to_list() if found.height else []


def _ids(con: duckdb.DuckDBPyConnection, case_ids: list[str]) -> None:
    con.register("_board_ids", pl.DataFrame({"case_id": case_ids}, schema={"case_id": pl.Utf8}).to_arrow())


def project_logs(con: duckdb.DuckDBPyConnection, case_ids: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(headers, events) of these cases at once: opened_at, flow and event count; every event in order."""
    _ids(con, case_ids)
    try:
        heads = frame(
            con,
            """SELECT c.case_id, c.opened_at, c.flow_sha256, c.fields_json, s.events
               FROM case_file c JOIN _board_ids USING (case_id) JOIN case_state s USING (case_id)""",
        )
        events = frame(
            con,
            """SELECT e.case_id, e.seq, e.happened_at AS at, e.actor, e.role, e.action, e.fields_json, e.note,
                      e.attachments_json
               FROM case_event e JOIN _board_ids USING (case_id) ORDER BY e.case_id, e.seq""",
        )
    finally:
        con.unregister("_board_ids")
    return heads, events


def board_reports(con: duckdb.DuckDBPyConnection, case_ids: list[str]) -> pl.DataFrame:
    """The monthly 调度 figures of these cases (a month reported twice: the later one)."""
    _ids(con, case_ids)
    try:
        return frame(
            con,
            """
            SELECT e.case_id, json_extract_string(e.fields_json, '$.month') AS month,
                   arg_max(TRY_CAST(json_extract_string(e.fields_json, '$.plan_wan') AS DOUBLE), e.seq) AS plan_wan,
                   arg_max(TRY_CAST(json_extract_string(e.fields_json, '$.done_wan') AS DOUBLE), e.seq) AS done_wan,
                   arg_max(TRY_CAST(json_extract_string(e.fields_json, '$.funds_wan') AS DOUBLE), e.seq) AS funds_wan
            FROM case_event e JOIN _board_ids USING (case_id)
            WHERE e.action = 'report' GROUP BY ALL ORDER BY 1, 2""",
        )
    finally:
        con.unregister("_board_ids")


def replace_board(con: duckdb.DuckDBPyConnection, rows_: pl.DataFrame) -> int:
    """Write the board rows of these cases (replacing theirs)."""
    if rows_.height == 0:
        return 0
    f = rows_.select([pl.col(c).cast(t) for c, t in BOARD_COLUMNS.items()])
    with transaction(con):
        con.register("_board", f.to_arrow())
        try:
            con.execute("DELETE FROM project_board WHERE case_id IN (SELECT case_id FROM _board)")
            con.execute(f"INSERT INTO project_board ({', '.join(BOARD_COLUMNS)}) SELECT * FROM _board")
        finally:
            con.unregister("_board")
    return f.height


def board_rows(
    con: duckdb.DuckDBPyConnection, domain: str, town: str | None = None, uscc: str | None = None
) -> pl.DataFrame:
    """The board as stored: header, state and the projection of every project (one firm's with `uscc`)."""
    return frame(
        con,
        """
        SELECT c.case_id, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.opened_at,
               s.state, s.state_title, b.* EXCLUDE (case_id, events)
        FROM case_file c JOIN case_state s USING (case_id) JOIN project_board b USING (case_id)
        WHERE c.domain = ? AND (? IS NULL OR c.town = ?) AND (? IS NULL OR c.uscc = ?)
        ORDER BY c.opened_at, c.case_id""",
        [domain, town, town, uscc, uscc],
    )


def agreement_rows(
    con: duckdb.DuckDBPyConnection, domain: str, numbers: tuple[str, ...], case_ids: list[str] | None = None
) -> pl.DataFrame:
    """case_id, uscc, the agreement's `numbers` and 达产 year (from the header JSON) and the cumulative 完成投资 of
    every project (or of `case_ids`) — from the board's projection where it is as new as the log, summed from
    the `report` events otherwise (the commitment check's input)."""
    cols = ", ".join(f"TRY_CAST({_FIELD.format(k)} AS DOUBLE) AS {k}" for k in numbers if k.isidentifier())
    _ids(con, case_ids or [])
    try:
        return frame(
            con,
            f"""
            WITH fresh AS (
                SELECT c.case_id, c.uscc, c.fields_json, b.done_wan,
                       b.case_id IS NOT NULL AND b.events = s.events AS ok
                FROM case_file c JOIN case_state s USING (case_id) LEFT JOIN project_board b USING (case_id)
                WHERE c.domain = ? AND (? OR c.case_id IN (SELECT case_id FROM _board_ids))),
            rep AS (
                SELECT case_id, sum(TRY_CAST(json_extract_string(fields_json, '$.done_wan') AS DOUBLE)) AS done_wan
                FROM case_event WHERE action = 'report' AND case_id IN (SELECT case_id FROM fresh WHERE NOT ok)
                GROUP BY case_id)
            SELECT c.case_id, c.uscc,
                   coalesce(CASE WHEN c.ok THEN c.done_wan ELSE r.done_wan END, 0) AS done_wan, {cols},
                   TRY_CAST({_FIELD.format("full_year")} AS BIGINT) AS full_year
            FROM fresh c LEFT JOIN rep r USING (case_id) ORDER BY c.case_id""",
            [domain, case_ids is None],
        )
    finally:
        con.unregister("_board_ids")


CHECK_COLUMNS = {
    "case_id": pl.Utf8, "uscc": pl.Utf8, "year": pl.Int64, "item": pl.Utf8, "title": pl.Utf8, "unit": pl.Utf8,
    "committed": pl.Float64, "actual": pl.Float64, "agreement_land": pl.Boolean, "status": pl.Utf8,
    "short": pl.Float64, "evidence": pl.List(pl.Utf8),
}  # fmt: skip
_CHECK_KEY = "project_check.fingerprint"


def check_fingerprint(con: duckdb.DuckDBPyConnection, domain: str) -> str:
    """What the stored commitment check was worked from: the batches and the projects' logs."""
    (b_max, b_n), (p_n, e_n) = (
        con.execute("SELECT max(batch_id), count(*) FROM import_batch").fetchone(),
        con.execute(
            "SELECT count(*), sum(s.events) FROM case_file c JOIN case_state s USING (case_id) WHERE c.domain = ?",
            [domain],
        ).fetchone(),
    )
    return f"{b_max}|{b_n}|{p_n}|{e_n}"


def stored_check_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    from gaoxin.store.users import get_setting

    return get_setting(con, _CHECK_KEY)


def replace_checks(con: duckdb.DuckDBPyConnection, checks: pl.DataFrame, fingerprint: str) -> None:
    from gaoxin.store.users import put_setting

    f = (
        checks.select([pl.col(c).cast(t) for c, t in CHECK_COLUMNS.items()])
        if checks.height
        else pl.DataFrame(schema=CHECK_COLUMNS)
    )
    with transaction(con):
        con.execute("DELETE FROM project_check")
        if f.height:
            con.register("_checks", f.to_arrow())
            try:
                con.execute(f"INSERT INTO project_check ({', '.join(CHECK_COLUMNS)}) SELECT * FROM _checks")
            finally:
                con.unregister("_checks")
    put_setting(con, _CHECK_KEY, fingerprint)


def check_status(con: duckdb.DuckDBPyConnection, case_ids: list[str]) -> pl.DataFrame:
    """One row per checked project: 未达标 when any commitment of any year is short, else 达标 when any is met,
    else 无数据 (the 履约率's numerator and denominator)."""
    _ids(con, case_ids)
    try:
        return frame(
            con,
            """SELECT case_id, CASE WHEN bool_or(status = '未达标') THEN '未达标'
                                    WHEN bool_or(status = '达标') THEN '达标' ELSE '无数据' END AS status
               FROM project_check JOIN _board_ids USING (case_id) GROUP BY case_id""",
        )
    finally:
        con.unregister("_board_ids")


def shortfalls(
    con: duckdb.DuckDBPyConnection, case_ids: list[str], limit: int | None
) -> tuple[list[dict], int]:
    """The stored shortfalls of these projects (largest first within each project, in project order) and
    how many there are."""
    _ids(con, case_ids)
    try:
        found = frame(
            con,
            f"""SELECT {", ".join(CHECK_COLUMNS)}, count(*) OVER () AS n
                FROM project_check JOIN _board_ids USING (case_id) WHERE status = '未达标'
                ORDER BY case_id, year, item {"LIMIT " + str(int(limit)) if limit else ""}""",
        )
    finally:
        con.unregister("_board_ids")
    return (found.drop("n").to_dicts(), int(found["n"][0])) if found.height else ([], 0)
