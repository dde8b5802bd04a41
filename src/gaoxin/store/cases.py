"""Cases (enterprise requests, projects, land disposal, appeals): the case header, its append-only event log,
the flow texts they follow, attachments, and ``case_state`` — a projection derived from the log (state, lead
unit, clocks) that the inbox and the statistics read. The projection is rebuilt from the log whenever an event
is appended and can be rebuilt for every case at any time; the log itself is never updated or deleted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import polars as pl

from .db import frame, one, rows, transaction

STATE_COLUMNS = {
    "case_id": pl.Utf8,
    "state": pl.Utf8,
    "state_title": pl.Utf8,
    "lead": pl.Utf8,
    "co_units": pl.Utf8,
    "handler": pl.Utf8,
    "due": pl.Date,  # the next due day of a running clock (the earliest), None when none runs
    "due_deadline": pl.Utf8,
    "overdue": pl.Boolean,
    "left_workdays": pl.Int32,
    "escalation": pl.Utf8,
    "respond_status": pl.Utf8,
    "resolve_status": pl.Utf8,
    "satisfaction": pl.Utf8,
    "closed_at": pl.Datetime("us"),
    "reopened": pl.Int32,
    "events": pl.Int32,
    "provisional": pl.Boolean,
    "as_of": pl.Date,
}


class CaseConflict(RuntimeError):
    """Another user appended to the case in between: reload and try again."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def store_flow(con: duckdb.DuckDBPyConnection, flow_id: str, version: str, text: str, sha: str) -> None:
    if one(con, "SELECT 1 FROM flow WHERE sha256 = ?", [sha]) is None:
        con.execute("INSERT INTO flow VALUES (?, ?, ?, ?, ?)", [flow_id, version, sha, text, _now()])


def flow_text(con: duckdb.DuckDBPyConnection, sha: str) -> str | None:
    found = one(con, "SELECT text FROM flow WHERE sha256 = ?", [sha])
    return found[0] if found else None


def store_attachment(con: duckdb.DuckDBPyConnection, sha: str, name: str, data: bytes) -> None:
    if one(con, "SELECT 1 FROM attachment WHERE sha256 = ?", [sha]) is None:
        con.execute("INSERT INTO attachment VALUES (?, ?, ?, ?, ?)", [sha, name, len(data), data, _now()])


def attachment(con: duckdb.DuckDBPyConnection, sha: str) -> tuple[str, bytes] | None:
    found = one(con, "SELECT name, content FROM attachment WHERE sha256 = ?", [sha])
    return (found[0], bytes(found[1])) if found else None


def new_case_id(con: duckdb.DuckDBPyConnection, prefix: str, year: int) -> str:
    """The next number of the year for a domain: SQ-2025-00042 (call inside the write transaction)."""
    stem = f"{prefix}-{year}-"
    last = one(con, "SELECT max(case_id) FROM case_file WHERE starts_with(case_id, ?)", [stem])[0]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{n:05d}"


def open_case(
    con: duckdb.DuckDBPyConnection, header: dict, event: dict, prefix: str, state: dict | None = None
) -> str:
    """Create the case and its first event in one transaction; returns the case id."""
    with transaction(con):
        case_id = header.get("case_id") or new_case_id(con, prefix, header["opened_at"].year)
        con.execute(
            "INSERT INTO case_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                case_id,
                header["domain"],
                header["flow_id"],
                header["flow_sha256"],
                header.get("uscc"),
                header.get("firm_name"),
                header.get("town"),
                header["title"],
                header.get("category"),
                header.get("urgency"),
                header.get("source"),
                json.dumps(header.get("fields") or {}, ensure_ascii=False, sort_keys=True),
                header["opened_at"],
            ],
        )
        _insert_event(con, case_id, 1, event)
        if state is not None:
            _put_state(con, {**state, "case_id": case_id})
    return case_id


EVENT_COLUMNS = (
    "case_id", "seq", "happened_at", "actor", "role", "action", "from_state", "to_state", "fields_json", "note",
    "attachments_json", "recorded_at",
)  # fmt: skip


def _event_row(case_id: str, seq: int, e: dict, recorded_at: datetime) -> tuple:
    """An event as stored: fields and attachments as JSON (keys sorted: the same event, the same text)."""
    return (
        case_id,
        seq,
        e["at"],
        e["actor"],
        e["role"],
        e["action"],
        e.get("from_state"),
        e.get("to_state"),
        json.dumps(e.get("fields") or {}, ensure_ascii=False, sort_keys=True),
        e.get("note") or None,
        json.dumps(list(e.get("attachments") or ()), ensure_ascii=False),
        recorded_at,
    )


def _insert_event(con: duckdb.DuckDBPyConnection, case_id: str, seq: int, e: dict) -> None:
    con.execute(
        f"INSERT INTO case_event VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
        list(_event_row(case_id, seq, e, _now())),
    )


def append_event(
    con: duckdb.DuckDBPyConnection, case_id: str, expected_seq: int, event: dict, state: dict | None = None
) -> int:
    """Append one event after `expected_seq` (the last event the caller derived from) and refresh the
    projection, all or nothing; CaseConflict when someone else appended in between."""
    with transaction(con):
        last = one(con, "SELECT coalesce(max(seq), 0) FROM case_event WHERE case_id = ?", [case_id])[0]
        if last != expected_seq:
            raise CaseConflict(f"案件 {case_id} 已有新的办理记录（第 {last} 条），请刷新后再操作")
        _insert_event(con, case_id, last + 1, event)
        if state is not None:
            _put_state(con, {**state, "case_id": case_id})
    return last + 1


def _put_state(con: duckdb.DuckDBPyConnection, state: dict) -> None:
    cols = list(STATE_COLUMNS)
    con.execute("DELETE FROM case_state WHERE case_id = ?", [state["case_id"]])
    con.execute(
        f"INSERT INTO case_state ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [state.get(c) for c in cols],
    )


def replace_states(con: duckdb.DuckDBPyConnection, states: pl.DataFrame) -> int:
    """Rebuild the projection of the cases in `states` (e.g. every open case each morning, as clocks move)."""
    if states.height == 0:
        return 0
    frame_ = states.select(
        [
            pl.col(c).cast(t) if c in states.columns else pl.lit(None, t).alias(c)
            for c, t in STATE_COLUMNS.items()
        ]
    )
    with transaction(con):
        con.register("_states", frame_.to_arrow())
        try:
            con.execute("DELETE FROM case_state WHERE case_id IN (SELECT case_id FROM _states)")
            con.execute(f"INSERT INTO case_state ({', '.join(STATE_COLUMNS)}) SELECT * FROM _states")
        finally:
            con.unregister("_states")
    return states.height


def write_cases(
    con: duckdb.DuckDBPyConnection, headers: list[dict], events: list[dict], states: pl.DataFrame
) -> None:
    """Many whole cases at once (an import, the demo): headers, every event and their projections, all or
    nothing. Events carry their case_id and seq."""
    head = pl.DataFrame(
        [
            {**h, "fields_json": json.dumps(h.get("fields") or {}, ensure_ascii=False, sort_keys=True)}
            for h in headers
        ]
    ).select(_HEADER_COLUMNS)
    now = _now()
    ev = pl.DataFrame(
        [_event_row(e["case_id"], e["seq"], e, now) for e in events], schema=list(EVENT_COLUMNS), orient="row"
    )
    with transaction(con):
        con.register("_heads", head.to_arrow())
        con.register("_events", ev.to_arrow())
        try:
            con.execute("INSERT INTO case_file SELECT * FROM _heads")
            con.execute("INSERT INTO case_event SELECT * FROM _events")
        finally:
            con.unregister("_heads")
            con.unregister("_events")
    replace_states(con, states)


_HEADER_COLUMNS = [
    "case_id", "domain", "flow_id", "flow_sha256", "uscc", "firm_name", "town", "title", "category", "urgency",
    "source", "fields_json", "opened_at",
]  # fmt: skip


def case_header(con: duckdb.DuckDBPyConnection, case_id: str) -> dict | None:
    found = frame(con, "SELECT * FROM case_file WHERE case_id = ?", [case_id]).to_dicts()
    if not found:
        return None
    header = found[0]
    header["fields"] = json.loads(header.pop("fields_json") or "{}")
    return header


def case_events(con: duckdb.DuckDBPyConnection, case_id: str) -> list[dict]:
    found = rows(
        con,
        "SELECT seq, happened_at, actor, role, action, from_state, to_state, fields_json, note, attachments_json "
        "FROM case_event WHERE case_id = ? ORDER BY seq",
        [case_id],
    )
    return [
        {
            "seq": r[0],
            "at": r[1],
            "actor": r[2],
            "role": r[3],
            "action": r[4],
            "from_state": r[5],
            "to_state": r[6],
            "fields": json.loads(r[7] or "{}"),
            "note": r[8] or "",
            "attachments": tuple(json.loads(r[9] or "[]")),
        }
        for r in found
    ]


def case_state(con: duckdb.DuckDBPyConnection, case_id: str) -> dict | None:
    found = frame(con, "SELECT * FROM case_state WHERE case_id = ?", [case_id]).to_dicts()
    return found[0] if found else None


# filters a case list may use, each a fixed SQL fragment with one parameter (no user text in SQL)
_FILTERS = {
    "domain": "c.domain = ?",
    "state": "s.state = ?",
    "lead": "s.lead = ?",
    "town": "c.town = ?",
    "uscc": "c.uscc = ?",
    "category": "c.category = ?",
    "handler": "s.handler = ?",
}


def case_list(
    con: duckdb.DuckDBPyConnection,
    filters: dict[str, str | None] | None = None,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
    limit: int | None = None,
) -> pl.DataFrame:
    """Cases with their projected state, overdue first, then by due day and age (the 待办 order)."""
    where, params = ["TRUE"], []
    for key, value in (filters or {}).items():
        if value is None or value == "":
            continue
        if key not in _FILTERS:
            raise KeyError(key)
        where.append(_FILTERS[key])
        params.append(value)
    if open_only:
        where.append("s.closed_at IS NULL AND s.state NOT IN ('withdrawn')")
    if overdue_only:
        where.append("s.overdue")
    sql = f"""
        SELECT c.case_id, c.domain, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.opened_at,
               s.* EXCLUDE (case_id)
        FROM case_file c LEFT JOIN case_state s USING (case_id)
        WHERE {" AND ".join(where)}
        ORDER BY s.overdue DESC NULLS LAST, s.due NULLS LAST, c.opened_at, c.case_id
        {"LIMIT ?" if limit else ""}"""
    return frame(con, sql, params + ([limit] if limit else []))


def case_ids(con: duckdb.DuckDBPyConnection, domain: str, open_only: bool = True) -> list[str]:
    extra = " AND (s.closed_at IS NULL OR s.case_id IS NULL)" if open_only else ""
    return [
        r[0]
        for r in rows(
            con,
            "SELECT c.case_id FROM case_file c LEFT JOIN case_state s USING (case_id) "
            f"WHERE c.domain = ?{extra} ORDER BY c.case_id",
            [domain],
        )
    ]


def monthly_rates(con: duckdb.DuckDBPyConnection, domain: str, year: int | None = None) -> pl.DataFrame:
    """三率 per lead unit and month of opening: 响应率 (responded in time), 按时办结率 (closed in time, of those
    closed), 满意率 (满意 or 基本满意, of those rated)."""
    year_sql, params = ("AND year(c.opened_at) = ?", [domain, year]) if year else ("", [domain])
    return frame(
        con,
        f"""
        SELECT coalesce(s.lead, '（未派单）') AS lead, strftime(c.opened_at, '%Y-%m') AS month,
               count(*) AS cases,
               count(*) FILTER (WHERE s.respond_status IN ('met', 'met_late')) AS responded,
               count(*) FILTER (WHERE s.respond_status = 'met') AS responded_in_time,
               count(*) FILTER (WHERE s.closed_at IS NOT NULL) AS closed,
               count(*) FILTER (WHERE s.closed_at IS NOT NULL AND s.resolve_status = 'met') AS closed_in_time,
               count(*) FILTER (WHERE s.satisfaction IS NOT NULL) AS rated,
               count(*) FILTER (WHERE s.satisfaction IN ('满意', '基本满意')) AS satisfied,
               count(*) FILTER (WHERE s.overdue) AS overdue
        FROM case_file c JOIN case_state s USING (case_id)
        WHERE c.domain = ? {year_sql}
        GROUP BY ALL ORDER BY lead, month""",
        params,
    )
