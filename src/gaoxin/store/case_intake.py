"""Case intake and case reports: the tickets already imported (their external numbers live in the case
header's fields JSON as ``ticket_no``), the import batch and rejected rows of a ticket file, and the cases of
one month with their projected state for the monthly 诉求办理情况通报."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store.db import frame, rows, transaction
from gaoxin.store.imports import ArrowStream, insert_batch, staged


def imported_tickets(con: duckdb.DuckDBPyConnection, domain: str) -> dict[str, str]:
    """External ticket number → case id, for every case of `domain` that came in with one."""
    return dict(
        rows(
            con,
            """SELECT json_extract_string(fields_json, '$.ticket_no') AS ticket_no, min(case_id)
               FROM case_file
               WHERE domain = ? AND json_extract_string(fields_json, '$.ticket_no') IS NOT NULL
               GROUP BY ALL""",
            [domain],
        )
    )


def write_intake_batch(con: duckdb.DuckDBPyConnection, batch: dict, rejected: pl.DataFrame) -> int:
    """The import batch of a ticket file and its rejected / skipped rows, in one transaction; its id.

    `batch`: file_name, sha256, source, periods, sheets, rows, accepted, rejected, skipped, columns, notes.
    `rejected`: sheet, row_no, disposition, columns, reasons, raw_json (ingest.rows.rejected_frame)."""
    with transaction(con):
        batch_id = insert_batch(con, batch)
        if rejected.height:
            with staged(con, "staged_ticket_rejects", ArrowStream(rejected)):
                con.execute(
                    "INSERT INTO rejected_row SELECT ?, sheet, row_no, disposition, columns, reasons, raw_json "
                    "FROM staged_ticket_rejects",
                    [batch_id],
                )
    return batch_id


def drop_intake_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Undo `write_intake_batch` when the cases of the batch could not be written (all or nothing)."""
    with transaction(con):
        con.execute("DELETE FROM rejected_row WHERE batch_id = ?", [batch_id])
        con.execute("DELETE FROM import_batch WHERE batch_id = ?", [batch_id])


def month_cases(con: duckdb.DuckDBPyConnection, domain: str, month: str) -> pl.DataFrame:
    """The cases of `domain` opened in `month` ('2026-11') with their projected state, for reports: the same
    cohort (month of opening) and the same case_state columns `cases.monthly_rates` counts."""
    return frame(
        con,
        """SELECT c.case_id, json_extract_string(c.fields_json, '$.ticket_no') AS ticket_no, c.title, c.uscc,
                  c.firm_name, c.town, c.category, c.opened_at, coalesce(s.lead, '（未派单）') AS lead,
                  s.state, s.state_title, s.overdue, s.left_workdays, s.due, s.due_deadline, s.escalation,
                  s.respond_status, s.resolve_status, s.satisfaction, s.closed_at
           FROM case_file c JOIN case_state s USING (case_id)
           WHERE c.domain = ? AND strftime(c.opened_at, '%Y-%m') = ?
           ORDER BY c.opened_at, c.case_id""",
        [domain, month],
    )
