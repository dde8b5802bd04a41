"""The officer's desk for 企业诉求: what one user may see and do, as the web pages and the JSON API use it.

A user works in a `Scope`: analysts and administrators see every request; a 部门经办人 the requests its 承办部门
leads or was involved in (协办); a town user the requests of its town's firms; a viewer reads all and acts on
none. A case outside the scope does not exist for the user (`CaseNotFound`, never "forbidden": it must not
learn the case exists). A step is authorised twice: by the scope (a department acts only on the cases it
leads — 首接负责) and by the flow file (the roles of each transition, its required fields); a refusal names
the clause. Clocks are shown in working days of the calendar in force (`gaoxin.workdays`), as of today."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import numpy as np

from gaoxin.cases import ledger
from gaoxin.cases.requests import DOMAIN, FLOW, enter_request, rates
from gaoxin.flows import ACTION_TITLES, Flow, FlowError, load_flow
from gaoxin.flows.derive import EXTEND_ASK, EXTEND_DECIDE, INVOLVE, NOTE
from gaoxin.ingest.uscc import is_valid
from gaoxin.store import cases as store
from gaoxin.store import queries

# web roles that act in the flow under the same name; a viewer has no flow role
ACTING = ("admin", "analyst", "department", "town")
ENTERING = ("admin", "analyst", "town")  # who may enter (受理) a request
VIEWS = ("todo", "overdue", "all")
# English titles of the flow's side actions (the flow file gives its transitions' own)
ACTION_TITLES_EN = {
    "open": "Entered",
    "note": "Note",
    "attach": "Attachment",
    "assign": "Assign a handler",
    "involve": "Involve a unit",
    "extend_ask": "Ask for an extension",
    "extend_decide": "Decide on the extension",
}


class CaseNotFound(LookupError):
    """No such case in the user's scope."""


@dataclass
class Refusal(Exception):
    """A step or an entry that cannot be recorded: the message, the clause it broke, the HTTP status."""

    message: str
    clause: str = ""
    status: int = 400

    def __str__(self) -> str:
        return f"{self.message}（{self.clause}）" if self.clause else self.message


@dataclass(frozen=True)
class Scope:
    role: str  # admin | analyst | department | town | viewer
    department: str | None = None
    town: str | None = None

    def filters(self) -> dict[str, str | None]:
        if self.role == "department":
            return {"unit": self.department or "\x00"}  # a department user without a department sees nothing
        if self.role == "town":
            return {"town": self.town or "\x00"}
        return {}

    @property
    def acts(self) -> bool:
        return self.role in ACTING


def builtin_flow() -> Flow:
    return load_flow(FLOW)[0]


# ---- reading ------------------------------------------------------------------------------------------
def visible(con: duckdb.DuckDBPyConnection, case_id: str, scope: Scope, domain: str = DOMAIN) -> bool:
    """Whether the case is one of `domain`'s within the user's scope (the desk serves requests by default;
    land disposal cases go through the same steps with their domain)."""
    return store.case_visible(con, case_id, {"domain": domain, **scope.filters()})


def clocks_today(cal, rows: list[dict], flow: Flow, today: date) -> list[dict]:
    """Each list row's clock as of today: paused (暂停中), n working days left (剩余) or over (超期), or none;
    provisional (暂定) when the days counted lie in a year whose holidays are not yet announced."""
    due = [r.get("due") for r in rows]
    have = [i for i, d in enumerate(due) if d is not None]
    left = over = prov = np.zeros(0)
    if have:
        d = np.array([np.datetime64(due[i], "D") for i in have])
        t = np.datetime64(today, "D")
        left = np.asarray(cal.count(t, d))
        over = np.asarray(cal.count(d, t))
        prov = np.asarray(cal.provisional(np.minimum(d, t), np.maximum(d, t)))
    at = {i: k for k, i in enumerate(have)}
    out = []
    for i, r in enumerate(rows):
        provisional = bool(r.get("provisional"))
        state = r.get("state")
        if state and _known_state(flow, state) and flow.paused(state):
            clock = {"kind": "paused", "n": None}
        elif i in at:
            k = at[i]
            provisional = provisional or bool(prov[k])
            if due[i] >= today:
                clock = {"kind": "left", "n": int(left[k])}
            else:
                clock = {"kind": "over", "n": int(over[k])}
        else:
            clock = {"kind": "none", "n": None}
        state_en = flow.state(state).title_en if state and _known_state(flow, state) else ""
        clock = {**clock, "provisional": provisional, "title": r.get("due_deadline")}
        out.append({**r, "state_en": state_en, "clock": clock})
    return out


def _known_state(flow: Flow, state: str) -> bool:
    return any(s.id == state for s in flow.states)


def inbox(
    con: duckdb.DuckDBPyConnection,
    cal,
    scope: Scope,
    *,
    view: str = "todo",
    department: str | None = None,
    category: str | None = None,
    state: str | None = None,
    page: int = 1,
    size: int = 50,
    today: date | None = None,
) -> dict:
    """One page of the user's 待办 (todo: cases owing a step; overdue: of those, the overdue; all: every
    case), overdue first, each with its clock in working days."""
    today = today or date.today()
    view = view if view in VIEWS else "todo"
    page, size = max(1, page), max(1, size)
    filters = {
        "domain": DOMAIN,
        "lead": department,
        "category": category,
        "state": state,
        **scope.filters(),
    }
    if view == "all":
        total, df = store.case_page(con, filters, offset=(page - 1) * size, limit=size)
    else:
        total, df = store.inbox(
            con, filters, overdue_only=view == "overdue", offset=(page - 1) * size, limit=size
        )
    flow = builtin_flow()
    rows = clocks_today(cal, df.to_dicts(), flow, today)
    linked = store.registered(con, [r["uscc"] for r in rows if r["uscc"]])
    for r in rows:
        r["registered"] = r["uscc"] in linked
    return {
        "view": view,
        "total": total,
        "page": page,
        "size": size,
        "pages": max(1, math.ceil(total / size)),
        "rows": rows,
        "today": today,
    }


def options(con: duckdb.DuckDBPyConnection) -> dict:
    """What the filters and forms offer: departments, categories, urgencies, states (id, title, title_en)."""
    flow = builtin_flow()
    return {
        "departments": store.known_units(con, DOMAIN),
        "categories": flow.choices.get("category", []),
        "urgencies": flow.choices.get("urgency", []),
        "states": [(s.id, s.title, s.title_en) for s in flow.states],
    }


def steps(flow: Flow, view: dict, scope: Scope) -> list[dict]:
    """The steps this user may take now on a case: the flow's transitions from its state for the user's role
    (a department user: only on the cases its department leads), and the side actions (备注, 协办, 延期)."""
    if not scope.acts:
        return []
    lead_ok = scope.role != "department" or view["lead"] == scope.department
    involved = lead_ok or scope.department in view["co_units"]
    out = []
    if lead_ok:
        for t in flow.available(view["state"], scope.role):
            out.append(
                {
                    "action": t.id,
                    "title": t.title,
                    "title_en": t.title_en,
                    "fields": [_field(flow, f) for f in t.requires],
                    "clause": t.clause,
                }
            )
    terminal = flow.state(view["state"]).terminal
    if not terminal and view["lead"] and lead_ok and scope.role in ("admin", "analyst", "department"):
        out.append(_side(flow, INVOLVE, [_field(flow, "department")]))
    for d in flow.deadlines:
        ext = d.extension
        clock = next((c for c in view["clocks"] if c["deadline"] == d.id), None)
        if ext is None or clock is None or terminal:
            continue
        pending = any(
            e["action"] == EXTEND_ASK and e["fields"].get("deadline") == d.id for e in view["timeline"]
        ) and not any(
            e["action"] == EXTEND_DECIDE and e["fields"].get("deadline") == d.id for e in view["timeline"]
        )
        asked = any(
            e["action"] == EXTEND_ASK and e["fields"].get("deadline") == d.id for e in view["timeline"]
        )
        if lead_ok and scope.role in ext.ask_roles and not asked and clock["status"] == "running":
            step = _side(flow, EXTEND_ASK, [_field(flow, "reason")])
            step["fixed"] = {"deadline": d.id}
            step["title"] = f"申请延期（{d.title}，延至 {ext.total_workdays} 个工作日）"
            out.append(step)
        if pending and scope.role in ext.approve_roles:
            step = _side(
                flow, EXTEND_DECIDE, [{"id": "approved", "title": "审批意见", "choices": ["同意", "不同意"]}]
            )
            step["fixed"] = {"deadline": d.id}
            out.append(step)
    if involved:
        out.append(_side(flow, NOTE, []))
    return out


def _field(flow: Flow, fid: str) -> dict:
    return {"id": fid, "title": flow.fields.get(fid, fid), "choices": flow.choices.get(fid)}


def _side(flow: Flow, action: str, fields: list[dict]) -> dict:
    return {
        "action": action,
        "title": ACTION_TITLES[action],
        "title_en": ACTION_TITLES_EN.get(action, ""),
        "fields": fields,
        "clause": "",
    }


def case_view(
    con: duckdb.DuckDBPyConnection,
    cal,
    case_id: str,
    scope: Scope,
    now: datetime | None = None,
    domain: str = DOMAIN,
) -> dict:
    """A case as its page shows it: `ledger.show` (header, clocks, timeline, next steps) with the steps this
    user may take, the attachments' names and whether the firm is registered (its 画像 can be linked)."""
    if not visible(con, case_id, scope, domain):
        raise CaseNotFound(case_id)
    view = ledger.show(con, case_id, cal, now)
    _h, flow, _rows = ledger.load(con, case_id)
    shas = sorted({s for e in view["timeline"] for s in e["attachments"]})
    names = store.attachment_names(con, shas)
    for e in view["timeline"]:
        e["files"] = [
            {"sha256": s, "name": names.get(s, (s[:12], 0))[0], "size": names.get(s, ("", 0))[1]}
            for s in e["attachments"]
        ]
        t = flow.transition(e["action"])
        e["title_en"] = t.title_en if t else ACTION_TITLES_EN.get(e["action"], "")
        e["from_en"] = flow.state(e["from_state"]).title_en if e["from_state"] else ""
        e["to_en"] = flow.state(e["to_state"]).title_en if e["to_state"] else ""
        e["fields_shown"] = [
            (flow.fields.get(k, k), v) for k, v in e["fields"].items() if v not in (None, "")
        ]
    uscc = view["case"].get("uscc")
    view["registered"] = bool(uscc) and uscc in store.registered(con, [uscc])
    view["steps"] = steps(flow, view, scope)
    view["state_en"] = flow.state(view["state"]).title_en
    view["paused"] = flow.paused(view["state"])
    view["provisional"] = any(c["provisional"] for c in view["clocks"] if c["due"] is not None)
    return view


def attachment(con: duckdb.DuckDBPyConnection, case_id: str, sha: str, scope: Scope) -> tuple[str, bytes]:
    """A file attached to a case the user may see (by its sha256)."""
    if not visible(con, case_id, scope) or not store.case_has_attachment(con, case_id, sha):
        raise CaseNotFound(case_id)
    found = store.attachment(con, sha)
    if found is None:
        raise CaseNotFound(sha)
    return found


# ---- writing ------------------------------------------------------------------------------------------
def take_step(
    con: duckdb.DuckDBPyConnection,
    cal,
    scope: Scope,
    *,
    actor: str,
    case_id: str,
    action: str,
    fields: dict | None = None,
    note: str = "",
    files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    expected_events: int | None = None,
    at: datetime | None = None,
    domain: str = DOMAIN,
) -> dict:
    """Record one step for the user, authorised by scope and flow; the new state. `expected_events` (the
    number of events the user saw) refuses a step taken on a stale page."""
    if not visible(con, case_id, scope, domain):
        raise CaseNotFound(case_id)
    if not scope.acts:
        raise Refusal("您的角色只能查看诉求，不能办理", "roles", 403)
    _h, flow, rows = ledger.load(con, case_id)
    if expected_events is not None and expected_events != len(rows):
        raise Refusal(
            f"案件 {case_id} 已有新的办理记录（第 {len(rows)} 条），请刷新后再操作", "case_event", 409
        )
    if scope.role == "department":
        view = ledger.show(con, case_id, cal)
        lead = view["lead"]
        t = flow.transition(action)
        if (t is not None or action in (INVOLVE, EXTEND_ASK)) and lead != scope.department:
            raise Refusal(
                f"首接负责：本诉求的牵头单位是「{lead or '未派单'}」，{scope.department}只能协办（可添加备注）",
                "北京条例 首接负责",
                403,
            )
    clean = {k: v.strip() if isinstance(v, str) else v for k, v in (fields or {}).items()}
    clean = {k: v for k, v in clean.items() if v not in (None, "")}
    if action == NOTE and not (note.strip() or files):
        raise Refusal("备注须写说明或附上文件", "note")
    shas = []
    for name, data in files:
        if not data:
            continue
        sha = hashlib.sha256(data).hexdigest()
        shas.append((sha, name, data))
    try:
        for sha, name, data in shas:
            store.store_attachment(con, sha, name, data)
        view = ledger.record(
            con,
            case_id,
            cal=cal,
            actor=actor,
            role=scope.role,
            action=action,
            fields=clean,
            note=note.strip(),
            attachments=tuple(s for s, _n, _d in shas),
            at=at,
        )
    except FlowError as exc:
        clause, message = exc.problems[0] if exc.problems else ("", str(exc))
        raise Refusal(message, clause, 403 if clause.endswith(".roles") else 400) from None
    except ledger.CaseError as exc:
        raise Refusal(str(exc), "case_event", 409 if "刷新" in str(exc) else 400) from None
    return {"case_id": case_id, "state": view.state, "state_title": view.state_title}


def enter(
    con: duckdb.DuckDBPyConnection,
    cal,
    scope: Scope,
    *,
    actor: str,
    title: str,
    category: str,
    urgency: str = "一般",
    firm: str = "",
    content: str = "",
    source: str = "",
    at: datetime | None = None,
) -> str:
    """受理 a request for a firm named by its USCC or its name (a firm not registered is kept by name)."""
    if scope.role not in ENTERING:
        raise Refusal("您的角色不能登记诉求", "roles", 403)
    firm = (firm or "").strip()
    code = firm.upper() if len(firm) == 18 and firm.isascii() else None
    name = None if code else firm or None
    town = None
    if code:
        if not is_valid(code):
            raise Refusal(f"统一社会信用代码「{code}」校验不通过（GB 32100-2015）", "uscc")
        found = queries.enterprise(con, code)
        town = found.get("town") if found else None
    elif name:
        named = store.firms_named(con, name)
        if len(named) == 1:
            code, town = named[0]
    if scope.role == "town":
        if town is not None and town != scope.town:
            raise Refusal("只能为本镇街的企业登记诉求", "town", 403)
        town = scope.town
    try:
        return enter_request(
            con,
            cal,
            actor=actor,
            role=scope.role,
            title=title,
            category=category,
            urgency=urgency or "一般",
            uscc=code,
            firm_name=name,
            town=town,
            content=content,
            source=source,
            at=at,
        )
    except FlowError as exc:
        clause, message = exc.problems[0] if exc.problems else ("", str(exc))
        raise Refusal(message, clause) from None
    except ledger.CaseError as exc:
        raise Refusal(str(exc)) from None


# ---- overviews ----------------------------------------------------------------------------------------
def board(con: duckdb.DuckDBPyConnection, scope: Scope, today: date | None = None) -> dict:
    """Per 承办部门: open, overdue, paused, closed this month (a department user: its own line)."""
    today = today or date.today()
    flow = builtin_flow()
    month_start = datetime(today.year, today.month, 1)
    filters = dict(scope.filters())
    if scope.role == "department":
        filters = {"lead": scope.department or "\x00"}
    df = store.board(con, DOMAIN, month_start, [s.id for s in flow.states if s.pause], filters)
    rows = df.to_dicts()
    total = {k: sum(r[k] for r in rows) for k in ("open", "overdue", "paused", "closed_this_month", "cases")}
    return {"rows": rows, "total": total, "month": f"{today:%Y-%m}"}


def statistics(con: duckdb.DuckDBPyConnection, cal, scope: Scope, year: int | None = None) -> dict:
    """三率 per department and month, the year's figures per department, overdue list and top categories."""
    filters = scope.filters()
    monthly = rates(con, year, filters)
    per: dict[str, dict] = {}
    keys = (
        "cases",
        "responded",
        "responded_in_time",
        "closed",
        "closed_in_time",
        "rated",
        "satisfied",
        "overdue",
    )
    for r in monthly:
        acc = per.setdefault(r["lead"], {"lead": r["lead"], **dict.fromkeys(keys, 0)})
        for k in keys:
            acc[k] += r[k]
    totals = {"lead": "合计", **{k: sum(p[k] for p in per.values()) for k in keys}}
    for p in [*per.values(), totals]:
        p["response_rate"] = p["responded_in_time"] / p["cases"] if p["cases"] else None
        p["on_time_rate"] = p["closed_in_time"] / p["closed"] if p["closed"] else None
        p["satisfaction_rate"] = p["satisfied"] / p["rated"] if p["rated"] else None
    overdue = inbox(con, cal, scope, view="overdue", size=100)
    cats = store.top_categories(con, DOMAIN, year, {"domain": DOMAIN, **filters}).to_dicts()
    return {
        "year": year,
        "years": store.case_years(con, DOMAIN),
        "monthly": monthly,
        "departments": sorted(per.values(), key=lambda p: (-p["cases"], p["lead"])),
        "total": totals,
        "overdue": overdue["rows"],
        "overdue_total": overdue["total"],
        "categories": cats,
    }


def firm_requests(
    con: duckdb.DuckDBPyConnection, uscc: str, scope: Scope, domains: frozenset[str] | None = None
) -> list[dict]:
    """The requests of one firm the user may see (for its 画像), newest first. `domains`: the firm's case
    domains (`store.cases.firm_case_domains`) when the caller has read them."""
    if DOMAIN not in (store.firm_case_domains(con, uscc) if domains is None else domains):
        return []
    df = store.case_list(con, {"domain": DOMAIN, "uscc": uscc, **scope.filters()})
    return sorted(df.to_dicts(), key=lambda r: r["opened_at"], reverse=True)
