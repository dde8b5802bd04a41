"""What a web user may see and do among leads and projects: administrators and analysts (招商局) see and
record everything; a town user sees its town's leads and projects only and records nothing; viewers and
部门经办人 read. A project outside the scope does not exist for the user (CaseNotFound)."""

from __future__ import annotations

from datetime import date

from gaoxin.cases.desk import CaseNotFound, Refusal, Scope
from gaoxin.cases.ledger import CaseError
from gaoxin.cases.projects import book, leads
from gaoxin.flows import FlowError
from gaoxin.store import cases as store_cases

WRITERS = ("admin", "analyst")


def town_of(scope: Scope) -> str | None:
    return scope.town if scope.role == "town" else None


def board(con, cal, scope: Scope, today: date | None = None) -> dict:
    today = today or date.today()
    projects = book.board(con, cal, today, town_of(scope))
    checks = book.check_projects(con, [p["case_id"] for p in projects], today)
    shortfalls = checks.filter(checks["status"] == "未达标").to_dicts() if checks.height else []
    return {
        "projects": projects,
        "colours": {c: sum(p["colour"] == c for p in projects) for c in ("红", "黄", "绿")},
        "missing": book.three_missing(projects, today, int(book.flow().rules.get("stalled_months", 3))),
        "kpis": {by: book.kpis(projects, checks, by) for by in ("year", "category", "owner")},
        "shortfalls": shortfalls,
        "today": today,
    }


def project(con, cal, scope: Scope, case_id: str, today: date | None = None) -> dict:
    if not store_cases.case_visible(con, case_id, {"town": town_of(scope), "domain": book.DOMAIN}):
        raise CaseNotFound(case_id)
    return book.detail(con, cal, case_id, today)


def lead_list(con, scope: Scope) -> dict:
    rows = leads.lead_rows(con, town_of(scope))
    return {"leads": rows.to_dicts(), "funnel": leads.funnel(rows)}


def act(con, cal, scope: Scope, case_id: str, *, actor: str, kind: str, **fields):
    """A step on a project by this user: `kind` progress (月度调度), node (完成节点) or a flow transition."""
    if scope.role not in WRITERS:
        raise Refusal("只有管理员和招商局项目专员可以登记项目进展", "roles", 403)
    if not store_cases.case_visible(con, case_id, {"domain": book.DOMAIN}):
        raise CaseNotFound(case_id)
    try:
        if kind == "progress":
            return book.progress(con, cal, case_id, actor=actor, role=scope.role, **fields)
        if kind == "node":
            return book.complete_node(con, cal, case_id, actor=actor, role=scope.role, **fields)
        from gaoxin.cases.ledger import record

        return record(con, case_id, cal=cal, actor=actor, role=scope.role, action=kind, fields=fields)
    except FlowError as exc:
        c, m = exc.problems[0] if exc.problems else ("", str(exc))
        raise Refusal(m, c) from None
    except CaseError as exc:
        raise Refusal(str(exc)) from None
