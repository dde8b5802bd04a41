"""企业诉求 (政企连心桥 · 马上就办): a request is a case on the `enterprise-request` flow, linked to a firm by its
统一社会信用代码 when it has one (a request from a firm not yet in the store is kept and linked later)."""

from __future__ import annotations

from datetime import datetime

import duckdb

from gaoxin.cases.ledger import case_header, open_case
from gaoxin.ingest.uscc import is_valid
from gaoxin.store import cases as store_cases
from gaoxin.store import queries

FLOW, DOMAIN, PREFIX = "enterprise-request", "request", "SQ"


def request_header(
    *,
    title: str,
    category: str,
    urgency: str = "一般",
    uscc: str | None = None,
    firm_name: str | None = None,
    town: str | None = None,
    content: str = "",
    source: str = "",
    firm: dict | None = None,
) -> dict:
    """The case header of a request, checked: a title, and a valid code when one is given (`firm` is the
    store's record of that code, when it has one: its name and town fill what the request leaves out)."""
    if firm:
        firm_name = firm_name or firm.get("name")
        town = town or firm.get("town")
    return case_header(
        title=title,
        what="诉求标题",
        uscc=uscc,
        firm_name=firm_name,
        town=town,
        category=category,
        urgency=urgency,
        source=source or None,
        fields={"content": content},
    )


def enter_request(
    con: duckdb.DuckDBPyConnection,
    cal,
    *,
    actor: str,
    role: str,
    title: str,
    category: str,
    urgency: str = "一般",
    uscc: str | None = None,
    firm_name: str | None = None,
    town: str | None = None,
    content: str = "",
    source: str = "",
    at: datetime | None = None,
) -> str:
    """受理 one request; the firm's name and town come from the store when its code is known there."""
    code = (uscc or "").strip().upper() or None
    firm = queries.enterprise(con, code) if code and is_valid(code) else None
    header = request_header(
        title=title,
        category=category,
        urgency=urgency,
        uscc=code,
        firm_name=firm_name,
        town=town,
        content=content,
        source=source,
        firm=firm,
    )
    return open_case(
        con,
        domain=DOMAIN,
        prefix=PREFIX,
        flow_ref=FLOW,
        cal=cal,
        actor=actor,
        role=role,
        header=header,
        fields={"category": category, "urgency": urgency},
        note=content,
        at=at,
    )


def rates(con: duckdb.DuckDBPyConnection, year: int | None = None, filters: dict | None = None) -> list[dict]:
    """三率 per lead unit and month: 响应率 = responded in time / cases; 按时办结率 = closed in time / closed;
    满意率 = 满意 or 基本满意 / rated. None where the denominator is zero. `filters` limits the cases (a web
    user's scope: {"unit": 承办部门} or {"town": 镇街})."""
    out = []
    for r in store_cases.monthly_rates(con, DOMAIN, year, filters).iter_rows(named=True):
        out.append(
            {
                **r,
                "response_rate": r["responded_in_time"] / r["cases"] if r["cases"] else None,
                "on_time_rate": r["closed_in_time"] / r["closed"] if r["closed"] else None,
                "satisfaction_rate": r["satisfied"] / r["rated"] if r["rated"] else None,
            }
        )
    return out
