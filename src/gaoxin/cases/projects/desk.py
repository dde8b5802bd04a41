"""What a web user may see and do among leads and projects: administrators and analysts (招商局) see and
record everything; a town user sees its town's leads and projects only and records nothing; viewers and
部门经办人 read. A project outside the scope does not exist for the user (CaseNotFound)."""

from __future__ import annotations

from datetime import date

from gaoxin.cases import ledger
from gaoxin.cases.desk import CaseNotFound, Refusal, Scope
from gaoxin.cases.ledger import CaseError
from gaoxin.cases.projects import book, leads
from gaoxin.cases.projects.commitments import ITEMS
from gaoxin.flows import FlowError
from gaoxin.store import cases as store_cases
from gaoxin.store import projects as store_projects

WRITERS = ("admin", "analyst")


def town_of(scope: Scope) -> str | None:
    return scope.town if scope.role == "town" else None


def board(
    con, cal, scope: Scope, today: date | None = None, *, colour: str | None = None, state: str | None = None,
    limit: int | None = None,
) -> dict:  # fmt: skip
    """The board: colour counts, 三未, KPIs by year / industry / owner and the 履约 shortfalls of every project in
    scope; the list itself filtered by colour and stage and cut at `limit` rows (`total` says how many)."""
    today = today or date.today()
    frame = book.board_frame(con, cal, today, town_of(scope))
    checks, shortfalls, n_short = book.board_checks(con, frame, today, limit)
    counts = dict(frame.group_by("colour").len().iter_rows()) if frame.height else {}
    listed = frame
    if colour:
        listed = listed.filter(listed["colour"] == colour)
    if state:
        listed = listed.filter(listed["state"] == state)
    return {
        "projects": book.listed(listed.head(limit) if limit else listed),
        "total": listed.height,
        "filters": {"colour": colour, "state": state},
        "colours": {c: int(counts.get(c, 0)) for c in ("红", "黄", "绿")},
        "missing": book.three_missing(frame, today, int(book.flow().rules.get("stalled_months", 3))),
        "kpis": {by: book.kpis(frame, checks, by) for by in ("year", "category", "owner")},
        "shortfalls": shortfalls,
        "shortfalls_total": n_short,
        "today": today,
    }


def project(con, cal, scope: Scope, case_id: str, today: date | None = None) -> dict:
    if not store_cases.case_visible(con, case_id, {"town": town_of(scope), "domain": book.DOMAIN}):
        raise CaseNotFound(case_id)
    return book.detail(con, cal, case_id, today)


def lead(con, cal, scope: Scope, case_id: str) -> dict:
    """One lead: header, stage, timeline, the steps this user may take, and its signing (counted, reason,
    the project it opened)."""
    if not store_cases.case_visible(con, case_id, {"town": town_of(scope), "domain": leads.DOMAIN}):
        raise CaseNotFound(case_id)
    view = ledger.show(con, case_id, cal)
    signing = next((e["fields"] for e in view["timeline"] if e["action"] == "sign"), None)
    project = store_projects.project_of_lead(con, book.DOMAIN, case_id) if signing else None
    writer = scope.role in WRITERS
    return {**view, "signing": signing, "project_id": project, "steps": view["next"] if writer else []}


LEAD_NUMBERS = ("full_year", *book.COMMITMENTS)
LABELS = {"investment_wan": "签约投资（万元）", "land_mu": "用地（亩）", "full_year": "达产年度",
          "space_sqm": "厂房需求（平方米）", "plan_wan": "计划投资（万元）", "done_wan": "完成投资（万元）", "funds_wan": "资金到位（万元）",
          **{i.id: f"{i.title}（{i.unit}）" if i.unit else i.title for i in ITEMS}}  # fmt: skip


def number(key: str, value) -> float:
    """A form's number, or a refusal naming the field."""
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise Refusal(f"{LABELS.get(key, key)}应为数字，收到「{value}」") from None


def move_lead(con, cal, scope: Scope, case_id: str, *, actor: str, action: str, **fields) -> str | None:
    """A step on a lead by this user: 考察 / 洽谈 / 放弃 (with its reason) or 签约, which opens the project
    (returned) with the agreement's numbers and counts the signing once."""
    if scope.role not in WRITERS:
        raise Refusal("只有管理员和招商局项目专员可以推进招商线索", "roles", 403)
    if not store_cases.case_visible(con, case_id, {"domain": leads.DOMAIN}):
        raise CaseNotFound(case_id)
    try:
        if action == "sign":
            for k in ("investment_wan", "land_mu"):
                if fields.get(k) in (None, ""):
                    raise CaseError("签约须填写签约投资（万元）和用地（亩）")
            numbers = {k: number(k, fields[k]) for k in LEAD_NUMBERS if fields.get(k) not in (None, "")}
            if "full_year" in numbers:
                numbers["full_year"] = int(numbers["full_year"])
            pid, _amount, _why = book.sign_lead(
                con, cal, case_id, actor=actor, role=scope.role,
                investment_wan=number("investment_wan", fields["investment_wan"]),
                land_mu=number("land_mu", fields["land_mu"]), key=bool(fields.get("key")), **numbers,
            )  # fmt: skip
            book.refresh_board(con, cal, None, [pid])
            return pid
        kept = {k: v for k, v in fields.items() if k in ("reason",) and v}
        ledger.record(con, case_id, cal=cal, actor=actor, role=scope.role, action=action, fields=kept)
        return None
    except FlowError as exc:
        c, m = exc.problems[0] if exc.problems else ("", str(exc))
        raise Refusal(m, c) from None
    except (CaseError, ValueError) as exc:
        raise Refusal(str(exc)) from None


LEAD_FIELDS = ("title", "industry", "source", "uscc", "firm_name", "town", "chain_node", "investment_wan",
               "land_mu", "space_sqm", "owner", "next_action", "next_due", "kind", "of_project")  # fmt: skip


def new_lead(con, cal, scope: Scope, *, actor: str, **fields) -> str:
    """Enter a lead from a form (the web's 登记线索): the same header rules as `gaoxin leads add`."""
    if scope.role not in WRITERS:
        raise Refusal("只有管理员和招商局项目专员可以登记招商线索", "roles", 403)
    header = {k: v for k, v in fields.items() if k in LEAD_FIELDS and v not in (None, "")}
    for k in ("investment_wan", "land_mu", "space_sqm"):
        if k in header:
            header[k] = number(k, header[k])
    header.setdefault("industry", "")
    try:
        return leads.enter_lead(con, cal, actor=actor, role=scope.role, **header)
    except FlowError as exc:
        c, m = exc.problems[0] if exc.problems else ("", str(exc))
        raise Refusal(m, c) from None
    except (CaseError, ValueError) as exc:
        raise Refusal(str(exc)) from None


FIRM_DOMAINS = frozenset((book.DOMAIN, leads.DOMAIN))  # the case domains of a firm's 招商项目 section


def firm_projects(con, cal, scope: Scope, uscc: str, today: date | None = None, domains=None) -> dict:
    """The 画像's 招商项目: the firm's projects (stage, colour) with their commitment shortfalls, and its
    leads still open — within the user's town for a town user. `domains`: the firm's case domains
    (`store.cases.firm_case_domains`) when the caller has read them; `cal` is not read for a firm without
    projects or leads (None will do then)."""
    if not FIRM_DOMAINS & (store_cases.firm_case_domains(con, uscc) if domains is None else domains):
        return {"projects": [], "shortfalls": [], "leads": []}
    today = today or date.today()
    projects = book.board(con, cal, today, town_of(scope), uscc=uscc)
    checks = book.check_projects(con, [p["case_id"] for p in projects], today) if projects else None
    short = (
        checks.filter(checks["status"] == "未达标").to_dicts() if checks is not None and checks.height else []
    )
    rows = leads.lead_rows(con, town_of(scope), uscc)
    open_leads = rows.filter(~rows["state"].is_in(["signed", "dropped"])) if rows.height else rows
    return {"projects": projects, "shortfalls": short, "leads": open_leads.to_dicts()}


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
            view = book.progress(con, cal, case_id, actor=actor, role=scope.role, **fields)
        elif kind == "node":
            view = book.complete_node(con, cal, case_id, actor=actor, role=scope.role, **fields)
        else:
            view = ledger.record(
                con, case_id, cal=cal, actor=actor, role=scope.role, action=kind, fields=fields
            )
        book.refresh_board(con, cal, None, [case_id])
        return view
    except FlowError as exc:
        c, m = exc.problems[0] if exc.problems else ("", str(exc))
        raise Refusal(m, c) from None
    except CaseError as exc:
        raise Refusal(str(exc)) from None
