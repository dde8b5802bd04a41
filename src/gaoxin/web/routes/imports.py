"""数据导入: upload department files, preview what each would import (accepted / rejected / skipped and every
rejected row with its reason) before anything is written, then commit; past batches and their rejects.

Uses the same two steps as `gaoxin import`: `prepare_all` (pure) then `commit_all` (one batch per file,
all-or-nothing). The prepared batches wait in memory, keyed by a random token, until commit or expiry.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gaoxin import fields as F
from gaoxin.ingest.importer import SOURCES, ImportFailed, commit_all, prepare_all
from gaoxin.store.imports import batch_record, batch_rejects, find_batch, list_batches
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import BatchReader, DbDep, Importer, PageNo
from gaoxin.web.render import render

# every batch source a user may see: the enterprise departments and the other intakes (zone files …)
SOURCE_LABELS = {**F.SOURCES, "zone": "园区指标（全国高新区对标）"}


def field_labels() -> dict[str, tuple[str, str]]:
    """Field id → (Chinese, English) label, for the columns a batch recognised (ids only in tooltips)."""
    from gaoxin import zone_fields as Z

    out = {f.name: (f.label, f.label_en) for f in F.FIELDS}
    out |= {i.id: (i.label, i.label_en) for i in Z.INDICATORS}
    out |= {k: (v, v) for k, v in Z.ATTRIBUTE_LABELS.items()}
    return out


router = APIRouter(include_in_schema=False)
ZIP, OLE = (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0",)
# what the spreadsheet reader reads (the same limits apply to all): Excel, Excel binary, LibreOffice, CSV
ALLOWED = {".xlsx": ZIP, ".xlsm": ZIP, ".xlsb": ZIP, ".ods": ZIP, ".xls": OLE, ".csv": ()}
SHOW_REJECTS = 200
REJECTS_PAGE = 200


@dataclass
class Pending:
    user: str
    folder: Path
    prepared: list
    created: float = field(default_factory=time.monotonic)


def check_type(name: str, head: bytes) -> str | None:
    """An error text when the file is not an xlsx/xls/csv by name and by content, else None."""
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        return "文件类型不支持（只接受 xlsx、xls、xlsb、ods、csv）"
    magic = ALLOWED[ext]
    if magic and not any(head.startswith(m) for m in magic):
        return "文件内容与扩展名不符"
    if ext == ".csv" and (b"\x00" in head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))):
        return "文件内容与扩展名不符"
    return None


def safe_name(name: str) -> str:
    """Keep the department's file name (source detection reads it) without any path parts, short enough for
    any file system (≤ 200 bytes of UTF-8: 200 Chinese characters are 600) and keeping its suffix."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".") or "upload"
    stem, suffix = Path(base).stem, Path(base).suffix[:10]
    while len((stem + suffix).encode("utf-8")) > 200:
        stem = stem[:-1]
    return (stem + suffix) if stem else "upload" + suffix


async def run_on_upload(request: Request, upload: UploadFile, prefix: str, fn):
    """An intake that reads a path (the land register, a registry list, a project ledger …) run on an upload:
    the file saved under its own name in a private temporary folder, `fn(path)` called in a worker thread
    under the store's write lock, the folder removed whatever happens. Exceptions reach the caller."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    path = folder / safe_name(upload.filename or "upload")
    try:
        with path.open("wb") as out:
            await run_in_threadpool(shutil.copyfileobj, upload.file, out, 1 << 20)

        def work():
            with request.app.state.store.write_lock:
                return fn(path)

        return await run_in_threadpool(work)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _expire(app) -> None:
    limit = app.state.settings.pending_minutes * 60
    with app.state.pending_lock:
        for token, p in list(app.state.pending.items()):
            if time.monotonic() - p.created > limit:
                shutil.rmtree(p.folder, ignore_errors=True)
                del app.state.pending[token]


MAX_PENDING = 8  # previews held in memory at once (each is bounded by the file limits)


def hold(app, token: str, pending: Pending) -> None:
    """Keep a preview until its commit: one per user (a new preview replaces the user's earlier one), and at
    most MAX_PENDING in all (the oldest dropped), so previews cannot pile up in the server's memory."""
    with app.state.pending_lock:
        held = app.state.pending
        for t, p in list(held.items()):
            if p.user == pending.user:
                shutil.rmtree(p.folder, ignore_errors=True)
                del held[t]
        while len(held) >= MAX_PENDING:
            oldest = min(held, key=lambda t: held[t].created)
            shutil.rmtree(held[oldest].folder, ignore_errors=True)
            del held[oldest]
        held[token] = pending


def page_context(db, **extra) -> dict:
    batches = list_batches(db).to_dicts()
    return {
        "batches": list(reversed(batches)),
        "sources": SOURCES,
        "source_labels": SOURCE_LABELS,
        "nav": "imports",
        "errors": [],
        **extra,
    }


@router.get("/imports")
def imports_page(request: Request, db: DbDep, user: Importer):
    _expire(request.app)
    return render(request, "imports.html", page_context(db))


def preview_rows(batch, limit: int = SHOW_REJECTS) -> list[dict]:
    out = []
    for r in batch.rejected_rows.head(limit).to_dicts():
        out.append({**r, "raw": _raw(r.get("raw_json"))})
    return out


def _raw(text: str | None) -> dict:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return {}


@router.post("/imports/preview", dependencies=[Csrf])
async def preview(request: Request, db: DbDep, user: Importer):
    settings = request.app.state.settings
    _expire(request.app)
    form = await request.form(max_files=settings.max_files + 1, max_fields=200)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    source = str(form.get("source") or "auto")
    period = str(form.get("period") or "").strip() or None
    errors = []
    if not uploads:
        errors.append("请选择至少一个文件")
    if len(uploads) > settings.max_files:
        errors.append("文件过多")
    checked = []
    for up in uploads:
        head = await up.read(4096)
        await up.seek(0)
        problem = check_type(up.filename, head)
        if problem:
            errors.append(f"{safe_name(up.filename)}：{problem}")
        checked.append(up)
    if errors:
        return render(
            request,
            "imports.html",
            page_context(db, errors=errors),
            status_code=415 if any("类型" in e or "不符" in e for e in errors) else 400,
        )
    folder = Path(tempfile.mkdtemp(prefix="gaoxin-upload-"))
    paths = []
    for up in checked:
        target = folder / safe_name(up.filename)
        n = 1
        while target.exists():
            target = folder / f"{target.stem}_{n}{target.suffix}"
            n += 1
        with target.open("wb") as out:
            await run_in_threadpool(shutil.copyfileobj, up.file, out, 1 << 20)
        paths.append(target)
    try:
        prepared = await run_in_threadpool(prepare_all, paths, source, period)
    except ImportFailed as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return render(request, "imports.html", page_context(db, errors=[str(exc)]), status_code=400)
    token = secrets.token_urlsafe(24)
    hold(request.app, token, Pending(user.name, folder, prepared))
    files = []
    for b in prepared:
        previous = find_batch(db, b.sha256)
        files.append({"batch": b, "previous": previous, "rejects": preview_rows(b)})
    return render(
        request,
        "import_preview.html",
        {
            "files": files,
            "token": token,
            "committed": False,
            "all_imported": all(f["previous"] for f in files),  # nothing would change: no 确认导入
            "source_labels": SOURCE_LABELS,
            "nav": "imports",
            "show": SHOW_REJECTS,
        },
    )


@router.post("/imports/commit", dependencies=[Csrf])
async def commit(request: Request, db: DbDep, user: Importer):
    form = await request.form(max_fields=50)
    token = str(form.get("token") or "")
    with request.app.state.pending_lock:
        pending = request.app.state.pending.get(token)
        if pending is None or pending.user != user.name:
            pending = None
        else:
            del request.app.state.pending[token]
    if pending is None:
        return render(
            request, "imports.html", page_context(db, errors=["预览已过期，请重新上传"]), status_code=400
        )
    store = request.app.state.store

    def write():
        from gaoxin.registries.refresh import after_import

        with store.write_lock:
            done = commit_all(db, pending.prepared)
            # what the registers feed (研发机构级别, the zone's 技术合同/研发机构 figures), worked on the new data
            return done, after_import(db, done)

    try:
        results, refreshed = await run_in_threadpool(write)
    finally:
        shutil.rmtree(pending.folder, ignore_errors=True)
    request.app.state.cache.forget()
    files = []
    for r in results:
        rejects = (
            batch_rejects(db, r.batch_id).head(SHOW_REJECTS).to_dicts() if r.batch_id is not None else []
        )
        files.append(
            {
                "batch": r.batch,
                "status": r.status,
                "batch_id": r.batch_id,
                "previous": r.previous,
                "rejects": [{**x, "raw": _raw(x.get("raw_json"))} for x in rejects],
            }
        )
    return render(
        request,
        "import_preview.html",
        {
            "files": files,
            "committed": True,
            "registry_note": refreshed.message(web=True, english=request.state.lang == "en"),
            "source_labels": SOURCE_LABELS,
            "nav": "imports",
            "show": SHOW_REJECTS,
        },
    )


@router.get("/imports/batches/{batch_id}")
def batch_page(request: Request, db: DbDep, user: BatchReader, batch_id: int, page: PageNo = 1):
    batch = batch_record(db, batch_id)
    if batch is None:
        raise HTTPException(404, "batch not found")
    rejects = batch_rejects(db, batch_id)
    page = max(page, 1)
    part = rejects.slice((page - 1) * REJECTS_PAGE, REJECTS_PAGE).to_dicts()
    return render(
        request,
        "batch.html",
        {
            "batch": batch,
            "rejects": [{**x, "raw": _raw(x.get("raw_json"))} for x in part],
            "total": rejects.height,
            "page": page,
            "pages": max((rejects.height + REJECTS_PAGE - 1) // REJECTS_PAGE, 1),
            "source_labels": SOURCE_LABELS,
            "field_labels": field_labels(),
            "nav": "imports",
        },
    )


@router.get("/batches")
def batches_page(request: Request, db: DbDep, user: BatchReader):
    return render(request, "batches.html", page_context(db))
