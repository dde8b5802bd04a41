"""经济运行: the monthly dashboard, one indicator's page, the 简报 downloads and the JSON API (thin over
`gaoxin.monitoring.dashboard`). Firm-level 拉动 lists firms of every town: town users see the zone figures
but not the 拉动 tables (as for chain maps, the analysis is zone-wide)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gaoxin.monitoring import dashboard as D
from gaoxin.monitoring.cards import MEASURES, by_id
from gaoxin.store import monitoring as S
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, Importer
from gaoxin.web.i18n import translate
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
api = APIRouter(prefix="/api/monitor")


def _cached(request: Request, db, key: tuple, build):
    """Results kept until a monthly batch lands (the dashboard reads the same month over and over)."""
    cache = getattr(request.app.state, "monitor_cache", None)
    if cache is None:
        cache = request.app.state.monitor_cache = {}
    version = S.data_version(db)
    full = (version, *key)
    if full not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[full] = build()
    return cache[full]


def _month(db, month: str | None) -> str | None:
    months = S.months(db)
    if month and month not in months:
        raise HTTPException(404, "month not published")
    return month or (months[0] if months else None)


def trend_chart(view: dict, _) -> dict:
    t = view["trend"]
    unit = view["card"].unit if view["trend"]["measure"] == "month" else "%"
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 30, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [MONTHS_EN[m - 1] if _("月") != "月" else f"{m}月" for m in t["months"]],
        },
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {"type": "line", "name": _("本年"), "data": t["this"], "connectNulls": False},
            {"type": "line", "name": _("上年"), "data": t["last"], "lineStyle": {"type": "dashed"}},
        ],
    }


def visible_owners(data: dict, user) -> list[dict]:
    """目标分解 rows a user may see: every department's, and the towns' unless the user is a town's."""
    return [
        r
        for r in data.get("owners", [])
        if r["owner_kind"] == "department" or user.scope_town in (None, r["owner"])
    ]


@router.get("/monitor")
def monitor_page(request: Request, db: DbDep, user: CurrentUser, month: str | None = None):
    period = _month(db, month)
    data = _cached(request, db, ("dash", period), lambda: D.dashboard(db, period))
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    contrib = None
    if period and user.scope_town is None:
        contrib = _cached(request, db, ("contrib", period), lambda: D.contributions(db, period))
    charts = {f"chart-{c['card'].id}": trend_chart(c, _) for c in data["cards"]}
    owners = visible_owners(data, user)
    now = _cached(request, db, ("nowcast",), lambda: D.nowcast_view(db)) if period else None
    return render(
        request,
        "monitor.html",
        {
            "data": data,
            "contrib": contrib,
            "owners": owners,
            "nowcast": now,
            "charts": charts,
            "nav": "monitor",
            "MEASURE_LABELS": MEASURES,
        },
    )


def _download(path: Path, name: str, media: str) -> Response:
    body = path.read_bytes()
    ascii_name = "brief" + path.suffix
    disposition = f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/monitor/brief.xlsx")
def brief_xlsx(db: DbDep, user: CurrentUser, month: str | None = None):
    from gaoxin.reports.monitor_xlsx import write_brief_xlsx

    period = _month(db, month)
    with tempfile.TemporaryDirectory(prefix="gaoxin-brief-") as tmp:
        path = write_brief_xlsx(db, Path(tmp) / "brief.xlsx", period, firms=user.scope_town is None)
        return _download(
            path,
            f"经济运行简报_{period}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


@router.get("/monitor/brief.pdf")
def brief_pdf(db: DbDep, user: CurrentUser, month: str | None = None):
    from gaoxin.reports.monitor_brief import write_brief_pdf

    period = _month(db, month)
    with tempfile.TemporaryDirectory(prefix="gaoxin-brief-") as tmp:
        path = write_brief_pdf(db, Path(tmp) / "brief.pdf", period, firms=user.scope_town is None)
        return _download(path, f"经济运行简报_{period}.pdf", "application/pdf")


KINDS = ("auto", "zone", "firm", "targets")


def _prepare(path: Path, kind: str):
    from gaoxin.ingest import monthly

    if kind == "auto":
        name = path.name
        kind = (
            "targets"
            if "目标" in name
            else "zone"
            if "主要经济指标" in name or "主要指标" in name
            else "firm"
        )
    if kind == "targets":
        return monthly.prepare_target_file(path)
    return (monthly.prepare_zone_table if kind == "zone" else monthly.prepare_firm_file)(path)


@router.post("/monitor/import", dependencies=[Csrf])
async def import_monthly(request: Request, db: DbDep, user: Importer):
    """月度文件导入 (as `gaoxin monitor import`): every file prepared first — one unreadable file stops all
    of them before anything is written — then each committed as one batch; rejects on the batch page."""
    from gaoxin.ingest.headers import SheetError
    from gaoxin.ingest.readers import ReadError
    from gaoxin.store.imports import find_batch
    from gaoxin.web.routes.imports import check_type, safe_name

    form = await request.form(max_files=20, max_fields=20)
    kind = str(form.get("kind") or "auto")
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    errors, results = [], []
    if kind not in KINDS:
        errors.append(f"文件类型应为 {' / '.join(KINDS)} 之一")
    if not uploads:
        errors.append("请选择月度文件（统计局主要指标表、企业月度数据或年度目标）")
    folder = Path(tempfile.mkdtemp(prefix="gaoxin-monthly-"))
    try:
        paths = []
        for u in uploads if not errors else []:
            head = await u.read(4096)
            await u.seek(0)
            problem = check_type(u.filename, head)
            if problem:
                errors.append(f"{safe_name(u.filename)}：{problem}")
                continue
            path = folder / safe_name(u.filename)
            with path.open("wb") as out:
                await run_in_threadpool(shutil.copyfileobj, u.file, out, 1 << 20)
            paths.append(path)
        if not errors:
            store = request.app.state.store

            def work():
                batches = [_prepare(p, kind) for p in paths]
                with store.write_lock:
                    out = []
                    for b in batches:
                        prev = find_batch(db, b.sha256)
                        bid = prev["batch_id"] if prev else S.write_monthly_batch(db, b)
                        out.append({**b.summary(), "batch_id": bid, "duplicate": prev is not None})
                    return out

            try:
                results = await run_in_threadpool(work)
            except (ReadError, SheetError) as exc:
                errors.append(f"{exc}（本次导入未写入任何数据）")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    context = {"results": results, "errors": errors, "nav": "monitor"}
    return render(request, "monitor_import.html", context, status_code=400 if errors else 200)


@router.get("/monitor/{indicator}")
def indicator_page(request: Request, indicator: str, db: DbDep, user: CurrentUser, month: str | None = None):
    card = by_id().get(indicator)
    if card is None:
        raise HTTPException(404, "indicator not found")
    period = _month(db, month)
    view = D.indicator(db, card, period, S.targets(db, int(period[:4]))) if period else None
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    vint = S.vintages(db, indicator).to_dicts()
    charts = {f"chart-{card.id}": trend_chart(view, _)} if view else {}
    return render(
        request,
        "monitor_indicator.html",
        {
            "view": view,
            "card": card,
            "vintages": vint,
            "charts": charts,
            "nav": "monitor",
            "MEASURE_LABELS": MEASURES,
        },
    )


@api.get("")
def api_dashboard(request: Request, db: DbDep, user: CurrentUser, month: str | None = None):
    period = _month(db, month)
    data = _cached(request, db, ("dash", period), lambda: D.dashboard(db, period))
    out = D.plain(data | {"owners": visible_owners(data, user)})
    if period and user.scope_town is None:
        out["contributions"] = D.plain(
            _cached(request, db, ("contrib", period), lambda: D.contributions(db, period))
        )
    return JSONResponse(out)


@api.get("/nowcast")
def api_nowcast(db: DbDep, user: CurrentUser):
    return JSONResponse(D.plain(D.nowcast_view(db)))


@api.get("/{indicator}")
def api_indicator(indicator: str, db: DbDep, user: CurrentUser, month: str | None = None):
    card = by_id().get(indicator)
    if card is None:
        raise HTTPException(404, "indicator not found")
    period = _month(db, month)
    view = D.indicator(db, card, period, S.targets(db, int(period[:4]))) if period else None
    return JSONResponse(D.plain({"indicator": view, "vintages": S.vintages(db, indicator).to_dicts()}))
