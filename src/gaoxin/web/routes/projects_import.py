"""招商项目 in and out in bulk: the 项目台账 upload (the same intake as `gaoxin projects import` — preview first,
nothing written, then import; every physical row shown accepted, rejected naming sheet, row, column and rule,
or skipped) and the 重点项目月度调度表 download (as `gaoxin projects report`)."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.projects import intake
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, Importer
from gaoxin.web.render import render
from gaoxin.web.routes.imports import check_type, run_on_upload, safe_name

router = APIRouter(include_in_schema=False)
SHOW_REJECTS = 200


def _page(request: Request, status_code: int = 200, **extra):
    context = {"outcome": None, "errors": [], "nav": "projects", "show": SHOW_REJECTS, **extra}
    return render(request, "project_import.html", context, status_code=status_code)


@router.get("/projects/import")
def import_page(request: Request, db: DbDep, user: Importer):
    return _page(request)


@router.post("/projects/import", dependencies=[Csrf])
async def import_ledger(request: Request, db: DbDep, user: Importer):
    form = await request.form(max_files=2, max_fields=20)
    upload = form.get("file")
    preview = form.get("mode") != "import"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, 400, errors=["请选择项目台账文件（xlsx）"])
    head = await upload.read(4096)
    await upload.seek(0)
    problem = check_type(upload.filename, head)
    if problem:
        return _page(request, 415, errors=[f"{safe_name(upload.filename)}：{problem}"])
    try:
        outcome = await run_on_upload(
            request,
            upload,
            "gaoxin-projects-",
            lambda path: intake.import_projects(
                db, path, cal=calendar_in_force(db), actor=user.name, dry_run=preview
            ),
        )
    except intake.ImportFailed as exc:
        return _page(request, 400, errors=[str(exc)])
    return _page(request, outcome=outcome)


MONTH = re.compile(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")


@router.get("/projects/dispatch.xlsx")
def dispatch_sheet(
    request: Request, db: DbDep, user: CurrentUser, month: Annotated[str, Query(max_length=7)] = ""
):
    """The month's 调度表 of the projects the user may see (a town user: its town's)."""
    from gaoxin.reports.projects_dispatch import write_dispatch

    month = month or f"{date.today():%Y-%m}"
    if not MONTH.match(month):
        raise HTTPException(422, f"月份应写成 YYYY-MM（如 2025-11），收到「{month}」")
    cal = calendar_in_force(db)
    with tempfile.TemporaryDirectory(prefix="gaoxin-dispatch-") as tmp:
        with request.app.state.store.write_lock:  # the board re-derives stale rows first
            path = write_dispatch(db, cal, month, Path(tmp) / "dispatch.xlsx", user.scope)
        body = path.read_bytes()
    name = f"重点项目月度调度表_{month}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=dispatch-{month}.xlsx; filename*=UTF-8''{quote(name)}"
        },
    )
