"""企业: the searchable, filterable, sortable enterprise list (paged in SQL) and its xlsx export."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import xlsxwriter
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from gaoxin.store import enterprise_list
from gaoxin.web import queries as Q
from gaoxin.web.deps import CurrentUser, DbDep, PageNo, User
from gaoxin.web.i18n import translate
from gaoxin.web.render import is_htmx, render

router = APIRouter(include_in_schema=False)


def list_query(
    request: Request,
    db,
    user: User,
    q: str,
    town: str,
    industry: str,
    klass: str,
    scale: str,
    run: str | None,
    sort: str,
    desc: bool,
    page: int,
    size: int | None,
) -> enterprise_list.ListQuery:
    settings = request.app.state.settings
    if user.scope_town is not None and town and town != user.scope_town:
        raise HTTPException(404, "town not found")  # another town's firms do not exist for a town user
    cache = request.app.state.cache
    request.state.runs = cache.check(db)  # the data and the runs checked in one read; the run picker reads it
    run_id = run if run is not None else request.state.runs.latest
    found = cache.get_run(db, run_id) if run_id else None
    request.state.list_table = cache.view(db, found, checked=True)
    run_id = found["run_id"] if found else None
    size = min(max(size or settings.page_size, 1), settings.max_page_size)
    return enterprise_list.ListQuery(
        q=q[:100],
        town=town,
        industry=industry,
        klass=klass if klass in Q.CLASSES else "",
        scale=scale if scale in ("above", "below") else "",
        run_id=run_id or None,
        sort=sort if sort in enterprise_list.SORTS else "name",
        desc=desc,
        page=max(page, 1),
        size=size,
        scope_town=user.scope_town,
    )


# the same query parameters for the page, its htmx fragment, the export and the API
Qp = Annotated[str, Query(max_length=100)]


@router.get("/enterprises")
def enterprises(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    q: Qp = "",
    town: Qp = "",
    industry: Qp = "",
    klass: Annotated[str, Query(alias="class", max_length=2)] = "",
    scale: Qp = "",
    run: str | None = None,
    sort: Qp = "name",
    desc: bool = False,
    page: PageNo = 1,
    size: Annotated[int | None, Query(ge=1)] = None,
):
    query = list_query(request, db, user, q, town, industry, klass, scale, run, sort, desc, page, size)
    cache = request.app.state.cache
    items, basis, total = cache.page(db, request.state.list_table, query)
    context = {
        "query": query,
        "total": total,
        "items": items,
        "scale_basis": basis,
        "pages": max((total + query.size - 1) // query.size, 1),
        "towns": cache.towns,
        "industries": cache.industries,
        "runs": request.state.runs.summaries,
        "nav": "enterprises",
    }
    if is_htmx(request):
        return render(request, "_table.html", {**context, "fragment": True})
    return render(request, "enterprises.html", context)


EXPORT_COLUMNS = [
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("town", "镇街"),
    ("industry_code", "行业代码"),
    ("industry_name", "行业"),
    ("above_scale", "规上/规下"),
    ("list_id", "名单"),
    ("class_final", "等级"),
    ("score", "得分"),
    ("rank", "名次"),
    ("land_mu", "用地（亩）"),
    ("tax_per_mu", "亩均税收（万元/亩）"),
]


def xlsx_of(items: list[dict], lang: str, title: str) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True})
    ws = wb.add_worksheet("企业" if lang == "zh" else "Enterprises")
    head = wb.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    num = wb.add_format({"num_format": "#,##0.00"})
    ws.write(0, 0, title, wb.add_format({"bold": True, "font_size": 13}))
    for c, (_, label) in enumerate(EXPORT_COLUMNS):
        ws.write(1, c, translate(label, lang), head)
    yes, no = translate("规上", lang), translate("规下", lang)
    for r, item in enumerate(items, start=2):
        for c, (key, _) in enumerate(EXPORT_COLUMNS):
            v = item[key]
            if key == "above_scale":  # not in the statistics bureau's 规上 list: 规下
                v = bool(v)
            if v is None:
                continue
            if key == "above_scale":
                ws.write_string(r, c, yes if v else no)
            elif isinstance(v, float):
                ws.write_number(r, c, v, num)
            elif isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    ws.freeze_panes(2, 2)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 34)
    ws.set_column(2, len(EXPORT_COLUMNS) - 1, 12)
    ws.autofilter(1, 0, 1 + len(items), len(EXPORT_COLUMNS) - 1)
    wb.close()
    return buf.getvalue()


@router.get("/enterprises/export.xlsx")
def export(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    q: Qp = "",
    town: Qp = "",
    industry: Qp = "",
    klass: Annotated[str, Query(alias="class", max_length=2)] = "",
    scale: Qp = "",
    run: str | None = None,
    sort: Qp = "name",
    desc: bool = False,
):
    """The current view (same filters and order, every page) as xlsx — a town user's export holds its town only."""
    query = list_query(request, db, user, q, town, industry, klass, scale, run, sort, desc, 1, None)
    items = enterprise_list.list_all(
        db, request.state.list_table, query, request.app.state.settings.export_max_rows
    )
    lang = request.state.lang
    scope = query.scope_town or query.town or translate("全部镇街", lang)
    title = f"{translate('企业', lang)} · {scope} · {len(items)} · {datetime.now():%Y-%m-%d %H:%M}"
    if query.run_id:
        title += f" · {translate('评价编号', lang)} {query.run_id}"
    body = xlsx_of(items, lang, title)
    name = f"企业名录_{datetime.now():%Y%m%d_%H%M}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=enterprises.xlsx; filename*=UTF-8''{quote(name)}"
        },
    )
