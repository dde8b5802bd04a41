"""创新登记 pages: the overview with the reviews due (/registries), each register with its filters and xlsx
(/registries/{kind}, /registries/{kind}/export.xlsx), one platform with its review clock
(/registries/platforms/{name}), the 技术合同 dashboard by year and type (/registries/dashboard), the upload of a list
(/registries/import, admin and analyst), the firm's registry
section of the 画像 (`firm_registry`) and the JSON API beside them (/api/registries/…). Routes only translate
HTTP; the work is `gaoxin.registries.service` (as `gaoxin registry …`).

Talent rows are personal data: only an admin or analyst sees them, and a town user those of its town's
employers; a viewer or a department user sees counts only (the list and its export answer 403)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import polars as pl
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from gaoxin.jsonable import jsonable
from gaoxin.registries import service
from gaoxin.registries.rules import rules_in_force
from gaoxin.store import registries as store
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, Importer, PageNo, User
from gaoxin.web.render import render
from gaoxin.web.routes.imports import check_type, run_on_upload, safe_name

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/registries", tags=["registries"])
PAGE = 50
Text = Annotated[str | None, Query(max_length=60)]
Year = Annotated[int | None, Query(ge=1990, le=2100)]
TALENT_ROLES = ("admin", "analyst", "town")
SHEETS = (".xlsx", ".xls", ".csv")

# the list columns: (column, title) per register, as the pages, the xlsx and the CLI show them
COLUMNS = {
    "platform": (("name", "平台名称"), ("kind", "平台类型"), ("level", "级别"), ("host_name", "依托单位"),
                 ("host_uscc", "统一社会信用代码"), ("town", "镇街"), ("approved_on", "认定日期"), ("doc_no", "认定文号"),
                 ("grade", "最近评价结果"), ("next_review", "下次复核日期"), ("workdays_left", "剩余工作日"),
                 ("status_now", "状态")),
    "contract": (("contract_no", "合同登记编号"), ("seller_name", "卖方"), ("buyer_name", "买方"), ("ctype", "合同类型"),
                 ("amount_wan", "成交额（万元）"), ("tech_amount_wan", "技术交易额（万元）"), ("registered_on", "登记日期")),
    "talent": (("name", "姓名"), ("field", "专业领域"), ("programme", "人才计划"), ("level", "计划级别"),
               ("year", "入选年度"), ("employer_name", "工作单位"), ("mode", "引进方式")),
    "provider": (("name", "载体名称"), ("kind", "载体类型"), ("level", "级别"), ("town", "镇街"),
                 ("area_m2", "场地面积（平方米）"), ("hosted_count", "在孵企业数"), ("hosted_listed", "名单中在孵企业"),
                 ("approved_on", "认定日期"), ("next_review", "下次评价日期"), ("workdays_left", "剩余工作日")),
    "hosted": (("provider_name", "载体名称"), ("firm_name", "在孵企业名称"), ("firm_uscc", "统一社会信用代码"),
               ("town", "镇街"), ("since", "入孵日期"), ("graduated_on", "毕业日期")),
}  # fmt: skip
FILTER_TITLES = {"kind": "类型", "level": "级别", "status_now": "状态", "town": "镇街", "ctype": "合同类型",
                 "year": "年度", "seller_town": "镇街", "programme": "人才计划", "mode": "引进方式",
                 "provider_name": "载体"}  # fmt: skip


def may_see_talent(user: User) -> bool:
    return user.role in TALENT_ROLES


def _kind(kind: str, user: User) -> str:
    if kind not in service.KIND_TITLES:
        raise HTTPException(404, "no such register")
    if kind == "talent" and not may_see_talent(user):
        raise HTTPException(403, "talent lists are personal data")
    return kind


def _filters(
    kind: str,
    type=None,
    level=None,
    status=None,
    town=None,
    year=None,
    programme=None,
    mode=None,
    provider=None,
) -> dict[str, str | None]:
    """The query parameters as the register's filter columns (type is 类型 / 合同类型, status the 状态 now)."""
    given = {"kind": type, "ctype": type, "level": level, "status_now": status, "town": town, "seller_town": town,
             "year": year, "programme": programme, "mode": mode, "provider_name": provider}  # fmt: skip
    return {c: given.get(c) for c in service.FILTERS[kind]}


def _list(db, user: User, kind: str, filters: dict, q: str | None, page: int, size: int = PAGE) -> dict:
    today = date.today()
    frame = service.rows(db, kind, today, filters=filters, query=q, town=user.scope_town)
    start = (page - 1) * size
    return {
        "kind": kind,
        "title": service.KIND_TITLES[kind],
        "as_of": today,
        "total": frame.height,
        "rows": frame.slice(start, size).to_dicts(),
        "page": page,
        "pages": max(1, -(-frame.height // size)),
        "filters": {k: v or "" for k, v in filters.items()},
        "choices": service.choices(service.rows(db, kind, today, town=user.scope_town), kind),
        "columns": COLUMNS[kind],
        "q": q or "",
    }


@router.get("/registries")
def overview_page(request: Request, db: DbDep, user: CurrentUser):
    today = date.today()
    rules = rules_in_force(db)
    return render(
        request,
        "registries.html",
        {
            "nav": "registries",
            "as_of": today,
            "counts": store.counts(db),
            "titles": service.KIND_TITLES,
            "due": service.due(db, today, rules, user.scope_town).to_dicts(),
            "providers_due": service.providers_due(db, today, rules, user.scope_town).to_dicts(),
            "horizon": rules["meta"].get("upcoming_days", 90),
            "talent_ok": may_see_talent(user),
        },
    )


@router.get("/registries/due")
def due_page(request: Request, db: DbDep, user: CurrentUser):
    return overview_page(request, db, user)


def _chart(by_year_type: pl.DataFrame, _) -> dict:
    if by_year_type.height == 0:
        return {}
    years = sorted(by_year_type.get_column("year").unique().to_list())
    series = []
    for t in ("开发", "转让", "许可", "咨询", "服务"):
        sub = dict(by_year_type.filter(pl.col("ctype") == t).select("year", "amount_wan").iter_rows())
        series.append(
            {"name": _(t), "type": "bar", "stack": "a", "data": [round(sub.get(y, 0.0), 2) for y in years]}
        )
    return {
        "chart-contracts": {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 16, "top": 36, "bottom": 40, "containLabel": True},
            "xAxis": {"type": "category", "data": [str(y) for y in years]},
            "yAxis": {"type": "value", "name": _("成交额（万元）")},
            "series": series,
        }
    }


@router.get("/registries/dashboard")
def dashboard_page(request: Request, db: DbDep, user: CurrentUser, year: Year = None):
    from gaoxin.web.i18n import translate

    d = service.dashboard(db, year=year, town=user.scope_town)
    lang = request.state.lang
    return render(
        request,
        "registry_dashboard.html",
        {
            "nav": "registries",
            **d,
            "by_year_type": d["by_year_type"].to_dicts(),
            "firms": d["firms"].head(30).to_dicts(),
            "unregistered": d["unregistered"].head(100).to_dicts(),
            "unregistered_total": d["unregistered"].height,
            "charts": _chart(d["by_year_type"], lambda t: translate(t, lang)),
        },
    )


def _platform(db, user: User, name: str) -> dict:
    try:
        got = service.platform(db, name, date.today())
    except service.NotFound:
        raise HTTPException(404, "platform not found") from None
    if user.scope_town is not None and got["platform"].get("town") != user.scope_town:
        raise HTTPException(404, "platform not found")
    return got


@router.get("/registries/platforms/{name}")
def platform_page(request: Request, db: DbDep, user: CurrentUser, name: str):
    return render(request, "registry_platform.html", {"nav": "registries", **_platform(db, user, name)})


def _import_page(request: Request, status_code: int = 200, **extra):
    context = {"nav": "registries", "outcome": None, "errors": [], "titles": service.KIND_TITLES, **extra}
    return render(request, "registry_import.html", context, status_code=status_code)


@router.get("/registries/import")
def import_page(request: Request, db: DbDep, user: Importer):
    return _import_page(request)


@router.post("/registries/import", dependencies=[Csrf])
async def import_file(request: Request, db: DbDep, user: Importer):
    """A 科技局 / 工信局 / 人才办 list (xlsx / xls / csv): one batch, all or nothing, rejected rows kept."""
    from gaoxin.registries.intake import RegistryImportError, import_registry

    form = await request.form(max_files=2, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, 400, errors=["请选择登记台账文件（xlsx / xls / csv）"])
    name = safe_name(upload.filename)
    if Path(name).suffix.lower() not in SHEETS:
        return _import_page(request, 415, errors=[f"{name}：只接受 xlsx、xls 或 csv"])
    head = await upload.read(4096)
    await upload.seek(0)
    if problem := check_type(name, head):
        return _import_page(request, 415, errors=[f"{name}：{problem}"])
    try:
        outcome = await run_on_upload(
            request, upload, "gaoxin-registry-", lambda path: import_registry(db, path)
        )
    except RegistryImportError as exc:
        return _import_page(request, 400, errors=[str(exc)])
    return _import_page(request, outcome=outcome)


@router.get("/registries/{kind}")
def list_page(request: Request, db: DbDep, user: CurrentUser, kind: str, type: Text = None, level: Text = None,
              status: Text = None, town: Text = None, year: Text = None, programme: Text = None, mode: Text = None,
              provider: Text = None, q: Text = None, page: PageNo = 1):  # fmt: skip
    kind = _kind(kind, user)
    data = _list(
        db, user, kind, _filters(kind, type, level, status, town, year, programme, mode, provider), q, page
    )
    return render(request, "registry_list.html", {"nav": "registries", **data, "titles": FILTER_TITLES})


def xlsx_of(frame: pl.DataFrame, columns, title: str, _) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "nan_inf_to_errors": True, "strings_to_formulas": False}
    )
    ws = wb.add_worksheet(_(title)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#e8eef7", "border": 1})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for j, (_c, t) in enumerate(columns):
        ws.write(0, j, _(t), head)
        ws.set_column(j, j, 24 if j < 2 else 14)
    for i, r in enumerate(
        frame.select([c for c, _t in columns if c in frame.columns]).iter_rows(named=True), 1
    ):
        for j, (c, _t) in enumerate(columns):
            v = r.get(c)
            if v is None:
                ws.write_blank(i, j, None)
            elif isinstance(v, date):
                ws.write_datetime(i, j, v, day)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, _(str(v)) if c in ("status_now", "level") else str(v))
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


@router.get("/registries/{kind}/export.xlsx")
def export_xlsx(request: Request, db: DbDep, user: CurrentUser, kind: str, type: Text = None, level: Text = None,
                status: Text = None, town: Text = None, year: Text = None, programme: Text = None, mode: Text = None,
                provider: Text = None, q: Text = None):  # fmt: skip
    """The list as filtered (every page) — a town user's export holds its town only."""
    from gaoxin.web.i18n import translate

    kind = _kind(kind, user)
    frame = service.rows(
        db,
        kind,
        date.today(),
        filters=_filters(kind, type, level, status, town, year, programme, mode, provider),
        query=q,
        town=user.scope_town,
    )
    lang = request.state.lang
    body = xlsx_of(frame, COLUMNS[kind], service.KIND_TITLES[kind], lambda t: translate(t, lang))
    name = quote(f"{service.KIND_TITLES[kind]}_{date.today():%Y%m%d}.xlsx")
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f"attachment; filename={kind}.xlsx; filename*=UTF-8''{name}"})  # fmt: skip


def firm_registry(db, uscc: str, user: User, registered: frozenset[str] | None = None) -> dict:
    """The 画像's 创新登记 section: platforms with their status, contracts, talent (rows only for a role that may
    see them), the 载体 the firm is hosted by. `registered`: the web cache's `registered_firms` (no look-up for
    a firm in no register)."""
    s = service.firm_section(db, uscc, date.today(), may_see_talent(user), registered=registered)
    if s["empty"]:
        return {"registry": {**s, "contracts_total": 0}}
    return {
        "registry": {
            **s,
            "platforms": s["platforms"].to_dicts() if s["platforms"].height else [],
            "contracts": s["contracts"].head(20).to_dicts(),
            "contracts_total": s["contracts"].height,
            "talent": s["talent"].to_dicts() if s["talent"] is not None else None,
            "hosted": s["hosted"].to_dicts(),
        }
    }


# --- JSON API --------------------------------------------------------------------------------------------


@api.get("", summary="登记概况 / counts per register and the reviews due")
def api_overview(db: DbDep, user: CurrentUser):
    today = date.today()
    due = service.due(db, today, town=user.scope_town)
    return jsonable({"as_of": today.isoformat(), "counts": store.counts(db), "due": _plain(due)})


def _plain(frame: pl.DataFrame) -> list[dict]:
    return [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in frame.to_dicts()
    ]


@api.get("/due", summary="未来 90 天内到期和已逾期的复核 / reviews due")
def api_due(db: DbDep, user: CurrentUser):
    today = date.today()
    return jsonable(
        {"as_of": today.isoformat(), "rows": _plain(service.due(db, today, town=user.scope_town))}
    )


@api.get("/dashboard", summary="技术合同按年度和类型、人均技术合同成交额、疑似未登记 / technology contracts")
def api_dashboard(db: DbDep, user: CurrentUser, year: Year = None):
    d = service.dashboard(db, year=year, town=user.scope_town)
    return jsonable({
        "years": d["years"], "year": d["year"], "by_year_type": d["by_year_type"].to_dicts(),
        "firms": d["firms"].to_dicts(), "per_capita": d["per_capita"], "unregistered": d["unregistered"].to_dicts(),
    })  # fmt: skip


@api.get("/platforms/{name}", summary="一个创新平台及其复核时钟 / one platform with its review clock")
def api_platform(db: DbDep, user: CurrentUser, name: str):
    got = _platform(db, user, name)
    return jsonable({
        "platform": _plain(pl.DataFrame([got["platform"]]))[0],
        "clock": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in got["clock"].items()},
        "history": _plain(pl.DataFrame(got["history"])),
    })  # fmt: skip


@api.get("/{kind}", summary="一类登记（可筛选，分页）/ one register, filtered and paged")
def api_list(db: DbDep, user: CurrentUser, kind: str, type: Text = None, level: Text = None, status: Text = None,
             town: Text = None, year: Text = None, programme: Text = None, mode: Text = None, provider: Text = None,
             q: Text = None, page: PageNo = 1):  # fmt: skip
    kind = _kind(kind, user)
    d = _list(
        db,
        user,
        kind,
        _filters(kind, type, level, status, town, year, programme, mode, provider),
        q,
        page,
        200,
    )
    return jsonable({
        "kind": kind, "as_of": d["as_of"].isoformat(), "total": d["total"], "page": d["page"], "pages": d["pages"],
        "rows": _plain(pl.DataFrame(d["rows"])) if d["rows"] else [],
    })  # fmt: skip
