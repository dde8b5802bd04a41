"""Opening stores: migrations recorded, a second writer refused with a message the analyst can act on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gaoxin.store import StoreError, connect, one
from gaoxin.store.schema import MIGRATIONS


def test_migrations_are_recorded_once(tmp_path):
    db = tmp_path / "s.duckdb"
    connect(db).close()
    con = connect(db)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions == sorted(v for v, _, _ in MIGRATIONS)
    assert one(con, "SELECT count(*) FROM fact")[0] == 0
    con.close()


def test_a_store_held_by_another_process_gives_a_clear_error(tmp_path):
    db = tmp_path / "held.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError) as info:
            connect(db)
        # the holder is named; a command that is not the web app is not blamed on `gaoxin serve`
        text = str(info.value)
        assert f"PID {holder.pid}" in text and "另一个进程" in text and "网页服务" not in text
    finally:
        holder.kill()
        holder.wait()
