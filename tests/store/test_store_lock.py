"""When another process holds the store, the refusal says who: a web server is told apart from another command."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from gaoxin.store import StoreError, connect


def test_a_store_held_by_another_command_names_that_process(tmp_path):
    db = tmp_path / "held.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError) as info:
            for _ in range(50):  # the lock is taken by now; retry a little in case the OS is slow to show it
                connect(db).close()
                time.sleep(0.1)
        text = str(info.value)
        assert f"PID {holder.pid}" in text and "另一个进程" in text and "网页服务" not in text
    finally:
        holder.kill()
        holder.wait()
