"""The case ledger every case domain shares: open a case on a flow, record an event after checking it
against the flow, read a case back with its derived state, clocks and timeline, and keep the ``case_state``
projection current. Requests, projects, land disposal and appeals differ in their header fields and flow
files, not in this code."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from typing import Any

import duckdb
import polars as pl

from gaoxin.flows import (
    ACTION_TITLES,
    CaseView,
    Event,
    Flow,
    FlowError,
    check,
    derive,
    load_flow,
    parse_flow,
    replay,
)
from gaoxin.store import cases as store

# the two clocks the 三率 read: respond (响应率) and resolve (按时办结率)
RESPOND, RESOLVE = "respond", "resolve"


class CaseError(ValueError):
    """A case that does not exist or a step that cannot be recorded; the message says why."""


@lru_cache(maxsize=32)
def _flow_of(text: str) -> Flow:
    return parse_flow(text, "stored flow")


def flow_for(con: duckdb.DuckDBPyConnection, sha: str) -> Flow:
    text = store.flow_text(con, sha)
    if text is None:
        raise CaseError(f"流程文本 {sha[:12]} 不在数据库中")
    return _flow_of(text)


def _event(row: dict) -> Event:
    return Event(
        row["at"],
        row["actor"],
        row["role"],
        row["action"],
        row["fields"],
        row["note"],
        tuple(row["attachments"]),
    )


def projection(
    case_id: str, flow: Flow, events: list[Event], view: CaseView, now: datetime
) -> dict[str, Any]:
    """The case_state row of a case (its derived `view` as of `now`): state, lead, the next due day,
    escalation, and what the 三率 read."""
    running = [c for c in view.clocks if c.status in ("running", "overdue", "paused") and c.due is not None]
    nxt = min(running, key=lambda c: c.due) if running else None
    by_id = {c.deadline: c for c in view.clocks}
    closed_at = None
    if _is_closed(flow, view):
        closed_at = next((e.at for e in reversed(events) if e.action in _closing(flow)), None)
    rating = next(
        (e.fields.get("satisfaction") for e in reversed(events) if e.fields.get("satisfaction")), None
    )
    return {
        "case_id": case_id,
        "state": view.state,
        "state_title": view.state_title,
        "lead": view.lead,
        "co_units": "、".join(view.co_units) or None,
        "handler": view.handler,
        "due": nxt.due if nxt else None,
        "due_deadline": nxt.title if nxt else None,
        "overdue": any(c.status == "overdue" for c in view.clocks),
        "left_workdays": nxt.left if nxt else None,
        "escalation": view.escalation,
        "respond_status": by_id[RESPOND].status if RESPOND in by_id else None,
        "resolve_status": by_id[RESOLVE].status if RESOLVE in by_id else None,
        "satisfaction": rating,
        "closed_at": closed_at,
        "reopened": view.reopened,
        "events": len(events),
        "provisional": any(c.provisional for c in view.clocks if c.due is not None),
        "as_of": now.date(),
    }


def _closing(flow: Flow) -> set[str]:
    """Transitions into a state that meets the resolve deadline (办结), or into a terminal state."""
    resolve = flow.deadline(RESOLVE)
    targets = set(resolve.met_by) if resolve else {s.id for s in flow.states if s.terminal}
    return {t.id for t in flow.transitions if t.to in targets}


def _is_closed(flow: Flow, view: CaseView) -> bool:
    resolve = flow.deadline(RESOLVE)
    done = set(resolve.met_by) if resolve else set()
    return view.state in done or flow.state(view.state).terminal


def case_header(
    *,
    title: str,
    what: str,
    uscc: str | None = None,
    firm_name: str | None = None,
    town: str | None = None,
    category: str | None = None,
    urgency: str | None = None,
    source: str | None = None,
    fields: dict | None = None,
) -> dict:
    """The header every case domain keeps, checked the same way: a title (`what` names it: 诉求标题, 线索名称,
    项目名称) and, when a credit code is given, a valid one; empty fields are left out."""
    from gaoxin.ingest.uscc import is_valid

    title = (title or "").strip()
    if not title:
        raise CaseError(f"{what}不能为空")
    code = (uscc or "").strip().upper() or None
    if code and not is_valid(code):
        raise CaseError(f"统一社会信用代码「{code}」校验不通过（GB 32100-2015）")
    return {
        "title": title,
        "uscc": code,
        "firm_name": firm_name,
        "town": town,
        "category": category,
        "urgency": urgency,
        "source": source,
        "fields": {k: v for k, v in (fields or {}).items() if v not in (None, "")},
    }


def open_case(
    con: duckdb.DuckDBPyConnection,
    *,
    domain: str,
    prefix: str,
    flow_ref: str,
    cal,
    actor: str,
    role: str,
    header: dict,
    fields: dict | None = None,
    note: str = "",
    at: datetime | None = None,
) -> str:
    """Open a case: its header and the 受理 event, checked against the flow; returns the case id."""
    flow, text, sha = load_flow(flow_ref)
    at = at or datetime.now()
    first = Event(at, actor, role, "open", dict(fields or {}), note)
    check(flow, None, first, cal)
    store.store_flow(con, flow.flow.id, flow.flow.version, text, sha)
    head = {**header, "domain": domain, "flow_id": flow.flow.id, "flow_sha256": sha, "opened_at": at}
    row = {**asdict(first), "from_state": None, "to_state": flow.flow.start}
    pending_id = head.get("case_id") or "?"
    now = max(at, datetime.now())
    state = projection(pending_id, flow, [first], derive(flow, [first], cal, now), now)
    return store.open_case(con, head, row, prefix, state)


def open_many(
    con: duckdb.DuckDBPyConnection,
    *,
    domain: str,
    prefix: str,
    flow_ref: str,
    cal,
    cases: list[tuple[dict, list[Event]]],
    now: datetime | None = None,
) -> list[str]:
    """Whole cases at once (an import of past tickets, the demo): every event checked against the flow as
    `record` checks it, then everything written in one transaction — all or nothing."""
    flow, text, sha = load_flow(flow_ref)
    now = now or datetime.now()
    heads, rows, states = [], [], []
    counters: dict[int, int] = {}
    for header, events in cases:
        year = events[0].at.year
        if year not in counters:
            counters[year] = int(store.new_case_id(con, prefix, year).rsplit("-", 1)[1])
        case_id = header.get("case_id") or f"{prefix}-{year}-{counters[year]:05d}"
        counters[year] += 1
        for i, e in enumerate(events):
            if i and e.at < events[i - 1].at:
                raise CaseError(f"{case_id} 第 {i + 1} 条记录的时间早于上一条")
            try:
                before, after = check(flow, replay(flow, events[:i]) if i else None, e, cal)
            except FlowError as exc:
                raise CaseError(f"{case_id} 第 {i + 1} 条记录（{e.action}）：{exc}") from None
            rows.append(
                {**asdict(e), "case_id": case_id, "seq": i + 1, "from_state": before, "to_state": after}
            )
        heads.append(
            {
                **header,
                "case_id": case_id,
                "domain": domain,
                "flow_id": flow.flow.id,
                "flow_sha256": sha,
                "opened_at": events[0].at,
            }
        )
        as_of = max(now, events[-1].at)
        states.append(projection(case_id, flow, events, derive(flow, events, cal, as_of), as_of))
    store.store_flow(con, flow.flow.id, flow.flow.version, text, sha)
    store.write_cases(con, heads, rows, pl.DataFrame(states, schema=store.STATE_COLUMNS))
    return [h["case_id"] for h in heads]


def load(con: duckdb.DuckDBPyConnection, case_id: str) -> tuple[dict, Flow, list[dict]]:
    header = store.case_header(con, case_id)
    if header is None:
        raise CaseError(f"没有编号为 {case_id} 的案件（gaoxin requests list 列出已有的诉求）")
    return header, flow_for(con, header["flow_sha256"]), store.case_events(con, case_id)


def record(
    con: duckdb.DuckDBPyConnection,
    case_id: str,
    *,
    cal,
    actor: str,
    role: str,
    action: str,
    fields: dict | None = None,
    note: str = "",
    attachments: tuple[str, ...] = (),
    at: datetime | None = None,
) -> CaseView:
    """Check one event against the case's flow and append it; the new view of the case."""
    _header, flow, rows = load(con, case_id)
    events = [_event(r) for r in rows]
    at = at or datetime.now()
    if events and at < events[-1].at:
        raise CaseError(
            f"办理时间 {at:%Y-%m-%d %H:%M} 早于上一条记录（{events[-1].at:%Y-%m-%d %H:%M}），办理记录须按时间顺序登记"
        )
    new = Event(at, actor, role, action, dict(fields or {}), note, tuple(attachments))
    before, after = check(flow, replay(flow, events), new, cal)
    events.append(new)
    now = max(at, datetime.now())
    row = {**asdict(new), "from_state": before, "to_state": after}
    view = derive(flow, events, cal, now)
    try:
        store.append_event(con, case_id, len(rows), row, projection(case_id, flow, events, view, now))
    except store.CaseConflict as exc:
        raise CaseError(str(exc)) from None
    return view


def show(con: duckdb.DuckDBPyConnection, case_id: str, cal, now: datetime | None = None) -> dict:
    """A case as a page or `--json` shows it: header, state, lead, clocks, timeline with titles, next steps."""
    header, flow, rows = load(con, case_id)
    now = now or datetime.now()
    events = [_event(r) for r in rows]
    view = derive(flow, events, cal, now)
    return {
        "case": header,
        "flow": {"id": flow.flow.id, "title": flow.flow.title, "version": flow.flow.version},
        "state": view.state,
        "state_title": view.state_title,
        "lead": view.lead,
        "co_units": list(view.co_units),
        "handler": view.handler,
        "reopened": view.reopened,
        "escalation": view.escalation,
        "clocks": [asdict(c) for c in view.clocks],
        "timeline": [
            {
                **r,
                "title": (
                    flow.transition(r["action"]).title
                    if flow.transition(r["action"])
                    else ACTION_TITLES.get(r["action"], r["action"])
                ),
                "from_title": flow.state(r["from_state"]).title if r["from_state"] else None,
                "to_title": flow.state(r["to_state"]).title if r["to_state"] else None,
            }
            for r in rows
        ],
        "next": [
            {"action": t.id, "title": t.title, "roles": t.roles, "requires": t.requires}
            for t in flow.available(view.state)
        ],
    }


def refresh_if_stale(
    con: duckdb.DuckDBPyConnection, domain: str, cal, now: datetime | None = None
) -> int | None:
    """Re-derive the open cases' clocks once a day (the first list of the day pays): overdue-first order, the
    board and the statistics then count days as of today, not as of each case's last event. None: fresh."""
    now = now or datetime.now()
    if store.clocks_day(con, domain) == now.date().isoformat():
        return None
    done = refresh(con, domain, cal, now)
    store.set_clocks_day(con, domain, now.date().isoformat())
    return done


def refresh(con: duckdb.DuckDBPyConnection, domain: str, cal, now: datetime | None = None) -> int:
    """Re-derive the projection of every open case (the clocks move as days pass)."""
    now = now or datetime.now()
    states = []
    for case_id in store.case_ids(con, domain, open_only=True):
        _h, flow, rows = load(con, case_id)
        try:
            events = [_event(r) for r in rows]
            states.append(projection(case_id, flow, events, derive(flow, events, cal, now), now))
        except FlowError:
            continue  # a log no longer valid under an edited flow keeps its last projection
    return store.replace_states(con, pl.DataFrame(states, schema=store.STATE_COLUMNS)) if states else 0
