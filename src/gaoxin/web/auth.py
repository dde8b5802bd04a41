"""Local accounts: argon2 password hashes, server-side sessions behind a signed cookie, CSRF tokens.

- The session cookie carries a random token signed with the app secret (itsdangerous); the store keeps only
  the token's sha256, so a copied store file opens no session. Cookies are HttpOnly, SameSite=Lax, and
  Secure whenever the request came over https (or `GAOXIN_WEB_SECURE_COOKIES=true`).
- Every form carries a CSRF token: an HMAC of the session (or, on the login form, of a signed pre-login
  cookie). POSTs without the right token get 403, whatever the route.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from gaoxin.store import users as store_users
from gaoxin.store.users import ROLES
from gaoxin.web.deps import DbDep, OptionalUser, Store, User, WebSettings

SESSION_COOKIE = "gx_session"
CSRF_COOKIE = "gx_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
DEMO_ADMIN = "admin"
_CACHE_SECONDS = 30.0  # a disabled user or a logout elsewhere is noticed within this time

hasher = PasswordHasher()
# readable passwords: no 0/O, 1/l/I
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password(length: int = 16) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def add_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    town: str | None = None,
    password: str | None = None,
    department: str | None = None,
) -> str:
    """A new user, or an existing one reset; returns the password, generated when none is given. A town user
    needs its town, a department user (部门经办人) its department (承办部门)."""
    name = name.strip()
    if not name:
        raise ValueError("用户名不能为空 / empty user name")
    if role not in ROLES:
        raise ValueError(f"角色应为 {' | '.join(ROLES)} / role must be one of {ROLES}")
    town = (town or "").strip() or None
    if role == "town" and not town:
        raise ValueError("镇街用户必须指定镇街（--town）/ a town user needs --town")
    if role != "town":
        town = None
    department = (department or "").strip() or None
    if role == "department" and not department:
        raise ValueError("部门经办人必须指定承办部门（--department）/ a department user needs --department")
    if role != "department":
        department = None
    password = password or generate_password()
    store_users.put_user(con, name, role, town, hash_password(password), department)
    return password


def ensure_demo_admin(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """The demo's administrator with a fresh random password (printed next to the address by `gaoxin demo`)."""
    return DEMO_ADMIN, add_user(con, DEMO_ADMIN, "admin")


def ensure_demo_officers(
    con: duckdb.DuckDBPyConnection, departments: dict[str, str], town: str | None = None
) -> list[tuple[str, str, str, str]]:
    """The demo's officers with fresh random passwords (printed by `gaoxin demo` like the administrator's):
    a service officer (analyst, the dispatching centre), one 部门经办人 per demo department (`departments`:
    user name → 承办部门) and, given a town, a town user. Returns (name, role, department or town, password)."""
    out = [("service", "analyst", "", add_user(con, "service", "analyst"))]
    for name, unit in departments.items():
        out.append((name, "department", unit, add_user(con, name, "department", department=unit)))
    if town:
        out.append(("town", "town", town, add_user(con, "town", "town", town=town)))
    return out


_MAX_FAILURE_KEYS = 10_000


class Auth:
    """Sessions and CSRF for one app (one secret, one store)."""

    def __init__(self, secret: str, settings: WebSettings, store: Store):
        self.secret = secret.encode()
        self.settings = settings
        self.store = store
        self.serializer = URLSafeTimedSerializer(secret, salt="gaoxin-session")
        self.anon = URLSafeTimedSerializer(secret, salt="gaoxin-csrf")
        self.lifetime = timedelta(hours=settings.session_hours)
        self._cache: dict[str, tuple[User, float]] = {}
        # failed logins per (client address, user name): one client guessing cannot lock `admin` out for
        # everyone; at most _MAX_FAILURE_KEYS keys are kept (the oldest dropped), so memory stays bounded
        self._failures: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._lock = threading.Lock()

    # ---- sessions ---------------------------------------------------------------------------------
    def _token_hash(self, request: Request) -> str | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            token = self.serializer.loads(raw, max_age=int(self.lifetime.total_seconds()))
        except BadSignature:
            return None
        return _sha(token)

    def cached_user(self, request: Request) -> tuple[bool, User | None]:
        """(known, user) from the request or the session cache alone — no store read; known False when only the
        store can tell (a session not seen for `_CACHE_SECONDS`)."""
        known, user, _ = self._cached(request)
        return known, user

    def user_for(self, request: Request, db: duckdb.DuckDBPyConnection) -> User | None:
        known, user, token_hash = self._cached(request)
        if known:
            return user
        found = store_users.session_user(db, token_hash)
        if found is not None:
            row = found[0]
            user = User(row["name"], row["role"], row["town"], row["department"])
            self._cache[token_hash] = (user, time.monotonic())
        else:
            self._cache.pop(token_hash, None)
        self._remember(request, user, token_hash)
        return user

    def _cached(self, request: Request) -> tuple[bool, User | None, str | None]:
        if hasattr(request.state, "user"):
            return True, request.state.user, getattr(request.state, "token_hash", None)
        token_hash = self._token_hash(request)
        user = None
        if token_hash:
            hit = self._cache.get(token_hash)
            if not hit or time.monotonic() - hit[1] >= _CACHE_SECONDS:
                return False, None, token_hash
            user = hit[0]
        self._remember(request, user, token_hash)
        return True, user, token_hash

    @staticmethod
    def _remember(request: Request, user: User | None, token_hash: str | None) -> None:
        request.state.user = user
        request.state.token_hash = token_hash if user else None

    def throttled(self, name: str, client: str = "-") -> bool:
        cutoff = time.monotonic() - 900
        key = (client, name)
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if t > cutoff]
            if recent:
                self._failures[key] = recent
            else:
                self._failures.pop(key, None)
            return len(recent) >= self.settings.login_attempts

    def _failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.setdefault(key, []).append(time.monotonic())
            self._failures.move_to_end(key)
            while len(self._failures) > _MAX_FAILURE_KEYS:
                self._failures.popitem(last=False)

    def login(self, db: duckdb.DuckDBPyConnection, name: str, password: str, client: str = "-") -> str | None:
        """A signed session cookie value, or None for a wrong name/password (same answer for both)."""
        row = store_users.get_user(db, name)
        ok = row is not None and not row["disabled"] and verify_password(row["password_hash"], password)
        if row is None:
            verify_password(_DUMMY_HASH, password)  # same work for unknown names: no timing oracle
        if not ok:
            self._failed((client, name))
            return None
        token = secrets.token_urlsafe(32)
        with self.store.write_lock:
            store_users.purge_sessions(db)
            store_users.add_session(db, _sha(token), name, self.lifetime)
            if hasher.check_needs_rehash(row["password_hash"]):
                store_users.set_password_hash(db, name, hash_password(password))
        with self._lock:
            self._failures.pop((client, name), None)
        return self.serializer.dumps(token)

    def logout(self, request: Request, db: duckdb.DuckDBPyConnection) -> None:
        token_hash = self._token_hash(request)
        if token_hash:
            self._cache.pop(token_hash, None)
            with self.store.write_lock:
                store_users.drop_session(db, token_hash)

    def forget_user(self, name: str) -> None:
        """Forget the cached sessions of a user whose role, town, password or state changed."""
        for key, (user, _) in list(self._cache.items()):
            if user.name == name:
                self._cache.pop(key, None)

    def secure(self, request: Request) -> bool:
        if self.settings.secure_cookies is not None:
            return self.settings.secure_cookies
        return request.url.scheme == "https"

    def set_session_cookie(self, request: Request, response, value: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=int(self.lifetime.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=self.secure(request),
            path="/",
        )

    # ---- CSRF -------------------------------------------------------------------------------------
    def _mac(self, material: str) -> str:
        return hmac.new(self.secret, material.encode(), hashlib.sha256).hexdigest()[:40]

    def csrf_token(self, request: Request) -> str:
        """The token for forms on this page (bound to the session, or to the pre-login cookie)."""
        token_hash = getattr(request.state, "token_hash", None)
        if token_hash:
            return self._mac("session:" + token_hash)
        anon = self._anon_value(request)
        if anon is None:
            anon = secrets.token_urlsafe(16)
            request.state.new_anon_csrf = anon  # the response sets the cookie (see app middleware)
        return self._mac("anon:" + anon)

    def _anon_value(self, request: Request) -> str | None:
        fresh = getattr(request.state, "new_anon_csrf", None)
        if fresh:
            return fresh
        raw = request.cookies.get(CSRF_COOKIE)
        if not raw:
            return None
        try:
            return self.anon.loads(raw, max_age=86400)
        except BadSignature:
            return None

    def anon_cookie(self, value: str) -> str:
        return self.anon.dumps(value)

    def check_csrf(self, request: Request, supplied: str | None) -> bool:
        if not supplied:
            return False
        token_hash = getattr(request.state, "token_hash", None)
        if token_hash is None:
            token_hash = self._token_hash(request)
        candidates = []
        if token_hash:
            candidates.append(self._mac("session:" + token_hash))
        anon = self._anon_value(request)
        if anon:
            candidates.append(self._mac("anon:" + anon))
        return any(hmac.compare_digest(c, supplied) for c in candidates)


_DUMMY_HASH = hasher.hash("gaoxin-dummy-password")


async def csrf_protect(request: Request) -> None:
    """Dependency on every state-changing route: the form field `csrf_token` or the X-CSRF-Token header."""
    supplied = request.headers.get(CSRF_HEADER)
    if not supplied:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            settings: WebSettings = request.app.state.settings
            form = await request.form(max_files=settings.max_files + 1, max_fields=200)
            value = form.get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
    if not request.app.state.auth.check_csrf(request, supplied):
        raise HTTPException(403, "csrf")


Csrf = Depends(csrf_protect)
router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site paths after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", include_in_schema=False)
def login_form(request: Request, user: OptionalUser, next: str = "/"):
    from gaoxin.web.render import render

    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", include_in_schema=False, dependencies=[Csrf])
def login_submit(
    request: Request,
    db: DbDep,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    from gaoxin.web.render import render

    auth: Auth = request.app.state.auth
    name = name.strip()
    client = request.client.host if request.client else "-"
    if auth.throttled(name, client):
        return render(
            request,
            "login.html",
            {"next": safe_next(next), "error": "尝试次数过多，请稍后再试"},
            status_code=429,
        )
    cookie = auth.login(db, name, password, client)
    if cookie is None:
        return render(
            request, "login.html", {"next": safe_next(next), "error": "用户名或密码错误"}, status_code=401
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    auth.set_session_cookie(request, response, cookie)
    return response


@router.post("/logout", include_in_schema=False, dependencies=[Csrf])
def logout(request: Request, db: DbDep):
    request.app.state.auth.logout(request, db)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
