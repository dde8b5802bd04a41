"""The web app: `create_app(db_path)` → FastAPI. Pages are server-rendered (Jinja2 + htmx), the JSON API
lives under /api/ and is described by /api/openapi.json. Nothing is loaded from outside the app."""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from gaoxin import __version__
from gaoxin.store import users as store_users
from gaoxin.web import auth, i18n, tempfiles
from gaoxin.web.deps import LoginRequired, Store, WebSettings, default_request_threads
from gaoxin.web.queries import WebCache

STATIC = Path(__file__).parent / "static"
# scripts only from this app; ECharts and htmx set inline styles, so styles allow 'unsafe-inline'
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class BodyTooLarge(Exception):
    pass


class WebMiddleware:
    """Pure ASGI (cheap per request): language choice, request-body limit, security headers."""

    def __init__(self, app, settings: WebSettings):
        self.app = app
        self.settings = settings
        # an upload request carries the files plus a little form overhead
        self.limit = int(settings.max_upload_mb * 1024 * 1024) + 64 * 1024

    def _language(self, scope, headers: dict) -> tuple[str, bool]:
        """The page language (?lang= first, then the cookie, then the default) and whether to remember it."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        cookie_lang = None
        if b"cookie" in headers:
            jar = SimpleCookie()
            try:
                jar.load(headers[b"cookie"].decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header must not break the page
                jar = SimpleCookie()
            cookie_lang = jar[i18n.COOKIE].value if i18n.COOKIE in jar else None
        asked = (query.get("lang") or [None])[0]
        lang = i18n.pick_lang(asked, cookie_lang, self.settings.default_lang)
        return lang, asked in i18n.LANGS and asked != cookie_lang

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict((k.lower(), v) for k, v in scope.get("headers", []))
        lang, remember = self._language(scope, headers)
        scope.setdefault("state", {})["lang"] = lang

        api = scope.get("path", "").startswith("/api/")
        static = scope.get("path", "").startswith("/static/")
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._too_large(send, api, lang)
            return

        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                h = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS:
                    if k.decode() not in h:
                        h.append(k.decode(), v.decode())
                if not static:
                    # pages hold the signed-in user's data, and one URL answers a page or an htmx fragment
                    h["cache-control"] = "no-store"
                    h.append("vary", "HX-Request")
                if remember:
                    h.append("set-cookie", f"{i18n.COOKIE}={lang}; Max-Age=31536000; Path=/; SameSite=Lax")
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await self._too_large(send, api, lang)

    async def _too_large(self, send, api: bool, lang: str) -> None:
        text = i18n.translate("上传内容过大", lang) + f" (> {self.settings.max_upload_mb:g} MB)"
        if api:
            body = ('{"detail":"' + text + '"}').encode()
            ctype = b"application/json"
        else:
            body = (
                f"<!doctype html><meta charset=utf-8><title>413</title><p>{text}</p>"
                "<p><a href=/imports>←</a></p>"
            ).encode()
            ctype = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", ctype),
                    (b"content-length", str(len(body)).encode()),
                    *SECURITY_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _secret(store: Store, given: str | None) -> str:
    """The signing secret: given, or GAOXIN_SECRET, or one generated once and kept in the store."""
    if given:
        return given
    if os.environ.get("GAOXIN_SECRET"):
        return os.environ["GAOXIN_SECRET"]
    cur = store.cursor()
    try:
        with store.write_lock:
            found = store_users.get_setting(cur, "session_secret")
            if found is None:
                found = secrets.token_urlsafe(48)
                store_users.put_setting(cur, "session_secret", found)
        return found
    finally:
        cur.close()


# what an error detail (kept short and English for API clients) means for the analyst on a page, and what to do
PAGE_MESSAGES = {
    "csrf": "表单已过期或来源无效，请刷新页面后重试",
    "run not found": "没有这次评价：评价编号有误，或数据库已更换。请从「评价」页面重新选择",
    "scheme not found": "没有这个评价方案：请从「评价方案」页面选择",
    "batch not found": "没有这个导入批次：请从「数据导入」页面的批次列表中选择",
    "enterprise not found": "数据库中没有这家企业：请核对统一社会信用代码，或先导入含该企业的部门数据",
    "chain not found": "没有这条产业链：请从「产业链」页面选择",
    "no data for this year": "该年度没有数据：请选择已导入数据的年度，或先导入该年度的部门数据",
    "cannot disable yourself": "不能停用自己的账号：请由另一位管理员操作",
    "forbidden": "您的角色不能进行此操作，如需权限请联系管理员",
    "case not found": "没有这条诉求：编号有误，或不在您的办理范围内。请从「企业诉求」待办列表中选择",
}


def create_app(
    db_path: str | Path, *, secret: str | None = None, settings: WebSettings | None = None
) -> FastAPI:
    settings = settings or WebSettings()
    store = Store(db_path, settings.db_threads)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        threads = default_request_threads() if settings.request_threads is None else settings.request_threads
        if threads:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        # build the look-up tables in the background so the first page of a big store is quick
        warm = threading.Thread(target=_warm, args=(store, app.state.cache), daemon=True)
        warm.start()
        yield
        warm.join(timeout=30)
        store.close()

    app = FastAPI(
        title="gaoxin 高新 API",
        version=__version__,
        description="园区企业评价平台的只读数据接口（亩均论英雄评价、企业、导入批次）。"
        "Read API of the zone enterprise-evaluation platform. Sign in at /login; the session cookie "
        "authenticates API calls. State-changing calls need the X-CSRF-Token header.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load from CDNs: none here
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.cache = WebCache(store)
    app.state.auth = auth.Auth(_secret(store, secret), settings, store)
    app.state.pending = {}
    tempfiles.sweep(settings.pending_minutes * 60)  # previews of a stopped server are gone anyway
    app.state.pending_lock = threading.Lock()
    app.add_middleware(WebMiddleware, settings=settings)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from gaoxin.web.routes import (
        api,
        chains,
        cultivation,
        cultivation_api,
        enterprises,
        imports,
        monitor,
        overview,
        profile,
        projects,
        publication,
        requests,
        requests_api,
        requests_intake,
        runs,
        users,
        zones,
    )

    app.include_router(auth.router)
    from gaoxin.web.routes import backup

    app.include_router(backup.router)  # 备份下载 (admin)
    for module in (
        overview,
        enterprises,
        profile,
        imports,
        runs,
        users,
        chains,
        cultivation,
        zones,
        requests_intake,
        requests,
    ):
        app.include_router(module.router)
    app.include_router(monitor.router)
    app.include_router(monitor.api)
    app.include_router(runs.api_router)  # before api.router: /api/runs/status is not a run id
    app.include_router(cultivation_api.router)  # before api.router (/api/enterprises/…)
    app.include_router(requests_api.router)
    app.include_router(projects.router)
    app.include_router(projects.api)
    app.include_router(publication.router)  # 亩均 公示与申诉
    app.include_router(publication.api)
    from gaoxin.web.routes import registries

    app.include_router(registries.router)  # 创新登记
    app.include_router(registries.api)
    from gaoxin.web.routes import land

    app.include_router(land.router)  # 盘活存量
    app.include_router(land.api)
    app.include_router(api.router)
    _handlers(app)
    from gaoxin.web import openapi

    app.openapi = lambda: openapi.build(app)  # the status codes each route really returns
    return app


def _warm(store: Store, cache: WebCache) -> None:
    cur = store.cursor()
    try:
        cache.ensure(cur)
    except Exception:  # noqa: BLE001 - warming is an optimisation; the first request builds it otherwise
        pass
    finally:
        cur.close()


def _handlers(app: FastAPI) -> None:
    from gaoxin.web.render import render

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        if is_api(request):
            return JSONResponse({"detail": "login required"}, status_code=401)
        if (
            request.headers.get("hx-request") == "true"
        ):  # htmx fragment: send the whole page to the login form
            return JSONResponse({}, status_code=401, headers={"HX-Redirect": "/login"})
        return auth.login_redirect(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        titles = {404: "页面不存在", 403: "没有权限", 400: "请求无效"}
        message = PAGE_MESSAGES.get(exc.detail) if isinstance(exc.detail, str) else None
        if exc.status_code == 405 and request.method == "GET":
            return RedirectResponse("/", status_code=303)
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "title": titles.get(exc.status_code, "出错了"), "message": message},
            status_code=exc.status_code,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        """The web's error boundary: one line with an incident id, the traceback in the incident log."""
        from gaoxin import incidents

        incident = incidents.record(exc, f"{request.method} {request.url.path}")
        if is_api(request):
            return JSONResponse({"detail": "internal error", "incident": incident}, status_code=500)
        message = f"意外错误，事件编号 {incident}。请把事件编号告诉系统维护人员。"
        return render(
            request, "error.html", {"status": 500, "title": "出错了", "message": message}, status_code=500
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if is_api(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return render(
            request, "error.html", {"status": 400, "title": "请求无效", "message": None}, status_code=400
        )
