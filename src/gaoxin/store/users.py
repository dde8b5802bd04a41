"""Web users, sessions and app settings (tables from migration 2; `department` from migration 9). Hashing lives
in `gaoxin.web.auth`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from gaoxin.store.db import one, rows, transaction

ROLES = ("admin", "analyst", "department", "town", "viewer")
USER_COLUMNS = ("name", "role", "town", "password_hash", "created_at", "disabled", "department")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row: tuple | None) -> dict | None:
    return dict(zip(USER_COLUMNS, row, strict=True)) if row else None


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> dict | None:
    return _user(one(con, f"SELECT {', '.join(USER_COLUMNS)} FROM app_user WHERE name = ?", [name]))


def list_users(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return [_user(r) for r in rows(con, f"SELECT {', '.join(USER_COLUMNS)} FROM app_user ORDER BY name")]


def put_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    town: str | None,
    password_hash: str,
    department: str | None = None,
) -> bool:
    """Create the user, or replace role, town, department (承办部门 of a 部门经办人) and password of an existing
    one. Returns True when created."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    with transaction(con):
        exists = one(con, "SELECT 1 FROM app_user WHERE name = ?", [name]) is not None
        if exists:
            # DuckDB updates of a row with a primary key are delete+insert; keep created_at
            con.execute(
                "UPDATE app_user SET role = ?, town = ?, department = ?, password_hash = ?, disabled = false "
                "WHERE name = ?",
                [role, town, department, password_hash, name],
            )
            con.execute("DELETE FROM app_session WHERE user_name = ?", [name])
        else:
            con.execute(
                "INSERT INTO app_user (name, role, town, password_hash, created_at, disabled, department) "
                "VALUES (?, ?, ?, ?, ?, false, ?)",
                [name, role, town, password_hash, _now(), department],
            )
    return not exists


def set_password_hash(con: duckdb.DuckDBPyConnection, name: str, password_hash: str) -> None:
    con.execute("UPDATE app_user SET password_hash = ? WHERE name = ?", [password_hash, name])


def set_disabled(con: duckdb.DuckDBPyConnection, name: str, disabled: bool) -> None:
    with transaction(con):
        con.execute("UPDATE app_user SET disabled = ? WHERE name = ?", [disabled, name])
        if disabled:
            con.execute("DELETE FROM app_session WHERE user_name = ?", [name])


def add_session(
    con: duckdb.DuckDBPyConnection, token_hash: str, user_name: str, lifetime: timedelta
) -> datetime:
    now = _now()
    con.execute("INSERT INTO app_session VALUES (?, ?, ?, ?)", [token_hash, user_name, now, now + lifetime])
    return now + lifetime


def session_user(con: duckdb.DuckDBPyConnection, token_hash: str) -> tuple[dict, datetime] | None:
    """The enabled user behind an unexpired session, with the session's expiry."""
    found = one(
        con,
        f"""SELECT {", ".join("u." + c for c in USER_COLUMNS)}, s.expires_at
            FROM app_session s JOIN app_user u ON u.name = s.user_name
            WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled""",
        [token_hash, _now()],
    )
    if found is None:
        return None
    return _user(found[:-1]), found[-1]


def drop_session(con: duckdb.DuckDBPyConnection, token_hash: str) -> None:
    con.execute("DELETE FROM app_session WHERE token_hash = ?", [token_hash])


def purge_sessions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM app_session WHERE expires_at <= ?", [_now()])


def get_setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    found = one(con, "SELECT value FROM app_setting WHERE key = ?", [key])
    return found[0] if found else None


def put_setting(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO app_setting VALUES (?, ?)", [key, value])
