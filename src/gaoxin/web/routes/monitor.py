"""经济运行: the monthly dashboard, one indicator's page, the 简报 downloads and the JSON API (thin over
`gaoxin.monitoring.dashboard`). Firm-level 拉动 lists firms of every town: town users see the zone figures
but not the 拉动 tables (as for chain maps, the analysis is zone-wide)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse

from gaoxin.monitoring import dashboard as D
from gaoxin.monitoring.cards import MEASURES, by_id
from gaoxin.store import monitoring as S
from gaoxin.web.deps import CurrentUser, DbDep
from gaoxin.web.i18n import translate
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
api = APIRouter(prefix="/api/monitor")


def _cached(request: Request, db, key: tuple, build):
    """Results kept until a monthly batch lands (the dashboard reads the same month over and over)."""
    cache = request.app.state.__dict__.setdefault("monitor_cache", {})
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
    now = _cached(request, db, ("nowcast",), lambda: D.nowcast_view(db)) if period else None
    return render(
        request,
        "monitor.html",
        {
            "data": data,
            "contrib": contrib,
            "nowcast": now,
            "charts": charts,
            "nav": "monitor",
            "MEASURE_LABELS": MEASURES,
        },
    )


@router.get("/monitor/brief.xlsx")
def brief_xlsx(db: DbDep, user: CurrentUser, month: str | None = None):
    from gaoxin.reports.monitor_xlsx import write_brief_xlsx

    period = _month(db, month)
    out = Path(tempfile.mkdtemp(prefix="gaoxin-brief-")) / f"经济运行简报_{period}.xlsx"
    write_brief_xlsx(db, out, period, firms=user.scope_town is None)
    return FileResponse(
        out, filename=out.name, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@router.get("/monitor/brief.pdf")
def brief_pdf(db: DbDep, user: CurrentUser, month: str | None = None):
    from gaoxin.reports.monitor_brief import write_brief_pdf

    period = _month(db, month)
    out = Path(tempfile.mkdtemp(prefix="gaoxin-brief-")) / f"经济运行简报_{period}.pdf"
    write_brief_pdf(db, out, period, firms=user.scope_town is None)
    return FileResponse(out, filename=out.name, media_type="application/pdf")


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
    out = D.plain(data)
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
