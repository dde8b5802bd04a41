"""招商引资: the project board (by stage and colour, 三未, KPIs, 履约 shortfalls), one project (node plan, months,
commitment check with its evidence, timeline), the lead pipeline, and their JSON API. Routes only translate
HTTP; what a user may see and do is `gaoxin.cases.projects.desk`."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.desk import CaseNotFound, Refusal
from gaoxin.cases.projects import book, desk
from gaoxin.cases.projects.commitments import ITEMS
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep
from gaoxin.web.i18n import translate
from gaoxin.web.render import render
from gaoxin.web.routes import commitments, projects_charts, projects_import
from gaoxin.web.routes.requests_api import plain

router = APIRouter(include_in_schema=False)
router.include_router(projects_import.router)  # /projects/import before /projects/{case_id}
router.include_router(commitments.router)  # 先承诺后审批
api = APIRouter(prefix="/api", tags=["projects"])
api.include_router(commitments.api)  # /api/commitments…


def _project(db, user, case_id):
    try:
        return desk.project(db, calendar_in_force(db), user.scope, case_id)
    except CaseNotFound:
        raise HTTPException(404, "project not found") from None


PAGE_ROWS = 200  # the list shows the first rows of the filtered board; the counts and KPIs cover all
Colour = Annotated[str | None, Query(pattern="^(红|黄|绿)$")]
Stage = Annotated[str | None, Query(pattern="^[a-z_]{1,20}$")]


def _board(request: Request, db, user, colour, state):
    """The board as of today; the day's first board (or one after another writer's events or an import)
    re-derives the stale projection rows and the commitment check under the write lock."""
    cal = calendar_in_force(db)
    with request.app.state.store.write_lock:  # stale rows and a stale commitment check are reworked first
        book.refresh_board(db, cal)
        return desk.board(db, cal, user.scope, colour=colour or None, state=state or None, limit=PAGE_ROWS)


@router.get("/projects")
def board_page(request: Request, db: DbDep, user: CurrentUser, colour: Colour = None, state: Stage = None):
    data = _board(request, db, user, colour, state)
    return render(request, "projects.html", {**data, "nav": "projects"})


@router.get("/projects/{case_id}")
def project_page(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    data = _project(db, user, case_id)
    context = {**data, "nav": "projects", "writer": user.role in desk.WRITERS, "error": None, "posted": {}}
    return render(request, "project.html", {**context, "charts": _charts(request, data)})


def _charts(request: Request, data: dict) -> dict:
    """The node Gantt (planned vs actual) and the investment curve of one project."""
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    signed, today = data["case"]["opened_at"].date(), date.today()
    charts = {"chart-gantt": projects_charts.gantt(data["plan"], signed, today, _)}
    if data["months"]:
        charts["chart-investment"] = projects_charts.investment_curve(data["months"], _)
    return charts


@router.get("/leads")
def leads_page(request: Request, db: DbDep, user: CurrentUser):
    return render(request, "leads.html", {**desk.lead_list(db, user.scope), "nav": "projects"})


def _lead(db, user, case_id, **extra):
    try:
        data = desk.lead(db, calendar_in_force(db), user.scope, case_id)
    except CaseNotFound:
        raise HTTPException(404, "lead not found") from None
    return {**data, "nav": "projects", "error": None, "posted": {}, "commitments": COMMITMENT_TITLES, **extra}


COMMITMENT_TITLES = [(i.id, i.title, i.unit) for i in ITEMS]
LEAD_FORM = ("action", "reason", "investment_wan", "land_mu", "full_year", "key", *(i.id for i in ITEMS))
PROJECT_FORM = ("kind", "month", "plan_wan", "done_wan", "funds_wan", "node", "done_on", "reason")


LEAD_NEW_FORM = desk.LEAD_FIELDS


def _lead_new_context(request: Request, db, user, error=None, posted=None) -> dict:
    from gaoxin.cases.projects import chain_nodes, leads

    request.app.state.cache.ensure(db)
    return {
        "nav": "projects",
        "error": error,
        "posted": posted or {},
        "writer": user.role in desk.WRITERS,
        "sources": leads.SOURCES,
        "kinds": leads.KINDS,
        "towns": request.app.state.cache.towns,
        "nodes": chain_nodes.choices(),
    }


@router.get("/leads/new")
def lead_new_page(request: Request, db: DbDep, user: CurrentUser):
    return render(request, "lead_new.html", _lead_new_context(request, db, user))


@router.post("/leads/new", dependencies=[Csrf])
async def lead_new(request: Request, db: DbDep, user: CurrentUser):
    """登记线索: the same rules as `gaoxin leads add` (a chain node from the packs, numbers ≥ 0)."""
    form = await _form(request, LEAD_NEW_FORM)

    def work():
        with request.app.state.store.write_lock:
            return desk.new_lead(db, calendar_in_force(db), user.scope, actor=user.name, **form)

    try:
        lead_id = await run_in_threadpool(work)
    except Refusal as exc:
        context = _lead_new_context(request, db, user, error=exc, posted=form)
        return render(request, "lead_new.html", context, status_code=exc.status)
    return RedirectResponse(f"/leads/{quote(lead_id)}", status_code=303)


@router.get("/leads/{case_id}")
def lead_page(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    return render(request, "lead.html", _lead(db, user, case_id))


async def _form(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=50)
    return {k: str(form.get(k)).strip()[:200] for k in names if form.get(k) not in (None, "")}


@router.post("/leads/{case_id}/step", dependencies=[Csrf])
async def lead_step(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    """考察 / 洽谈 / 放弃 / 签约 from the lead page (签约 lands on the project it opened)."""
    form = await _form(request, LEAD_FORM)
    action = form.pop("action", "")

    def work():
        with request.app.state.store.write_lock:
            return desk.move_lead(
                db, calendar_in_force(db), user.scope, case_id, actor=user.name, action=action, **form
            )

    try:
        pid = await run_in_threadpool(work)
    except CaseNotFound:
        raise HTTPException(404, "lead not found") from None
    except Refusal as exc:
        context = await run_in_threadpool(
            _lead, db, user, case_id, error=exc, posted={"action": action, **form}
        )
        return render(request, "lead.html", context, status_code=exc.status)
    return RedirectResponse(f"/projects/{quote(pid)}" if pid else f"/leads/{quote(case_id)}", status_code=303)


@router.post("/projects/{case_id}/step", dependencies=[Csrf])
async def project_step(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    """月度调度, a node done or a stage transition from the project page."""
    form = await _form(request, PROJECT_FORM)
    kind = form.pop("kind", "")

    def work():
        fields: dict = dict(form)
        for k in ("plan_wan", "done_wan", "funds_wan"):
            if k in fields:
                fields[k] = desk.number(k, fields[k])
        if "done_on" in fields:
            try:
                fields["done_on"] = date.fromisoformat(fields["done_on"])
            except ValueError:
                raise Refusal(f"完成日期应写成 YYYY-MM-DD，收到「{fields['done_on']}」") from None
        with request.app.state.store.write_lock:
            desk.act(db, calendar_in_force(db), user.scope, case_id, actor=user.name, kind=kind, **fields)

    try:
        await run_in_threadpool(work)
    except CaseNotFound:
        raise HTTPException(404, "project not found") from None
    except Refusal as exc:
        data = await run_in_threadpool(_project, db, user, case_id)
        context = {
            **data,
            "nav": "projects",
            "writer": user.role in desk.WRITERS,
            "error": exc,
            "posted": {"kind": kind, **form},
            "charts": _charts(request, data),
        }
        return render(request, "project.html", context, status_code=exc.status)
    return RedirectResponse(f"/projects/{quote(case_id)}#months", status_code=303)


@api.get("/projects")
def board_api(request: Request, db: DbDep, user: CurrentUser, colour: Colour = None, state: Stage = None):
    return plain(_board(request, db, user, colour, state))


@api.get("/projects/{case_id}")
def project_api(db: DbDep, user: CurrentUser, case_id: str):
    return plain(_project(db, user, case_id))


@api.get("/leads")
def leads_api(db: DbDep, user: CurrentUser):
    return plain(desk.lead_list(db, user.scope))


@api.get("/leads/{case_id}")
def lead_api(db: DbDep, user: CurrentUser, case_id: str):
    data = _lead(db, user, case_id)
    return plain({k: v for k, v in data.items() if k not in ("nav", "error", "posted", "commitments")})


class LeadStep(BaseModel):
    action: str = Field(description="visit (考察), negotiate (洽谈), drop (放弃, with reason) or sign (签约)")
    reason: str | None = None
    investment_wan: float | None = None
    land_mu: float | None = None
    full_year: int | None = None
    key: bool | None = None
    intensity: float | None = None
    tax_per_mu: float | None = None
    output_per_mu: float | None = None
    energy_va: float | None = None
    rd_share: float | None = None
    plot_ratio: float | None = None


@api.post("/leads/{case_id}/steps", dependencies=[Csrf])
def lead_step_api(request: Request, db: DbDep, user: CurrentUser, case_id: str, step: LeadStep):
    fields = {k: v for k, v in step.model_dump(exclude={"action"}).items() if v is not None}
    try:
        with request.app.state.store.write_lock:
            pid = desk.move_lead(
                db, calendar_in_force(db), user.scope, case_id, actor=user.name, action=step.action, **fields
            )
    except CaseNotFound:
        raise HTTPException(404, "lead not found") from None
    except Refusal as exc:
        return JSONResponse({"detail": exc.message, "clause": exc.clause}, status_code=exc.status)
    return plain({"case_id": case_id, "project_id": pid, "lead": lead_api(db, user, case_id)})


class Step(BaseModel):
    kind: str = Field(description="progress (月度调度), node (完成节点) or a transition: start, complete …")
    month: str | None = None
    plan_wan: float | None = None
    done_wan: float | None = None
    funds_wan: float | None = None
    node: str | None = None
    done_on: date | None = None
    reason: str | None = None


@api.post("/projects/{case_id}/steps", dependencies=[Csrf])
def step_api(request: Request, db: DbDep, user: CurrentUser, case_id: str, step: Step):
    fields = {k: v for k, v in step.model_dump(exclude={"kind"}).items() if v is not None}
    try:
        with request.app.state.store.write_lock:
            desk.act(
                db, calendar_in_force(db), user.scope, case_id, actor=user.name, kind=step.kind, **fields
            )
    except CaseNotFound:
        raise HTTPException(404, "project not found") from None
    except Refusal as exc:
        return JSONResponse({"detail": exc.message, "clause": exc.clause}, status_code=exc.status)
    return plain(_project(db, user, case_id))
