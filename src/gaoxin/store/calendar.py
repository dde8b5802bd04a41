"""Calendar versions loaded by a zone (a newly announced year's notice, local days off, working hours): the
file as loaded, kept whole; the calendar in force is rebuilt from them in load order."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from .db import one, rows


def add_version(
    con: duckdb.DuckDBPyConnection, sha: str, scope: str, file_name: str, title: str, data: bytes
) -> bool:
    """Keep a loaded calendar file; False when the same file was loaded before."""
    if one(con, "SELECT 1 FROM calendar_version WHERE sha256 = ?", [sha]) is not None:
        return False
    con.execute(
        "INSERT INTO calendar_version VALUES (?, ?, ?, ?, ?, ?)",
        [sha, scope, file_name, title, data, datetime.now(UTC).replace(tzinfo=None)],
    )
    return True


def versions(con: duckdb.DuckDBPyConnection) -> list[tuple[str, bytes]]:
    """(file name, content) of every loaded version, in load order."""
    found = rows(con, "SELECT file_name, content FROM calendar_version ORDER BY loaded_at, sha256")
    return [(r[0], bytes(r[1])) for r in found]


def list_versions(con: duckdb.DuckDBPyConnection) -> list[dict]:
    found = rows(
        con, "SELECT sha256, scope, file_name, title, loaded_at FROM calendar_version ORDER BY loaded_at"
    )
    return [dict(zip(("sha256", "scope", "file_name", "title", "loaded_at"), r, strict=True)) for r in found]
