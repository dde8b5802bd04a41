"""Backups a zone can restore: the whole store exported as one folder (DuckDB's EXPORT DATABASE — schema, views
and sequences as SQL, every table as Parquet) with a manifest of row counts and content fingerprints, and a
restore into a new store file that checks both before it says done."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from gaoxin.store.db import one, rows

MANIFEST = "gaoxin-backup.json"


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why."""


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in rows(
            con,
            # the store's own tables only: the web app attaches an in-memory cache catalog beside them
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
    ]


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Per table: rows and an order-independent content hash (xor of the row hashes)."""
    out = {}
    for t in tables(con):
        n, h = one(con, f'SELECT count(*), coalesce(bit_xor(hash(x)), 0) FROM "{t}" AS x')
        out[t] = {"rows": int(n), "hash": f"{int(h):016x}"}
    return out


def export(con: duckdb.DuckDBPyConnection, out: Path, version: int) -> dict:
    """Write the store to the empty or new folder `out` and return its manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录 {out} 不是空目录：请指定一个新目录（备份不会覆盖已有文件）")
    out.mkdir(parents=True, exist_ok=True)
    con.execute(f"EXPORT DATABASE '{_quoted(out)}' (FORMAT PARQUET)")
    manifest = {
        "made_at": datetime.now().isoformat(timespec="seconds"),
        "schema_version": version,
        "tables": fingerprints(con),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def restore(src: Path, target: Path) -> dict:
    """Import the backup folder `src` into the new store file `target`; verify every table's rows and hash."""
    src, target = Path(src), Path(target)
    manifest_path = src / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{src} 不是 gaoxin 备份目录（缺少 {MANIFEST}）")
    if target.exists():
        raise BackupError(f"{target} 已存在：恢复只写入新的数据库文件，不覆盖已有数据")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    con = duckdb.connect(str(target))
    try:
        con.execute(f"IMPORT DATABASE '{_quoted(src)}'")
        found = fingerprints(con)
    finally:
        con.close()
    wrong = [
        f"{t}（备份 {want['rows']} 行，恢复 {found.get(t, {}).get('rows', 0)} 行）"
        for t, want in manifest["tables"].items()
        if found.get(t) != want
    ]
    if wrong:
        target.unlink(missing_ok=True)
        raise BackupError("恢复后的数据与备份清单不一致，已删除恢复的文件：" + "；".join(wrong))
    return manifest


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
