"""项目台账 upload: the same intake as `gaoxin projects import` — preview first (nothing written), then import;
every physical row shown accepted, rejected (naming sheet, row, column and rule) or skipped."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.projects import intake
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import DbDep, Importer
from gaoxin.web.render import render
from gaoxin.web.routes.imports import check_type, safe_name

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
    folder = Path(tempfile.mkdtemp(prefix="gaoxin-projects-"))
    path = folder / safe_name(upload.filename)
    try:
        with path.open("wb") as out:
            await run_in_threadpool(shutil.copyfileobj, upload.file, out, 1 << 20)
        store = request.app.state.store

        def work():
            with store.write_lock:
                return intake.import_projects(db, path, cal=calendar_in_force(db), actor=user.name, dry_run=preview)

        outcome = await run_in_threadpool(work)
    except intake.ImportFailed as exc:
        return _page(request, 400, errors=[str(exc)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(request, outcome=outcome)
