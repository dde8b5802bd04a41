"""Backups a zone can restore: `gaoxin backup` writes every table with its row count and content hash,
`gaoxin restore` rebuilds a new store file that gives the same answers, refuses to overwrite, and a tampered
backup is caught by the manifest."""

from __future__ import annotations

import json

import duckdb
import pytest

from gaoxin.store import connect
from gaoxin.store.backup import MANIFEST, BackupError, fingerprints, restore
from support import cli


def test_backup_and_restore_give_the_same_store(demo_store, tmp_path):
    db = demo_store.copy(tmp_path / "z.duckdb")
    out = tmp_path / "备份"
    said = cli("backup", "--out", out, "--db", db, "--json").output
    manifest = json.loads(said)
    assert manifest["tables"]["fact"]["rows"] > 0 and (out / MANIFEST).exists()
    new = tmp_path / "恢复.duckdb"
    assert "一致" in cli("restore", out, "--db", new).output
    con_a, con_b = connect(db, read_only=True), connect(new, read_only=True)
    try:
        assert fingerprints(con_a) == fingerprints(con_b)
    finally:
        con_a.close()
        con_b.close()
    # the restored store answers as the original does
    assert cli("batches", "--json", "--db", new).output == cli("batches", "--json", "--db", db).output
    again = cli("restore", out, "--db", new, ok=False)
    assert again.exit_code == 1 and "已存在" in again.output
    refused = cli("backup", "--out", out, "--db", db, ok=False)
    assert refused.exit_code == 1 and "不是空目录" in refused.output


def test_a_tampered_backup_is_refused_and_leaves_no_file(demo_store, tmp_path):
    db = demo_store.copy(tmp_path / "z.duckdb")
    out = tmp_path / "bk"
    cli("backup", "--out", out, "--db", db)
    con = duckdb.connect()
    part = out / "enterprise.parquet"
    con.execute(f"COPY (SELECT * FROM '{part}' LIMIT 10) TO '{part}' (FORMAT PARQUET)")  # rows lost
    target = tmp_path / "new.duckdb"
    with pytest.raises(BackupError, match="enterprise"):
        restore(out, target)
    assert not target.exists()


def test_a_restored_store_gives_the_same_run_ids_and_results(demo_store, tmp_path):
    db = demo_store.copy(tmp_path / "r.duckdb")
    first = json.loads(
        cli("evaluate", "--scheme", "default", "--period", "2025", "--db", db, "--json").output
    )
    out = tmp_path / "备份"
    cli("backup", "--out", out, "--db", db)
    new = tmp_path / "恢复.duckdb"
    cli("restore", out, "--db", new)
    results = ("results", first["run_id"], "--json")
    assert cli(*results, "--db", new).output == cli(*results, "--db", db).output
    # evaluated again on the restored data: the same content hash, found rather than computed
    again = json.loads(
        cli("evaluate", "--scheme", "default", "--period", "2025", "--db", new, "--json").output
    )
    assert again["run_id"] == first["run_id"] and again["created"] is False
