"""Jinja2 templates, number formatting (money in 万元, land in 亩) and the page context every template gets."""

from __future__ import annotations

import json
import math
from pathlib import Path
from urllib.parse import urlencode

import jinja2
import jinja2.compiler
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from gaoxin import fields as F
from gaoxin.evaluations.runs import REGISTRY
from gaoxin.units_format import fmt, show, to_user, unit_label, user_unit, with_unit
from gaoxin.web import i18n

TEMPLATES = Path(__file__).parent / "templates"
CLASS_ORDER = ("A", "B", "C", "D", "T")


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


def num(v, digits: int = 2) -> str:
    if _missing(v):
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    return f"{v:,.{digits}f}"


def wan(v, digits: int = 2) -> str:
    """元 → 万元 text."""
    return "—" if _missing(v) else f"{v / 1e4:,.{digits}f}"


def compact(v) -> str:
    """Small values keep significant digits (0.0123), large ones two decimals."""
    if _missing(v):
        return "—"
    return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}"


def to_json(obj) -> Markup:
    """JSON for a <script type="application/json"> block: no `<` at all, so nothing can close the tag."""
    text = json.dumps(obj, ensure_ascii=False, default=str, allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


try:  # the C function markupsafe.escape itself runs on text (markupsafe ≥ 3.0)
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # a markupsafe without it: its public escape, as text

    def _escape_text(text: str) -> str:
        return str(escape(text))


def escape_output(value) -> str:
    """`{{ value }}` in an autoescaped template: the text markupsafe.escape gives, as a plain str — what is
    yielded only joins the page, so the Markup object escape builds per value (a tenth of a loaded server's
    Python time) is not needed; values with `__html__` (Markup, macros) are taken as they are."""
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is int or kind is float:
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_text(str(value))


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Template output goes through `environment.escape_output` (a str) rather than markupsafe.escape."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile:
            self.write("(environment.escape_output if context.eval_ctx.autoescape else str)(")
        elif frame.eval_ctx.autoescape:
            self.write("environment.escape_output(")
        else:
            self.write("str(")
        if finalize.src is not None:
            self.write(finalize.src)


class _Environment(jinja2.Environment):
    """Jinja's environment with `row.key` on a dict read as the key first, and output escaped to plain text.
    Jinja tries the attribute first and raises and catches an AttributeError for every `row.key` of a dict
    row — a page's tables are thousands of such reads (a sixth of a loaded server's Python time). Names of
    dict's own attributes (`items`, `get`, …) still go to the attribute first, so every template reads and
    renders exactly what it did with stock Jinja (tests/web/test_template_env.py)."""

    code_generator_class = _CodeGenerator
    escape_output = staticmethod(escape_output)

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))
templates = Jinja2Templates(
    env=_Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(),
        # the templates ship inside the package: no stat of every template file on every page
        auto_reload=False,
    )
)
templates.env.filters.update(num=num, wan=wan, compact=compact, tojson_safe=to_json)


# one formatting rule per unit kind (gaoxin.units_format): `value|qty('万元')` → "1,234.56 万元"
@pass_context
def _qty(ctx, value, unit: str = "") -> str:
    return with_unit(value, unit, ctx.get("lang", "zh"))


@pass_context
def _unit(ctx, unit: str = "") -> str:
    return unit_label(unit, ctx.get("lang", "zh"))


@pass_context
def _user_unit(ctx, unit: str = "") -> str:
    return unit_label(user_unit(unit), ctx.get("lang", "zh"))


def _user_value(value, unit: str = "") -> str:
    """A canonical value in the unit users read, without the unit (a column of its own beside it)."""
    return fmt(*to_user(value, unit))


templates.env.filters.update(qty=_qty, unit=_unit, show=lambda v, unit="": show(v, unit))
templates.env.filters.update(user_value=_user_value, user_unit=_user_unit)
templates.env.globals.update(
    CLASS_ORDER=CLASS_ORDER,
    ROLE_LABELS=i18n.ROLE_LABELS,
    KIND_LABELS=i18n.KIND_LABELS,
    KIND_PAGES={k: r.page for k, r in REGISTRY.items()},  # a run's own page, by kind (the registry's)
    DISPOSITIONS=i18n.DISPOSITIONS,
    source_label=lambda s: F.SOURCES.get(s, s or ""),
)


def page_context(request: Request) -> dict:
    lang = getattr(request.state, "lang", "zh")
    user = getattr(request.state, "user", None)
    auth = request.app.state.auth

    def _(text: str) -> str:
        return i18n.translate(text, lang)

    def url_with(**changes) -> str:
        """This page's URL with some query parameters changed (None removes one)."""
        params = dict(request.query_params)
        params.pop("lang", None)
        for k, v in changes.items():
            if v is None or v == "":
                params.pop(k, None)
            else:
                params[k] = str(v)
        return request.url.path + ("?" + urlencode(params) if params else "")

    def lang_url(code: str) -> str:
        params = dict(request.query_params)
        params["lang"] = code
        return request.url.path + "?" + urlencode(params)

    return {
        "_": _,
        "lang": lang,
        "user": user,
        "url_with": url_with,
        "lang_url": lang_url,
        "csrf_token": lambda: auth.csrf_token(request),
        "path": request.url.path,
    }


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200, headers=None):
    ctx = page_context(request)
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)
    fresh = getattr(request.state, "new_anon_csrf", None)
    if fresh:  # the login form's token is bound to this signed cookie
        auth = request.app.state.auth
        response.set_cookie(
            "gx_csrf",
            auth.anon_cookie(fresh),
            max_age=86400,
            httponly=True,
            samesite="lax",
            secure=auth.secure(request),
            path="/",
        )
    return response


def is_htmx(request: Request) -> bool:
    """An htmx request for a fragment (not a history restore, which wants the whole page)."""
    h = request.headers
    return (
        h.get("hx-request") == "true"
        and h.get("hx-history-restore-request") != "true"
        and h.get("hx-request-type") != "full"
    )
