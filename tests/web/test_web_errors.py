"""The web's error boundary: a planted unexpected error in a page or an API route answers 500 with an incident
id and no traceback; the incident log has the detail."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_support import login, make_app


def test_an_unexpected_error_is_an_incident_not_a_trace(world, tmp_path, monkeypatch):
    import shutil

    log = tmp_path / "incidents.log"
    monkeypatch.setenv("GAOXIN_INCIDENT_LOG", str(log))
    path = tmp_path / "store.duckdb"
    shutil.copy(world.db, path)
    app = make_app(path)
    try:
        c = TestClient(app, raise_server_exceptions=False)
        assert login(c, "ana").status_code == 303

        def boom(*_a, **_k):
            raise RuntimeError("secret detail /srv/store.duckdb")

        monkeypatch.setattr("gaoxin.cases.desk.inbox", boom)
        page = c.get("/requests")
        assert page.status_code == 500 and "Traceback" not in page.text and "secret detail" not in page.text
        incident = re.search(r"事件编号 ([0-9A-F]{8})", page.text).group(1)
        api = c.get("/api/requests")
        assert api.status_code == 500 and set(api.json()) == {"detail", "incident"}
        text = log.read_text(encoding="utf-8")
        assert f"=== {incident} " in text and "GET /requests" in text and "secret detail" in text
    finally:
        app.state.store.close()


def test_absurd_page_numbers_are_refused_not_a_500(clients):
    huge = str(2**62)
    for url in ("/enterprises", "/requests", "/api/enterprises", "/api/requests"):
        r = clients["ana"].get(url, params={"page": huge})
        assert r.status_code in (400, 422), (url, r.status_code)


def test_a_very_long_chinese_file_name_is_kept_short_enough_for_the_disk():
    from gaoxin.web.routes.imports import safe_name

    name = safe_name("../../" + "示范高新区企业税收实际贡献情况表" * 14 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode("utf-8")) <= 200 and "/" not in name
    assert name.startswith("示范高新区")


def test_the_admin_downloads_a_backup_that_restores(clients, tmp_path):
    import io
    import zipfile

    from gaoxin.store.backup import restore

    assert clients["root"].get("/enterprises").status_code == 200  # the web cache catalog is attached now
    r = clients["root"].get("/admin/backup.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(tmp_path)
    manifest = restore(tmp_path / "gaoxin-backup", tmp_path / "restored.duckdb")
    assert manifest["tables"]["enterprise"]["rows"] > 0
    assert clients["ana"].get("/admin/backup.zip").status_code == 403  # admins only


def test_stale_upload_folders_are_swept_when_the_app_starts(tmp_path):
    import os
    import time

    from gaoxin.web import tempfiles

    old, fresh, other = (tmp_path / n for n in ("gaoxin-upload-old", "gaoxin-upload-new", "someone-else"))
    for d in (old, fresh, other):
        d.mkdir()
        (d / "x.xlsx").write_bytes(b"PK")
    past = time.time() - 3 * 3600
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    assert tempfiles.sweep(1800, tmp_path) == 1
    assert not old.exists() and fresh.exists() and other.exists()


def test_upload_previews_cannot_pile_up_in_memory(tmp_path):
    import threading
    from types import SimpleNamespace

    from gaoxin.web.routes.imports import MAX_PENDING, Pending, hold

    app = SimpleNamespace(state=SimpleNamespace(pending={}, pending_lock=threading.Lock()))
    for i in range(3):  # one user previewing again and again keeps one preview
        folder = tmp_path / f"a{i}"
        folder.mkdir()
        hold(app, f"a{i}", Pending("ana", folder, []))
    assert list(app.state.pending) == ["a2"] and not (tmp_path / "a0").exists()
    for i in range(MAX_PENDING + 3):  # many users: at most MAX_PENDING held, the oldest dropped
        folder = tmp_path / f"u{i}"
        folder.mkdir()
        hold(app, f"u{i}", Pending(f"user{i}", folder, []))
    assert len(app.state.pending) == MAX_PENDING and f"u{MAX_PENDING + 2}" in app.state.pending
