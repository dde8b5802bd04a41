"""先承诺后审批 pages: /commitments (告知承诺事项 and the 失信 list) and /commitments/{id} (conditions checked
against the data with their batch, the officer's steps: 审批, 核查合格, 责令整改, 撤销 with a 信用记录)."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.ledger import CaseError, record
from gaoxin.cases.projects import approvals
from gaoxin.cases.projects.desk import WRITERS
from gaoxin.flows import FlowError
from gaoxin.store import cases as store_cases
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep
from gaoxin.web.render import render
from gaoxin.web.routes.requests_api import plain

router = APIRouter(include_in_schema=False)
api = APIRouter(tags=["projects"])  # mounted under /api by routes.projects
STEP_FIELDS = ("action", "method", "result", "reason", "credit", "note")


@router.get("/commitments")
def commitments_page(request: Request, db: DbDep, user: CurrentUser):
    cal = calendar_in_force(db)
    context = {"rows": approvals.listing(db), "dishonest": approvals.dishonest(db, cal), "nav": "projects"}
    return render(request, "commitments.html", context)


NEW_FIELDS = ("title", "commitment", "due", "method", "conditions", "uscc", "firm_name", "project")


def _new_context(user, error=None, posted=None) -> dict:
    return {"nav": "projects", "methods": approvals.METHODS, "writer": user.role in WRITERS, "error": error,
            "posted": posted or {}}  # fmt: skip


@router.get("/commitments/new")
def commitment_new_page(request: Request, db: DbDep, user: CurrentUser):
    return render(request, "commitment_new.html", _new_context(user))


@router.post("/commitments/new", dependencies=[Csrf])
async def commitment_new(request: Request, db: DbDep, user: CurrentUser):
    """登记告知承诺: the same rules as `gaoxin commitments add`, one condition per line."""
    form = await request.form(max_files=0, max_fields=20)
    got = {k: str(form.get(k)).strip()[:4000] for k in NEW_FIELDS if form.get(k) not in (None, "")}
    if user.role not in WRITERS:
        raise HTTPException(403, "只有管理员和审批与核查专员可以登记告知承诺")
    conditions = [line.strip() for line in got.get("conditions", "").splitlines() if line.strip()]

    def work():
        try:
            due = date.fromisoformat(got.get("due", ""))
        except ValueError:
            raise CaseError(f"核查期限应写成 YYYY-MM-DD，收到「{got.get('due', '')}」") from None
        with request.app.state.store.write_lock:
            return approvals.enter(
                db, calendar_in_force(db), actor=user.name, role=user.role, title=got.get("title", ""),
                commitment=got.get("commitment", ""), conditions=conditions, due=due,
                method=got.get("method", ""), uscc=got.get("uscc"), firm_name=got.get("firm_name"),
                project=got.get("project", ""),
            )  # fmt: skip

    try:
        case_id = await run_in_threadpool(work)
    except (CaseError, FlowError, ValueError) as exc:
        return render(request, "commitment_new.html", _new_context(user, str(exc), got), status_code=400)
    return RedirectResponse(f"/commitments/{quote(case_id)}", status_code=303)


def _detail(db, case_id: str) -> dict:
    try:
        return approvals.detail(db, calendar_in_force(db), case_id)
    except (CaseError, KeyError, TypeError):
        raise HTTPException(404, "commitment not found") from None


def _with_files(view: dict, db) -> dict:
    """The names of each step's evidence files (the timeline keeps their sha256)."""
    shas = sorted({s for e in view["timeline"] for s in e.get("attachments", [])})
    names = store_cases.attachment_names(db, shas)
    for e in view["timeline"]:
        e["files"] = [{"sha256": s, "name": names.get(s, (s[:12], 0))[0]} for s in e.get("attachments", [])]
    return view


@router.get("/commitments/{case_id}")
def commitment_page(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    context = {**_with_files(_detail(db, case_id), db), "nav": "projects", "writer": user.role in WRITERS}
    return render(request, "commitment.html", {**context, "error": None, "methods": approvals.METHODS})


@router.get("/commitments/{case_id}/files/{sha}")
def commitment_file(db: DbDep, user: CurrentUser, case_id: str, sha: str):
    _detail(db, case_id)
    found = store_cases.attachment(db, sha) if store_cases.case_has_attachment(db, case_id, sha) else None
    if found is None:
        raise HTTPException(404, "file not found")
    name, data = found
    disposition = f"attachment; filename=evidence; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": disposition})


@router.post("/commitments/{case_id}/step", dependencies=[Csrf])
async def commitment_step(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    """A step with its evidence files (a 核查 by an officer: the site photos, the 核查记录), kept by sha256."""
    form = await request.form(max_files=request.app.state.settings.max_files + 1, max_fields=20)
    got = {k: str(form.get(k)).strip()[:200] for k in STEP_FIELDS if form.get(k) not in (None, "")}
    action, note = got.pop("action", ""), got.pop("note", "")
    if user.role not in WRITERS:
        raise HTTPException(403, "只有管理员和审批与核查专员可以办理")
    _detail(db, case_id)
    files = [
        (f.filename, await f.read())
        for f in form.getlist("files")
        if isinstance(f, UploadFile) and f.filename
    ]
    evidence = [(hashlib.sha256(data).hexdigest(), name, data) for name, data in files if data]

    def work():
        with request.app.state.store.write_lock:
            for sha, name, data in evidence:
                store_cases.store_attachment(db, sha, name, data)
            return record(db, case_id, cal=calendar_in_force(db), actor=user.name, role=user.role, action=action,
                          fields=got, note=note, attachments=tuple(sha for sha, _, _ in evidence))  # fmt: skip

    try:
        await run_in_threadpool(work)
    except (CaseError, FlowError) as exc:
        context = {
            **_with_files(_detail(db, case_id), db),
            "nav": "projects",
            "writer": True,
            "error": str(exc),
        }
        return render(request, "commitment.html", {**context, "methods": approvals.METHODS}, status_code=400)
    return RedirectResponse(f"/commitments/{quote(case_id)}", status_code=303)


@api.get("/commitments")
def commitments_api(db: DbDep, user: CurrentUser):
    """告知承诺事项 and the 失信 list (as `gaoxin commitments list --json`)."""
    return plain(
        {"commitments": approvals.listing(db), "dishonest": approvals.dishonest(db, calendar_in_force(db))}
    )


@api.get("/commitments/{case_id}", responses={404: {"description": "no such commitment"}})
def commitment_api(db: DbDep, user: CurrentUser, case_id: str):
    """One commitment with its conditions checked (as `gaoxin commitments show --json`)."""
    return plain(_detail(db, case_id))
