"""园区对标: start a rank run for a zone period, a zone run page (total and per-dimension ranks, the home zone's
短板 and strengths with gaps in their own units, rank intervals 5–95 % drawn for the home zone and its
neighbours, P(top N), per-indicator top-N) and the 争先进位 form (climb to rank K, verified by re-ranking).

All numbers come from `gaoxin.evaluations.zones.service` (run_rank, climb_zone) and the stored run's payload
(`rank_payload`); the page only arranges them. Zone benchmarking is zone-wide: town users get 404.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from gaoxin.evaluations.runs import RunError
from gaoxin.evaluations.zones.kind import rank_payload
from gaoxin.evaluations.zones.service import climb_zone, run_rank
from gaoxin.schemes import list_builtin
from gaoxin.store import runs as store_runs
from gaoxin.store import zones as store_zones
from gaoxin.web.auth import Csrf
from gaoxin.web.charts import FONT
from gaoxin.web.deps import CurrentUser, DbDep, Runner, User
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)
NEIGHBOURS = 6  # zones either side of the home zone in the interval chart


def zone_reader(user: CurrentUser) -> User:
    """Zone rankings compare whole zones: a user limited to a town gets 404 (as for chain maps)."""
    if user.scope_town is not None:
        raise HTTPException(404, "not found")
    return user


ZoneReader = Annotated[User, Depends(zone_reader)]


def zone_schemes() -> list[dict]:
    return [s for s in list_builtin() if s.kind == "zone"]


def zones_context(db, **extra) -> dict:
    runs = store_runs.run_summaries(db, kind="zone")
    periods = store_zones.zone_periods(db)
    return {
        "nav": "zones",
        "runs": runs,
        "schemes": zone_schemes(),
        "periods": periods,
        "home": store_zones.home_zone(db),
        "error": None,
        **extra,
    }


@router.get("/zones")
def zones_page(request: Request, db: DbDep, user: ZoneReader):
    return render(request, "zones.html", zones_context(db))


@router.post("/zones/rank", dependencies=[Csrf])
async def start_rank(
    request: Request,
    db: DbDep,
    user: Runner,
    scheme: Annotated[str, Form()] = "most-2021",
    period: Annotated[str, Form()] = "",
):
    """Rank the zones of a zone period (the zone file's year, not an enterprise year) through the one recipe."""
    zone_reader(user)
    store = request.app.state.store

    def work():
        with store.write_lock:
            return run_rank(db, scheme, period.strip() or None)

    try:
        out = await run_in_threadpool(work)
    except RunError as exc:
        return render(request, "zones.html", zones_context(db, error=str(exc)), status_code=400)
    return RedirectResponse(f"/zones/runs/{out.run_id}?created={int(out.created)}", status_code=303)


def zone_run(db, run_id: str) -> dict:
    run = store_runs.find_run(db, run_id)
    if run is None or run["kind"] != "zone":
        raise HTTPException(404, "run not found")
    return run


def with_meta(rows: list[dict], meta: dict[str, dict]) -> list[dict]:
    return [{**meta.get(r["indicator"], {}), **r} for r in rows]


def interval_rows(payload: dict) -> list[dict]:
    """The home zone and up to NEIGHBOURS zones either side of it by nominal rank (all when no home zone)."""
    rob = payload.get("robustness") or {}
    zones = sorted(rob.get("zones") or [], key=lambda z: z["nominal"])
    focus = next((i for i, z in enumerate(zones) if z.get("is_focus")), None)
    if focus is None:
        return zones[: 2 * NEIGHBOURS + 1]
    return zones[max(0, focus - NEIGHBOURS) : focus + NEIGHBOURS + 1]


def interval_chart(rows: list[dict], top: int, _) -> dict:
    """Rank intervals 5–95 % (bars from p05 to p95 on a reversed rank axis) with the nominal rank as a dot."""
    names = [z["name"] for z in rows]
    low = [z["p05"] for z in rows]
    span = [z["p95"] - z["p05"] for z in rows]
    colors = ["#c62828" if z.get("is_focus") else "#3f6ea8" for z in rows]
    return {
        "animation": False,
        "textStyle": FONT,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 40, "top": 30, "bottom": 36, "containLabel": True},
        "legend": {"data": [_("名次区间 5–95%"), _("名次")], "top": 0},
        "xAxis": {
            "type": "value",
            "inverse": True,
            "name": _("名次"),
            "nameLocation": "middle",
            "nameGap": 24,
            "minInterval": 1,
            "min": max(1, min([*low, top]) - 2),
            "max": max([z["p95"] for z in rows] + [top]) + 2,
        },
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {
                "type": "bar",
                "stack": "r",
                "data": low,
                "itemStyle": {"color": "transparent"},
                "silent": True,
                "tooltip": {"show": False},
            },
            {
                "type": "bar",
                "stack": "r",
                "name": _("名次区间 5–95%"),
                "barMaxWidth": 14,
                "data": [{"value": s, "itemStyle": {"color": c}} for s, c in zip(span, colors, strict=True)],
            },
            {
                "type": "scatter",
                "name": _("名次"),
                "data": [z["nominal"] for z in rows],
                "symbolSize": 9,
                "itemStyle": {"color": "#12355b"},
            },
            {
                "type": "line",
                "data": [],
                "markLine": {
                    "symbol": "none",
                    "silent": True,
                    "data": [{"xAxis": top}],
                    "label": {
                        "formatter": _("前 {n} 名").replace("{n}", str(top)),
                        "position": "insideEndTop",
                    },
                    "lineStyle": {"color": "#ef8f00", "type": "dashed"},
                },
            },
        ],
    }


@router.get("/zones/runs/{run_id}")
def run_page(request: Request, db: DbDep, user: ZoneReader, run_id: str, created: int | None = None):
    run = zone_run(db, run_id)
    p = rank_payload(db, run)
    lang = request.state.lang
    from gaoxin.web.i18n import translate

    def _(t):
        return translate(t, lang)

    meta = {i["id"]: i for i in p["indicators"]}
    home = p.get("home")
    rows = interval_rows(p)
    rob = p.get("robustness") or {}
    charts = {"chart-intervals": interval_chart(rows, rob.get("top", 50), _)} if rows else {}
    return render(
        request,
        "zone_run.html",
        {
            "nav": "zones",
            "run": run,
            "p": p,
            "home": home,
            "weaknesses": with_meta(home["weaknesses"], meta) if home else [],
            "strengths": with_meta(home["strengths"], meta) if home else [],
            "intervals": rows,
            "rob": rob,
            "charts": charts,
            "created": created,
            "climb": None,
            "to_rank": max(1, (home["rank"] - 10) if home else 1),
        },
    )


@router.post("/zones/runs/{run_id}/climb", dependencies=[Csrf])
async def climb(
    request: Request,
    db: DbDep,
    user: ZoneReader,
    run_id: str,
    to_rank: Annotated[int, Form(ge=1, le=10_000)],
    max_change: Annotated[float, Form(gt=0, le=10)] = 0.5,
):
    """争先进位: the fewest improvements that move the home zone to rank K, re-ranked and checked."""
    run = zone_run(db, run_id)

    def work():
        return climb_zone(db, run["scheme_id"], None, to_rank, run["period"], max_change)

    try:
        answer, error = await run_in_threadpool(work), None
    except RunError as exc:
        answer, error = None, str(exc)
    return render(
        request,
        "_zone_climb.html",
        {"climb": answer, "error": error, "to_rank": to_rank, "run": run},
        status_code=200 if error is None else 400,
    )


@router.get("/zones/runs/{run_id}/top")
def top_redirect(run_id: str):
    return RedirectResponse(f"/zones/runs/{quote(run_id)}#top-lists", status_code=303)
