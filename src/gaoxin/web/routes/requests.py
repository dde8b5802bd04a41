"""企业诉求 (政企连心桥 · 马上就办): 待办 inbox, one case with its timeline and step form, 新建诉求, the department
board and the statistics. Routes only translate HTTP; what a user may see and do is `gaoxin.cases.desk`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gaoxin.cases import desk
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.web import charts
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, PageNo, RequestEnterer, User
from gaoxin.web.i18n import translate
from gaoxin.web.render import is_htmx, render

router = APIRouter(include_in_schema=False)
Qs = Annotated[str, Query(max_length=100)]
STEP_FIELDS = ("department", "handler", "reason", "note", "answer", "satisfaction", "deadline", "approved")


def clocks_today(request: Request, db: DbDep) -> None:
    """Before a list is shown: the open requests' clocks re-derived once a day, so overdue-first order and the
    counts are as of today (the first list of the day pays; later ones find them fresh)."""
    from gaoxin.cases import ledger
    from gaoxin.cases.requests import DOMAIN

    with request.app.state.store.write_lock:
        ledger.refresh_if_stale(db, DOMAIN, calendar_in_force(db))


FreshClocks = Depends(clocks_today)


async def take_step(request: Request, db, user: User, case_id: str, **step):
    """One step on a request by this user (page form and API alike), under the store's write lock."""
    store = request.app.state.store

    def work():
        with store.write_lock:
            return desk.take_step(
                db, calendar_in_force(db), user.scope, actor=user.name, case_id=case_id, **step
            )

    return await run_in_threadpool(work)


def not_found() -> HTTPException:
    return HTTPException(404, "case not found")


def inbox_data(db, user: User, view: str, department: str, category: str, state: str, page: int, size: int):
    return desk.inbox(
        db,
        calendar_in_force(db),
        user.scope,
        view=view,
        department=department or None,
        category=category or None,
        state=state or None,
        page=page,
        size=size,
    )


@router.get("/requests", dependencies=[FreshClocks])
def inbox_page(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    view: Annotated[str, Query(pattern="^(todo|overdue|all)$")] = "todo",
    department: Qs = "",
    category: Qs = "",
    state: Qs = "",
    page: PageNo = 1,
):
    size = request.app.state.settings.page_size
    data = inbox_data(db, user, view, department, category, state, page, size)
    context = {
        **data,
        "query": {"view": view, "department": department, "category": category, "state": state},
        "options": desk.options(db),
        "nav": "requests",
    }
    if is_htmx(request):
        return render(request, "_requests_table.html", context)
    return render(request, "requests.html", context)


@router.get("/requests/new")
def new_form(request: Request, db: DbDep, user: RequestEnterer):
    return render(request, "request_new.html", _new_context(db, {}, None))


def _new_context(db, form: dict, error) -> dict:
    return {"options": desk.options(db), "form": form, "error": error, "nav": "requests"}


@router.post("/requests/new", dependencies=[Csrf])
def new_submit(
    request: Request,
    db: DbDep,
    user: RequestEnterer,
    title: Annotated[str, Form(max_length=200)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    urgency: Annotated[str, Form(max_length=20)] = "一般",
    firm: Annotated[str, Form(max_length=200)] = "",
    content: Annotated[str, Form(max_length=4000)] = "",
    source: Annotated[str, Form(max_length=100)] = "",
):
    form = {
        "title": title,
        "category": category,
        "urgency": urgency,
        "firm": firm,
        "content": content,
        "source": source,
    }
    try:
        with request.app.state.store.write_lock:
            case_id = desk.enter(db, calendar_in_force(db), user.scope, actor=user.name, **form)
    except desk.Refusal as exc:
        return render(request, "request_new.html", _new_context(db, form, exc), status_code=exc.status)
    return RedirectResponse(f"/requests/{quote(case_id)}", status_code=303)


@router.get("/requests/board", dependencies=[FreshClocks])
def board_page(request: Request, db: DbDep, user: CurrentUser):
    return render(request, "requests_board.html", {**desk.board(db, user.scope), "nav": "requests"})


@router.get("/requests/stats", dependencies=[FreshClocks])
def stats_page(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
):
    data = desk.statistics(db, calendar_in_force(db), user.scope, year)
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    chart_options = {}
    if data["departments"]:
        chart_options["chart-rates"] = charts.request_rates(data["departments"], _)
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime(
        "%Y-%m"
    )  # the month a 通报 covers
    context = {**data, "charts": chart_options, "nav": "requests", "report_month": last_month}
    return render(request, "requests_stats.html", context)


def case_context(db, user: User, case_id: str, **extra) -> dict:
    try:
        view = desk.case_view(db, calendar_in_force(db), case_id, user.scope)
    except desk.CaseNotFound:
        raise not_found() from None
    return {
        **view,
        "options": desk.options(db),
        "nav": "requests",
        "error": None,
        "posted": None,
        "today": date.today(),
        **extra,
    }


@router.get("/requests/{case_id}")
def case_page(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    return render(request, "request.html", case_context(db, user, case_id))


@router.post("/requests/{case_id}/step", dependencies=[Csrf])
async def step(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    form = await request.form(max_files=request.app.state.settings.max_files + 1, max_fields=200)
    action = str(form.get("action") or "")
    fields = {k: str(form.get(k)) for k in STEP_FIELDS if form.get(k) not in (None, "")}
    note = str(form.get("note_text") or "")
    expected = str(form.get("events") or "")
    files = []
    for f in form.getlist("files"):
        if isinstance(f, UploadFile) and f.filename:
            files.append((f.filename, await f.read()))
    try:
        await take_step(
            request,
            db,
            user,
            case_id,
            action=action,
            fields=fields,
            note=note,
            files=files,
            expected_events=int(expected) if expected.isdigit() else None,
        )
    except desk.CaseNotFound:
        raise not_found() from None
    except desk.Refusal as exc:
        posted = {"action": action, "fields": fields, "note": note}
        context = await run_in_threadpool(case_context, db, user, case_id, error=exc, posted=posted)
        return render(request, "request.html", context, status_code=exc.status)
    return RedirectResponse(f"/requests/{quote(case_id)}#timeline", status_code=303)


@router.get("/requests/{case_id}/file/{sha256}")
def file_download(db: DbDep, user: CurrentUser, case_id: str, sha256: str):
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise not_found()
    try:
        name, data = desk.attachment(db, case_id, sha256, user.scope)
    except desk.CaseNotFound:
        raise not_found() from None
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type="application/octet-stream", headers={"content-disposition": disposition})
