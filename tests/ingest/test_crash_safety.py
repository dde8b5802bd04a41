"""Hardening (issue 19): an import killed with SIGKILL at any moment leaves no partial batch, the store opens,
and importing the same files again ends where a clean import ends.

The kill moments are spread over the import's own duration (measured first in the same run), so the test
holds on a slow machine as on a fast one; whatever the moment, the invariants are the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gaoxin.store import connect, rows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _import(files: list[Path], db: Path) -> subprocess.Popen:
    code = "from gaoxin.cli import run; run()"
    args = [sys.executable, "-c", code, "import", *map(str, files), "--db", str(db)]
    env = os.environ | {"GAOXIN_INCIDENT_LOG": str(db.with_suffix(".incidents.log"))}
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _state(db: Path) -> dict:
    """Per batch (by file sha256): its counts and every row it wrote — facts, parcels, rejected rows."""
    con = connect(db)
    try:
        batches = rows(
            con,
            """SELECT b.sha256, b.rows, b.accepted, b.rejected, b.skipped,
                      (SELECT count(*) FROM fact f WHERE f.batch_id = b.batch_id),
                      (SELECT count(*) FROM parcel p WHERE p.batch_id = b.batch_id),
                      (SELECT count(*) FROM rejected_row r WHERE r.batch_id = b.batch_id)
               FROM import_batch b ORDER BY b.sha256""",
        )
        orphans = rows(
            con,
            """SELECT (SELECT count(*) FROM fact WHERE batch_id NOT IN (SELECT batch_id FROM import_batch))
                    + (SELECT count(*) FROM parcel WHERE batch_id NOT IN (SELECT batch_id FROM import_batch))
                    + (SELECT count(*) FROM rejected_row
                       WHERE batch_id NOT IN (SELECT batch_id FROM import_batch))""",
        )[0][0]
        facts = rows(con, "SELECT count(*), count(*) FILTER (WHERE NOT superseded) FROM fact")[0]
        firms = rows(con, "SELECT count(*) FROM enterprise")[0][0]
    finally:
        con.close()
    return {"batches": batches, "orphans": orphans, "facts": facts, "firms": firms}


def test_an_import_killed_at_any_moment_leaves_no_partial_batch(demo_store, tmp_path):
    files = list(demo_store.files)
    clean_db = tmp_path / "clean.duckdb"
    start = time.perf_counter()
    assert _import(files, clean_db).wait(timeout=600) == 0
    took = time.perf_counter() - start
    clean = _state(clean_db)
    assert clean["batches"] and not clean["orphans"]
    assert all(b[7] == b[3] + b[4] for b in clean["batches"])  # rejected and skipped rows all kept

    killed_mid_way = 0
    for share in (0.15, 0.35, 0.55, 0.75, 0.9):
        db = tmp_path / f"killed-{share}.duckdb"
        proc = _import(files, db)
        time.sleep(took * share)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_way += 1
        proc.wait(timeout=60)
        if db.exists():
            after_kill = _state(db)  # the store opens; a batch that landed is whole: every row it wrote
            assert not after_kill["orphans"], share
            assert set(after_kill["batches"]) <= set(clean["batches"]), share
        assert _import(files, db).wait(timeout=600) == 0, share  # importing again works …
        assert _state(db) == clean, share  # … and ends where a clean import ends
    assert killed_mid_way >= 3  # most kills landed while the import was running
