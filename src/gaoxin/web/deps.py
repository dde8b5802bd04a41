"""Settings, the shared store connection and the request dependencies (routes only translate HTTP).

DuckDB lets one process write a store file. The app keeps one connection for its lifetime; each request
reads through its own cursor (a cursor is an independent connection to the same database, safe to use
from the request's thread), and every write goes through `Store.write_lock` so two writers in this
process never race on a transaction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import duckdb
from fastapi import Depends, HTTPException, Query, Request
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.concurrency import run_in_threadpool

from gaoxin.store import connect, webcache


class WebSettings(BaseSettings):
    """Web settings (environment variables prefixed GAOXIN_WEB_)."""

    model_config = SettingsConfigDict(env_prefix="GAOXIN_WEB_")

    page_size: int = 50
    max_page_size: int = 200
    max_upload_mb: float = 50.0  # whole upload request
    max_files: int = 20
    session_hours: float = 12.0
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    pending_minutes: float = 30.0  # an upload preview waits this long for its commit
    export_max_rows: int = 200_000
    default_lang: str = "zh"
    login_attempts: int = 10  # failed logins per name per 15 minutes before refusing
    db_threads: int | None = None  # DuckDB worker threads (None: DuckDB's default, one per core)
    # requests worked at once (None: `default_request_threads()`); 0 keeps the server's own 40
    request_threads: int | None = None


def default_request_threads() -> int:
    """Twice the cores, at least 4: pages are mostly Python holding the GIL between DuckDB reads, so 40 threads
    at once only queue on it (50 clients on a 2-core box: 4 threads served ~12 % more pages than 40, p95
    1.24 → 0.86 s)."""
    return max(4, 2 * (os.cpu_count() or 1))


class Store:
    """One DuckDB connection per app, cursors per request, one lock for writers."""

    def __init__(self, path: str | Path, threads: int | None = None):
        self.path = Path(path)
        self.con = connect(self.path)
        self.write_lock = threading.RLock()
        # derived look-up tables (name initials joined to attributes, per-run summaries) live in memory:
        # rebuilt from the store when it changes, never written to the user's file
        webcache.attach(self.con, threads)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def close(self) -> None:
        self.con.close()


@dataclass(frozen=True)
class User:
    name: str
    role: str  # admin | analyst | department | town | viewer
    town: str | None = None
    department: str | None = None  # the 承办部门 of a 部门经办人

    # what each role may do; a town user reads like a viewer but only its own town's firms; a department user
    # (部门经办人) reads firms like a viewer and sees and handles only its department's 企业诉求
    PERMISSIONS = {
        "read": ("admin", "analyst", "department", "town", "viewer"),
        "import": ("admin", "analyst"),
        "run": ("admin", "analyst"),
        "export_run": ("admin", "analyst", "viewer"),
        "batches": ("admin", "analyst", "viewer"),  # rejected rows hold every town's raw data
        "users": ("admin",),
        "enter_request": ("admin", "analyst", "town"),  # 受理 a 企业诉求 (a town user: for its town's firms)
    }

    def can(self, perm: str) -> bool:
        return self.role in self.PERMISSIONS.get(perm, ())

    @property
    def scope_town(self) -> str | None:
        """The town every query is limited to (None: all towns)."""
        return self.town if self.role == "town" else None

    @property
    def scope(self):
        """What the user sees and does among the cases (gaoxin.cases.desk.Scope)."""
        from gaoxin.cases.desk import Scope

        return Scope(self.role, self.department if self.role == "department" else None, self.scope_town)


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


# The dependencies every page takes are `async def`: FastAPI runs a plain `def` dependency in the thread pool,
# a hop that costs more than the work itself (five per page; 50 clients on 2 cores: +7 % pages once they were
# async). Only the endpoint and a session read from the store go to a thread.
async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


async def get_db(request: Request) -> AsyncIterator[duckdb.DuckDBPyConnection]:
    cur = request.app.state.store.cursor()
    try:
        yield cur
    finally:
        cur.close()


async def optional_user(
    request: Request, db: Annotated[duckdb.DuckDBPyConnection, Depends(get_db)]
) -> User | None:
    auth = request.app.state.auth
    known, user = auth.cached_user(request)
    if known:
        return user
    return await run_in_threadpool(auth.user_for, request, db)


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


def require(perm: str):
    """Dependency: the signed-in user, who must hold `perm` (403 otherwise)."""

    async def dep(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.can(perm):
            raise HTTPException(403, "forbidden")
        return user

    return dep


# a page number beyond this is no page (an OFFSET past int64 would otherwise be a 500)
MAX_PAGE = 1_000_000
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]
DbDep = Annotated[duckdb.DuckDBPyConnection, Depends(get_db)]
CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
Importer = Annotated[User, Depends(require("import"))]
Runner = Annotated[User, Depends(require("run"))]
Admin = Annotated[User, Depends(require("users"))]
BatchReader = Annotated[User, Depends(require("batches"))]
RunExporter = Annotated[User, Depends(require("export_run"))]
RequestEnterer = Annotated[User, Depends(require("enter_request"))]
