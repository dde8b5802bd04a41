"""备份下载 (admin): the whole store as a zip of `gaoxin backup`'s folder, made through the running server (which
holds the DuckDB file), so a zone can back up without stopping the web app; restore with `gaoxin restore`."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gaoxin.store.backup import export
from gaoxin.store.db import schema_version
from gaoxin.web.deps import Admin, DbDep

router = APIRouter(include_in_schema=False)


@router.get("/admin/backup.zip")
async def download_backup(request: Request, db: DbDep, user: Admin):
    store = request.app.state.store

    def work() -> bytes:
        with tempfile.TemporaryDirectory(prefix="gaoxin-backup-") as tmp:
            folder = Path(tmp) / "backup"
            with store.write_lock:  # one consistent store: no step or import lands halfway through
                export(db, folder, schema_version(db))
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(folder.iterdir()):
                    zf.write(f, f"gaoxin-backup/{f.name}")
            return buf.getvalue()

    body = await run_in_threadpool(work)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f"attachment; filename=gaoxin-backup-{stamp}.zip"},
    )
