"""Opening a store: one DuckDB file, migrations applied on open."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gaoxin.store.schema import MIGRATIONS

DEFAULT_DB = Path("gaoxin.duckdb")


class StoreError(RuntimeError):
    """A store that cannot be opened or is newer than this program."""


def _lock_hint(message: str) -> str:
    """Who holds the file (DuckDB allows one writing process): a running web app, or another command."""
    import re

    pid = re.search(r"PID (\d+)", message)
    command = ""
    if pid:
        try:
            raw = Path(f"/proc/{pid.group(1)}/cmdline").read_bytes()
            command = " ".join(a.decode(errors="replace") for a in raw.split(b"\0") if a)
        except OSError:
            command = ""
    if "serve" in command or "demo" in command:
        return "。数据库正被正在运行的网页服务占用：请先停止 gaoxin serve，或在网页中导入和评价"
    if command:
        shown = " ".join(w for w in command.split() if not w.endswith("python") and "python3" not in w)
        return f"。数据库正被另一个进程（PID {pid.group(1)}：{shown[:120]}）使用：请等它结束后再试"
    return "。数据库正被另一个进程占用（如正在运行的 gaoxin serve 或另一次导入）：请等它结束，或在网页中操作"


def connect(path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at `path` and bring its schema up to date."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"数据库文件不存在: {path}（先运行 `gaoxin init` 或 `gaoxin demo`）")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        hint = _lock_hint(str(exc)) if "lock" in str(exc).lower() else ""
        raise StoreError(f"无法打开数据库 {path}{hint}（{exc}）") from exc
    # DuckDB's own progress bar writes to stdout during long statements (a migration of a large store, a
    # 10M-firm run), which would break a command's JSON output
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        migrate(con)
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = one(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")[0]
    if not exists:
        return 0
    return int(one(con, "SELECT max(version) FROM schema_version")[0] or 0)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration not yet recorded, in version order, each in its own transaction.

    Set-based rather than "everything above the current version", so a version number reserved earlier and
    landing later is still applied to stores that already have higher ones. Returns the highest version.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    applied = {r[0] for r in rows(con, "SELECT version FROM schema_version")}
    latest = max(v for v, _, _ in MIGRATIONS)
    newer = [v for v in applied if v > latest]
    if newer:
        raise StoreError(f"数据库版本 {max(newer)} 比本程序支持的 {latest} 新，请升级 gaoxin")
    for version, description, sql in sorted(MIGRATIONS, key=lambda m: m[0]):
        if version in applied:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [version, description, datetime.now(UTC).replace(tzinfo=None)],
            )
    return latest


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All-or-nothing block: commit on success, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


# DuckDB 2 refuses new work on a connection while an `execute()` result is not fully fetched, so every
# read goes through these helpers, which always consume the whole result.
def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    found = rows(con, sql, params)
    return found[0] if found else None


def dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Query → one dict per row, column names as keys (what `frame(...).to_dicts()` gives, without polars and
    pyarrow: light enough for commands that answer at once)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """Query → polars DataFrame."""
    return con.sql(sql, params=params or None).pl()
