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
    _refresh_inbox(con, "= ?", [state["case_id"]])


# a case is in the 待办 inbox while someone owes it a step: open, or closed but not yet called back and rated,
# or with a clock still running (the same rule as migration 10)
_IN_INBOX = (
    "s.state NOT IN ('withdrawn') AND (s.closed_at IS NULL OR s.satisfaction IS NULL OR s.due IS NOT NULL)"
)
_INBOX_SELECT = """
    SELECT c.case_id, c.domain, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.opened_at,
           s.* EXCLUDE (case_id)
    FROM case_file c JOIN case_state s USING (case_id)"""


def _refresh_inbox(con: duckdb.DuckDBPyConnection, which: str, params: list) -> None:
    """Re-copy the inbox rows of the cases `case_id {which}` from case_file and case_state (inside the
    caller's transaction)."""
    con.execute(f"DELETE FROM case_inbox WHERE case_id {which}", params)
    con.execute(f"INSERT INTO case_inbox {_INBOX_SELECT} WHERE c.case_id {which} AND {_IN_INBOX}", params)


def rebuild_inbox(con: duckdb.DuckDBPyConnection) -> int:
    """The whole inbox table again from case_file and case_state (after a bulk load that bypassed them)."""
    with transaction(con):
        con.execute("DELETE FROM case_inbox")
        con.execute(f"INSERT INTO case_inbox {_INBOX_SELECT} WHERE {_IN_INBOX}")
    return one(con, "SELECT count(*) FROM case_inbox")[0]


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
            _refresh_inbox(con, "IN (SELECT case_id FROM _states)", [])
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
    "domain": "domain = ?",
    "state": "state = ?",
    "lead": "lead = ?",
    "town": "town = ?",
    "uscc": "uscc = ?",
    "category": "category = ?",
    "handler": "handler = ?",
    # a 承办部门's cases: those it leads or was involved in (协办)
    "unit": "(lead = ? OR list_contains(string_split(coalesce(co_units, ''), '、'), ?))",
}


def _where(filters: dict[str, str | None] | None) -> tuple[list[str], list]:
    where, params = ["TRUE"], []
    for key, value in (filters or {}).items():
        if value is None or value == "":
            continue
        if key not in _FILTERS:
            raise KeyError(key)
        where.append(_FILTERS[key])
        params += [value] * _FILTERS[key].count("?")
    return where, params


def firm_case_domains(con: duckdb.DuckDBPyConnection, uscc: str) -> frozenset[str]:
    """The domains the firm has cases in (most firms have none: their 画像 skips those sections after this one
    look-up)."""
    return frozenset(r[0] for r in rows(con, "SELECT DISTINCT domain FROM case_file WHERE uscc = ?", [uscc]))


def case_list(
    con: duckdb.DuckDBPyConnection,
    filters: dict[str, str | None] | None = None,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
    limit: int | None = None,
) -> pl.DataFrame:
    """Cases with their projected state, overdue first, then by due day and age (the 待办 order)."""
    where, params = _where(filters)
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
    """The domain's cases; `open_only`: those whose clocks still run — not closed, or closed and still in the
    inbox (a 回访 or a rating still due)."""
    extra = (
        " AND (s.closed_at IS NULL OR s.case_id IS NULL OR c.case_id IN (SELECT case_id FROM case_inbox))"
        if open_only
        else ""
    )
    return [
        r[0]
        for r in rows(
            con,
            "SELECT c.case_id FROM case_file c LEFT JOIN case_state s USING (case_id) "
            f"WHERE c.domain = ?{extra} ORDER BY c.case_id",
            [domain],
        )
    ]


def monthly_rates(
    con: duckdb.DuckDBPyConnection,
    domain: str,
    year: int | None = None,
    filters: dict[str, str | None] | None = None,
) -> pl.DataFrame:
    """三率 per lead unit and month of opening: 响应率 (responded in time), 按时办结率 (closed in time, of those
    closed), 满意率 (满意 or 基本满意, of those rated). `filters` as in `case_list` (a user's scope)."""
    where, extra = _where(filters)
    year_sql, params = ("AND year(c.opened_at) = ?", [domain, year]) if year else ("", [domain])
    year_sql += " AND " + " AND ".join(where)
    params += extra
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


_ORDER = "overdue DESC NULLS LAST, due NULLS LAST, opened_at, case_id"


def inbox(
    con: duckdb.DuckDBPyConnection,
    filters: dict[str, str | None] | None = None,
    *,
    overdue_only: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, pl.DataFrame]:
    """The 待办 inbox: (how many, one page) of the cases someone still owes a step on, overdue first, then by
    due day and age. Reads `case_inbox` only — the open cases' rows, kept with the projection."""
    where, params = _where(filters)
    if overdue_only:
        where.append("overdue")
    cond = " AND ".join(where)
    total = one(con, f"SELECT count(*) FROM case_inbox WHERE {cond}", params)[0]
    page = frame(
        con,
        f"SELECT * FROM case_inbox WHERE {cond} ORDER BY {_ORDER} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return total, page


def case_page(
    con: duckdb.DuckDBPyConnection,
    filters: dict[str, str | None] | None = None,
    *,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, pl.DataFrame]:
    """(how many, one page) of every case, open or not, in the 待办 order (the 全部 view of the inbox)."""
    where, params = _where(filters)
    cond = " AND ".join(where)
    base = f"FROM case_file c LEFT JOIN case_state s USING (case_id) WHERE {cond}"
    total = one(con, f"SELECT count(*) {base}", params)[0]
    page = frame(
        con,
        "SELECT c.case_id, c.domain, c.title, c.uscc, c.firm_name, c.town, c.category, c.urgency, c.opened_at, "
        f"s.* EXCLUDE (case_id) {base} ORDER BY s.closed_at IS NOT NULL, {_ORDER} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return total, page


def case_visible(con: duckdb.DuckDBPyConnection, case_id: str, filters: dict[str, str | None] | None) -> bool:
    """Whether the case exists within `filters` (a user's scope)."""
    where, params = _where(filters)
    sql = f"SELECT 1 FROM case_file c LEFT JOIN case_state s USING (case_id) WHERE c.case_id = ? AND {' AND '.join(where)}"
    return one(con, sql, [case_id, *params]) is not None


def case_has_attachment(con: duckdb.DuckDBPyConnection, case_id: str, sha: str) -> bool:
    """Whether an event of the case carries the file `sha` (a download is only ever through its case)."""
    found = one(
        con,
        "SELECT 1 FROM case_event WHERE case_id = ? AND contains(attachments_json, ?) LIMIT 1",
        [case_id, json.dumps(sha)],
    )
    return found is not None


def attachment_names(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, tuple[str, int]]:
    """sha256 → (file name, size) of stored attachments."""
    if not shas:
        return {}
    found = rows(con, "SELECT sha256, name, size FROM attachment WHERE list_contains(?, sha256)", [shas])
    return {r[0]: (r[1], r[2]) for r in found}


def board(
    con: duckdb.DuckDBPyConnection,
    domain: str,
    month_start,
    pause_states: list[str],
    filters: dict[str, str | None] | None = None,
) -> pl.DataFrame:
    """Per lead unit: open, overdue, paused, closed since `month_start` (the department board)."""
    where, params = _where(filters)
    return frame(
        con,
        f"""
        SELECT coalesce(s.lead, '（未派单）') AS lead,
               count(*) FILTER (WHERE s.closed_at IS NULL AND s.state <> 'withdrawn') AS open,
               count(*) FILTER (WHERE s.closed_at IS NULL AND s.overdue) AS overdue,
               count(*) FILTER (WHERE list_contains(?, s.state)) AS paused,
               count(*) FILTER (WHERE s.closed_at >= ?) AS closed_this_month,
               count(*) AS cases
        FROM case_file c JOIN case_state s USING (case_id)
        WHERE c.domain = ? AND {" AND ".join(where)}
        GROUP BY ALL ORDER BY overdue DESC, open DESC, lead""",
        [pause_states, month_start, domain, *params],
    )


def top_categories(
    con: duckdb.DuckDBPyConnection,
    domain: str,
    year: int | None,
    filters: dict[str, str | None] | None = None,
) -> pl.DataFrame:
    """Requests per category (most first), with how many are open and overdue."""
    where, params = _where(filters)
    if year:
        where.append("year(c.opened_at) = ?")
        params.append(year)
    return frame(
        con,
        f"""
        SELECT coalesce(c.category, '—') AS category, count(*) AS cases,
               count(*) FILTER (WHERE s.closed_at IS NULL) AS open,
               count(*) FILTER (WHERE s.overdue) AS overdue
        FROM case_file c JOIN case_state s USING (case_id)
        WHERE c.domain = ? AND {" AND ".join(where)}
        GROUP BY ALL ORDER BY cases DESC, category""",
        [domain, *params],
    )


def known_units(con: duckdb.DuckDBPyConnection, domain: str) -> list[str]:
    """承办部门 known to the store: lead and involved units of its cases, and the departments of its users."""
    found = rows(
        con,
        """SELECT DISTINCT unit FROM (
               SELECT s.lead AS unit FROM case_state s JOIN case_file c USING (case_id) WHERE c.domain = ?
               UNION ALL SELECT department FROM app_user
           ) WHERE unit IS NOT NULL AND unit <> '' ORDER BY unit""",
        [domain],
    )
    return [r[0] for r in found]


def case_years(con: duckdb.DuckDBPyConnection, domain: str) -> list[int]:
    return [
        r[0]
        for r in rows(
            con, "SELECT DISTINCT year(opened_at) FROM case_file WHERE domain = ? ORDER BY 1 DESC", [domain]
        )
    ]


def firms_named(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str | None]]:
    """(uscc, town) of the registered firms with exactly this name (to link a request entered by name)."""
    return [
        (r[0], r[1])
        for r in rows(con, "SELECT uscc, town FROM enterprise WHERE name = ? ORDER BY uscc", [name])
    ]


def registered(con: duckdb.DuckDBPyConnection, usccs: list[str]) -> set[str]:
    """Which of these codes are firms in the store (their 画像 can be linked)."""
    codes = [u for u in usccs if u]
    if not codes:
        return set()
    return {r[0] for r in rows(con, "SELECT uscc FROM enterprise WHERE list_contains(?, uscc)", [codes])}


def clocks_day(con: duckdb.DuckDBPyConnection, domain: str) -> str | None:
    """The day (ISO) the open cases' clocks of `domain` were last re-derived for."""
    from gaoxin.store.users import get_setting

    return get_setting(con, f"clocks_day.{domain}")


def set_clocks_day(con: duckdb.DuckDBPyConnection, domain: str, day: str) -> None:
    from gaoxin.store.users import put_setting

    put_setting(con, f"clocks_day.{domain}", day)
