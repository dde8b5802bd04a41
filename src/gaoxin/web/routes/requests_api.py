"""JSON API of 企业诉求 under /api/requests, mirroring the pages with the same scope: the inbox, one case, a
step (POST with the X-CSRF-Token header), a new request, the board and the statistics. A case outside the
user's scope is 404; a step the flow or the scope refuses is 400/403/409 with the message and the clause."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gaoxin.cases import desk
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.web import queries as Q
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, PageNo, RequestEnterer
from gaoxin.web.routes.requests import FreshClocks, inbox_data, take_step

router = APIRouter(prefix="/api/requests", tags=["requests"])
Qs = Annotated[str, Query(max_length=100)]


class Step(BaseModel):
    action: str = Field(
        description="a transition id of the flow (dispatch, accept, answer …) or note / involve"
    )
    fields: dict[str, str] = Field(default_factory=dict, description="the fields the transition requires")
    note: str = ""
    events: int | None = Field(None, description="the number of events you saw (refuses a stale step)")


class NewRequest(BaseModel):
    title: str = Field(max_length=200)
    category: str = Field(description="用地 用工 融资 政策兑现 审批 水电气 其他")
    urgency: str = "一般"
    firm: str = Field("", description="USCC or name of the firm (a firm not registered is kept by name)")
    content: str = Field("", max_length=4000)
    source: str = ""


def plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return Q.clean(obj)


def refused(exc: desk.Refusal) -> JSONResponse:
    return JSONResponse(
        {"detail": exc.message, "clause": exc.clause, "message": str(exc)}, status_code=exc.status
    )


@router.get(
    "",
    dependencies=[FreshClocks],
    summary="待办 inbox (todo | overdue | all), overdue first, clocks in working days",
)
def inbox(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    view: Annotated[str, Query(pattern="^(todo|overdue|all)$")] = "todo",
    department: Qs = "",
    category: Qs = "",
    state: Qs = "",
    page: PageNo = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
):
    return plain(inbox_data(db, user, view, department, category, state, page, size))


@router.post("", dependencies=[Csrf], summary="Enter a request (analyst, admin, town)")
def new_request(request: Request, db: DbDep, user: RequestEnterer, body: NewRequest):
    try:
        with request.app.state.store.write_lock:
            case_id = desk.enter(db, calendar_in_force(db), user.scope, actor=user.name, **body.model_dump())
    except desk.Refusal as exc:
        return refused(exc)
    return {"case_id": case_id}


@router.get(
    "/board", dependencies=[FreshClocks], summary="Per department: open, overdue, paused, closed this month"
)
def board(db: DbDep, user: CurrentUser):
    return plain(desk.board(db, user.scope))


@router.get(
    "/stats",
    dependencies=[FreshClocks],
    summary="三率 per department and month, overdue list, top categories",
)
def stats(db: DbDep, user: CurrentUser, year: Annotated[int | None, Query(ge=2000, le=2100)] = None):
    return plain(desk.statistics(db, calendar_in_force(db), user.scope, year))


@router.get("/{case_id}", summary="One request: header, state, clocks, timeline, the steps you may take")
def one_case(db: DbDep, user: CurrentUser, case_id: str):
    try:
        return plain(desk.case_view(db, calendar_in_force(db), case_id, user.scope))
    except desk.CaseNotFound:
        raise HTTPException(404, "case not found") from None


@router.post("/{case_id}/transition", dependencies=[Csrf], summary="Take a step on a request")
async def transition(request: Request, db: DbDep, user: CurrentUser, case_id: str, body: Step):
    try:
        return await take_step(
            request,
            db,
            user,
            case_id,
            action=body.action,
            fields=body.fields,
            note=body.note,
            expected_events=body.events,
        )
    except desk.CaseNotFound:
        raise HTTPException(404, "case not found") from None
    except desk.Refusal as exc:
        return refused(exc)
