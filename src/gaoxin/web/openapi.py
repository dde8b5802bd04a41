"""The OpenAPI document as the routes behave: the status codes each /api operation can return, worked out
from its dependencies and parameters (FastAPI lists 422 for any route with a parameter and nothing else).

- 401 when the operation needs a signed-in user (`deps.current_user`), 403 when it needs a permission
  (`deps.require(...)`) or changes state (the X-CSRF-Token check);
- 404 when a path parameter names something (a run, a firm, a case) that may not exist or not be visible;
- 422 only when a parameter or body can fail validation (a typed or bounded query value, a required query
  value, a JSON body) — never for a route whose only inputs are free-text path segments;
- the 4xx codes the endpoint's own code (and the module's helpers it calls) raises (`HTTPException(400, …)`, `status_code=409`), and 400/403/409
  where it passes a case step's refusal through (`status_code=exc.status`).
Timestamps in the API models are UTC and say so (`routes.api.UtcDatetime`).
"""

from __future__ import annotations

import inspect
import re

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from gaoxin.web import deps

ERROR = {
    "content": {
        "application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}
    }
}
TEXTS = {
    "400": "请求无效 / bad request (a step the flow refuses, a value out of range)",
    "401": "未登录 / not signed in (sign in at /login)",
    "403": "无权限或缺少 X-CSRF-Token / no permission, or the CSRF token is missing",
    "404": "不存在或不在您的范围内 / not found, or outside the user's town",
    "409": "状态冲突 / conflict with the case's current state",
}


def _calls(dependant) -> set:
    out = set()
    for d in dependant.dependencies:
        out.add(d.call)
        out |= _calls(d)
    return out


def _can_fail_validation(route: APIRoute) -> bool:
    d = route.dependant
    if d.body_params:
        return True
    for p in d.query_params + d.header_params + d.cookie_params:
        info = p.field_info
        constrained = any(m for m in getattr(info, "metadata", []))
        if info.is_required() or constrained or info.annotation not in (str, str | None):
            return True
    return any(p.field_info.annotation is not str for p in d.path_params)


RAISED = re.compile(r"(?:HTTPException\(\s*|status_code\s*=\s*)(4\d\d)\b")


def _source(fn) -> str:
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return ""


def _raised(route: APIRoute) -> set[str]:
    """4xx codes in the endpoint's code and in the module's own helpers it calls (one level down)."""
    src = _source(route.endpoint)
    module = inspect.getmodule(route.endpoint)
    for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", src)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == getattr(module, "__name__", None):
            src += _source(helper)
    out = set(RAISED.findall(src))
    if re.search(r"status_code\s*=\s*exc\.status|\brefused\(", src):  # a case step's refusal
        out |= {"400", "403", "409"}
    return out & set(TEXTS)


def codes(route: APIRoute) -> set[str]:
    calls = _calls(route.dependant)
    needs_user = deps.current_user in calls or any(
        getattr(c, "__qualname__", "").startswith("require.") for c in calls
    )
    out: set[str] = set()
    if needs_user:
        out.add("401")
    if any(getattr(c, "__qualname__", "").startswith("require.") for c in calls) or route.methods & {
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    }:
        out.add("403")
    if route.dependant.path_params or "{" in route.path:  # some endpoints read request.path_params
        out.add("404")
    if _can_fail_validation(route):
        out.add("422")
    return out | _raised(route)


def _api_routes(app: FastAPI):
    """(path, route) of every API route; FastAPI ≥ 0.165 keeps included routers lazy (route contexts)."""
    contexts = getattr(routing, "iter_route_contexts", None)
    if contexts is None:
        yield from ((r.path_format, r) for r in app.routes if isinstance(r, APIRoute))
        return
    for ctx in contexts(app.routes):
        route = ctx.route if isinstance(ctx.route, APIRoute) else ctx.original_route
        if isinstance(route, APIRoute):
            yield ctx.path_format, route


def build(app: FastAPI) -> dict:
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path, route in _api_routes(app):
        if not path.startswith("/api") or not route.include_in_schema:
            continue
        wanted = codes(route)
        for method in route.methods:
            op = spec["paths"].get(path, {}).get(method.lower())
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            if "422" in responses and "422" not in wanted:
                del responses["422"]
            for code in sorted(wanted - {"422"}):
                responses.setdefault(code, {"description": TEXTS[code], **ERROR})
    app.openapi_schema = spec
    return spec
