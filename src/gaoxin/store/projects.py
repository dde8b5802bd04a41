"""招商线索 and 项目库 reads over the case tables (case_file, case_event, case_state) — the projects' monthly
调度 figures are their `report` events, signings their leads' `sign` events; nothing is stored twice — plus
the facts in force and the 亩均 run values a commitment check and a projection read."""

from __future__ import annotations

import duckdb
import polars as pl

from .db import frame
from .queries import current_facts_sql

_FIELD = "json_extract_string(c.fields_json, '$.{}')"


def project_rows(con: duckdb.DuckDBPyConnection, domain: str, town: str | None = None) -> pl.DataFrame:
    """Every case of `domain` with its header fields (as JSON text), projected state and — from its
    `report` events — the cumulative 计划投资 / 完成投资 / 资金到位 (万元) and the last reported month."""
    return frame(
        con,
        """
        WITH rep AS (
            SELECT case_id,
                   sum(TRY_CAST(json_extract_string(fields_json, '$.plan_wan') AS DOUBLE)) AS plan_wan,
                   sum(TRY_CAST(json_extract_string(fields_json, '$.done_wan') AS DOUBLE)) AS done_wan,
                   sum(TRY_CAST(json_extract_string(fields_json, '$.funds_wan') AS DOUBLE)) AS funds_wan,
                   max(json_extract_string(fields_json, '$.month')) AS last_month,
                   max(json_extract_string(fields_json, '$.month'))
                       FILTER (WHERE TRY_CAST(json_extract_string(fields_json, '$.done_wan') AS DOUBLE) > 0)
                       AS last_done_month
            FROM case_event WHERE action = 'report' GROUP BY case_id)
        SELECT c.case_id, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.source, c.fields_json,
               c.opened_at, s.state, s.state_title, s.events,
               coalesce(r.plan_wan, 0) AS plan_wan, coalesce(r.done_wan, 0) AS done_wan,
               coalesce(r.funds_wan, 0) AS funds_wan, r.last_month, r.last_done_month
        FROM case_file c LEFT JOIN case_state s USING (case_id) LEFT JOIN rep r USING (case_id)
        WHERE c.domain = ? AND (? IS NULL OR c.town = ?)
        ORDER BY c.opened_at, c.case_id""",
        [domain, town, town],
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
    return frame(
        con,
        current_facts_sql("WHERE list_contains(?, f.uscc) AND list_contains(?, f.indicator)"),
        [usccs, list(indicators)],
    )


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
