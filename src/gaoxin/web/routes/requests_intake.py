"""企业诉求 in and out in bulk: import a 12345 ticket export (the same intake as `gaoxin requests import`, every
row accounted for) and download the monthly 诉求办理情况通报 (as `gaoxin requests report`)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gaoxin.cases import intake
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import DbDep, Importer, RunExporter
from gaoxin.web.render import render
from gaoxin.web.routes.imports import check_type, safe_name

router = APIRouter(include_in_schema=False)
MONTH = re.compile(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")
SHOW_REJECTS = 200


def _page(request: Request, db, status_code: int = 200, **extra):
    context = {"outcome": None, "errors": [], "nav": "requests", "show": SHOW_REJECTS, **extra}
    return render(request, "request_import.html", context, status_code=status_code)


@router.get("/requests/import")
def import_page(request: Request, db: DbDep, user: Importer):
    return _page(request, db)


@router.post("/requests/import", dependencies=[Csrf])
async def import_tickets(request: Request, db: DbDep, user: Importer):
    form = await request.form(max_files=2, max_fields=20)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, db, 400, errors=["请选择 12345 工单导出文件（xlsx）"])
    head = await upload.read(4096)
    await upload.seek(0)
    problem = check_type(upload.filename, head)
    if problem:
        return _page(request, db, 415, errors=[f"{safe_name(upload.filename)}：{problem}"])
    folder = Path(tempfile.mkdtemp(prefix="gaoxin-tickets-"))
    path = folder / safe_name(upload.filename)
    try:
        with path.open("wb") as out:
            await run_in_threadpool(shutil.copyfileobj, upload.file, out, 1 << 20)
        store = request.app.state.store

        def work():
            with store.write_lock:
                return intake.import_tickets(db, path, cal=calendar_in_force(db), actor=user.name)

        outcome = await run_in_threadpool(work)
    except intake.IntakeFailed as exc:
        return _page(request, db, 400, errors=[str(exc)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(request, db, outcome=outcome)


@router.get("/requests/report.xlsx")
def monthly_report(
    request: Request,
    db: DbDep,
    user: RunExporter,
    month: Annotated[str, Query(max_length=7)] = "",
):
    """The month's 诉求办理情况通报 for every department (not for town users: it names every department's cases)."""
    from gaoxin.reports.requests_xlsx import write_monthly_report

    if not MONTH.match(month):
        raise HTTPException(422, f"月份应写成 YYYY-MM（如 2026-11），收到「{month}」")
    with tempfile.TemporaryDirectory(prefix="gaoxin-report-") as tmp:
        path = write_monthly_report(db, month, Path(tmp) / "report.xlsx")
        body = path.read_bytes()
    name = f"诉求办理情况通报_{month}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=requests-{month}.xlsx; filename*=UTF-8''{quote(name)}"
        },
    )
