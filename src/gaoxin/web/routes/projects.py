"""招商引资: the project board (by stage and colour, 三未, KPIs, 履约 shortfalls), one project (node plan, months,
commitment check with its evidence, timeline), the lead pipeline, and their JSON API. Routes only translate
HTTP; what a user may see and do is `gaoxin.cases.projects.desk`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.desk import CaseNotFound, Refusal
from gaoxin.cases.projects import desk
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep
from gaoxin.web.render import render
from gaoxin.web.routes.requests_api import plain

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["projects"])


def _project(db, user, case_id):
    try:
        return desk.project(db, calendar_in_force(db), user.scope, case_id)
    except CaseNotFound:
        raise HTTPException(404, "project not found") from None


@router.get("/projects")
def board_page(request: Request, db: DbDep, user: CurrentUser):
    data = desk.board(db, calendar_in_force(db), user.scope)
    return render(request, "projects.html", {**data, "nav": "projects"})


@router.get("/projects/{case_id}")
def project_page(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    data = _project(db, user, case_id)
    return render(request, "project.html", {**data, "nav": "projects", "writer": user.role in desk.WRITERS})


@router.get("/leads")
def leads_page(request: Request, db: DbDep, user: CurrentUser):
    return render(request, "leads.html", {**desk.lead_list(db, user.scope), "nav": "projects"})


@api.get("/projects")
def board_api(db: DbDep, user: CurrentUser):
    return plain(desk.board(db, calendar_in_force(db), user.scope))


@api.get("/projects/{case_id}")
def project_api(db: DbDep, user: CurrentUser, case_id: str):
    return plain(_project(db, user, case_id))


@api.get("/leads")
def leads_api(db: DbDep, user: CurrentUser):
    return plain(desk.lead_list(db, user.scope))


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
